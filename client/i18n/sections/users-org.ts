/** Messages of one feature, kept apart from the main dictionaries; spread into zh-CN.ts and en.ts. */
export const usersOrgZhCN = {
  'usersOrg.col': '所属部门',
  'usersOrg.label': '所属部门',
  'usersOrg.none': '未指定部门',
  'usersOrg.clear': '不属于任何部门',
  'usersOrg.search': '搜索部门名称、代码或类别',
  'usersOrg.empty': '您的管辖范围内没有匹配的部门',
  'usersOrg.more': '只列出前 {count} 个，请输入关键字缩小范围',
  'usersOrg.hint': '“本部门待办”列出派给该部门的事件。',
  'usersOrg.required': '职能部门办理人必须选择所属部门。',
  'usersOrg.requiredMark': '必选',
  'usersOrg.unavailable': '部门列表加载失败：{message}',
} as const

export const usersOrgEn: Record<keyof typeof usersOrgZhCN, string> = {
  'usersOrg.col': 'Department',
  'usersOrg.label': 'Department',
  'usersOrg.none': 'No department',
  'usersOrg.clear': 'No department',
  'usersOrg.search': 'Search departments by name, code or kind',
  'usersOrg.empty': 'No matching department in your area',
  'usersOrg.more': 'Only the first {count} are listed: type to narrow',
  'usersOrg.hint': "“My department's to-do” lists the events dispatched to this department.",
  'usersOrg.required': 'A department handler needs a department.',
  'usersOrg.requiredMark': 'required',
  'usersOrg.unavailable': 'The departments could not be loaded: {message}',
}
