import type { Database } from '../../db/client.ts'
import { type OrgRef, orgByRef } from '../../db/queries/user-departments.queries.ts'
import type { RoleId } from '../../db/schema/access.ts'
import { type Area, WHOLE_CITY } from '../domain/area.ts'
import { AccessError } from './access-error.ts'

/**
 * The department (职能部门) a user works for (users.org_id): how the user admin (admin UI, admin
 * command, demo accounts) checks it. "My department's to-do" lists the events dispatched to it.
 */

/** The role whose work is a department's: it cannot be given without one. */
export const DEPARTMENT_ROLE: RoleId = 'department-handler'

/** A department as the forms and the command give it: an organisation id, or its code; null none. */
export type DepartmentRef = number | string | null

/**
 * A department id or code → the department, checked: it exists (and the caller's row-level
 * security shows it), it is a department (职能部门, with a department kind), and the area it
 * serves lies inside the actor's scope. null or '' → null (no department).
 */
export async function resolveDepartment(
  d: Database,
  ref: DepartmentRef,
  scope: Area = WHOLE_CITY,
): Promise<OrgRef | null> {
  if (ref === null || (typeof ref === 'string' && ref.trim() === '')) return null
  const text = String(ref).trim()
  const asId = /^\d{1,9}$/.test(text) ? Number(text) : null
  const org =
    (asId !== null ? await orgByRef(d, { id: asId }) : null) ??
    (typeof ref === 'string' ? await orgByRef(d, { code: text }) : null)
  if (!org)
    throw new AccessError(
      'unknown_org',
      `没有找到部门 "${text}"（不存在或不在您的辖区内）/ No department "${text}" in your area; give an organisation id or a department code (e.g. DEPT-CGJ-371002)`,
    )
  if (org.kind !== 'department' || org.departmentKind === null)
    throw new AccessError(
      'not_department',
      `${org.name}（${org.code}）不是职能部门 / ${org.code} "${org.name}" is not a department (职能部门)`,
    )
  if (scope.path !== '/' && !org.areaPath?.startsWith(scope.path))
    throw new AccessError(
      'outside_area',
      `部门 ${org.name}（${org.code}）服务的区域不在您的辖区内 / Department ${org.code} serves an area outside your area`,
    )
  return org
}

/**
 * A user's department must serve a part of the user's area, or an area containing it; otherwise
 * row-level security would hide every event of the department from the user.
 */
export function checkDepartmentArea(org: OrgRef, area: { path: string; name: string } | null) {
  if (!area || area.path === '/' || !org.areaPath) return
  if (area.path.startsWith(org.areaPath) || org.areaPath.startsWith(area.path)) return
  throw new AccessError(
    'bad_input',
    `部门 ${org.name} 服务的区域（${org.areaName ?? org.areaCode ?? '?'}）与用户的区域（${area.name}）不相交，用户将看不到本部门的事件 / Department ${org.code} serves ${org.areaCode ?? 'an area'} outside the user's area: the user would not see its events`,
  )
}

export function checkDepartmentRole(roles: readonly RoleId[], org: { id: number } | null) {
  if (org === null && roles.includes(DEPARTMENT_ROLE))
    throw new AccessError(
      'no_department',
      '职能部门办理人必须指定所属部门 / A department handler needs a department: choose the department the user works for',
    )
}
