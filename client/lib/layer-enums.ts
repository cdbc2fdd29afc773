import { PERSON_TAGS } from './people-filter.ts'

/**
 * The values the map's layer filters take (docs/layers.md). The server's lists live in db/schema;
 * the client keeps its own copy so that no server code is bundled, and layer-enums.test.ts checks
 * that the two agree.
 */

/** The layers of the one map, in drawing order (lowest first). */
export const LAYER_KINDS = ['grids', 'places', 'people', 'things', 'orgs', 'events'] as const
export type LayerKind = (typeof LAYER_KINDS)[number]

export { PERSON_TAGS }
export type PersonTag = (typeof PERSON_TAGS)[number]

export const THING_KINDS = [
  'camera',
  'smart_lock',
  'smoke_detector',
  'hydrant',
  'manhole_sensor',
  'water_level_sensor',
  'air_quality_sensor',
  'charging_pile',
] as const
export type ThingKind = (typeof THING_KINDS)[number]

export const THING_STATUSES = ['online', 'offline', 'fault', 'maintenance'] as const
export type ThingStatus = (typeof THING_STATUSES)[number]

export const EVENT_STATUSES = [
  'received',
  'dispatched',
  'signed',
  'in_progress',
  'returned',
  'parked',
  'extension_requested',
  'resolved',
  'followed_up',
  'archived',
] as const
export type EventStatus = (typeof EVENT_STATUSES)[number]

export const EVENT_SOURCES = [
  'hotline',
  'grid_patrol',
  'police_110',
  'sensor',
  'dispute',
  'open311',
  'web',
] as const
export type EventSource = (typeof EVENT_SOURCES)[number]

/** Organisations on the map: departments have no place on it. */
export const MAP_ORG_KINDS = [
  'party',
  'social',
  'enterprise',
  'property_company',
  'owners_committee',
] as const
export type MapOrgKind = (typeof MAP_ORG_KINDS)[number]

export const BUILDING_USES = ['residential', 'commercial', 'office', 'mixed', 'industrial', 'public'] as const

export const PUBLIC_PLACE_KINDS = [
  'school',
  'hospital',
  'clinic',
  'market',
  'park',
  'square',
  'station',
  'mall',
  'hotel',
  'internet_cafe',
  'religious_site',
  'government_hall',
] as const

/** How dense point layers are drawn below their points zoom. */
export const AGGREGATIONS = ['heat', 'hex'] as const
export type Aggregation = (typeof AGGREGATIONS)[number]

export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value)
}
