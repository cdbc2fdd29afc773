import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import { CLOSED_STATUSES } from '../../server/domain/lifecycle.ts'
import type { Database } from '../client.ts'

/**
 * KPIs of the closed loop of citizen requests (12345 热线 诉求闭环), computed in SQL per department,
 * child area or China-time day/week/month. Definitions and formulas: docs/kpi.md. Every query
 * filters on the caller's area (`g.path LIKE area.path || '%'`) in addition to row-level security.
 *
 * Merged duplicates (重复件, `duplicate_of` set) count only as requests received and in the repeat
 * rate: every other KPI is about the main events, which carry the handling.
 */

/** How the rows are grouped. Time buckets are China time (Asia/Shanghai, UTC+8, no DST). */
export const KPI_GROUPINGS = ['department', 'area', 'day', 'week', 'month'] as const
export type KpiGrouping = (typeof KPI_GROUPINGS)[number]

export interface KpiQuery {
  /** Start of the period, inclusive. */
  from: Date
  /** End of the period, exclusive: the period is [from, to). */
  to: Date
  by: KpiGrouping
  /**
   * Narrow everything (total and rows) to this area (a grid code inside the caller's area); with
   * `by: 'area'` its child areas are the rows. Default: the caller's area.
   */
  areaCode?: string | undefined
  /** Only events of this department (承办部门). */
  departmentId?: number | undefined
}

export interface KpiRow {
  /** 受理量: events received (reported_at) in the period. */
  received: number
  /** 重复件: of those, merged duplicates (duplicate_of set). */
  duplicates: number
  /** 重复诉求率 = duplicates / received; null when nothing was received. */
  repeatRate: number | null

  /** 办结量: events resolved in the period (closed status, resolved_at in the period). */
  closed: number
  /** Of those, resolved within their limit (used_ms ≤ limit_ms; else resolved_at ≤ due_at; no limit: on time). */
  closedOnTime: number
  /** 超期未办结: not closed at the period end and past due then (due_at < end; paused events have no due_at). */
  openOverdue: number
  /** 按时办结率 = closedOnTime / (closed + openOverdue); null when the denominator is 0. */
  onTimeRate: number | null

  /** 即接即办: of the closed, resolved at first contact (resolved_direct). */
  closedDirect: number
  /** 一次办结率 = closedDirect / closed; null when nothing was closed. */
  firstContactRate: number | null

  /** Mean wall-clock handling time in hours (resolved_at − reported_at) of the closed; null when none. */
  meanHours: number | null
  /** 90th percentile (percentile_cont(0.9)) of the same; null when none. */
  p90Hours: number | null

  /** 回访量: events followed up with a rating in the period (followed_up_at in the period). */
  rated: number
  satisfied: number
  basicallySatisfied: number
  unsatisfied: number
  /** 满意率 = (satisfied + basicallySatisfied) / rated; null when nothing was rated. */
  satisfactionRate: number | null
}

export type KpiGroupRow = KpiRow & {
  /** Department id, child grid code, or the bucket's first day ('YYYY-MM-DD'; 'YYYY-MM' for months). */
  key: string
  label: string
}

export interface KpiResult {
  total: KpiRow
  rows: KpiGroupRow[]
}

/** The chosen area (areaCode) does not exist or lies outside the caller's area. */
export class KpiAreaError extends Error {
  constructor(readonly areaCode: string) {
    super(
      `区域 ${areaCode} 不存在或不在您的辖区内 / area ${areaCode} does not exist or lies outside your area`,
    )
    this.name = 'KpiAreaError'
  }
}

const TZ = 'Asia/Shanghai'
const CLOSED = sql.raw(`(${CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')})`)

/** date_trunc unit and key format of a time bucket (code constants, never input). */
const BUCKETS = {
  day: { unit: 'day', step: '1 day', key: 'YYYY-MM-DD', label: 'YYYY-MM-DD' },
  week: { unit: 'week', step: '1 week', key: 'YYYY-MM-DD', label: 'IYYY-"W"IW' },
  month: { unit: 'month', step: '1 month', key: 'YYYY-MM', label: 'YYYY-MM' },
} as const

interface Scope {
  /** Path prefix of the events counted: the chosen area, inside the caller's. */
  path: string
  /** The grid whose children are the area rows (null: the top-level grids). */
  rootId: number | null
}

/** The caller's area narrowed to `areaCode`, or KpiAreaError. Whole-city callers without a code look below a single city. */
async function scopeOf(d: Database, area: Area, areaCode: string | undefined): Promise<Scope> {
  if (areaCode !== undefined) {
    const [g] = await d.rows<{ id: number; path: string }>(
      sql`SELECT id, path FROM grids WHERE code = ${areaCode} AND path LIKE ${`${area.path}%`}`,
    )
    if (!g) throw new KpiAreaError(areaCode)
    return { path: g.path, rootId: Number(g.id) }
  }
  if (area.gridId !== null) return { path: area.path, rootId: area.gridId }
  // The whole city: one top-level grid (the city) is the root; several roots are the rows themselves.
  const tops = await d.rows<{ id: number }>(sql`SELECT id FROM grids WHERE parent_id IS NULL LIMIT 2`)
  return { path: area.path, rootId: tops.length === 1 ? Number(tops[0]!.id) : null }
}

interface Group {
  key: string
  label: string
}

/**
 * The KPIs of the caller's area for the period [from, to), in total and per group. Rates are null
 * when their denominator is 0. Rows: per department that has any count (by name); per child area
 * of the chosen area, all of them, in code order (events of the area itself, in no child, in a row
 * keyed by the area's own code); per China-time day, week (Monday first) or month, every bucket
 * that meets the period (the first and last clipped to it). Counts of the rows add up to the total,
 * except openOverdue per time bucket: an event open past due at the end of two buckets counts in
 * both.
 */
export async function kpis(d: Database, area: Area, q: KpiQuery): Promise<KpiResult> {
  const scope = await scopeOf(d, area, q.areaCode)
  const from = q.from.toISOString()
  const to = q.to.toISOString()
  const f = sql`${from}::timestamptz`
  const t = sql`${to}::timestamptz`

  const ev = sql`ev AS (
    SELECT e.reported_at, e.resolved_at, e.due_at, e.limit_ms, e.used_ms, e.satisfaction,
      e.followed_up_at, e.resolved_direct, e.duplicate_of, e.department_id, g.path AS gpath,
      (e.status IN ${CLOSED} AND e.resolved_at IS NOT NULL) AS closed
    FROM events e JOIN grids g ON g.id = e.grid_id
    WHERE g.path LIKE ${`${area.path}%`} AND g.path LIKE ${`${scope.path}%`}
      ${q.departmentId !== undefined ? sql`AND e.department_id = ${q.departmentId}` : sql``}
      AND e.reported_at < ${t}
      AND (e.reported_at >= ${f} OR e.resolved_at >= ${f} OR e.followed_up_at >= ${f}
        OR (e.due_at < ${t} AND e.status NOT IN ${CLOSED}))
  )`

  const total = await aggregate(d, ev, sql`''`, f, t, null)
  const totalRow = total.get('') ?? emptyRow()

  let groups: Group[]
  let byGroup: Map<string, KpiRow>
  if (q.by === 'department') {
    byGroup = await aggregate(d, ev, sql`coalesce(ev.department_id::text, '')`, f, t, null)
    const ids = [...byGroup.keys()].filter((k) => k !== '').map(Number)
    const names = new Map<string, string>()
    if (ids.length) {
      const orgs = await d.rows<{ id: number; name: string }>(
        sql`SELECT id, name FROM organisations WHERE id IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      )
      for (const o of orgs) names.set(String(o.id), o.name)
    }
    groups = [...byGroup.keys()]
      .map((key) => ({
        key,
        label: key === '' ? '未派单 / not dispatched' : (names.get(key) ?? `#${key}`),
      }))
      .sort((a, b) => (a.key === '' ? 1 : b.key === '' ? -1 : a.label.localeCompare(b.label, 'zh')))
  } else if (q.by === 'area') {
    const kids = await d.rows<{ code: string; name: string; path: string }>(
      sql`SELECT code, name, path FROM grids
        WHERE ${scope.rootId === null ? sql`parent_id IS NULL` : sql`parent_id = ${scope.rootId}`}
          AND path LIKE ${`${area.path}%`}
        ORDER BY code`,
    )
    const kidsSql = kids.length
      ? sql`(VALUES ${sql.join(
          kids.map((k) => sql`(${k.code}, ${k.path})`),
          sql`, `,
        )}) AS kid(code, path)`
      : sql`(SELECT NULL::text AS code, NULL::text AS path WHERE false) AS kid`
    const self = scope.rootId === null ? null : await codeOf(d, scope.rootId)
    byGroup = await aggregate(
      d,
      ev,
      sql`coalesce((SELECT kid.code FROM ${kidsSql} WHERE ev.gpath LIKE kid.path || '%' LIMIT 1), ${self?.code ?? ''})`,
      f,
      t,
      null,
    )
    groups = kids.map((k) => ({ key: k.code, label: k.name }))
    if (self && byGroup.has(self.code))
      groups.push({ key: self.code, label: `${self.name}（本级）/ ${self.name} itself` })
  } else {
    const b = BUCKETS[q.by]
    const unit = sql.raw(`'${b.unit}'`)
    const step = sql.raw(`interval '${b.step}'`)
    const local = (ts: SQL) => sql`date_trunc(${unit}, ${ts} AT TIME ZONE '${sql.raw(TZ)}')`
    const buckets = sql`SELECT s, to_char(s, '${sql.raw(b.key)}') AS k, to_char(s, '${sql.raw(b.label)}') AS label,
        least(((s + ${step}) AT TIME ZONE '${sql.raw(TZ)}'), ${t}) AS b_to
      FROM generate_series(${local(f)}, ${local(sql`(${t} - interval '1 microsecond')`)}, ${step}) s`
    const list = await d.rows<{ k: string; label: string }>(
      sql`SELECT k, label FROM (${buckets}) b ORDER BY s`,
    )
    groups = list.map((r) => ({ key: r.k, label: r.label }))
    byGroup = await aggregate(
      d,
      ev,
      sql`to_char(${local(sql`ev.anchor`)}, '${sql.raw(b.key)}')`,
      f,
      t,
      sql`(${buckets})`,
    )
  }
  return {
    total: totalRow,
    rows: groups.map((g) => ({ key: g.key, label: g.label, ...(byGroup.get(g.key) ?? emptyRow()) })),
  }
}

async function codeOf(d: Database, id: number): Promise<{ code: string; name: string } | null> {
  const [g] = await d.rows<{ code: string; name: string }>(sql`SELECT code, name FROM grids WHERE id = ${id}`)
  return g ?? null
}

interface AggRow {
  k: string
  received: number
  duplicates: number
  closed: number
  closed_on_time: number
  open_overdue: number
  closed_direct: number
  mean_hours: number | string | null
  p90_hours: number | string | null
  rated: number
  satisfied: number
  basically_satisfied: number
  unsatisfied: number
}

/**
 * One row per group key. `key` is an expression over `ev` (and `ev.anchor`, the timestamp that
 * puts the fact in its period: reported_at, resolved_at or followed_up_at). With `buckets` (time
 * grouping) open overdue events are counted at the end of every bucket, otherwise at `t`.
 */
async function aggregate(
  d: Database,
  evCte: SQL,
  key: SQL,
  f: SQL,
  t: SQL,
  buckets: SQL | null,
): Promise<Map<string, KpiRow>> {
  const inPeriod = (col: SQL) => sql`${col} >= ${f} AND ${col} < ${t}`
  // On time: within the working-time limit when there is one, else by the due time; no limit at all: on time.
  const onTime = sql`CASE WHEN ev.limit_ms IS NOT NULL THEN ev.used_ms <= ev.limit_ms
    WHEN ev.due_at IS NOT NULL THEN ev.resolved_at <= ev.due_at ELSE true END`
  const openOverdueAt = (end: SQL) => sql`ev.duplicate_of IS NULL AND ev.reported_at < ${end}
    AND ev.due_at < ${end} AND NOT (ev.closed AND ev.resolved_at < ${end})`
  const overdueFacts = buckets
    ? sql`SELECT b.k, 0 AS received, 0 AS duplicate, 0 AS closed, 0 AS on_time, 0 AS direct,
        NULL::float8 AS hours, 1 AS overdue, 0 AS rated, NULL::text AS satisfaction
      FROM ev JOIN ${buckets} b ON ${openOverdueAt(sql`b.b_to`)}`
    : sql`SELECT ${key} AS k, 0, 0, 0, 0, 0, NULL::float8, 1, 0, NULL::text
      FROM (SELECT ev.*, ${t} AS anchor FROM ev) ev WHERE ${openOverdueAt(t)}`
  const rows = await d.rows<AggRow>(sql`WITH ${evCte},
    facts AS (
      SELECT ${key} AS k, 1 AS received, (ev.duplicate_of IS NOT NULL)::int AS duplicate, 0 AS closed,
          0 AS on_time, 0 AS direct, NULL::float8 AS hours, 0 AS overdue, 0 AS rated, NULL::text AS satisfaction
        FROM (SELECT ev.*, ev.reported_at AS anchor FROM ev) ev WHERE ${inPeriod(sql`ev.reported_at`)}
      UNION ALL
      SELECT ${key}, 0, 0, 1, (${onTime})::int, ev.resolved_direct::int,
          (extract(epoch FROM ev.resolved_at - ev.reported_at) / 3600)::float8, 0, 0, NULL
        FROM (SELECT ev.*, ev.resolved_at AS anchor FROM ev) ev
        WHERE ev.closed AND ev.duplicate_of IS NULL AND ${inPeriod(sql`ev.resolved_at`)}
      UNION ALL
      SELECT ${key}, 0, 0, 0, 0, 0, NULL, 0, 1, ev.satisfaction
        FROM (SELECT ev.*, ev.followed_up_at AS anchor FROM ev) ev
        WHERE ev.satisfaction IS NOT NULL AND ev.duplicate_of IS NULL AND ${inPeriod(sql`ev.followed_up_at`)}
      UNION ALL
      ${overdueFacts}
    )
    SELECT k, sum(received)::int AS received, sum(duplicate)::int AS duplicates, sum(closed)::int AS closed,
      sum(on_time)::int AS closed_on_time, sum(overdue)::int AS open_overdue, sum(direct)::int AS closed_direct,
      avg(hours) AS mean_hours, percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90_hours,
      sum(rated)::int AS rated,
      count(*) FILTER (WHERE satisfaction = 'satisfied')::int AS satisfied,
      count(*) FILTER (WHERE satisfaction = 'basically_satisfied')::int AS basically_satisfied,
      count(*) FILTER (WHERE satisfaction = 'unsatisfied')::int AS unsatisfied
    FROM facts GROUP BY k`)
  const out = new Map<string, KpiRow>()
  for (const r of rows) out.set(String(r.k ?? ''), toRow(r))
  return out
}

const num = (v: number | string | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v)
const rate = (n: number, d: number): number | null => (d === 0 ? null : n / d)

function toRow(r: AggRow): KpiRow {
  const received = Number(r.received)
  const duplicates = Number(r.duplicates)
  const closed = Number(r.closed)
  const closedOnTime = Number(r.closed_on_time)
  const openOverdue = Number(r.open_overdue)
  const closedDirect = Number(r.closed_direct)
  const rated = Number(r.rated)
  const satisfied = Number(r.satisfied)
  const basicallySatisfied = Number(r.basically_satisfied)
  return {
    received,
    duplicates,
    repeatRate: rate(duplicates, received),
    closed,
    closedOnTime,
    openOverdue,
    onTimeRate: rate(closedOnTime, closed + openOverdue),
    closedDirect,
    firstContactRate: rate(closedDirect, closed),
    meanHours: closed ? num(r.mean_hours) : null,
    p90Hours: closed ? num(r.p90_hours) : null,
    rated,
    satisfied,
    basicallySatisfied,
    unsatisfied: Number(r.unsatisfied),
    satisfactionRate: rate(satisfied + basicallySatisfied, rated),
  }
}

function emptyRow(): KpiRow {
  return toRow({
    k: '',
    received: 0,
    duplicates: 0,
    closed: 0,
    closed_on_time: 0,
    open_overdue: 0,
    closed_direct: 0,
    mean_hours: null,
    p90_hours: null,
    rated: 0,
    satisfied: 0,
    basically_satisfied: 0,
    unsatisfied: 0,
  })
}

/** One department's line in the whistle league table (晒一晒). */
export interface LeagueRow {
  departmentId: number
  name: string
  /** Sub-tasks (吹哨任务) the department received in the period (created_at in the period). */
  received: number
  /** Of those, reported back so far. */
  reported: number
  /** Of those, reported by their deadline (reported_at ≤ due_at). */
  reportedOnTime: number
  /** Of those received, not reported and past their deadline now. */
  openOverdue: number
  /** reportedOnTime / (reported + openOverdue); null when the denominator is 0. */
  onTimeRate: number | null
  /** Of those received, scored by the whistle-blower (1–5). */
  scored: number
  /** Mean score of the scored; null when none. */
  meanScore: number | null
}

/**
 * The league table of the whistle (吹哨 → 报到 → 评分, 晒一晒): per department, the sub-tasks it
 * received in [from, to) on events of the caller's area, and what has become of them so far.
 * Best first: mean score, then on-time rate, then more tasks received, then name.
 */
export async function departmentLeague(
  d: Database,
  area: Area,
  q: { from: Date; to: Date },
): Promise<LeagueRow[]> {
  const rows = await d.rows<{
    department_id: number
    name: string | null
    received: number
    reported: number
    reported_on_time: number
    open_overdue: number
    scored: number
    mean_score: number | string | null
  }>(sql`SELECT t.department_id, o.name,
      count(*)::int AS received,
      count(t.reported_at)::int AS reported,
      count(*) FILTER (WHERE t.reported_at <= t.due_at)::int AS reported_on_time,
      count(*) FILTER (WHERE t.reported_at IS NULL AND t.due_at < now())::int AS open_overdue,
      count(t.score)::int AS scored,
      avg(t.score)::float8 AS mean_score
    FROM event_tasks t
      JOIN events e ON e.id = t.event_id
      JOIN grids g ON g.id = e.grid_id
      LEFT JOIN organisations o ON o.id = t.department_id
    WHERE g.path LIKE ${`${area.path}%`}
      AND t.created_at >= ${q.from.toISOString()}::timestamptz AND t.created_at < ${q.to.toISOString()}::timestamptz
    GROUP BY t.department_id, o.name`)
  return rows
    .map((r) => {
      const reported = Number(r.reported)
      const reportedOnTime = Number(r.reported_on_time)
      const openOverdue = Number(r.open_overdue)
      return {
        departmentId: Number(r.department_id),
        name: r.name ?? `#${r.department_id}`,
        received: Number(r.received),
        reported,
        reportedOnTime,
        openOverdue,
        onTimeRate: rate(reportedOnTime, reported + openOverdue),
        scored: Number(r.scored),
        meanScore: num(r.mean_score),
      }
    })
    .sort(
      (a, b) =>
        (b.meanScore ?? -1) - (a.meanScore ?? -1) ||
        (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) ||
        b.received - a.received ||
        a.name.localeCompare(b.name, 'zh'),
    )
}
