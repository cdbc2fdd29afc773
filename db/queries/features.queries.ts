import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { Database } from '../client.ts'

/**
 * What the detail panel shows when a feature on the map is clicked (要素详情): one element with
 * its grid and related elements, inside the caller's area, no personal data beyond what the
 * people register shows (and that only through people.queries).
 */

export interface GridRef {
  id: number
  code: string
  name: string
  level: number
}

export interface EventAction {
  id: number
  at: string
  action: string
  fromStatus: string | null
  toStatus: string | null
  org: string | null
  note: string | null
}

export interface EventDetail {
  kind: 'event'
  id: number
  source: string
  externalId: string
  title: string
  body: string
  /** Names from level 1 to the leaf, e.g. ['城乡建设', '市政设施', '路灯'] */
  category: string[]
  categoryCode: string | null
  status: string
  priority: number
  reportedAt: string
  dueAt: string | null
  resolvedAt: string | null
  overdue: boolean
  satisfaction: string | null
  department: string | null
  address: string | null
  center: [number, number]
  grids: GridRef[]
  timeline: EventAction[]
}

export interface BuildingDetail {
  kind: 'building'
  id: number
  name: string
  use: string
  floors: number
  address: string | null
  compound: { id: number; name: string } | null
  center: [number, number]
  footprint: GeoJSON.Polygon
  grids: GridRef[]
  residents: number
  households: { id: number; room: string; size: number }[]
  /** Events reported within 60 m of the building, newest first. */
  events: { id: number; title: string; status: string; reportedAt: string; overdue: boolean }[]
  eventsTotal: number
}

export interface CompoundDetail {
  kind: 'compound'
  id: number
  name: string
  center: [number, number]
  footprint: GeoJSON.Polygon
  grids: GridRef[]
  buildings: number
  residents: number
  propertyCompany: string | null
}

export interface PlaceDetail {
  kind: 'place'
  id: number
  name: string
  placeKind: string
  address: string | null
  center: [number, number]
  grids: GridRef[]
}

export interface ThingDetail {
  kind: 'thing'
  id: number
  code: string
  name: string
  thingKind: string
  status: string
  installedAt: string
  lastSeenAt: string | null
  owner: string | null
  center: [number, number]
  coverage: GeoJSON.Polygon | null
  grids: GridRef[]
}

export interface OrgDetail {
  kind: 'org'
  id: number
  name: string
  orgKind: string
  code: string
  creditRating: string | null
  phone: string | null
  parent: string | null
  center: [number, number] | null
  grids: GridRef[]
}

export type FeatureDetail =
  | EventDetail
  | BuildingDetail
  | CompoundDetail
  | PlaceDetail
  | ThingDetail
  | OrgDetail

const OPEN = sql`('resolved', 'followed_up', 'archived')`
const inArea = (area: Area) => sql`g.path LIKE ${`${area.path}%`}`
const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString())

/** The grid of an element and its ancestors below the city, top first. */
async function gridChain(d: Database, gridId: number | null): Promise<GridRef[]> {
  if (gridId === null) return []
  const rows = await d.rows<GridRef>(sql`SELECT a.id, a.code, a.name, a.level FROM grids g
    JOIN grids a ON a.id = ANY (string_to_array(trim(both '/' from g.path), '/')::int[]) AND a.level > 1
    WHERE g.id = ${gridId} ORDER BY a.level`)
  return rows.map((r) => ({ id: Number(r.id), code: r.code, name: r.name, level: Number(r.level) }))
}

async function one<T>(d: Database, q: SQL): Promise<T | undefined> {
  const [r] = await d.rows<T>(q)
  return r
}

export async function eventDetail(d: Database, area: Area, id: number): Promise<EventDetail | null> {
  const r = await one<{
    id: number
    source: string
    external_id: string
    title: string
    body: string
    category: string | null
    category_code: string | null
    status: string
    priority: number
    reported_at: string
    due_at: string | null
    resolved_at: string | null
    overdue: boolean
    satisfaction: string | null
    department: string | null
    address: string | null
    x: number
    y: number
    grid_id: number | null
  }>(
    d,
    sql`SELECT e.id, e.source, e.external_id, e.title, e.body, c.path_name AS category, c.code AS category_code,
      e.status, e.priority, e.reported_at, e.due_at, e.resolved_at,
      (e.due_at < now() AND e.status NOT IN ${OPEN}) AS overdue, e.satisfaction, o.name AS department,
      e.address, ST_X(e.geom) AS x, ST_Y(e.geom) AS y, e.grid_id
    FROM events e JOIN grids g ON g.id = e.grid_id
    LEFT JOIN categories c ON c.id = e.category_id LEFT JOIN organisations o ON o.id = e.department_id
    WHERE e.id = ${id} AND ${inArea(area)}`,
  )
  if (!r) return null
  const timeline = await d.rows<{
    id: number
    at: string
    action: string
    from_status: string | null
    to_status: string | null
    org: string | null
    note: string | null
  }>(sql`SELECT a.id, a.at, a.action, a.from_status, a.to_status, o.name AS org, a.note FROM event_actions a
    LEFT JOIN organisations o ON o.id = a.actor_org_id WHERE a.event_id = ${id} ORDER BY a.at, a.id`)
  return {
    kind: 'event',
    id: Number(r.id),
    source: r.source,
    externalId: r.external_id,
    title: r.title,
    body: r.body,
    category: r.category ? r.category.split('/') : [],
    categoryCode: r.category_code,
    status: r.status,
    priority: Number(r.priority),
    reportedAt: iso(r.reported_at)!,
    dueAt: iso(r.due_at),
    resolvedAt: iso(r.resolved_at),
    overdue: Boolean(r.overdue),
    satisfaction: r.satisfaction,
    department: r.department,
    address: r.address,
    center: [Number(r.x), Number(r.y)],
    grids: await gridChain(d, r.grid_id === null ? null : Number(r.grid_id)),
    timeline: timeline.map((a) => ({
      id: Number(a.id),
      at: iso(a.at)!,
      action: a.action,
      fromStatus: a.from_status,
      toStatus: a.to_status,
      org: a.org,
      note: a.note,
    })),
  }
}

export async function buildingDetail(d: Database, area: Area, id: number): Promise<BuildingDetail | null> {
  const r = await one<{
    id: number
    name: string
    use: string
    floors: number
    address: string | null
    compound_id: number | null
    compound: string | null
    x: number
    y: number
    footprint: string
    grid_id: number | null
    residents: number
  }>(
    d,
    sql`SELECT b.id, b.name, b.use, b.floors, a.full_text AS address, c.id AS compound_id, c.name AS compound,
      ST_X(b.geom) AS x, ST_Y(b.geom) AS y, ST_AsGeoJSON(b.footprint, 7) AS footprint, b.grid_id,
      (SELECT count(*)::int FROM people p WHERE p.building_id = b.id) AS residents
    FROM buildings b JOIN grids g ON g.id = b.grid_id
    LEFT JOIN addresses a ON a.id = b.address_id LEFT JOIN compounds c ON c.id = b.compound_id
    WHERE b.id = ${id} AND ${inArea(area)}`,
  )
  if (!r) return null
  const households = await d.rows<{ id: number; room: string; size: number }>(
    sql`SELECT id, room, size FROM households WHERE building_id = ${id} ORDER BY room, id LIMIT 200`,
  )
  const near = sql`FROM events e JOIN grids g ON g.id = e.grid_id
    WHERE ST_DWithin(e.geom::geography, ST_SetSRID(ST_MakePoint(${Number(r.x)}, ${Number(r.y)}), 4326)::geography, 60)
      AND e.geom && ST_Expand(ST_SetSRID(ST_MakePoint(${Number(r.x)}, ${Number(r.y)}), 4326), 0.001)
      AND ${inArea(area)}`
  const events = await d.rows<{
    id: number
    title: string
    status: string
    reported_at: string
    overdue: boolean
  }>(
    sql`SELECT e.id, e.title, e.status, e.reported_at, (e.due_at < now() AND e.status NOT IN ${OPEN}) AS overdue
      ${near} ORDER BY e.reported_at DESC LIMIT 20`,
  )
  const [total] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n ${near}`)
  return {
    kind: 'building',
    id: Number(r.id),
    name: r.name,
    use: r.use,
    floors: Number(r.floors),
    address: r.address,
    compound: r.compound_id === null ? null : { id: Number(r.compound_id), name: r.compound ?? '' },
    center: [Number(r.x), Number(r.y)],
    footprint: JSON.parse(r.footprint) as GeoJSON.Polygon,
    grids: await gridChain(d, r.grid_id === null ? null : Number(r.grid_id)),
    residents: Number(r.residents),
    households: households.map((h) => ({ id: Number(h.id), room: h.room, size: Number(h.size) })),
    events: events.map((e) => ({
      id: Number(e.id),
      title: e.title,
      status: e.status,
      reportedAt: iso(e.reported_at)!,
      overdue: Boolean(e.overdue),
    })),
    eventsTotal: Number(total?.n ?? 0),
  }
}

export async function compoundDetail(d: Database, area: Area, id: number): Promise<CompoundDetail | null> {
  const r = await one<{
    id: number
    name: string
    x: number
    y: number
    footprint: string
    grid_id: number | null
    buildings: number
    residents: number
    property: string | null
  }>(
    d,
    sql`SELECT c.id, c.name, ST_X(c.geom) AS x, ST_Y(c.geom) AS y, ST_AsGeoJSON(c.footprint, 7) AS footprint,
      c.grid_id, (SELECT count(*)::int FROM buildings b WHERE b.compound_id = c.id) AS buildings,
      (SELECT count(*)::int FROM people p JOIN buildings b ON b.id = p.building_id WHERE b.compound_id = c.id) AS residents,
      o.name AS property
    FROM compounds c JOIN grids g ON g.id = c.grid_id LEFT JOIN organisations o ON o.id = c.property_org_id
    WHERE c.id = ${id} AND ${inArea(area)}`,
  )
  if (!r) return null
  return {
    kind: 'compound',
    id: Number(r.id),
    name: r.name,
    center: [Number(r.x), Number(r.y)],
    footprint: JSON.parse(r.footprint) as GeoJSON.Polygon,
    grids: await gridChain(d, r.grid_id === null ? null : Number(r.grid_id)),
    buildings: Number(r.buildings),
    residents: Number(r.residents),
    propertyCompany: r.property,
  }
}

export async function placeDetail(d: Database, area: Area, id: number): Promise<PlaceDetail | null> {
  const r = await one<{
    id: number
    name: string
    kind: string
    address: string | null
    x: number
    y: number
    grid_id: number | null
  }>(
    d,
    sql`SELECT t.id, t.name, t.kind, t.address_text AS address, ST_X(t.geom) AS x, ST_Y(t.geom) AS y, t.grid_id
    FROM public_places t JOIN grids g ON g.id = t.grid_id WHERE t.id = ${id} AND ${inArea(area)}`,
  )
  if (!r) return null
  return {
    kind: 'place',
    id: Number(r.id),
    name: r.name,
    placeKind: r.kind,
    address: r.address,
    center: [Number(r.x), Number(r.y)],
    grids: await gridChain(d, r.grid_id === null ? null : Number(r.grid_id)),
  }
}

export async function thingDetail(d: Database, area: Area, id: number): Promise<ThingDetail | null> {
  const r = await one<{
    id: number
    code: string
    name: string
    kind: string
    status: string
    installed_at: string
    last_seen_at: string | null
    owner: string | null
    x: number
    y: number
    coverage: string | null
    grid_id: number | null
  }>(
    d,
    sql`SELECT t.id, t.code, t.name, t.kind, t.status, t.installed_at, t.last_seen_at, o.name AS owner,
      ST_X(t.geom) AS x, ST_Y(t.geom) AS y, ST_AsGeoJSON(t.coverage, 7) AS coverage, t.grid_id
    FROM things t JOIN grids g ON g.id = t.grid_id LEFT JOIN organisations o ON o.id = t.owner_org_id
    WHERE t.id = ${id} AND ${inArea(area)}`,
  )
  if (!r) return null
  return {
    kind: 'thing',
    id: Number(r.id),
    code: r.code,
    name: r.name,
    thingKind: r.kind,
    status: r.status,
    installedAt: iso(r.installed_at)!,
    lastSeenAt: iso(r.last_seen_at),
    owner: r.owner,
    center: [Number(r.x), Number(r.y)],
    coverage: r.coverage ? (JSON.parse(r.coverage) as GeoJSON.Polygon) : null,
    grids: await gridChain(d, r.grid_id === null ? null : Number(r.grid_id)),
  }
}

export async function orgDetail(d: Database, area: Area, id: number): Promise<OrgDetail | null> {
  const r = await one<{
    id: number
    name: string
    kind: string
    code: string
    credit_rating: string | null
    phone: string | null
    parent: string | null
    x: number | null
    y: number | null
    grid_id: number | null
  }>(
    d,
    sql`SELECT o.id, o.name, o.kind, o.code, o.credit_rating, o.phone, p.name AS parent,
      ST_X(o.geom) AS x, ST_Y(o.geom) AS y, o.grid_id
    FROM organisations o JOIN grids g ON g.id = coalesce(o.grid_id, o.area_grid_id)
    LEFT JOIN organisations p ON p.id = o.parent_id
    WHERE o.id = ${id} AND ${inArea(area)}`,
  )
  if (!r) return null
  return {
    kind: 'org',
    id: Number(r.id),
    name: r.name,
    orgKind: r.kind,
    code: r.code,
    creditRating: r.credit_rating,
    phone: r.phone,
    parent: r.parent,
    center: r.x === null || r.y === null ? null : [Number(r.x), Number(r.y)],
    grids: await gridChain(d, r.grid_id === null ? null : Number(r.grid_id)),
  }
}
