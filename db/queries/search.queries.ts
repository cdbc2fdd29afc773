import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { Database } from '../client.ts'

/**
 * One search box for the whole map (一张图搜索): addresses, buildings, compounds, public places,
 * organisations and events by text or id, each inside the caller's area, each with a place to fly
 * to. Grids and people have their own query functions (grids.queries, people.queries).
 */

export const SEARCH_KINDS = ['address', 'building', 'compound', 'place', 'org', 'event'] as const
export type SearchKind = (typeof SEARCH_KINDS)[number]

export interface SearchHit {
  kind: SearchKind
  id: number
  /** What the hit is called (address text, building name, event title …). */
  label: string
  /** A second line: the grid, the kind, the status. */
  detail: string | null
  /** Where to fly to: [lon, lat]. */
  center: [number, number]
  /** The layer of the map that shows it, for the detail panel. */
  layer: 'places' | 'orgs' | 'events'
}

interface Row {
  id: string | number
  label: string
  detail: string | null
  x: number
  y: number
}

/** `%`, `_` and `\` are literal. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

function hits(rows: Row[], kind: SearchKind, layer: SearchHit['layer']): SearchHit[] {
  return rows.map((r) => ({
    kind,
    id: Number(r.id),
    label: r.label,
    detail: r.detail,
    center: [Number(r.x), Number(r.y)],
    layer,
  }))
}

/**
 * Text matches of one table, shortest (closest) first among the first 200 found: trigram indexes
 * find `%q%` for three characters or more; the cap keeps a common word (a road name on thousands
 * of addresses) from sorting them all.
 */
async function byText(
  d: Database,
  area: Area,
  q: string,
  limit: number,
  from: SQL,
  label: SQL,
  detail: SQL,
): Promise<Row[]> {
  const like = `%${likeEscape(q)}%`
  return d.rows<Row>(sql`SELECT * FROM (
      SELECT t.id, ${label} AS label, ${detail} AS detail, ST_X(t.geom) AS x, ST_Y(t.geom) AS y
      ${from} JOIN grids g ON g.id = t.grid_id
      WHERE ${label} LIKE ${like} AND t.geom IS NOT NULL AND g.path LIKE ${`${area.path}%`}
      LIMIT 200) m
    ORDER BY length(m.label), m.id LIMIT ${limit}`)
}

/** Everything but grids and people matching `q`, at most `limit` of each kind. */
export async function searchMap(d: Database, area: Area, q: string, limit: number): Promise<SearchHit[]> {
  const text = q.trim()
  if (!text) return []
  const out: SearchHit[] = []
  // An event by its number, or by its id in the source system (工单号).
  if (/^\d{1,15}$/.test(text) || /^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/.test(text)) {
    const byId = /^\d{1,15}$/.test(text) ? sql`e.id = ${Number(text)}` : sql`FALSE`
    const rows = await d.rows<Row>(sql`SELECT e.id, e.title AS label,
        concat_ws(' · ', e.external_id, g.name) AS detail, ST_X(e.geom) AS x, ST_Y(e.geom) AS y
      FROM events e JOIN grids g ON g.id = e.grid_id
      WHERE (${byId} OR e.external_id = ${text}) AND g.path LIKE ${`${area.path}%`}
      ORDER BY e.id LIMIT ${limit}`)
    out.push(...hits(rows, 'event', 'events'))
  }
  const chars = [...text].length
  if (chars < 2) return out
  // Addresses and buildings (a million each at city scale) need three characters: the trigram
  // indexes find nothing shorter, and a scan of them for two would take a second.
  const long = chars >= 3
  const none = Promise.resolve([] as Row[])
  const [addresses, buildings, compounds, places, orgs] = await Promise.all([
    long ? byText(d, area, text, limit, sql`FROM addresses t`, sql`t.full_text`, sql`g.name`) : none,
    long ? byText(d, area, text, limit, sql`FROM buildings t`, sql`t.name`, sql`g.name`) : none,
    byText(d, area, text, limit, sql`FROM compounds t`, sql`t.name`, sql`g.name`),
    byText(
      d,
      area,
      text,
      limit,
      sql`FROM public_places t`,
      sql`t.name`,
      sql`concat_ws(' · ', t.kind, g.name)`,
    ),
    byText(
      d,
      area,
      text,
      limit,
      sql`FROM organisations t`,
      sql`t.name`,
      sql`concat_ws(' · ', t.kind, g.name)`,
    ),
  ])
  out.push(
    ...hits(addresses, 'address', 'places'),
    ...hits(buildings, 'building', 'places'),
    ...hits(compounds, 'compound', 'places'),
    ...hits(places, 'place', 'places'),
    ...hits(orgs, 'org', 'orgs'),
  )
  return out
}
