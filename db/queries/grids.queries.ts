import { sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { Database } from '../client.ts'

/** A node of the grid hierarchy as lists and the tree show it. */
export interface GridNode {
  id: number
  code: string
  name: string
  level: number
  kind: string
  childCount: number
  bbox: [number, number, number, number]
  center: [number, number]
}

export interface GridDetail extends GridNode {
  parentId: number | null
  path: string
  ancestors: { id: number; code: string; name: string; level: number }[]
  geometry: GeoJSON.MultiPolygon
  areaM2: number
  version: number
  validFrom: string
  counts: { people: number; places: number; things: number; events: number; orgs: number }
}

const nodeColumns = sql`g.id, g.code, g.name, g.level, g.kind,
  (SELECT count(*)::int FROM grids c WHERE c.parent_id = g.id) AS child_count,
  ST_XMin(g.geom::box2d) AS w, ST_YMin(g.geom::box2d) AS s, ST_XMax(g.geom::box2d) AS e, ST_YMax(g.geom::box2d) AS n,
  ST_X(g.label_point) AS cx, ST_Y(g.label_point) AS cy`

interface NodeRow {
  id: number
  code: string
  name: string
  level: number
  kind: string
  child_count: number
  w: number
  s: number
  e: number
  n: number
  cx: number
  cy: number
}

const toNode = (r: NodeRow): GridNode => ({
  id: Number(r.id),
  code: r.code,
  name: r.name,
  level: Number(r.level),
  kind: r.kind,
  childCount: Number(r.child_count),
  bbox: [Number(r.w), Number(r.s), Number(r.e), Number(r.n)],
  center: [Number(r.cx), Number(r.cy)],
})

/** Inside the caller's area: the grid's path starts with the area's path. */
const inArea = (area: Area) => sql`g.path LIKE ${`${area.path}%`}`

/**
 * The areas directly under `parentId`, or the top of the caller's area when parentId is null.
 * A parent outside the area yields nothing.
 */
export async function gridChildren(d: Database, area: Area, parentId: number | null): Promise<GridNode[]> {
  const where =
    parentId === null
      ? area.gridId === null
        ? sql`g.parent_id IS NULL`
        : sql`g.id = ${area.gridId}`
      : sql`g.parent_id = ${parentId} AND ${inArea(area)}
          AND EXISTS (SELECT 1 FROM grids p WHERE p.id = ${parentId} AND p.path LIKE ${`${area.path}%`})`
  const rows = await d.rows<NodeRow>(sql`SELECT ${nodeColumns} FROM grids g WHERE ${where} ORDER BY g.code`)
  return rows.map(toNode)
}

/** One area by id or code, with its geometry and the counts of elements in its subtree. */
export async function gridGet(
  d: Database,
  area: Area,
  key: { id: number } | { code: string },
): Promise<GridDetail | null> {
  const match = 'id' in key ? sql`g.id = ${key.id}` : sql`g.code = ${key.code}`
  const [r] = await d.rows<
    NodeRow & {
      parent_id: number | null
      path: string
      geometry: string
      area_m2: number
      version: number
      valid_from: string
    }
  >(
    sql`SELECT ${nodeColumns}, g.parent_id, g.path, ST_AsGeoJSON(g.geom, 7) AS geometry, g.area_m2, g.version, g.valid_from
        FROM grids g WHERE ${match} AND ${inArea(area)}`,
  )
  if (!r) return null
  const ancestorIds = r.path
    .split('/')
    .filter(Boolean)
    .map(Number)
    .filter((id) => id !== Number(r.id))
  const ancestors = ancestorIds.length
    ? await d.rows<{ id: number; code: string; name: string; level: number }>(
        sql`SELECT id, code, name, level FROM grids WHERE id IN ${sql`(${sql.join(
          ancestorIds.map((id) => sql`${id}`),
          sql`, `,
        )})`} ORDER BY level`,
      )
    : []
  const subtree = sql`(SELECT id FROM grids WHERE path LIKE ${`${r.path}%`})`
  const [c] = await d.rows<Record<'people' | 'places' | 'things' | 'events' | 'orgs', number>>(sql`SELECT
      (SELECT count(*)::int FROM people WHERE grid_id IN ${subtree}) AS people,
      (SELECT count(*)::int FROM buildings WHERE grid_id IN ${subtree})
        + (SELECT count(*)::int FROM compounds WHERE grid_id IN ${subtree})
        + (SELECT count(*)::int FROM public_places WHERE grid_id IN ${subtree}) AS places,
      (SELECT count(*)::int FROM things WHERE grid_id IN ${subtree}) AS things,
      (SELECT count(*)::int FROM events WHERE grid_id IN ${subtree}) AS events,
      (SELECT count(*)::int FROM organisations WHERE grid_id IN ${subtree} OR area_grid_id IN ${subtree}) AS orgs`)
  return {
    ...toNode(r),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    path: r.path,
    ancestors: ancestors.map((a) => ({
      id: Number(a.id),
      code: a.code,
      name: a.name,
      level: Number(a.level),
    })),
    geometry: JSON.parse(r.geometry) as GeoJSON.MultiPolygon,
    areaM2: Number(r.area_m2),
    version: Number(r.version),
    validFrom: new Date(r.valid_from).toISOString(),
    counts: {
      people: Number(c?.people ?? 0),
      places: Number(c?.places ?? 0),
      things: Number(c?.things ?? 0),
      events: Number(c?.events ?? 0),
      orgs: Number(c?.orgs ?? 0),
    },
  }
}

/** Areas by name (contains) or code (prefix), within the caller's area; higher levels first. */
export async function gridSearch(
  d: Database,
  area: Area,
  q: string,
  limit: number,
): Promise<(GridNode & { parentName: string | null })[]> {
  const text = q.trim()
  if (!text) return []
  const like = `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`
  const prefix = `${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`
  const rows = await d.rows<NodeRow & { parent_name: string | null }>(
    sql`SELECT ${nodeColumns}, p.name AS parent_name FROM grids g LEFT JOIN grids p ON p.id = g.parent_id
        WHERE (g.name LIKE ${like} OR g.code LIKE ${prefix}) AND ${inArea(area)}
        ORDER BY g.level, length(g.name), g.code LIMIT ${limit}`,
  )
  return rows.map((r) => ({ ...toNode(r), parentName: r.parent_name }))
}
