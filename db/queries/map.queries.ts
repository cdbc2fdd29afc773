import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { Database } from '../client.ts'
import type { EventFilters } from './event-tiles.queries.ts'
import { eventWhere } from './points.queries.ts'

/** A category of the 3-level taxonomy (诉求分类) as the layer panel's tree shows it. */
export interface CategoryNode {
  id: number
  code: string
  name: string
  level: number
  parentCode: string | null
}

/** The whole taxonomy, in code order (level-1 codes first come first). */
export async function categoryTree(d: Database): Promise<CategoryNode[]> {
  const rows = await d.rows<{
    id: number
    code: string
    name: string
    level: number
    parent_code: string | null
  }>(
    sql`SELECT c.id, c.code, c.name, c.level, p.code AS parent_code
      FROM categories c LEFT JOIN categories p ON p.id = c.parent_id ORDER BY c.code`,
  )
  return rows.map((r) => ({
    id: Number(r.id),
    code: r.code,
    name: r.name,
    level: Number(r.level),
    parentCode: r.parent_code,
  }))
}

/** When the caller's events begin and end (reported_at), or nulls when there are none. */
export async function eventTimeExtent(
  d: Database,
  area: Area,
): Promise<{ from: string | null; to: string | null }> {
  const inArea = sql`EXISTS (SELECT 1 FROM grids g WHERE g.id = e.grid_id AND g.path LIKE ${`${area.path}%`})`
  const [first] = await d.rows<{ at: string }>(
    sql`SELECT e.reported_at AS at FROM events e WHERE ${inArea} ORDER BY e.reported_at LIMIT 1`,
  )
  const [last] = await d.rows<{ at: string }>(
    sql`SELECT e.reported_at AS at FROM events e WHERE ${inArea} ORDER BY e.reported_at DESC LIMIT 1`,
  )
  const iso = (v: string | undefined) => (v === undefined ? null : new Date(v).toISOString())
  return { from: iso(first?.at), to: iso(last?.at) }
}

/** Counts of the layer panel stop here: beyond, the panel says "100,000+". */
export const COUNT_CAP = 100_000

export interface LayerCountFilters {
  people?: { tag?: string | undefined } | undefined
  places?: Record<string, never> | undefined
  things?: { kind?: string[] | undefined; status?: string[] | undefined } | undefined
  events?: EventFilters | undefined
  orgs?: { kind?: string[] | undefined } | undefined
}

export interface Count {
  n: number
  /** true when there are more than COUNT_CAP (n is then COUNT_CAP). */
  capped: boolean
}

export type LayerCounts = Partial<
  Record<'people' | 'buildings' | 'compounds' | 'places' | 'things' | 'events' | 'orgs', Count>
>

const inList = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )

/** How many elements of each asked-for layer lie in `bbox` ([w, s, e, n]) and the caller's area. */
export async function layerCounts(
  d: Database,
  area: Area,
  bbox: readonly [number, number, number, number],
  layers: LayerCountFilters,
): Promise<LayerCounts> {
  const [w, s, e, n] = bbox
  const box = sql`ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)`
  const inArea = sql`g.path LIKE ${`${area.path}%`}`
  const capped = async (table: SQL, where: SQL): Promise<Count> => {
    const [r] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM (
      SELECT 1 FROM ${table} JOIN grids g ON g.id = t.grid_id
      WHERE t.geom && ${box} AND ${inArea} AND ${where} LIMIT ${COUNT_CAP + 1}) c`)
    const k = Number(r?.n ?? 0)
    return { n: Math.min(k, COUNT_CAP), capped: k > COUNT_CAP }
  }
  const out: LayerCounts = {}
  if (layers.people)
    out.people = await capped(
      sql`people t`,
      layers.people.tag ? sql`t.tags @> ARRAY[${layers.people.tag}]::text[]` : sql`TRUE`,
    )
  if (layers.places) {
    out.buildings = await capped(sql`buildings t`, sql`TRUE`)
    out.compounds = await capped(sql`compounds t`, sql`TRUE`)
    out.places = await capped(sql`public_places t`, sql`TRUE`)
  }
  if (layers.things) {
    const f = layers.things
    const parts: SQL[] = [sql`TRUE`]
    if (f.kind?.length) parts.push(sql`t.kind IN (${inList(f.kind)})`)
    if (f.status?.length) parts.push(sql`t.status IN (${inList(f.status)})`)
    out.things = await capped(sql`things t`, sql.join(parts, sql` AND `))
  }
  if (layers.events) {
    const [r] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM (
      SELECT 1 FROM events e JOIN grids g ON g.id = e.grid_id
      WHERE e.geom && ${box} AND ${eventWhere(area, layers.events)} LIMIT ${COUNT_CAP + 1}) c`)
    const k = Number(r?.n ?? 0)
    out.events = { n: Math.min(k, COUNT_CAP), capped: k > COUNT_CAP }
  }
  if (layers.orgs) {
    const kinds = layers.orgs.kind?.length ? layers.orgs.kind : null
    out.orgs = await capped(
      sql`organisations t`,
      kinds ? sql`t.kind IN (${inList(kinds)})` : sql`t.kind <> 'department'`,
    )
  }
  return out
}
