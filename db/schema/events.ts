import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import type { Point } from 'geojson'
import { bytea } from './bytea.ts'
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
    /** Bumped by every transition: a transition names the version it saw (concurrent edits). */
    version: integer('version').notNull().default(0),
    /** A client's key for one submission (Idempotency-Key): a repeat returns the first result. */
    idempotencyKey: text('idempotency_key'),
    /** Level of the area that handles it (1 city, 2 district, 3 street), from the routing. */
    handlingLevel: smallint('handling_level'),
    /** Co-operating departments (协办), from the responsibility list. */
    coDepartmentIds: integer('co_department_ids').array().notNull().default([]),
    /** The time limit as working milliseconds (limit + approved extensions), on the calendar. */
    limitMs: bigint('limit_ms', { mode: 'number' }),
    /** Working milliseconds used up to the last pause. */
    usedMs: bigint('used_ms', { mode: 'number' }).notNull().default(0),
    /** When the clock last started running; null while it is paused or stopped. */
    clockSince: timestamp('clock_since', { withTimezone: true }),
    /** Set once the warning share of the limit has been passed (预警). */
    warnedAt: timestamp('warned_at', { withTimezone: true }),
    /** When the watcher marked it overdue (超期) and supervised it one level up; the latest run of its clock. */
    overdueAt: timestamp('overdue_at', { withTimezone: true }),
    /** Times it was supervised (督办); each escalates one level up. */
    supervisions: smallint('supervisions').notNull().default(0),
    /** Resolved at intake without dispatch (即接即办): first-contact resolution. */
    resolvedDirect: boolean('resolved_direct').notNull().default(false),
    followedUpAt: timestamp('followed_up_at', { withTimezone: true }),
    /** Merged into another event as its duplicate (重复件): the reporter is kept informed there. */
    duplicateOf: bigint('duplicate_of', { mode: 'number' }).references((): AnyPgColumn => events.id),
    /** The reporter (诉求人), personal data: the name as given, the phone encrypted + masked. */
    reporterName: text('reporter_name'),
    reporterPhoneEnc: bytea('reporter_phone_enc'),
    reporterPhoneHash: bytea('reporter_phone_hash'),
    reporterPhoneMasked: text('reporter_phone_masked'),
    createdBy: integer('created_by'),
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
    uniqueIndex('events_idempotency_key').on(t.idempotencyKey),
    index('events_duplicate_of_idx').on(t.duplicateOf),
    index('events_due_open_idx').on(t.dueAt),
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
    /** What the action carried: satisfaction, extension asked for, sub-task, merged event … */
    detail: jsonb('detail'),
  },
  (t) => [index('event_actions_event_idx').on(t.eventId, t.at)],
)

export const TASK_STATUSES = ['open', 'reported', 'scored'] as const

/**
 * The whistle (吹哨, 一哨联动): one event summons several departments; each gets a sub-task with
 * its own deadline and reports back. The event can be resolved only when every task is reported.
 */
export const eventTasks = pgTable(
  'event_tasks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    departmentId: integer('department_id')
      .notNull()
      .references(() => organisations.id),
    status: text('status', { enum: TASK_STATUSES }).notNull().default('open'),
    /** What the department is asked to do. */
    ask: text('ask').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    createdBy: integer('created_by'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    reportedAt: timestamp('reported_at', { withTimezone: true }),
    report: text('report'),
    /** The whistle-blower's score of the response, 1–5 (晒一晒). */
    score: smallint('score'),
    scoredAt: timestamp('scored_at', { withTimezone: true }),
  },
  (t) => [
    index('event_tasks_event_idx').on(t.eventId),
    index('event_tasks_department_idx').on(t.departmentId, t.status),
    uniqueIndex('event_tasks_event_department_key').on(t.eventId, t.departmentId),
  ],
)

/**
 * Photos of an event (a grid worker's report from the phone), served by server/http/attachments.ts.
 * One photo is stored once per event: (event_id, sha256) is unique, so a repeated upload returns
 * the first one.
 */
export const eventAttachments = pgTable(
  'event_attachments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    mime: text('mime').notNull(),
    bytes: bytea('bytes').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: integer('created_by'),
  },
  (t) => [uniqueIndex('event_attachments_event_sha256_key').on(t.eventId, t.sha256)],
)

/**
 * The working-day calendar (工作日历): only the days that differ from the normal week —
 * statutory holidays on weekdays and make-up working days (调休) on weekends. Edited per year.
 */
export const calendarDays = pgTable('calendar_days', {
  day: date('day', { mode: 'string' }).primaryKey(),
  kind: text('kind', { enum: ['holiday', 'workday'] }).notNull(),
  name: text('name').notNull(),
})

/** Settings of the closed loop (warning share of the limit, duplicate radius …), as JSON values. */
export const loopSettings = pgTable('loop_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})
