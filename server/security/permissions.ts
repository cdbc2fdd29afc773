import type { RoleId } from '../../db/schema/access.ts'

/**
 * What each role may do. Procedures and routes declare the permission they need; a caller without
 * it gets FORBIDDEN. Area scoping is separate and always applies: a permission never reaches
 * beyond the caller's area.
 */
export const PERMISSIONS = [
  'map.read', // grids, tiles, element counts
  'people.read', // residents, masked
  'people.tags', // vulnerable-group tags (独居老人, 残疾人, 低保 …)
  'people.unmask', // full ID number / phone of one person, with a stated reason (audited)
  'events.read',
  'events.write', // intake, dispatch, handling
  'grids.edit', // boundaries (planners)
  'export', // downloads of lists and data (audited)
  'audit.read',
  'users.manage', // users, roles, areas, tokens
] as const
export type Permission = (typeof PERMISSIONS)[number]

const ALL: readonly Permission[] = PERMISSIONS

export const ROLE_PERMISSIONS: Record<RoleId, readonly Permission[]> = {
  'city-leader': ['map.read', 'people.read', 'people.tags', 'events.read', 'export'],
  'district-leader': ['map.read', 'people.read', 'people.tags', 'events.read', 'export'],
  'street-leader': [
    'map.read',
    'people.read',
    'people.tags',
    'people.unmask',
    'events.read',
    'events.write',
    'export',
  ],
  dispatcher: ['map.read', 'people.read', 'events.read', 'events.write'],
  'department-handler': ['map.read', 'events.read', 'events.write'],
  'grid-worker': ['map.read', 'people.read', 'people.tags', 'people.unmask', 'events.read', 'events.write'],
  planner: ['map.read', 'grids.edit', 'export'],
  auditor: ['map.read', 'audit.read'],
  admin: ALL.filter((p) => p !== 'people.unmask' && p !== 'people.tags'),
}

export function permissionsOf(roles: readonly RoleId[]): Set<Permission> {
  const out = new Set<Permission>()
  for (const r of roles) for (const p of ROLE_PERMISSIONS[r] ?? []) out.add(p)
  return out
}
