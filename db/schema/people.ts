import { sql } from 'drizzle-orm'
import { bigint, bigserial, index, pgTable, smallint, text } from 'drizzle-orm/pg-core'
import type { Point } from 'geojson'
import { bytea } from './bytea.ts'
import { geometry } from './geometry.ts'
import { placed } from './placed.ts'
import { buildings } from './places.ts'
import { tileKey } from './tile-key.ts'

/** Tags that decide care and risk work (重点人群 / 关爱对象). Sensitive: only some roles see them. */
export const PERSON_TAGS = [
  'elderly_alone', // 独居老人
  'elderly', // 老年人 (80+)
  'disabled', // 残疾人
  'low_income', // 低保
  'veteran', // 退役军人
  'party_member', // 党员
  'key_group', // 重点人员
  'left_behind_child', // 留守儿童
] as const
export type PersonTag = (typeof PERSON_TAGS)[number]

/** Households (户), living in one unit of one building. */
export const households = pgTable(
  'households',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    buildingId: bigint('building_id', { mode: 'number' })
      .notNull()
      .references(() => buildings.id),
    /** Unit and room, e.g. "2单元301". */
    room: text('room').notNull(),
    size: smallint('size').notNull(),
    geom: geometry<Point>('geom', 'Point').notNull(),
    ...placed(),
  },
  (t) => [
    index('households_building_idx').on(t.buildingId),
    index('households_grid_idx').on(t.gridId),
    index('households_geom_idx').using('gist', t.geom),
  ],
)

/**
 * Residents (实有人口). ID number and phone are never stored in plain text: `*_enc` is
 * AES-256-GCM ciphertext (iv | tag | data) and `id_number_hash` a keyed HMAC-SHA-256 for exact lookup.
 * `id_number_masked`/`phone_masked` hold the display form (371002********1234, 138****5678).
 */
export const people = pgTable(
  'people',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    householdId: bigint('household_id', { mode: 'number' }).references(() => households.id),
    buildingId: bigint('building_id', { mode: 'number' }).references(() => buildings.id),
    name: text('name').notNull(),
    gender: text('gender', { enum: ['M', 'F'] }).notNull(),
    birthYear: smallint('birth_year').notNull(),
    /** 户籍 registered / 流动 floating. */
    residence: text('residence', { enum: ['registered', 'floating'] }).notNull(),
    relation: text('relation').notNull().default('head'),
    idNumberEnc: bytea('id_number_enc').notNull(),
    idNumberHash: bytea('id_number_hash').notNull(),
    idNumberMasked: text('id_number_masked').notNull(),
    phoneEnc: bytea('phone_enc'),
    phoneMasked: text('phone_masked'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    geom: geometry<Point>('geom', 'Point').notNull(),
    /** The point's Morton key on the EPSG:3857 tile grid (set by the database; see tileKey). */
    tileKey: tileKey(),
    ...placed(),
  },
  (t) => [
    index('people_id_hash_idx').on(t.idNumberHash),
    index('people_household_idx').on(t.householdId),
    index('people_building_idx').on(t.buildingId),
    index('people_grid_idx').on(t.gridId),
    index('people_tags_idx').using('gin', t.tags),
    index('people_geom_idx').using('gist', t.geom),
    index('people_name_idx').on(t.name),
  ],
)
