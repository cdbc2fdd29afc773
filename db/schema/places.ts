import { bigint, bigserial, index, integer, pgTable, serial, smallint, text } from 'drizzle-orm/pg-core'
import type { Point, Polygon } from 'geojson'
import { geometry } from './geometry.ts'
import { placed } from './placed.ts'
import { tileKey } from './tile-key.ts'

/** Standard addresses (标准地址, 一标三实): road + number, the anchor of buildings and households. */
export const addresses = pgTable(
  'addresses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Standard address code. */
    code: text('code').notNull().unique(),
    road: text('road').notNull(),
    number: text('number').notNull(),
    fullText: text('full_text').notNull(),
    geom: geometry<Point>('geom', 'Point').notNull(),
    ...placed(),
  },
  (t) => [
    index('addresses_geom_idx').using('gist', t.geom),
    index('addresses_grid_idx').on(t.gridId),
    index('addresses_full_text_idx').on(t.fullText),
  ],
)

/** Residential compounds (小区), usually managed by a property company. */
export const compounds = pgTable(
  'compounds',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    footprint: geometry<Polygon>('footprint', 'Polygon').notNull(),
    /** Entrance or centre point; the element's location. */
    geom: geometry<Point>('geom', 'Point').notNull(),
    propertyOrgId: integer('property_org_id'),
    ...placed(),
  },
  (t) => [
    index('compounds_geom_idx').using('gist', t.geom),
    index('compounds_footprint_idx').using('gist', t.footprint),
    index('compounds_grid_idx').on(t.gridId),
  ],
)

export const BUILDING_USES = ['residential', 'commercial', 'office', 'mixed', 'industrial', 'public'] as const

/** Buildings (楼栋) with footprint and centre point. */
export const buildings = pgTable(
  'buildings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    addressId: bigint('address_id', { mode: 'number' }).references(() => addresses.id),
    compoundId: integer('compound_id').references(() => compounds.id),
    name: text('name').notNull(),
    use: text('use', { enum: BUILDING_USES }).notNull(),
    floors: smallint('floors').notNull(),
    footprint: geometry<Polygon>('footprint', 'Polygon').notNull(),
    geom: geometry<Point>('geom', 'Point').notNull(),
    /** The centre's Morton key on the EPSG:3857 tile grid (set by the database; see tileKey). */
    tileKey: tileKey(),
    ...placed(),
  },
  (t) => [
    index('buildings_geom_idx').using('gist', t.geom),
    index('buildings_footprint_idx').using('gist', t.footprint),
    index('buildings_grid_idx').on(t.gridId),
    index('buildings_address_idx').on(t.addressId),
  ],
)

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

/** Public places (公共场所): schools, hospitals, markets, stations… */
export const publicPlaces = pgTable(
  'public_places',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: PUBLIC_PLACE_KINDS }).notNull(),
    addressText: text('address_text'),
    geom: geometry<Point>('geom', 'Point').notNull(),
    ...placed(),
  },
  (t) => [
    index('public_places_geom_idx').using('gist', t.geom),
    index('public_places_grid_idx').on(t.gridId),
  ],
)
