import { type SQL, sql } from 'drizzle-orm'
import type { Database } from '../client.ts'

/**
 * The departments (职能部门) users work for (users.org_id): looking one up for the admin's checks,
 * the admin's picker, the demo handler's choice and the caller's own department. Area paths go
 * through grid_path_of() (it sees every grid), so a district caller still learns that a city
 * department serves more than its district; which organisations a caller sees at all is left to
 * row-level security.
 */

/** An organisation as the user admin checks it. */
export interface OrgRef {
  id: number
  code: string
  name: string
  kind: string
  /** null: not a department (a party, social or enterprise organisation). */
  departmentKind: string | null
  areaGridId: number | null
  /** The path of the area it serves ('/1/7/'), null without an area. */
  areaPath: string | null
  areaCode: string | null
  areaName: string | null
  /** 1 city, 2 district, 3 street (null without an area). */
  areaLevel: number | null
}

interface OrgRow {
  id: number
  code: string
  name: string
  kind: string
  department_kind: string | null
  area_grid_id: number | null
  area_path: string | null
  area_code: string | null
  area_name: string | null
  area_level: number | null
}

const orgColumns = sql`o.id, o.code, o.name, o.kind, o.department_kind, o.area_grid_id,
  grid_path_of(o.area_grid_id) AS area_path, g.code AS area_code, g.name AS area_name, g.level::int AS area_level`

const toOrg = (r: OrgRow): OrgRef => ({
  id: Number(r.id),
  code: r.code,
  name: r.name,
  kind: r.kind,
  departmentKind: r.department_kind,
  areaGridId: r.area_grid_id === null ? null : Number(r.area_grid_id),
  areaPath: r.area_path,
  areaCode: r.area_code,
  areaName: r.area_name,
  areaLevel: r.area_level === null ? null : Number(r.area_level),
})

/** One organisation by id or by code (any kind; the caller checks it is a department). */
export async function orgByRef(d: Database, ref: { id: number } | { code: string }): Promise<OrgRef | null> {
  const cond = 'id' in ref ? sql`o.id = ${ref.id}` : sql`o.code = ${ref.code}`
  const [r] = await d.rows<OrgRow>(
    sql`SELECT ${orgColumns} FROM organisations o LEFT JOIN grids g ON g.id = o.area_grid_id WHERE ${cond}`,
  )
  return r ? toOrg(r) : null
}

/**
 * Departments serving an area inside `path` ('/' the whole city), for the admin's picker: the
 * city's first, then districts, then streets; `q` matches name, code or kind. With `overlapping`
 * (a user's area path), only those whose area contains it or lies in it.
 */
export async function departmentsUnder(
  d: Database,
  path: string,
  opts: { q?: string; limit: number; overlapping?: string },
): Promise<OrgRef[]> {
  const q = opts.q?.trim() ?? ''
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const match: SQL = q
    ? sql`AND (o.name ILIKE ${like} OR o.code ILIKE ${like} OR o.department_kind ILIKE ${like} OR g.name ILIKE ${like})`
    : sql``
  const ap = sql`grid_path_of(o.area_grid_id)`
  const overlap: SQL =
    opts.overlapping && opts.overlapping !== '/'
      ? sql`AND (${opts.overlapping} LIKE ${ap} || '%' OR ${ap} LIKE ${`${opts.overlapping}%`})`
      : sql``
  const rows = await d.rows<OrgRow>(sql`
    SELECT ${orgColumns} FROM organisations o LEFT JOIN grids g ON g.id = o.area_grid_id
    WHERE o.kind = 'department' AND o.department_kind IS NOT NULL
      AND coalesce(${ap}, '') LIKE ${`${path}%`} ${match} ${overlap}
    ORDER BY length(coalesce(grid_path_of(o.area_grid_id), '')), g.code, o.name, o.id
    LIMIT ${opts.limit}`)
  return rows.map(toOrg)
}

/**
 * The department with the most open events dispatched to it (dispatched, signed or in progress,
 * as "my department's to-do" counts them) among those serving `path` — whose area contains it:
 * the city's departments and, for a district, that district's; ties by id. Null when none does.
 */
export async function busiestDepartmentServing(d: Database, path: string): Promise<OrgRef | null> {
  const [r] = await d.rows<OrgRow>(sql`
    SELECT ${orgColumns} FROM organisations o LEFT JOIN grids g ON g.id = o.area_grid_id
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS n FROM events e
      WHERE e.department_id = o.id AND e.duplicate_of IS NULL
        AND e.status IN ('dispatched', 'signed', 'in_progress')
    ) open ON true
    WHERE o.kind = 'department' AND o.department_kind IS NOT NULL AND o.area_grid_id IS NOT NULL
      AND ${path} LIKE grid_path_of(o.area_grid_id) || '%'
    ORDER BY open.n DESC, o.id
    LIMIT 1`)
  return r ? toOrg(r) : null
}

/** The department of a user (users.org_id): id and name, or null (none, or not visible). */
export async function userDepartment(
  d: Database,
  userId: number,
): Promise<{ id: number; name: string } | null> {
  const [r] = await d.rows<{ id: number; name: string | null }>(
    sql`SELECT u.org_id AS id, o.name FROM users u LEFT JOIN organisations o ON o.id = u.org_id
        WHERE u.id = ${userId} AND u.org_id IS NOT NULL`,
  )
  return r ? { id: Number(r.id), name: r.name ?? '' } : null
}
