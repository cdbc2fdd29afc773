import type { RoleId } from '../../db/schema/access.ts'

export type { RoleId }

/**
 * The roles, in the order the administration page offers them (the server's ROLE_IDS; copied so
 * the client bundle does not pull in the schema, and checked against it by the type).
 */
export const ROLE_IDS = [
  'city-leader',
  'district-leader',
  'street-leader',
  'dispatcher',
  'department-handler',
  'grid-worker',
  'planner',
  'auditor',
  'admin',
] as const satisfies readonly RoleId[]

type MissingRole = Exclude<RoleId, (typeof ROLE_IDS)[number]>
// A role added on the server and not here is a type error.
const _allRoles: MissingRole extends never ? true : false = true
void _allRoles

export function isRoleId(value: unknown): value is RoleId {
  return typeof value === 'string' && (ROLE_IDS as readonly string[]).includes(value)
}

/** Roles in the canonical order, duplicates dropped. */
export function sortRoles<T extends string>(roles: readonly T[]): T[] {
  const rank = (role: string) => {
    const i = (ROLE_IDS as readonly string[]).indexOf(role)
    return i === -1 ? ROLE_IDS.length : i
  }
  return [...new Set(roles)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}
