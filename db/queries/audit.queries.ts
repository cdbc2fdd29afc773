import { type SQL, sql } from 'drizzle-orm'
import type { Database } from '../client.ts'

/** One audit record as auditors see it (hashes in hex). */
export interface AuditRecord {
  id: number
  at: string
  actorUserId: number | null
  actorTokenId: number | null
  actorName: string
  action: string
  objectType: string | null
  objectId: string | null
  reason: string | null
  before: unknown
  after: unknown
  ip: string | null
  outcome: 'ok' | 'denied' | 'failed'
  prevHash: string
  hash: string
}

export interface AuditFilter {
  from?: Date | undefined
  to?: Date | undefined
  actor?: string | undefined
  action?: string | undefined
  objectType?: string | undefined
  objectId?: string | undefined
  /** Newest first; the cursor is the last id of the previous page. */
  cursor?: number | undefined
  limit: number
}

interface Row {
  id: string | number
  at: string
  actor_user_id: number | null
  actor_token_id: number | null
  actor_name: string
  action: string
  object_type: string | null
  object_id: string | null
  reason: string | null
  before: unknown
  after: unknown
  ip: string | null
  outcome: 'ok' | 'denied' | 'failed'
  prev_hash: string
  hash: string
}

/**
 * Audit records, newest first, filtered; keyset-paginated by id. `action` ending in '.' or '*'
 * matches a prefix ('auth.' → every sign-in/out record). All values are bound parameters.
 */
export async function listAudit(
  d: Database,
  f: AuditFilter,
): Promise<{ items: AuditRecord[]; nextCursor: number | null }> {
  const where: SQL[] = []
  if (f.from) where.push(sql`at >= ${f.from.toISOString()}::timestamptz`)
  if (f.to) where.push(sql`at < ${f.to.toISOString()}::timestamptz`)
  if (f.actor) where.push(sql`actor_name = ${f.actor}`)
  if (f.action) {
    if (f.action.endsWith('*') || f.action.endsWith('.')) {
      const prefix = f.action.replace(/\*$/, '')
      where.push(sql`starts_with(action, ${prefix})`)
    } else where.push(sql`action = ${f.action}`)
  }
  if (f.objectType) where.push(sql`object_type = ${f.objectType}`)
  if (f.objectId) where.push(sql`object_id = ${f.objectId}`)
  if (f.cursor !== undefined) where.push(sql`id < ${String(f.cursor)}::bigint`)
  const cond = where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``
  const rows = await d.rows<Row>(
    sql`SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, actor_user_id,
          actor_token_id, actor_name, action, object_type, object_id, reason, before, after, ip, outcome,
          encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash
        FROM audit_log ${cond}
        ORDER BY id DESC LIMIT ${f.limit + 1}`,
  )
  const more = rows.length > f.limit
  const items = rows.slice(0, f.limit).map(
    (r): AuditRecord => ({
      id: Number(r.id),
      at: r.at,
      actorUserId: r.actor_user_id,
      actorTokenId: r.actor_token_id,
      actorName: r.actor_name,
      action: r.action,
      objectType: r.object_type,
      objectId: r.object_id,
      reason: r.reason,
      before: r.before,
      after: r.after,
      ip: r.ip,
      outcome: r.outcome,
      prevHash: r.prev_hash,
      hash: r.hash,
    }),
  )
  return { items, nextCursor: more ? (items[items.length - 1]?.id ?? null) : null }
}

/** How many `action` records `actorName` has in the last `withinMs` (any outcome but denied). */
export async function countRecentActions(
  d: Database,
  actorName: string,
  action: string,
  withinMs: number,
): Promise<number> {
  const [r] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log
    WHERE actor_name = ${actorName} AND action = ${action} AND outcome <> 'denied'
      AND at > now() - make_interval(secs => ${withinMs / 1000})`)
  return Number(r?.n ?? 0)
}
