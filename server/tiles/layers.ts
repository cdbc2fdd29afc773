import type { Database } from '../../db/client.ts'
import {
  cameraCoverage,
  type OrgFilters,
  orgCells,
  orgPoints,
  type PeopleFilters,
  peopleBuildings,
  peopleCells,
  type ThingFilters,
  thingCells,
  thingPoints,
} from '../../db/queries/element-tiles.queries.ts'
import { type EventFilters, eventCells, eventPoints } from '../../db/queries/event-tiles.queries.ts'
import {
  buildingCells,
  buildingFootprints,
  buildingPoints,
  compounds,
  publicPlaces,
} from '../../db/queries/place-tiles.queries.ts'
import {
  MAX_CELL_ZOOM,
  nativeTile,
  type SourceLayer,
  type TileAddress,
  type TilePart,
  tileFeatures,
} from '../../db/queries/tile-render.queries.ts'
import { gridTileFeatures, gridTilePostgres } from '../../db/queries/tiles.queries.ts'
import { EVENT_SOURCES, EVENT_STATUSES } from '../../db/schema/events.ts'
import { ORG_KINDS } from '../../db/schema/orgs.ts'
import { PERSON_TAGS } from '../../db/schema/people.ts'
import { THING_KINDS, THING_STATUSES } from '../../db/schema/things.ts'
import type { Area } from '../domain/area.ts'
import type { Permission } from '../security/permissions.ts'
import { encodeTile } from './encode.ts'
import { codeList, enumList, enumOne, FilterError, flag, instant, onlyKnown, type Query } from './filters.ts'
import { parseLevels } from './grid-tiles.ts'

/**
 * The registry of the map's tile layers (docs/layers.md): per layer its filters (an allowlist
 * parsed into typed values), the permissions they need, and what a tile holds at each zoom.
 * One route serves them all (tile-route.ts).
 */
export interface LayerSpec<F> {
  /** Parse the query string (unknown or malformed parameters throw FilterError → 400). */
  parse(q: Query, z: number): F
  /** The filters as canonical text, for the ETag. */
  key(f: F): string
  /** Permissions beyond map.read that these filters need (→ 403). */
  needs(f: F): Permission[]
  /** The tile, in the caller's scope: an empty buffer when it holds nothing (→ 204). */
  render(d: Database, area: Area, t: TileAddress, f: F): Promise<Buffer>
  /** What the tile holds at its zoom, for the renderer (all layers but grids, which have SQL of their own). */
  parts?(t: TileAddress, area: Area, f: F): TilePart[]
}

/**
 * Point budgets: a points tile that would hold more becomes a cells tile, so that every tile stays
 * under 500 KB. Measured at city scale (bench:tiles, worst tiles of docs/layers.md "Measured"):
 * bytes per feature × budget leaves room for the tile's other source layers.
 */
export const POINT_BUDGET = {
  events: 8_000,
  things: 6_000,
  orgs: 7_000,
  building_points: 14_000,
  buildings: 5_000,
} as const

/** PostgreSQL: ST_AsMVT in one statement. PGlite: the same features encoded in Node. */
export async function renderParts(d: Database, t: TileAddress, parts: readonly TilePart[]): Promise<Buffer> {
  if (!parts.length) return Buffer.alloc(0)
  if (d.kind === 'postgres') return nativeTile(d, t, parts)
  return encodeTile(await tileFeatures(d, t, parts))
}

/** Points with cells as the fallback (no fallback above the zoom where cells come from keys). */
const adaptive = (t: TileAddress, points: SourceLayer, cells: SourceLayer, budget: number): TilePart =>
  t.z > MAX_CELL_ZOOM ? points : { points, cells, budget }

const canonical = (f: object) =>
  Object.entries(f)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join('&')

function layer<F extends object>(
  params: readonly string[],
  parse: (q: Query, z: number) => F,
  parts: (t: TileAddress, area: Area, f: F) => TilePart[],
  needs: (f: F) => Permission[] = () => [],
): LayerSpec<F> {
  return {
    parse(q, z) {
      // rev: the client's revision counter, bumped on live updates so that the browser fetches
      // tiles again past its 60-second cache; it changes nothing on the server.
      const { rev, ...rest } = q
      if (rev !== undefined && (typeof rev !== 'string' || !/^\d{1,12}$/.test(rev)))
        throw new FilterError('rev 只能是数字 / rev must be a number (a client revision counter)')
      onlyKnown(rest, params)
      return parse(rest, z)
    },
    key: canonical,
    needs,
    parts,
    render: (d, area, t, f) => renderParts(d, t, parts(t, area, f)),
  }
}

const grids: LayerSpec<{ levels: number[] }> = {
  parse(q, z) {
    onlyKnown(q, ['levels'])
    const levels = parseLevels(q.levels, z)
    if ('error' in levels) throw new FilterError(levels.error)
    return { levels }
  },
  key: (f) => `levels=${f.levels.join(',')}`,
  needs: () => [],
  async render(d, area, t, f) {
    if (d.kind === 'postgres') return gridTilePostgres(d, area, t.z, t.x, t.y, f.levels)
    const g = await gridTileFeatures(d, area, t.z, t.x, t.y, f.levels)
    return encodeTile({ grids: g.grids, grid_labels: g.labels })
  },
}

const people = layer<PeopleFilters>(
  ['tag'],
  (q) => ({ tag: enumOne(q, 'tag', PERSON_TAGS) }),
  (t, area, f) => {
    if (t.z < 8) return []
    if (t.z <= 14) return [peopleCells(t, area, f)]
    return [peopleBuildings(t, area, f)]
  },
  (f) => (f.tag ? ['people.tags'] : []),
)

const places = layer<Record<string, never>>(
  [],
  () => ({}),
  (t, area) => {
    if (t.z < 12) return []
    if (t.z === 12) return [publicPlaces(t, area)]
    const buildings =
      t.z <= 14
        ? adaptive(t, buildingPoints(t, area), buildingCells(t, area), POINT_BUDGET.building_points)
        : adaptive(t, buildingFootprints(t, area), buildingCells(t, area), POINT_BUDGET.buildings)
    return [compounds(t, area), buildings, publicPlaces(t, area)]
  },
)

const things = layer<ThingFilters>(
  ['kind', 'status'],
  (q) => ({ kind: enumList(q, 'kind', THING_KINDS), status: enumList(q, 'status', THING_STATUSES) }),
  (t, area, f) => {
    if (t.z < 8) return []
    if (t.z <= 12) return [thingCells(t, area, f)]
    const points = adaptive(t, thingPoints(t, area, f), thingCells(t, area, f), POINT_BUDGET.things)
    return t.z >= 16 ? [cameraCoverage(t, area, f), points] : [points]
  },
)

const CATEGORY_CODE = /^[0-9A-Za-z_-]{1,24}$/

const events = layer<EventFilters>(
  ['category', 'status', 'source', 'from', 'to', 'overdue'],
  (q) => {
    const f: EventFilters = {
      category: codeList(q, 'category', CATEGORY_CODE),
      status: enumList(q, 'status', EVENT_STATUSES),
      source: enumList(q, 'source', EVENT_SOURCES),
      from: instant(q, 'from'),
      to: instant(q, 'to'),
      overdue: flag(q, 'overdue') || undefined,
    }
    if (f.from && f.to && f.from > f.to) throw new FilterError('from 须早于 to / from must not be after to')
    return f
  },
  (t, area, f) => {
    if (t.z < 8) return []
    if (t.z <= 13) return [eventCells(t, area, f)]
    return [adaptive(t, eventPoints(t, area, f), eventCells(t, area, f), POINT_BUDGET.events)]
  },
)

const ORG_MAP_KINDS = ORG_KINDS.filter((k): k is Exclude<typeof k, 'department'> => k !== 'department')

const orgs = layer<OrgFilters>(
  ['kind'],
  (q) => ({ kind: enumList(q, 'kind', ORG_MAP_KINDS) }),
  (t, area, f) =>
    t.z < 13 ? [] : [adaptive(t, orgPoints(t, area, f), orgCells(t, area, f), POINT_BUDGET.orgs)],
)

export const LAYERS = { grids, people, places, things, events, orgs } as const
export type LayerName = keyof typeof LAYERS
export const LAYER_NAMES = Object.keys(LAYERS) as LayerName[]

export function layerSpec(name: string): LayerSpec<unknown> | undefined {
  return Object.hasOwn(LAYERS, name) ? (LAYERS[name as LayerName] as LayerSpec<unknown>) : undefined
}
