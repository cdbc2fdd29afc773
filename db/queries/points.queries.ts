import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { Database } from '../client.ts'
import { type EventFilters, eventFilterConditions } from './event-tiles.queries.ts'
import { pgNumberArray } from './loop.queries.ts'

const CLOSED = sql`('resolved', 'followed_up', 'archived')`

/** The WHERE conditions of an events filter on `e` (events) inside `area` (joined as `g`). */
export function eventWhere(area: Area, f: EventFilters): SQL {
  return sql.join([sql`g.path LIKE ${`${area.path}%`}`, ...eventFilterConditions(f)], sql` AND `)
}

export interface EventPoints {
  count: number
  /** lon, lat interleaved */
  positions: Float32Array
  /** index of the level-1 category in code order; 255 none */
  cat1: Uint8Array
  /** bit 0 overdue, bit 1 open */
  flags: Uint8Array
  truncated: boolean
}

/**
 * Every event matching `f` in the caller's area as packed arrays, for drawing millions of points
 * at once (deck.gl). At most `max`; `truncated` says when more matched.
 */
export async function eventPoints(
  d: Database,
  area: Area,
  f: EventFilters,
  max: number,
): Promise<EventPoints> {
  const rows = await d.rows<{
    x: number[] | string
    y: number[] | string
    c: number[] | string
    f: number[] | string
    n: number
  }>(sql`
    WITH l1 AS (SELECT code, (row_number() OVER (ORDER BY code) - 1)::int AS i FROM categories WHERE level = 1),
    m AS (
      SELECT ST_X(e.geom)::float4 AS x, ST_Y(e.geom)::float4 AS y,
        coalesce((SELECT l1.i FROM categories c JOIN l1 ON c.code LIKE l1.code || '%' WHERE c.id = e.category_id), 255) AS c,
        ((CASE WHEN e.due_at < now() AND e.status NOT IN ${CLOSED} THEN 1 ELSE 0 END)
          | (CASE WHEN e.status NOT IN ${CLOSED} THEN 2 ELSE 0 END)) AS f
      FROM events e JOIN grids g ON g.id = e.grid_id
      WHERE ${eventWhere(area, f)}
      LIMIT ${max + 1})
    SELECT array_agg(x) AS x, array_agg(y) AS y, array_agg(c) AS c, array_agg(f) AS f, count(*)::int AS n FROM m`)
  const r = rows[0]
  const arr = pgNumberArray
  const xs = arr(r?.x)
  const ys = arr(r?.y)
  const cs = arr(r?.c)
  const fs = arr(r?.f)
  const n = Math.min(xs.length, max)
  const positions = new Float32Array(n * 2)
  const cat1 = new Uint8Array(n)
  const flags = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    positions[2 * i] = xs[i]!
    positions[2 * i + 1] = ys[i]!
    cat1[i] = cs[i]!
    flags[i] = fs[i]!
  }
  return { count: n, positions, cat1, flags, truncated: xs.length > max }
}
