import {
  type AnyPgColumn,
  bigint,
  bigserial,
  index,
  integer,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import type { Point } from 'geojson'
import { geometry } from './geometry.ts'
import { organisations } from './orgs.ts'
import { placed } from './placed.ts'
import { tileKey } from './tile-key.ts'

/** The 3-level category taxonomy of citizen requests (诉求分类), e.g. 城乡建设 › 市政 › 路灯. */
export const categories = pgTable(
  'categories',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    level: smallint('level').notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => categories.id),
    /** The full path of names, "城乡建设/市政/路灯": level-3 names repeat under different parents. */
    pathName: text('path_name').notNull(),
  },
  (t) => [
    uniqueIndex('categories_code_key').on(t.code),
    uniqueIndex('categories_path_name_key').on(t.pathName),
  ],
)

/** Where an event came from. */
export const EVENT_SOURCES = [
  'hotline', // 12345 热线
  'grid_patrol', // 网格巡查
  'police_110', // 110 非警务警情
  'sensor', // 物联感知
  'dispute', // 矛盾纠纷
  'open311', // Open311 网关
  'web', // 网上信访/留言
] as const
export type EventSource = (typeof EVENT_SOURCES)[number]

/** The closed loop (闭环): 受理 → 派单 → 签收 → 办理 → 办结 → 回访 → 归档, with returns, parking, extension. */
export const EVENT_STATUSES = [
  'received', // 已受理
  'dispatched', // 已派单
  'signed', // 已签收
  'in_progress', // 办理中
  'returned', // 退单
  'parked', // 挂账
  'extension_requested', // 延期申请中
  'resolved', // 已办结
  'followed_up', // 已回访
  'archived', // 已归档
] as const
export type EventStatus = (typeof EVENT_STATUSES)[number]

export const SATISFACTION = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const

/** Events (事): citizen requests, patrol reports, transfers, alarms. */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: text('source', { enum: EVENT_SOURCES }).notNull(),
    /** The id in the source system; unique per source so a repeated submission is recognised. */
    externalId: text('external_id').notNull(),
    categoryId: integer('category_id').references(() => categories.id),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
    address: text('address'),
    status: text('status', { enum: EVENT_STATUSES }).notNull().default('received'),
    /** 1 urgent … 4 low. */
    priority: smallint('priority').notNull().default(3),
    departmentId: integer('department_id').references(() => organisations.id),
    dueAt: timestamp('due_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    satisfaction: text('satisfaction', { enum: SATISFACTION }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    geom: geometry<Point>('geom', 'Point').notNull(),
    /** The point's Morton key on the EPSG:3857 tile grid (set by the database; see tileKey). */
    tileKey: tileKey(),
    ...placed(),
  },
  (t) => [
    uniqueIndex('events_source_external_key').on(t.source, t.externalId),
    index('events_geom_idx').using('gist', t.geom),
    index('events_grid_idx').on(t.gridId),
    index('events_reported_idx').on(t.reportedAt),
    index('events_status_idx').on(t.status),
    index('events_category_idx').on(t.categoryId),
    index('events_department_idx').on(t.departmentId),
  ],
)

/** The timeline of an event: every action and state change, in order. */
export const eventActions = pgTable(
  'event_actions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status', { enum: EVENT_STATUSES }),
    toStatus: text('to_status', { enum: EVENT_STATUSES }),
    actorUserId: integer('actor_user_id'),
    actorOrgId: integer('actor_org_id').references(() => organisations.id),
    note: text('note'),
  },
  (t) => [index('event_actions_event_idx').on(t.eventId, t.at)],
)
