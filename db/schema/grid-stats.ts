import { bigint, integer, pgTable, real, smallint, text, timestamp } from 'drizzle-orm/pg-core'
import { grids } from './grids.ts'

/**
 * Indicators and the five-colour grade (五色管理) of every grid, written by the database function
 * refresh_grid_stats() (after the seed, and every 10 minutes by the server). Counts cover the
 * grid and everything below it. Grade 1 红 red (worst) … 5 绿 green; see docs/layers.md.
 */
export const gridStats = pgTable('grid_stats', {
  gridId: integer('grid_id')
    .primaryKey()
    .references(() => grids.id, { onDelete: 'cascade' }),
  people: integer('people').notNull().default(0),
  events30d: integer('events_30d').notNull().default(0),
  overdueOpen: integer('overdue_open').notNull().default(0),
  score: real('score').notNull().default(0),
  grade: smallint('grade').notNull(),
  refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull().defaultNow(),
})

/**
 * Pre-counted cells for the aggregated tiles of zoom ≤ 12 (where a tile would count millions of
 * rows): per layer, per cell of the zoom-12 tiles (tile_key >> 16, ≈ 100 m) and per grid, how many
 * elements lie there, split by `k1`/`k2` (people: '' = all residents, or a tag; things: kind and
 * status; events: ''). `extra`: events overdue. Written by refresh_cell_counts() with the grid stats.
 */
export const cellCounts = pgTable('cell_counts', {
  layer: text('layer', { enum: ['events', 'people', 'things'] }).notNull(),
  cell: bigint('cell', { mode: 'number' }).notNull(),
  gridId: integer('grid_id').notNull(),
  k1: text('k1').notNull().default(''),
  k2: text('k2').notNull().default(''),
  n: integer('n').notNull(),
  extra: integer('extra').notNull().default(0),
})
