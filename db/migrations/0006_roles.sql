-- The roles of the three-level platform (三级平台); ids are used by the admin command.
INSERT INTO roles (id, name_zh, name_en) VALUES
  ('city-leader', '市级领导', 'City leader'),
  ('district-leader', '区级领导', 'District leader'),
  ('street-leader', '街道领导', 'Street leader'),
  ('dispatcher', '派单员', 'Dispatcher'),
  ('department-handler', '职能部门办理人', 'Department handler'),
  ('grid-worker', '网格员', 'Grid worker'),
  ('planner', '网格规划员', 'Planner'),
  ('auditor', '审计员', 'Auditor'),
  ('admin', '系统管理员', 'Administrator')
ON CONFLICT (id) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en;
