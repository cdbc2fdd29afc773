import { sql } from 'drizzle-orm'
import type { Database } from '../client.ts'

/** Open and still on a clock: neither resolved, followed up nor archived, and not merged away. */
const OPEN = sql`e.status NOT IN ('resolved', 'followed_up', 'archived') AND e.duplicate_of IS NULL`

/** Marked since its clock last started (a pause and restart, or a reopening, marks again). */
/** Restrict a scan to some events (the tests' own: the shared test city has open events too). */
const among = (only: readonly number[] | undefined) =>
  only ? sql`AND e.id = ANY(${`{${only.join(',')}}`}::bigint[])` : sql``

const markedSinceStart = (column: 'warned_at' | 'overdue_at') =>
  sql`(e.${sql.raw(column)} IS NULL OR e.${sql.raw(column)} < coalesce(e.clock_since, '-infinity'::timestamptz))`

export interface WarnCandidate {
  id: number
  dueAt: Date
  limitMs: number
}

/**
 * Running events that may have passed the warning share of their limit and have not been warned
 * since their clock started. The wall-clock bound is a necessary condition only (working time runs
 * slower than the wall: nights, weekends, holidays of up to ten days); the caller decides on the
 * calendar which of them are past the share.
 */
export async function warnCandidates(
  d: Database,
  opts: { warnShare: number; now: Date; limit: number; only?: readonly number[] },
): Promise<WarnCandidate[]> {
  const rows = await d.rows<{ id: number | string; due_at: string | Date; limit_ms: number | string }>(sql`
    SELECT e.id, e.due_at, e.limit_ms FROM events e
    WHERE ${OPEN} AND e.clock_since IS NOT NULL AND e.limit_ms > 0
      AND e.due_at >= ${opts.now.toISOString()}::timestamptz
      AND e.due_at <= ${opts.now.toISOString()}::timestamptz + interval '10 days'
        + (e.limit_ms * (1 - ${opts.warnShare}::float8) * 5) * interval '1 millisecond'
      AND ${markedSinceStart('warned_at')} ${among(opts.only)}
    ORDER BY e.due_at LIMIT ${opts.limit}`)
  return rows.map((r) => ({ id: Number(r.id), dueAt: new Date(r.due_at), limitMs: Number(r.limit_ms) }))
}

export interface Marked {
  id: number
  status: string
  gridPath: string | null
}

/** Warn (预警) these events: warned_at and one timeline entry each, in one statement. */
export async function markWarned(
  d: Database,
  ids: readonly number[],
  opts: { now: Date; warnShare: number },
): Promise<Marked[]> {
  if (!ids.length) return []
  const pct = Math.round(opts.warnShare * 100)
  const rows = await d.rows<{ id: number | string; status: string; path: string | null }>(sql`
    WITH w AS (
      UPDATE events e SET warned_at = ${opts.now.toISOString()}::timestamptz
      WHERE e.id = ANY(${`{${ids.join(',')}}`}::bigint[]) AND ${OPEN} AND ${markedSinceStart('warned_at')}
      RETURNING e.id, e.status, e.grid_id
    ), a AS (
      INSERT INTO event_actions (event_id, at, action, from_status, to_status, note, detail)
      SELECT w.id, ${opts.now.toISOString()}::timestamptz, 'warn', NULL, NULL,
        ${`已用去 ${pct}% 的办理时限，临期预警 / ${pct}% of the time limit used: nearly due`},
        jsonb_build_object('share', ${opts.warnShare}::float8)
      FROM w
    )
    SELECT w.id, w.status, g.path FROM w LEFT JOIN grids g ON g.id = w.grid_id`)
  return rows.map((r) => ({ id: Number(r.id), status: r.status, gridPath: r.path }))
}

/**
 * Mark overdue (超期) the open events whose deadline has passed and that have not been marked since
 * their clock started, and supervise each (督办) one level above where it is handled — the same
 * escalation as a person's 督办 (street → district → city). One timeline entry each.
 */
export async function markOverdue(
  d: Database,
  opts: { now: Date; limit: number; only?: readonly number[] },
): Promise<Marked[]> {
  const now = sql`${opts.now.toISOString()}::timestamptz`
  const rows = await d.rows<{ id: number | string; status: string; path: string | null }>(sql`
    WITH due AS (
      SELECT e.id FROM events e
      WHERE ${OPEN} AND e.clock_since IS NOT NULL AND e.due_at < ${now} AND ${markedSinceStart('overdue_at')} ${among(opts.only)}
      ORDER BY e.due_at LIMIT ${opts.limit}
      FOR UPDATE SKIP LOCKED
    ), o AS (
      UPDATE events e SET overdue_at = ${now}, supervisions = e.supervisions + 1
      FROM due WHERE e.id = due.id
      RETURNING e.id, e.status, e.grid_id, e.due_at, GREATEST(1, coalesce(e.handling_level, 3) - e.supervisions) AS level
    ), a AS (
      INSERT INTO event_actions (event_id, at, action, from_status, to_status, note, detail)
      SELECT o.id, ${now}, 'overdue', NULL, NULL,
        '超过办理期限，自动督办至' || (ARRAY['市级', '区级', '街道级'])[o.level] ||
          ' / past its deadline: supervised at ' || (ARRAY['city', 'district', 'street'])[o.level] || ' level',
        jsonb_build_object('escalatedToLevel', o.level, 'dueAt', o.due_at)
      FROM o
    )
    SELECT o.id, o.status, g.path FROM o LEFT JOIN grids g ON g.id = o.grid_id`)
  return rows.map((r) => ({ id: Number(r.id), status: r.status, gridPath: r.path }))
}
