import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  doublePrecision,
  index,
  integer,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import type { MultiPolygon, Point } from 'geojson'
import { geometry } from './geometry.ts'

/**
 * Levels of the grid hierarchy (网格层级). Each level's areas tile their parent.
 * 1 city 市 → 2 district 区/县 → 3 street/township 街道/乡镇 → 4 community/village 社区/村
 * → 5 grid 网格 → 6 micro-grid 微网格 (精网微格).
 */
export const GRID_LEVELS = {
  city: 1,
  district: 2,
  street: 3,
  community: 4,
  grid: 5,
  microGrid: 6,
} as const
export type GridLevelName = keyof typeof GRID_LEVELS

/**
 * The current grid hierarchy. `path` is a materialized path of ids ("/1/7/42/") so that a whole
 * subtree is one indexed prefix match (`path LIKE '/1/7/%'`). Past boundaries live in grid_history.
 */
export const grids = pgTable(
  'grids',
  {
    id: serial('id').primaryKey(),
    /** National statistical division code (统计用区划代码) down to community; grid suffixes below. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    level: smallint('level').notNull(),
    /** The kind within the level, e.g. 街道 / 镇 / 社区 / 村 / 网格. */
    kind: text('kind').notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => grids.id),
    /** Materialized path of ids from the root, with slashes on both ends. Set by the database. */
    path: text('path').notNull().default(''),
    geom: geometry<MultiPolygon>('geom', 'MultiPolygon').notNull(),
    /** A point inside the area for its label; set by the database. */
    labelPoint: geometry<Point>('label_point', 'Point'),
    /** Area in square metres (geodesic); set by the database. */
    areaM2: doublePrecision('area_m2'),
    version: integer('version').notNull().default(1),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull().defaultNow(),
    /** Who drew or imported this version (a user name or an import label). */
    source: text('source').notNull().default('seed'),
  },
  (t) => [
    uniqueIndex('grids_code_key').on(t.code),
    index('grids_parent_idx').on(t.parentId),
    index('grids_level_idx').on(t.level),
    index('grids_path_idx').using('btree', sql`${t.path} text_pattern_ops`),
    index('grids_geom_idx').using('gist', t.geom),
    // Placing an element (grid_at) looks only at leaf grids first: a partial index keeps that fast.
    index('grids_leaf_geom_idx').using('gist', t.geom).where(sql`${t.level} >= 5`),
    index('grids_label_point_idx').using('gist', t.labelPoint),
    index('grids_name_idx').on(t.name),
  ],
)

/** Every earlier version of a grid's boundary, kept when the boundary or parent changes. */
export const gridHistory = pgTable(
  'grid_history',
  {
    id: serial('id').primaryKey(),
    gridId: integer('grid_id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    level: smallint('level').notNull(),
    parentId: integer('parent_id'),
    geom: geometry<MultiPolygon>('geom', 'MultiPolygon').notNull(),
    version: integer('version').notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validTo: timestamp('valid_to', { withTimezone: true }).notNull(),
    source: text('source').notNull(),
  },
  (t) => [
    index('grid_history_grid_idx').on(t.gridId, t.version),
    index('grid_history_geom_idx').using('gist', t.geom),
  ],
)
