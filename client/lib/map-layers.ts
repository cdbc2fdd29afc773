import {
  AGGREGATIONS,
  type Aggregation,
  EVENT_SOURCES,
  EVENT_STATUSES,
  type EventSource,
  type EventStatus,
  isOneOf,
  LAYER_KINDS,
  type LayerKind,
  MAP_ORG_KINDS,
  type MapOrgKind,
  PERSON_TAGS,
  type PersonTag,
  THING_KINDS,
  THING_STATUSES,
  type ThingKind,
  type ThingStatus,
} from './layer-enums.ts'
import { type DayRange, isDay } from './time-window.ts'

/**
 * What the map shows: which layers are on, how opaque, their filters and drawing options, the
 * events' time range and the chosen base map. It lives in the URL hash (url-state.ts) and its
 * filters become the tiles' query parameters (docs/layers.md), so a changed filter is a new URL.
 */
export interface MapLayers {
  on: Record<LayerKind, boolean>
  /** 0..1 per layer. */
  opacity: Record<LayerKind, number>
  /** 五色管理: fill grids by their five-colour grade. */
  grade: boolean
  people: { tag: PersonTag | null; agg: Aggregation }
  things: { kind: ThingKind[]; status: ThingStatus[] }
  events: {
    /** Category codes of any level. */
    category: string[]
    status: EventStatus[]
    source: EventSource[]
    overdue: boolean
    agg: Aggregation
    /** Draw every event as a point (GET /points/events.bin) instead of cells at low zoom. */
    points: boolean
  }
  orgs: { kind: MapOrgKind[] }
  /** The events' time range by day (`to` exclusive), or null for all of it. */
  time: DayRange | null
  /** 'auto' shows the server's configured base map if there is one; 'none' the plain offline style. */
  basemap: 'auto' | 'none'
}

export const DEFAULT_LAYERS: MapLayers = {
  on: { grids: true, places: false, people: false, things: false, orgs: false, events: true },
  opacity: { grids: 1, places: 1, people: 0.85, things: 1, orgs: 1, events: 0.9 },
  grade: false,
  people: { tag: null, agg: 'heat' },
  things: { kind: [], status: [] },
  events: { category: [], status: [], source: [], overdue: false, agg: 'hex', points: false },
  orgs: { kind: [] },
  time: null,
  basemap: 'auto',
}

const CATEGORY_CODE = /^[0-9A-Za-z_-]{1,24}$/

/** The query string of a layer's tiles (and counts, and points): only its filters, in a fixed order. */
export function tileQuery(kind: LayerKind, layers: MapLayers, can: { tags: boolean }): string {
  const q = new URLSearchParams()
  const list = (name: string, values: readonly string[]) => {
    if (values.length) q.set(name, values.join(','))
  }
  switch (kind) {
    case 'people':
      if (can.tags && layers.people.tag) q.set('tag', layers.people.tag)
      break
    case 'things':
      list('kind', layers.things.kind)
      list('status', layers.things.status)
      break
    case 'events':
      list('category', layers.events.category)
      list('status', layers.events.status)
      list('source', layers.events.source)
      if (layers.time) {
        q.set('from', layers.time.from)
        q.set('to', layers.time.to)
      }
      if (layers.events.overdue) q.set('overdue', '1')
      break
    case 'orgs':
      list('kind', layers.orgs.kind)
      break
    case 'grids':
    case 'places':
      break
  }
  return q.toString().replaceAll('%2C', ',')
}

/** `/tiles/{kind}/{z}/{x}/{y}.mvt?{filters}` for MapLibre or deck.gl. */
export function tileUrl(origin: string, kind: LayerKind, layers: MapLayers, can: { tags: boolean }): string {
  const query = tileQuery(kind, layers, can)
  return `${origin}/tiles/${kind}/{z}/{x}/{y}.mvt${query ? `?${query}` : ''}`
}

export function pointsUrl(layers: MapLayers): string {
  const query = tileQuery('events', layers, { tags: false })
  return `/points/events.bin${query ? `?${query}` : ''}`
}

export interface CountsFilters {
  people?: { tag?: PersonTag }
  places?: Record<string, never>
  things?: { kind?: ThingKind[]; status?: ThingStatus[] }
  events?: {
    category?: string[]
    status?: EventStatus[]
    source?: EventSource[]
    from?: string
    to?: string
    overdue?: boolean
  }
  orgs?: { kind?: MapOrgKind[] }
}

/** The `layers` of a map.counts request: the layers that are on, with their filters. */
export function countsFilters(layers: MapLayers, can: { tags: boolean }): CountsFilters {
  const out: CountsFilters = {}
  const some = <T>(values: T[]) => (values.length ? values : undefined)
  const strip = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
  if (layers.on.people) out.people = can.tags && layers.people.tag ? { tag: layers.people.tag } : {}
  if (layers.on.places) out.places = {}
  if (layers.on.things)
    out.things = strip({ kind: some(layers.things.kind), status: some(layers.things.status) })
  if (layers.on.events)
    out.events = strip({
      category: some(layers.events.category),
      status: some(layers.events.status),
      source: some(layers.events.source),
      from: layers.time?.from,
      to: layers.time?.to,
      overdue: layers.events.overdue || undefined,
    })
  if (layers.on.orgs) out.orgs = strip({ kind: some(layers.orgs.kind) })
  return out
}

// ---- the URL hash ----------------------------------------------------------------------------

const percent = (value: number) => Math.round(value * 100)

/** Writes the fields that differ from the defaults into `params`. */
export function encodeLayers(params: URLSearchParams, layers: MapLayers): void {
  const d = DEFAULT_LAYERS
  const on = LAYER_KINDS.filter((kind) => layers.on[kind])
  if (LAYER_KINDS.some((kind) => layers.on[kind] !== d.on[kind])) params.set('layers', on.join(','))
  const opacities = LAYER_KINDS.filter((kind) => percent(layers.opacity[kind]) !== percent(d.opacity[kind]))
  if (opacities.length)
    params.set('opacity', opacities.map((kind) => `${kind}:${percent(layers.opacity[kind])}`).join(','))
  if (layers.grade) params.set('grade', '1')
  const list = (name: string, values: readonly string[]) => {
    if (values.length) params.set(name, values.join(','))
  }
  if (layers.people.tag) params.set('people.tag', layers.people.tag)
  if (layers.people.agg !== d.people.agg) params.set('people.agg', layers.people.agg)
  list('things.kind', layers.things.kind)
  list('things.status', layers.things.status)
  list('events.category', layers.events.category)
  list('events.status', layers.events.status)
  list('events.source', layers.events.source)
  if (layers.events.overdue) params.set('events.overdue', '1')
  if (layers.events.agg !== d.events.agg) params.set('events.agg', layers.events.agg)
  if (layers.events.points) params.set('events.points', '1')
  list('orgs.kind', layers.orgs.kind)
  if (layers.time) params.set('time', `${layers.time.from}/${layers.time.to}`)
  if (layers.basemap !== d.basemap) params.set('base', layers.basemap)
}

/** A comma list of allowed values; null (ignore the field) when any item is not allowed. */
function listOf<T extends string>(raw: string | null, allowed: readonly T[] | RegExp): T[] | null {
  if (raw === null) return null
  if (raw === '') return []
  const items = [...new Set(raw.split(','))]
  const ok = items.every((item) =>
    allowed instanceof RegExp ? allowed.test(item) : (allowed as readonly string[]).includes(item),
  )
  return ok && items.length <= 200 ? (items as T[]) : null
}

const flag = (raw: string | null, fallback: boolean) => (raw === '1' ? true : raw === '0' ? false : fallback)

/** Reads the layer fields of the hash; each malformed field is ignored on its own. */
export function decodeLayers(params: URLSearchParams, defaults: MapLayers = DEFAULT_LAYERS): MapLayers {
  const s: MapLayers = structuredClone(defaults)

  const on = listOf(params.get('layers'), LAYER_KINDS)
  if (on) for (const kind of LAYER_KINDS) s.on[kind] = on.includes(kind)

  for (const item of (params.get('opacity') ?? '').split(',')) {
    const [kind, value] = item.split(':')
    const n = Number(value)
    if (isOneOf(LAYER_KINDS, kind) && value !== '' && Number.isInteger(n) && n >= 0 && n <= 100)
      s.opacity[kind] = n / 100
  }

  s.grade = flag(params.get('grade'), s.grade)

  const tag = params.get('people.tag')
  if (isOneOf(PERSON_TAGS, tag)) s.people.tag = tag
  const peopleAgg = params.get('people.agg')
  if (isOneOf(AGGREGATIONS, peopleAgg)) s.people.agg = peopleAgg

  s.things.kind = listOf(params.get('things.kind'), THING_KINDS) ?? s.things.kind
  s.things.status = listOf(params.get('things.status'), THING_STATUSES) ?? s.things.status

  s.events.category = listOf(params.get('events.category'), CATEGORY_CODE) ?? s.events.category
  s.events.status = listOf(params.get('events.status'), EVENT_STATUSES) ?? s.events.status
  s.events.source = listOf(params.get('events.source'), EVENT_SOURCES) ?? s.events.source
  s.events.overdue = flag(params.get('events.overdue'), s.events.overdue)
  const eventsAgg = params.get('events.agg')
  if (isOneOf(AGGREGATIONS, eventsAgg)) s.events.agg = eventsAgg
  s.events.points = flag(params.get('events.points'), s.events.points)

  s.orgs.kind = listOf(params.get('orgs.kind'), MAP_ORG_KINDS) ?? s.orgs.kind

  const [from, to, ...rest] = (params.get('time') ?? '').split('/')
  if (isDay(from) && isDay(to) && rest.length === 0 && from < to) s.time = { from, to }

  const base = params.get('base')
  if (base === 'auto' || base === 'none') s.basemap = base
  return s
}
