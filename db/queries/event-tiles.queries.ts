import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { EventSource, EventStatus } from '../schema/events.ts'
import {
  areaCells,
  areaJoin,
  COUNTED_MAX_ZOOM,
  cellOfCount,
  cellOfKey,
  inCountedTile,
  inTile,
  pointFromGeom,
  pointFromKey,
  type SourceLayer,
  type TileAddress,
} from './tile-render.queries.ts'

/** Event filters, parsed (server/tiles/layers.ts) before they get here. */
export interface EventFilters {
  /** Category codes of any level: the category and everything below it. */
  category?: string[]
  status?: EventStatus[]
  source?: EventSource[]
  /** ISO instants: reported_at ≥ from, < to. */
  from?: string
  to?: string
  overdue?: boolean
}

/** Past its due time and not closed (docs/layers.md). */
// A paused or unrouted event has no due_at: not overdue (false, never NULL: the tile carries 0).
const OVERDUE = sql.raw(
  `(coalesce(e.due_at < now(), false) AND e.status NOT IN ('resolved', 'followed_up', 'archived'))`,
)

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )

/**
 * The filters as conditions on `e` (events), every value a parameter: shared by the tiles, the
 * binary points (server/http/points.ts) and the layer panel's counts (map.counts).
 */
export function eventFilterConditions(f: EventFilters): SQL[] {
  const conds: SQL[] = []
  if (f.category?.length)
    conds.push(sql`e.category_id IN (WITH RECURSIVE sub(id) AS (
        SELECT id FROM categories WHERE code IN (${list(f.category)})
        UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)
      SELECT id FROM sub)`)
  if (f.status?.length) conds.push(sql`e.status IN (${list(f.status)})`)
  if (f.source?.length) conds.push(sql`e.source IN (${list(f.source)})`)
  if (f.from) conds.push(sql`e.reported_at >= ${f.from}::timestamptz`)
  if (f.to) conds.push(sql`e.reported_at < ${f.to}::timestamptz`)
  if (f.overdue) conds.push(OVERDUE)
  return conds
}

function eventWhere(t: TileAddress, f: EventFilters): SQL {
  return sql.join([inTile(sql.raw('e.tile_key'), t), ...eventFilterConditions(f)], sql` AND `)
}

/** Filters that cell_counts can answer: none, or only `overdue`. */
const counted = (t: TileAddress, f: EventFilters) =>
  t.z <= COUNTED_MAX_ZOOM && !f.category && !f.status && !f.source && !f.from && !f.to

/**
 * `event_cells`: events per cell, with how many of them are overdue. Up to z12 without filters
 * (or only `overdue`) from cell_counts; otherwise counted from the tile-key index (or, for a time
 * window, the reported-time index: the planner picks the narrower).
 */
export function eventCells(t: TileAddress, area: Area, f: EventFilters): SourceLayer {
  const props = { n: 'int', overdue: 'int' } as const
  if (counted(t, f)) {
    const n = f.overdue ? 'cc.extra' : 'cc.n'
    return areaCells(
      'event_cells',
      sql`SELECT ${cellOfCount(t)} AS c, cc.grid_id, sum(${sql.raw(n)}) AS n, sum(cc.extra) AS overdue
        FROM cell_counts cc WHERE cc.layer = 'events' AND ${inCountedTile(t)} ${f.overdue ? sql`AND cc.extra > 0` : sql``}
        GROUP BY 1, 2`,
      props,
      area,
    )
  }
  return areaCells(
    'event_cells',
    sql`SELECT ${cellOfKey('e.tile_key', t)} AS c, e.grid_id, count(*) AS n, count(*) FILTER (WHERE ${OVERDUE}) AS overdue
      FROM events e WHERE ${eventWhere(t, f)} GROUP BY 1, 2`,
    props,
    area,
  )
}

/**
 * `events`: one point per event with its level-1 and leaf category codes, status, source,
 * priority, overdue flag and reported time (Unix seconds). Read from the covering tile-key index
 * (position from the key up to z14; from the geometry above).
 */
export function eventPoints(t: TileAddress, area: Area, f: EventFilters): SourceLayer {
  const pos = pointFromKey('e.tile_key', t) ?? pointFromGeom(sql.raw('e.geom'), t)
  return {
    name: 'events',
    geometry: 'point',
    id: true,
    props: {
      id: 'int',
      cat1: 'text',
      cat: 'text',
      status: 'text',
      source: 'text',
      priority: 'int',
      overdue: 'int',
      t: 'int',
    },
    sql: sql`SELECT ${pos.px} AS px, ${pos.py} AS py, e.id AS fid, e.id, coalesce(c2.code, c1.code, c.code) AS cat1,
        c.code AS cat, e.status, e.source, e.priority::int AS priority, ${OVERDUE}::int AS overdue,
        extract(epoch FROM e.reported_at)::bigint AS t
      FROM events e ${areaJoin(sql.raw('e.grid_id'), area)}
      LEFT JOIN categories c ON c.id = e.category_id
      LEFT JOIN categories c1 ON c1.id = c.parent_id
      LEFT JOIN categories c2 ON c2.id = c1.parent_id
      WHERE ${eventWhere(t, f)}`,
  }
}
