import { sql } from 'drizzle-orm'
import type { Database } from '../client.ts'

/**
 * The reporter notices outbox (告知诉求人, db/schema/notices.ts). The texts name requests by
 * their numbers only: no names, phones or what a handler wrote.
 */

/** Tell a merged duplicate's reporter that it is handled as `mainId`. Once per pair. */
export async function noticeMerged(d: Database, duplicateId: number, mainId: number): Promise<void> {
  await d.rows(sql`
    INSERT INTO reporter_notices (event_id, about_event_id, kind, message)
    SELECT dup.id, main.id, 'merged',
      '【一网】您反映的诉求（编号 ' || dup.external_id || '）与编号 ' || main.external_id ||
        ' 的诉求为同一问题，已合并办理，办理结果将一并告知。'
    FROM events dup, events main WHERE dup.id = ${duplicateId} AND main.id = ${mainId}
    ON CONFLICT (event_id, kind, about_event_id) DO NOTHING`)
}

/**
 * Tell the reporters of `eventId` and of every duplicate merged into it that it is resolved. A
 * second resolution (after a reopening) sends again.
 */
export async function noticeResolved(d: Database, eventId: number): Promise<number> {
  const rows = await d.rows<{ id: number }>(sql`
    INSERT INTO reporter_notices (event_id, about_event_id, kind, message)
    SELECT e.id, main.id, 'resolved',
      '【一网】您反映的诉求（编号 ' || e.external_id || '）' ||
        CASE WHEN e.id = main.id THEN '' ELSE '已并入编号 ' || main.external_id || ' 一并办理，现' END ||
        '已办结。我们可能回访您，请对办理情况作出评价。'
    FROM events main JOIN events e ON e.id = main.id OR e.duplicate_of = main.id
    WHERE main.id = ${eventId}
    ON CONFLICT (event_id, kind, about_event_id) DO UPDATE
      SET status = 'pending', attempts = 0, last_error = NULL, sent_at = NULL,
        created_at = now(), message = excluded.message
    RETURNING id`)
  return rows.length
}

export interface PendingNotice {
  id: number
  eventId: number
  message: string
  phoneEnc: Buffer
  attempts: number
}

/** Settle as no_contact the pending notices whose reporter left no phone (Open311 requesters
 * see the outcome in GET requests instead). Returns how many. */
export async function settleWithoutContact(d: Database): Promise<number> {
  const rows = await d.rows(sql`
    UPDATE reporter_notices n SET status = 'no_contact', attempts = n.attempts + 1
    FROM events e WHERE e.id = n.event_id AND e.reporter_phone_enc IS NULL AND n.status = 'pending'
    RETURNING n.id`)
  return rows.length
}

/** Notices waiting to be sent (no gateway configured, or not yet tried). */
export async function waitingNotices(d: Database): Promise<number> {
  const [r] = await d.rows<{ n: number | string }>(
    sql`SELECT count(*) AS n FROM reporter_notices WHERE status = 'pending'`,
  )
  return Number(r?.n ?? 0)
}

/** The next notices to send (those with a phone), oldest first, locked for this sender. */
export async function pendingNotices(d: Database, limit: number): Promise<PendingNotice[]> {
  const rows = await d.rows<{
    id: number | string
    event_id: number | string
    message: string
    attempts: number
    reporter_phone_enc: Buffer | Uint8Array | null
  }>(sql`
    SELECT n.id, n.event_id, n.message, n.attempts, e.reporter_phone_enc
    FROM reporter_notices n JOIN events e ON e.id = n.event_id
    WHERE n.status IN ('pending', 'failed') AND n.attempts < ${MAX_ATTEMPTS} AND e.reporter_phone_enc IS NOT NULL
    ORDER BY n.id LIMIT ${limit}
    FOR UPDATE OF n SKIP LOCKED`)
  return rows.map((r) => ({
    id: Number(r.id),
    eventId: Number(r.event_id),
    message: r.message,
    attempts: Number(r.attempts),
    phoneEnc: Buffer.from(r.reporter_phone_enc as Uint8Array),
  }))
}

/** A failed notice is tried this many times in all, then left failed for a person to see. */
export const MAX_ATTEMPTS = 5

export async function settleNotice(
  d: Database,
  id: number,
  outcome: { status: 'sent' | 'no_contact' } | { status: 'failed'; error: string },
): Promise<void> {
  if (outcome.status === 'failed')
    await d.rows(sql`UPDATE reporter_notices SET status = 'failed', attempts = attempts + 1,
      last_error = ${outcome.error.slice(0, 500)} WHERE id = ${id}`)
  else
    await d.rows(sql`UPDATE reporter_notices SET status = ${outcome.status}, attempts = attempts + 1,
      last_error = NULL, sent_at = CASE WHEN ${outcome.status} = 'sent' THEN now() END WHERE id = ${id}`)
}

export interface NoticeRow {
  id: number
  eventId: number
  aboutEventId: number
  kind: 'merged' | 'resolved'
  status: 'pending' | 'sent' | 'failed' | 'no_contact'
  attempts: number
  lastError: string | null
  createdAt: string
  sentAt: string | null
  /** The reporter's phone, masked (138****5678), or null when none was given. */
  phoneMasked: string | null
}

/** The notices about an event: to its own reporter and to those of its merged duplicates. */
export async function noticesAbout(d: Database, eventId: number): Promise<NoticeRow[]> {
  const rows = await d.rows<Record<string, unknown>>(sql`
    SELECT n.id, n.event_id, n.about_event_id, n.kind, n.status, n.attempts, n.last_error,
      n.created_at, n.sent_at, e.reporter_phone_masked
    FROM reporter_notices n JOIN events e ON e.id = n.event_id
    WHERE n.about_event_id = ${eventId} OR n.event_id = ${eventId}
    ORDER BY n.id`)
  return rows.map((r) => ({
    id: Number(r.id),
    eventId: Number(r.event_id),
    aboutEventId: Number(r.about_event_id),
    kind: r.kind as NoticeRow['kind'],
    status: r.status as NoticeRow['status'],
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: new Date(r.created_at as string).toISOString(),
    sentAt: r.sent_at ? new Date(r.sent_at as string).toISOString() : null,
    phoneMasked: (r.reporter_phone_masked as string | null) ?? null,
  }))
}
