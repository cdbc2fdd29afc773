import { sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { Database } from '../client.ts'
import type { EventSource, EventStatus } from '../schema/events.ts'

/**
 * The closed loop's queries (受理 → 分级转办 → 限时办理 → 督办 → 办结 → 回访): routing by the
 * responsibility list, idempotent intake, the event row a transition locks, and the timeline.
 * Every query runs inside the caller's scope (db/scope.ts): RLS keeps it to the caller's area.
 */

/** Where the responsibility list sends an event, or null for the dispatcher's queue. */
export interface Route {
  gridId: number | null
  /** The grid's path (for live messages: who may hear of it). */
  gridPath: string | null
  /** 1 city, 2 district, 3 street. */
  handlingLevel: number | null
  departmentId: number | null
  departmentName: string | null
  coDepartmentIds: number[]
  timeLimit: number | null
  timeLimitUnit: 'working_hours' | 'working_days' | null
  /** Why it is not routed, when it is not. */
  unrouted: 'no_grid' | 'no_category' | 'no_rule' | 'no_department' | null
}

/**
 * 分级转办: the location decides the grid, its street and district; the category and the area
 * level decide, through the responsibility list, the lead department, the co-departments and the
 * time limit. The lowest level with a rule and a department serving that area wins (street, then
 * district, then city): what the list does not cover is left for the dispatcher.
 */
export async function routeEvent(
  d: Database,
  categoryId: number | null,
  lon: number,
  lat: number,
): Promise<Route> {
  // One statement: the grid at the point, the chain above it from its path (the path holds the
  // ids, one per level: '/city/district/street/…/'; read from it, not from grids, whose policy
  // hides the levels above a narrow caller's area), and the list's rules for the category with
  // the department serving each level's area.
  const rows = await d.rows<{
    grid_id: number | null
    path: string | null
    area_level: number | null
    lead_department: string | null
    time_limit: number | null
    time_limit_unit: 'working_hours' | 'working_days' | null
    department_id: number | null
    department_name: string | null
    co_ids: number[] | string | null
  }>(sql`
    WITH at AS (
      SELECT g.id, g.path FROM grids g
      WHERE g.id = grid_at(ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326))
    ),
    chain AS (
      SELECT (string_to_array(trim(both '/' from at.path), '/'))[k]::int AS id, k AS level
      FROM at, generate_series(1, 3) k
    ),
    rules AS (
      SELECT r.area_level, r.lead_department, r.co_departments, r.time_limit, r.time_limit_unit,
        lead.id AS department_id, lead.name AS department_name,
        (SELECT array_agg(o.id ORDER BY o.id) FROM organisations o
          WHERE o.kind = 'department' AND o.department_kind = ANY (r.co_departments)
            AND o.area_grid_id = c.id) AS co_ids
      FROM responsibilities r
      JOIN chain c ON c.level = r.area_level
      LEFT JOIN LATERAL (
        SELECT o.id, o.name FROM organisations o
        WHERE o.kind = 'department' AND o.department_kind = r.lead_department AND o.area_grid_id = c.id
        ORDER BY o.id LIMIT 1
      ) lead ON true
      WHERE r.category_id = ${categoryId}
    )
    SELECT at.id AS grid_id, at.path, rules.area_level, rules.lead_department, rules.time_limit,
      rules.time_limit_unit, rules.department_id, rules.department_name, rules.co_ids
    FROM at LEFT JOIN rules ON true
    ORDER BY rules.department_id IS NULL, rules.area_level DESC`)
  const first = rows[0]
  const none = (unrouted: Route['unrouted']): Route => ({
    gridId: first?.grid_id == null ? null : Number(first.grid_id),
    gridPath: first?.path ?? null,
    handlingLevel: null,
    departmentId: null,
    departmentName: null,
    coDepartmentIds: [],
    timeLimit: null,
    timeLimitUnit: null,
    unrouted,
  })
  if (!first?.grid_id || !first.path) return none('no_grid')
  if (categoryId === null) return none('no_category')
  if (first.area_level == null) return none('no_rule')
  if (first.department_id == null) return none('no_department')
  return {
    gridId: Number(first.grid_id),
    gridPath: first.path,
    handlingLevel: Number(first.area_level),
    departmentId: Number(first.department_id),
    departmentName: first.department_name,
    coDepartmentIds: pgNumberArray(first.co_ids),
    timeLimit: Number(first.time_limit),
    timeLimitUnit: first.time_limit_unit,
    unrouted: null,
  }
}

/** A numeric array column: postgres.js gives arrays, PGlite sometimes their text form. */
export function pgNumberArray(v: number[] | string | null | undefined): number[] {
  if (v == null) return []
  if (Array.isArray(v)) return v.map(Number)
  return v
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean)
    .map(Number)
}

export interface NewEvent {
  source: EventSource
  externalId: string
  idempotencyKey: string | null
  categoryId: number | null
  title: string
  body: string
  address: string | null
  lon: number
  lat: number
  reportedAt: Date
  priority: number
  reporterName: string | null
  reporterPhoneEnc: Buffer | null
  reporterPhoneHash: Buffer | null
  reporterPhoneMasked: string | null
  createdBy: number | null
  /** Routed at intake: dispatched at once with its department and clock. */
  routed: {
    departmentId: number
    coDepartmentIds: number[]
    handlingLevel: number | null
    limitMs: number
    clockSince: Date
    dueAt: Date
  } | null
}

/**
 * Insert an event once: a repeat with the same source and external id, or the same idempotency
 * key, inserts nothing (ON CONFLICT DO NOTHING: safe under concurrent duplicates) and returns the
 * first event's id with `created: false`.
 */
export async function insertEventOnce(d: Database, e: NewEvent): Promise<{ id: number; created: boolean }> {
  const r = e.routed
  const [row] = await d.rows<{ id: number }>(sql`
    INSERT INTO events (source, external_id, idempotency_key, category_id, title, body, address, geom,
      reported_at, priority, reporter_name, reporter_phone_enc, reporter_phone_hash,
      reporter_phone_masked, created_by, status, department_id, co_department_ids, handling_level,
      limit_ms, used_ms, clock_since, due_at)
    VALUES (${e.source}, ${e.externalId}, ${e.idempotencyKey}, ${e.categoryId}, ${e.title}, ${e.body},
      ${e.address}, ST_SetSRID(ST_MakePoint(${e.lon}, ${e.lat}), 4326), ${e.reportedAt.toISOString()},
      ${e.priority}, ${e.reporterName}, ${e.reporterPhoneEnc}, ${e.reporterPhoneHash},
      ${e.reporterPhoneMasked}, ${e.createdBy}, ${r ? 'dispatched' : 'received'}, ${r?.departmentId ?? null},
      ${`{${(r?.coDepartmentIds ?? []).join(',')}}`}::int[], ${r?.handlingLevel ?? null}, ${r?.limitMs ?? null}, 0,
      ${r ? r.clockSince.toISOString() : null}::timestamptz, ${r ? r.dueAt.toISOString() : null}::timestamptz)
    ON CONFLICT DO NOTHING
    RETURNING id`)
  if (row) return { id: Number(row.id), created: true }
  const [first] = await d.rows<{ id: number }>(sql`
    SELECT id FROM events
    WHERE (source = ${e.source} AND external_id = ${e.externalId})
      OR (${e.idempotencyKey}::text IS NOT NULL AND idempotency_key = ${e.idempotencyKey})
    ORDER BY id LIMIT 1`)
  if (!first) throw new Error('the event conflicts with one outside your area')
  return { id: Number(first.id), created: false }
}

/** The fields of an event a transition reads and writes, locked for the transaction. */
export interface LoopRow {
  id: number
  status: EventStatus
  version: number
  source: EventSource
  externalId: string
  categoryId: number | null
  gridId: number | null
  departmentId: number | null
  handlingLevel: number | null
  reportedAt: Date
  dueAt: Date | null
  limitMs: number | null
  usedMs: number
  clockSince: Date | null
  satisfaction: 'satisfied' | 'basically_satisfied' | 'unsatisfied' | null
  supervisions: number
  openTasks: number
  duplicateOf: number | null
}

const date = (v: unknown): Date | null => (v == null ? null : new Date(v as string))

/** The event, locked FOR UPDATE (a concurrent transition waits, then sees the new version). */
export async function lockEvent(d: Database, id: number): Promise<LoopRow | null> {
  const [r] = await d.rows<Record<string, unknown>>(sql`
    SELECT e.id, e.status, e.version, e.source, e.external_id, e.category_id, e.grid_id,
      e.department_id, e.handling_level, e.reported_at, e.due_at, e.limit_ms, e.used_ms,
      e.clock_since, e.satisfaction, e.supervisions, e.duplicate_of,
      (SELECT count(*)::int FROM event_tasks t WHERE t.event_id = e.id AND t.status = 'open') AS open_tasks
    FROM events e WHERE e.id = ${id} FOR UPDATE OF e`)
  if (!r) return null
  return {
    id: Number(r.id),
    status: r.status as EventStatus,
    version: Number(r.version),
    source: r.source as EventSource,
    externalId: String(r.external_id),
    categoryId: r.category_id == null ? null : Number(r.category_id),
    gridId: r.grid_id == null ? null : Number(r.grid_id),
    departmentId: r.department_id == null ? null : Number(r.department_id),
    handlingLevel: r.handling_level == null ? null : Number(r.handling_level),
    reportedAt: new Date(r.reported_at as string),
    dueAt: date(r.due_at),
    limitMs: r.limit_ms == null ? null : Number(r.limit_ms),
    usedMs: Number(r.used_ms ?? 0),
    clockSince: date(r.clock_since),
    satisfaction: (r.satisfaction as LoopRow['satisfaction']) ?? null,
    supervisions: Number(r.supervisions ?? 0),
    openTasks: Number(r.open_tasks ?? 0),
    duplicateOf: r.duplicate_of == null ? null : Number(r.duplicate_of),
  }
}

/** The columns a transition may change (undefined: unchanged). */
export interface LoopPatch {
  status?: EventStatus
  departmentId?: number | null
  coDepartmentIds?: number[]
  handlingLevel?: number | null
  dueAt?: Date | null
  limitMs?: number | null
  usedMs?: number
  clockSince?: Date | null
  resolvedAt?: Date | null
  resolvedDirect?: boolean
  satisfaction?: 'satisfied' | 'basically_satisfied' | 'unsatisfied' | null
  followedUpAt?: Date | null
  warnedAt?: Date | null
  supervisions?: number
  duplicateOf?: number | null
}

const COLUMNS: Record<keyof LoopPatch, string> = {
  status: 'status',
  departmentId: 'department_id',
  coDepartmentIds: 'co_department_ids',
  handlingLevel: 'handling_level',
  dueAt: 'due_at',
  limitMs: 'limit_ms',
  usedMs: 'used_ms',
  clockSince: 'clock_since',
  resolvedAt: 'resolved_at',
  resolvedDirect: 'resolved_direct',
  satisfaction: 'satisfaction',
  followedUpAt: 'followed_up_at',
  warnedAt: 'warned_at',
  supervisions: 'supervisions',
  duplicateOf: 'duplicate_of',
}

/**
 * Write a transition's changes if the event is still at `version` (optimistic check on top of
 * the row lock): returns the new version, or null when someone else changed it first.
 */
export async function updateEvent(
  d: Database,
  id: number,
  version: number,
  patch: LoopPatch,
): Promise<number | null> {
  const sets = Object.entries(patch)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      const col = sql.raw(COLUMNS[k as keyof LoopPatch])
      if (v instanceof Date) return sql`${col} = ${v.toISOString()}::timestamptz`
      if (Array.isArray(v)) return sql`${col} = ${`{${v.join(',')}}`}::int[]`
      return sql`${col} = ${v}`
    })
  const [r] = await d.rows<{ version: number }>(sql`
    UPDATE events SET ${sql.join([...sets, sql`version = version + 1`, sql`updated_at = now()`], sql`, `)}
    WHERE id = ${id} AND version = ${version}
    RETURNING version`)
  return r ? Number(r.version) : null
}

export interface NewAction {
  eventId: number
  at: Date
  action: string
  fromStatus: EventStatus | null
  toStatus: EventStatus | null
  actorUserId: number | null
  actorOrgId: number | null
  note: string | null
  detail: Record<string, unknown> | null
}

/** One timeline entry (every transition, supervision, comment and whistle step is one). */
export async function addAction(d: Database, a: NewAction): Promise<number> {
  const [r] = await d.rows<{ id: number }>(sql`
    INSERT INTO event_actions (event_id, at, action, from_status, to_status, actor_user_id, actor_org_id, note, detail)
    VALUES (${a.eventId}, ${a.at.toISOString()}, ${a.action}, ${a.fromStatus}, ${a.toStatus},
      ${a.actorUserId}, ${a.actorOrgId}, ${a.note}, ${a.detail === null ? null : JSON.stringify(a.detail)}::jsonb)
    RETURNING id`)
  return Number(r?.id)
}

/** Several timeline entries in one statement (intake's receive + dispatch). */
export async function addActions(d: Database, list: readonly NewAction[]): Promise<void> {
  if (!list.length) return
  await d.rows(sql`
    INSERT INTO event_actions (event_id, at, action, from_status, to_status, actor_user_id, actor_org_id, note, detail)
    VALUES ${sql.join(
      list.map(
        (a) => sql`(${a.eventId}, ${a.at.toISOString()}, ${a.action}, ${a.fromStatus}, ${a.toStatus},
          ${a.actorUserId}, ${a.actorOrgId}, ${a.note}, ${a.detail === null ? null : JSON.stringify(a.detail)}::jsonb)`,
      ),
      sql`, `,
    )}`)
}

/** The calendar's exception days, for WorkCalendar. */
export async function calendarRows(
  d: Database,
): Promise<{ day: string; kind: 'holiday' | 'workday'; name: string }[]> {
  const rows = await d.rows<{ day: string | Date; kind: 'holiday' | 'workday'; name: string }>(
    sql`SELECT day::text AS day, kind, name FROM calendar_days ORDER BY day`,
  )
  return rows.map((r) => ({ day: String(r.day).slice(0, 10), kind: r.kind, name: r.name }))
}

/** Ship a year's calendar unless that year already has days (an edited year is left alone). */
export async function shipCalendarYear(
  d: Database,
  year: number,
  days: readonly { day: string; kind: 'holiday' | 'workday'; name: string }[],
): Promise<boolean> {
  const [has] = await d.rows<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM calendar_days WHERE day >= ${`${year}-01-01`}::date AND day <= ${`${year}-12-31`}::date`,
  )
  if (Number(has?.n ?? 0) > 0 || !days.length) return false
  await d.rows(
    sql`INSERT INTO calendar_days (day, kind, name) VALUES ${sql.join(
      days.map((x) => sql`(${x.day}::date, ${x.kind}, ${x.name})`),
      sql`, `,
    )} ON CONFLICT (day) DO NOTHING`,
  )
  return true
}

/** Settings of the loop, with defaults. */
export const LOOP_DEFAULTS = {
  /** Share of the limit at which a warning (预警) is raised. */
  warnShare: 0.8,
  /** Likely duplicates: same category within this many metres … */
  duplicateMetres: 200,
  /** … and this many days; or the same address. */
  duplicateDays: 7,
} as const
export type LoopSettings = { -readonly [K in keyof typeof LOOP_DEFAULTS]: number }

export async function loopSettings(d: Database): Promise<LoopSettings> {
  const rows = await d.rows<{ key: string; value: unknown }>(sql`SELECT key, value FROM loop_settings`)
  const out: LoopSettings = { ...LOOP_DEFAULTS }
  for (const r of rows) {
    const v = typeof r.value === 'string' ? JSON.parse(r.value) : r.value
    if (r.key in out && typeof v === 'number') out[r.key as keyof LoopSettings] = v
  }
  return out
}

/** Likely duplicates of a request: same category nearby and recent, or the same address. */
export async function likelyDuplicates(
  d: Database,
  area: Area,
  args: {
    excludeId: number | null
    categoryId: number | null
    lon: number
    lat: number
    address: string | null
    at: Date
    metres: number
    days: number
    limit: number
  },
): Promise<
  {
    id: number
    title: string
    status: EventStatus
    reportedAt: string
    metres: number
    sameAddress: boolean
  }[]
> {
  const pt = sql`ST_SetSRID(ST_MakePoint(${args.lon}, ${args.lat}), 4326)`
  const from = new Date(args.at.getTime() - args.days * 86_400_000).toISOString()
  const to = new Date(args.at.getTime() + 86_400_000).toISOString()
  // Degrees of latitude per metre, widened for longitude at this latitude, for the index box.
  const deg = (args.metres / 111_320) * (1 / Math.max(0.2, Math.cos((args.lat * Math.PI) / 180)))
  const rows = await d.rows<{
    id: number
    title: string
    status: EventStatus
    reported_at: string | Date
    metres: number
    same_address: boolean
  }>(sql`
    SELECT e.id, e.title, e.status, e.reported_at,
      ST_Distance(e.geom::geography, ${pt}::geography)::float8 AS metres,
      (${args.address}::text IS NOT NULL AND e.address = ${args.address}) AS same_address
    FROM events e JOIN grids g ON g.id = e.grid_id
    WHERE g.path LIKE ${`${area.path}%`} AND e.duplicate_of IS NULL
      AND (${args.excludeId}::bigint IS NULL OR e.id <> ${args.excludeId})
      AND e.reported_at >= ${from}::timestamptz AND e.reported_at < ${to}::timestamptz
      AND (
        (${args.categoryId}::int IS NOT NULL AND e.category_id = ${args.categoryId}
          AND e.geom && ST_Expand(${pt}, ${deg})
          AND ST_DWithin(e.geom::geography, ${pt}::geography, ${args.metres}))
        OR (${args.address}::text IS NOT NULL AND e.address = ${args.address})
      )
    ORDER BY same_address DESC, metres LIMIT ${args.limit}`)
  return rows.map((r) => ({
    id: Number(r.id),
    title: r.title,
    status: r.status,
    reportedAt: new Date(r.reported_at).toISOString(),
    metres: Math.round(Number(r.metres)),
    sameAddress: Boolean(r.same_address),
  }))
}

/** The workbench queues (工作台): what waits for whom. */
export const QUEUES = [
  'to_dispatch',
  'my_todo',
  'nearly_due',
  'overdue',
  'awaiting_follow_up',
  'extensions',
  'supervised',
] as const
export type Queue = (typeof QUEUES)[number]

export interface QueueItem {
  id: number
  version: number
  externalId: string
  title: string
  status: EventStatus
  source: EventSource
  category: string | null
  gridName: string | null
  department: string | null
  reportedAt: string
  dueAt: string | null
  priority: number
  openTasks: number
  /** 督办: how often supervised (by people and on going overdue). */
  supervisions: number
}

/** One queue inside the caller's area, most urgent first. `orgId`: the caller's department. */
export async function queueItems(
  d: Database,
  area: Area,
  queue: Queue,
  opts: { orgId: number | null; limit: number; warnShare: number },
): Promise<{ items: QueueItem[]; total: number }> {
  const open = sql`e.status NOT IN ('resolved', 'followed_up', 'archived')`
  const conds: Record<Queue, ReturnType<typeof sql>> = {
    to_dispatch: sql`e.status IN ('received', 'returned')`,
    my_todo: opts.orgId
      ? sql`${open} AND e.status IN ('dispatched', 'signed', 'in_progress')
          AND (e.department_id = ${opts.orgId}
            OR EXISTS (SELECT 1 FROM event_tasks t WHERE t.event_id = e.id AND t.department_id = ${opts.orgId} AND t.status = 'open'))`
      : sql`FALSE`,
    // Past the warning share of the limit, not yet overdue.
    // Warned by the loop watcher on the working-day calendar since the clock last started, or
    // past the share by the wall clock already (the watcher runs once a minute).
    nearly_due: sql`${open} AND e.due_at >= now() AND e.limit_ms > 0 AND e.clock_since IS NOT NULL
      AND (e.warned_at >= e.clock_since
        OR (e.due_at - now()) <= (e.limit_ms * (1 - ${opts.warnShare}::float8)) * interval '1 millisecond')`,
    // On a running clock: a paused event has no deadline (docs/loop.md).
    overdue: sql`${open} AND e.due_at < now() AND e.clock_since IS NOT NULL`,
    awaiting_follow_up: sql`e.status = 'resolved'`,
    extensions: sql`e.status = 'extension_requested'`,
    // 督办件: supervised and still open; those escalated furthest first.
    supervised: sql`${open} AND e.supervisions > 0`,
  }
  const where = sql`g.path LIKE ${`${area.path}%`} AND e.duplicate_of IS NULL AND ${conds[queue]}`
  const order =
    queue === 'to_dispatch' || queue === 'awaiting_follow_up'
      ? sql`e.priority, e.reported_at`
      : queue === 'supervised'
        ? sql`e.supervisions DESC, e.due_at NULLS LAST`
        : sql`e.due_at NULLS LAST, e.priority`
  const rows = await d.rows<Record<string, unknown>>(sql`
    SELECT e.id, e.version, e.external_id, e.title, e.status, e.source, e.priority, e.reported_at, e.due_at,
      e.supervisions, c.path_name AS category, g.name AS grid_name, o.name AS department,
      (SELECT count(*)::int FROM event_tasks t WHERE t.event_id = e.id AND t.status = 'open') AS open_tasks,
      count(*) OVER ()::int AS total
    FROM events e JOIN grids g ON g.id = e.grid_id
    LEFT JOIN categories c ON c.id = e.category_id
    LEFT JOIN organisations o ON o.id = e.department_id
    WHERE ${where}
    ORDER BY ${order}, e.id
    LIMIT ${opts.limit}`)
  return {
    total: Number(rows[0]?.total ?? 0),
    items: rows.map((r) => ({
      id: Number(r.id),
      version: Number(r.version),
      externalId: String(r.external_id),
      title: String(r.title),
      status: r.status as EventStatus,
      source: r.source as EventSource,
      category: (r.category as string | null) ?? null,
      gridName: (r.grid_name as string | null) ?? null,
      department: (r.department as string | null) ?? null,
      reportedAt: new Date(r.reported_at as string).toISOString(),
      dueAt: r.due_at ? new Date(r.due_at as string).toISOString() : null,
      priority: Number(r.priority),
      openTasks: Number(r.open_tasks ?? 0),
      supervisions: Number(r.supervisions ?? 0),
    })),
  }
}
