import { sql } from 'drizzle-orm'
import { z } from 'zod'
import { requirePermission } from '../auth/procedures.ts'
import { router } from '../trpc.ts'

/** One department a dispatcher can send an event to or summon with the whistle. */
export interface DepartmentItem {
  id: number
  name: string
  /** The kind the responsibility list names (城管局, 综合执法队 …). */
  departmentKind: string | null
  /** Level of the area it serves: 1 city, 2 district, 3 street. */
  areaLevel: number | null
  /** The area's name, when the caller may see that area (a district caller does not see the city). */
  areaName: string | null
}

/**
 * The departments (职能部门) visible to the caller, for the workbench's dispatch and whistle
 * pickers: with `eventId`, only those serving the event's place (its city, district and street);
 * otherwise every department the caller's scope shows (row-level security decides: the
 * departments serving the caller's area or a part of it, and those above that serve it).
 */
export const departmentsRouter = router({
  list: requirePermission('events.read')
    .input(
      z
        .object({ eventId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() })
        .strict()
        .default({}),
    )
    .query(async ({ ctx, input }): Promise<DepartmentItem[]> => {
      const near =
        input.eventId === undefined
          ? sql``
          : sql`AND EXISTS (
              SELECT 1 FROM events e JOIN grids eg ON eg.id = e.grid_id
              WHERE e.id = ${input.eventId} AND eg.path LIKE grid_path_of(o.area_grid_id) || '%')`
      const rows = await ctx.db.rows<{
        id: number
        name: string
        department_kind: string | null
        area_path: string | null
        area_name: string | null
      }>(sql`
        SELECT o.id, o.name, o.department_kind, grid_path_of(o.area_grid_id) AS area_path, g.name AS area_name
        FROM organisations o LEFT JOIN grids g ON g.id = o.area_grid_id
        WHERE o.kind = 'department' ${near}
        ORDER BY length(coalesce(grid_path_of(o.area_grid_id), '')), grid_path_of(o.area_grid_id), o.name, o.id
        LIMIT 3000`)
      return rows.map((r) => ({
        id: Number(r.id),
        name: r.name,
        departmentKind: r.department_kind,
        // '/1/7/' is level 2: one id a level.
        areaLevel: r.area_path ? r.area_path.split('/').filter(Boolean).length : null,
        areaName: r.area_name,
      }))
    }),
})

/**
 * The router as the client sees it once it is mounted as `departments` in appRouter; lets the
 * client type its calls (`departments.list`) before that happens.
 */
export const departmentsApi = router({ departments: departmentsRouter })
export type DepartmentsApi = typeof departmentsApi
