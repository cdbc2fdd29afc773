-- Row-level security: every user sees only their own area and what lies under it.
-- Requests run in a transaction as the role yiwang_app (SET LOCAL ROLE), which owns nothing and
-- cannot bypass RLS, with the caller's area path in the transaction-local setting yiwang.area.
-- An empty or missing setting means no access: a pooled connection that once had the setting
-- reads '' afterwards, and '' LIKE-matches everything, so the setting goes through nullif().
-- The role that runs migrations (the owner) keeps a policy of its own for maintenance: seeding,
-- imports and the triggers' upkeep.
DO $$
BEGIN
  CREATE ROLE yiwang_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO yiwang_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO yiwang_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO yiwang_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO yiwang_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO yiwang_app;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT yiwang_app TO %I', current_user);
EXCEPTION WHEN others THEN NULL; -- already a member, or a superuser (who needs no grant)
END $$;
--> statement-breakpoint
-- The caller's area path ('/1/7/'), or NULL when none is set: NULL matches nothing.
CREATE OR REPLACE FUNCTION caller_area() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(current_setting('yiwang.area', true), '')
$$;
--> statement-breakpoint
-- The path of any grid, for policies that look above the caller's area (RLS hides those rows).
CREATE OR REPLACE FUNCTION grid_path_of(grid integer) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
SECURITY DEFINER SET search_path = public AS $$
  SELECT path FROM grids WHERE id = grid
$$;
--> statement-breakpoint
-- Placing an element must see every grid, whoever writes it; the row's own policy then decides
-- whether the caller may write an element in that grid.
ALTER FUNCTION grid_at(geometry) SECURITY DEFINER;
--> statement-breakpoint
ALTER FUNCTION grid_at(geometry) SET search_path = public;
--> statement-breakpoint
ALTER TABLE grids ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE grids FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY grids_area ON grids TO yiwang_app USING (path LIKE caller_area() || '%') WITH CHECK (path LIKE caller_area() || '%');
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY grids_owner ON grids TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE grid_history ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE grid_history FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY grid_history_area ON grid_history TO yiwang_app USING (grid_id IN (SELECT id FROM grids)) WITH CHECK (grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY grid_history_owner ON grid_history TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE addresses ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE addresses FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY addresses_area ON addresses TO yiwang_app
  USING (caller_area() = '/' OR grid_id IN (SELECT id FROM grids))
  WITH CHECK (caller_area() = '/' OR grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY addresses_owner ON addresses TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE compounds ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE compounds FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY compounds_area ON compounds TO yiwang_app
  USING (caller_area() = '/' OR grid_id IN (SELECT id FROM grids))
  WITH CHECK (caller_area() = '/' OR grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY compounds_owner ON compounds TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE buildings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE buildings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY buildings_area ON buildings TO yiwang_app
  USING (caller_area() = '/' OR grid_id IN (SELECT id FROM grids))
  WITH CHECK (caller_area() = '/' OR grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY buildings_owner ON buildings TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE public_places ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE public_places FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY public_places_area ON public_places TO yiwang_app
  USING (caller_area() = '/' OR grid_id IN (SELECT id FROM grids))
  WITH CHECK (caller_area() = '/' OR grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY public_places_owner ON public_places TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE households ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE households FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY households_area ON households TO yiwang_app
  USING (caller_area() = '/' OR grid_id IN (SELECT id FROM grids))
  WITH CHECK (caller_area() = '/' OR grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY households_owner ON households TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE people ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE people FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY people_area ON people TO yiwang_app
  USING (caller_area() = '/' OR grid_id IN (SELECT id FROM grids))
  WITH CHECK (caller_area() = '/' OR grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY people_owner ON people TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE things ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE things FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY things_area ON things TO yiwang_app
  USING (caller_area() = '/' OR grid_id IN (SELECT id FROM grids))
  WITH CHECK (caller_area() = '/' OR grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY things_owner ON things TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY events_area ON events TO yiwang_app
  USING (caller_area() = '/' OR grid_id IN (SELECT id FROM grids))
  WITH CHECK (caller_area() = '/' OR grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY events_owner ON events TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE organisations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE organisations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Organisations: those located in the area, departments serving it or a part of it, and the
-- departments above that serve it (a district sees the city's departments it dispatches to).
CREATE POLICY organisations_area ON organisations TO yiwang_app
  USING (
    caller_area() = '/'
    OR grid_id IN (SELECT id FROM grids)
    OR area_grid_id IN (SELECT id FROM grids)
    OR (kind = 'department' AND caller_area() LIKE grid_path_of(area_grid_id) || '%')
  )
  WITH CHECK (caller_area() = '/' OR grid_id IN (SELECT id FROM grids) OR area_grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY organisations_owner ON organisations TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE event_actions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE event_actions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY event_actions_area ON event_actions TO yiwang_app USING (event_id IN (SELECT id FROM events)) WITH CHECK (event_id IN (SELECT id FROM events));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY event_actions_owner ON event_actions TO %I USING (true) WITH CHECK (true)', current_user); END $$;
