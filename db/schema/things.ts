import { bigserial, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import type { Point, Polygon } from 'geojson'
import { geometry } from './geometry.ts'
import { organisations } from './orgs.ts'
import { placed } from './placed.ts'
import { tileKey } from './tile-key.ts'

/** Kinds of things (物): 雪亮工程 cameras, smart-security devices, hydrants, sensors. */
export const THING_KINDS = [
  'camera',
  'smart_lock', // 智能门禁
  'smoke_detector',
  'hydrant',
  'manhole_sensor', // 井盖传感器
  'water_level_sensor',
  'air_quality_sensor',
  'charging_pile',
] as const
export const THING_STATUSES = ['online', 'offline', 'fault', 'maintenance'] as const

export const things = pgTable(
  'things',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    code: text('code').notNull().unique(),
    kind: text('kind', { enum: THING_KINDS }).notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: THING_STATUSES }).notNull(),
    /** Camera field of view or sensor range, when the thing has one. */
    coverage: geometry<Polygon>('coverage', 'Polygon'),
    installedAt: timestamp('installed_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    ownerOrgId: integer('owner_org_id').references(() => organisations.id),
    geom: geometry<Point>('geom', 'Point').notNull(),
    /** The point's Morton key on the EPSG:3857 tile grid (set by the database; see tileKey). */
    tileKey: tileKey(),
    ...placed(),
  },
  (t) => [
    index('things_geom_idx').using('gist', t.geom),
    index('things_coverage_idx').using('gist', t.coverage),
    index('things_grid_idx').on(t.gridId),
    index('things_kind_status_idx').on(t.kind, t.status),
  ],
)
