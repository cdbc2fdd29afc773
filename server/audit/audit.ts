import { type SQL, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import {
  type AuditContent,
  type AuditOutcome,
  auditHash,
  GENESIS_HEX,
  isoMicros,
  type JsonValue,
  storableText,
  toJsonValue,
} from './canonical.ts'

/**
 * The tamper-evident audit trail (审计日志). Every record's hash covers its content and the
 * previous record's hash; the single `audit_head` row, locked FOR UPDATE by every append, holds
 * the chain's end, so concurrent writers (any number of processes) produce one unbroken chain.
 * Ids are drawn from the sequence after the lock is taken, so id order is chain order.
 */

export interface AuditEntry {
  actorName: string
  actorUserId?: number
  actorTokenId?: number
  /** e.g. 'auth.sign_in', 'person.unmask', 'export', 'event.update', 'audit.prune' */
  action: string
  objectType?: string
  objectId?: string
  reason?: string
  before?: unknown
  after?: unknown
  ip?: string
  outcome?: AuditOutcome
  at?: Date
}

export interface AppendedAudit {
  id: number
  hash: string
  prevHash: string
}

/** Minimum retention (days): about six months, as required for security logs (网络安全法 第二十一条). */
export const MIN_AUDIT_RETENTION_DAYS = 184
export const DEFAULT_AUDIT_RETENTION_DAYS = 365

/** Action recorded by a prune; its `after` names the anchor where verification restarts. */
export const PRUNE_ACTION = 'audit.prune'

type Tx = Parameters<Parameters<Database['db']['transaction']>[0]>[0]

async function txRows<T>(d: Database, tx: Tx, q: SQL): Promise<T[]> {
  const res = (await tx.execute(q)) as unknown
  return d.kind === 'pglite' ? (res as { rows: T[] }).rows : (res as T[])
}

const GENESIS_BYTEA = sql.raw(`'\\x${GENESIS_HEX}'::bytea`)

/** Databases whose head row is known to exist (skips one statement per append). */
const headKnown = new WeakSet<Database>()

/** Lock the chain head (creating it on first use, race-safe) and return it. */
async function lockHead(d: Database, tx: Tx): Promise<{ lastId: string; lastHash: string }> {
  if (!headKnown.has(d)) {
    // If records exist without a head (it was lost), continue from the last record, not genesis.
    await txRows(
      d,
      tx,
      sql`INSERT INTO audit_head (id, last_id, last_hash)
          SELECT 1, coalesce(l.id, 0), coalesce(l.hash, ${GENESIS_BYTEA})
          FROM (SELECT 1) one
          LEFT JOIN LATERAL (SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1) l ON true
          ON CONFLICT (id) DO NOTHING`,
    )
  }
  const [head] = await txRows<{ last_id: string | number; last_hash: string }>(
    d,
    tx,
    sql`SELECT last_id, encode(last_hash, 'hex') AS last_hash FROM audit_head WHERE id = 1 FOR UPDATE`,
  )
  if (!head) throw new Error('audit: the chain head (audit_head) is missing')
  return { lastId: String(head.last_id), lastHash: head.last_hash }
}

function text(v: string | undefined | null): string | null {
  return v === undefined || v === null ? null : storableText(String(v))
}

function jsonParam(v: JsonValue): SQL {
  return v === null ? sql`NULL::jsonb` : sql`${JSON.stringify(v)}::jsonb`
}

/** Append within a transaction that may already hold the head lock (lockHead is idempotent). */
async function appendInTx(d: Database, tx: Tx, entry: AuditEntry): Promise<AppendedAudit> {
  if (!entry.actorName) throw new Error('audit: actorName is required')
  if (!entry.action) throw new Error('audit: action is required')
  const outcome = entry.outcome ?? 'ok'
  if (outcome !== 'ok' && outcome !== 'denied' && outcome !== 'failed')
    throw new Error(`audit: outcome must be ok, denied or failed (got ${String(outcome)})`)
  const at = entry.at ?? new Date()
  if (Number.isNaN(at.getTime())) throw new Error('audit: at is not a valid date')
  const head = await lockHead(d, tx)
  const [seq] = await txRows<{ id: string | number }>(
    d,
    tx,
    sql`SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id`,
  )
  const content: AuditContent = {
    id: String(seq!.id),
    at: isoMicros(at),
    actorUserId: entry.actorUserId ?? null,
    actorTokenId: entry.actorTokenId ?? null,
    actorName: storableText(entry.actorName),
    action: storableText(entry.action),
    objectType: text(entry.objectType),
    objectId: text(entry.objectId),
    reason: text(entry.reason),
    before: toJsonValue(entry.before),
    after: toJsonValue(entry.after),
    ip: text(entry.ip),
    outcome,
    prevHash: head.lastHash,
  }
  const hash = auditHash(content)
  await txRows(
    d,
    tx,
    sql`INSERT INTO audit_log (id, at, actor_user_id, actor_token_id, actor_name, action, object_type,
          object_id, reason, before, after, ip, outcome, prev_hash, hash)
        VALUES (${content.id}::bigint, ${content.at}::timestamptz, ${content.actorUserId}::int,
          ${content.actorTokenId}::int, ${content.actorName}, ${content.action}, ${content.objectType},
          ${content.objectId}, ${content.reason}, ${jsonParam(content.before)}, ${jsonParam(content.after)},
          ${content.ip}, ${content.outcome}, decode(${content.prevHash}, 'hex'), decode(${hash}, 'hex'))`,
  )
  await txRows(
    d,
    tx,
    sql`UPDATE audit_head SET last_id = ${content.id}::bigint, last_hash = decode(${hash}, 'hex') WHERE id = 1`,
  )
  return { id: Number(content.id), hash, prevHash: head.lastHash }
}

/**
 * Append one record to the audit trail, in its own transaction: lock the head, hash, insert,
 * move the head. Safe under any number of concurrent writers on both backends.
 */
export async function appendAudit(d: Database, entry: AuditEntry): Promise<AppendedAudit> {
  const out = await d.db.transaction((tx) => appendInTx(d, tx, entry))
  headKnown.add(d)
  return out
}

export interface AuditVerification {
  ok: boolean
  /** Records checked. */
  records: number
  firstId?: number
  lastId?: number
  /** Where verification started when older records were pruned. */
  anchor?: { lastPrunedId: number; lastPrunedHash: string }
  firstBroken?: { id: number; reason: string }
}

interface ChainRow {
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
  outcome: AuditOutcome
  prev_hash: string
  hash: string
}

const chainColumns = sql`id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
  actor_user_id, actor_token_id, actor_name, action, object_type, object_id, reason, before, after, ip,
  outcome, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash`

function parseJson(v: unknown): JsonValue {
  // Both drivers parse jsonb; a string here would be a driver configured not to.
  return (v === undefined ? null : v) as JsonValue
}

function contentOf(r: ChainRow): AuditContent {
  return {
    id: String(r.id),
    at: r.at,
    actorUserId: r.actor_user_id,
    actorTokenId: r.actor_token_id,
    actorName: r.actor_name,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    reason: r.reason,
    before: parseJson(r.before),
    after: parseJson(r.after),
    ip: r.ip,
    outcome: r.outcome,
    prevHash: r.prev_hash,
  }
}

function intLiteral(v: string): string {
  if (!/^\d{1,19}$/.test(v)) throw new Error(`audit: not an id: ${v}`)
  return v
}

/** The anchor left by the latest prune: the id and hash of the last record it removed. */
async function pruneAnchor(d: Database): Promise<{ lastPrunedId: number; lastPrunedHash: string } | null> {
  const [row] = await d.rows<{ after: unknown }>(
    sql`SELECT after FROM audit_log WHERE action = ${PRUNE_ACTION} ORDER BY id DESC LIMIT 1`,
  )
  const a = row?.after as { lastPrunedId?: unknown; lastPrunedHash?: unknown } | undefined
  if (!a || typeof a.lastPrunedHash !== 'string' || !/^[0-9a-f]{64}$/.test(a.lastPrunedHash)) return null
  return { lastPrunedId: Number(a.lastPrunedId), lastPrunedHash: a.lastPrunedHash }
}

/**
 * Walk the whole chain in id order, in batches (constant memory, so millions of records are fine),
 * recomputing every hash. Detects changed content (hash mismatch), deleted, inserted or reordered
 * records (prev_hash mismatch) and a cut-off tail (the head names a record that is not the last).
 * After a prune the chain starts at the anchor recorded by the latest 'audit.prune' record.
 */
export async function verifyAuditChain(
  d: Database,
  opts: { batchSize?: number; onProgress?: (records: number) => void } = {},
): Promise<AuditVerification> {
  const batch = Math.max(1, Math.min(opts.batchSize ?? 2000, 50_000))
  const [head] = await d.rows<{ last_id: string | number; last_hash: string }>(
    sql`SELECT last_id, encode(last_hash, 'hex') AS last_hash FROM audit_head WHERE id = 1`,
  )
  const anchor = await pruneAnchor(d)
  // Records appended while we walk lie beyond the head read here; they are left for the next run.
  const limitId = head ? String(head.last_id) : null
  let prev: string | null = null
  let prevId = 0
  let after = '0'
  let records = 0
  let firstId: number | undefined
  const result = (firstBroken?: { id: number; reason: string }): AuditVerification => ({
    ok: !firstBroken,
    records,
    ...(firstId !== undefined ? { firstId, lastId: prevId } : {}),
    ...(anchor ? { anchor } : {}),
    ...(firstBroken ? { firstBroken } : {}),
  })
  for (;;) {
    // Literal bounds (integers from the database, checked below), not parameters: a generic
    // plan for "id > $1 AND id <= $2" can choose a scan of the whole range for every batch.
    const rows = await d.rows<ChainRow>(
      sql`SELECT ${chainColumns} FROM audit_log
          WHERE id > ${sql.raw(intLiteral(after))} ${limitId !== null ? sql`AND id <= ${sql.raw(intLiteral(limitId))}` : sql``}
          ORDER BY id LIMIT ${sql.raw(String(batch))}`,
    )
    if (!rows.length) break
    for (const r of rows) {
      const id = Number(r.id)
      if (prev === null) {
        firstId = id
        const fromGenesis = r.prev_hash === GENESIS_HEX
        const fromAnchor = anchor && r.prev_hash === anchor.lastPrunedHash && id > anchor.lastPrunedId
        if (!fromGenesis && !fromAnchor) {
          return result({
            id,
            reason: anchor
              ? `记录 ${id} 之前的记录缺失：prev_hash 与最近一次清理的锚点不符 / records before ${id} are missing: its prev_hash matches neither the genesis hash nor the last prune anchor (id ${anchor.lastPrunedId})`
              : `记录 ${id} 之前的记录缺失 / records before ${id} are missing: its prev_hash is not the genesis hash and no prune anchor exists`,
          })
        }
      } else if (r.prev_hash !== prev) {
        return result({
          id,
          reason: `记录 ${id} 的 prev_hash 与上一条记录 ${prevId} 的哈希不符（记录被删除、插入或调换）/ record ${id}: prev_hash does not match the hash of record ${prevId} (a record was deleted, inserted or reordered)`,
        })
      }
      const expected = auditHash(contentOf(r))
      if (expected !== r.hash) {
        return result({
          id,
          reason: `记录 ${id} 的内容与其哈希不符（记录被修改）/ record ${id}: content does not match its hash (the record was altered)`,
        })
      }
      prev = r.hash
      prevId = id
      records++
    }
    after = String(rows[rows.length - 1]!.id)
    opts.onProgress?.(records)
    if (rows.length < batch) break
  }
  if (!head) {
    if (records > 0)
      return result({
        id: prevId,
        reason: '审计链头缺失 / the chain head (audit_head) is missing while records exist',
      })
    return result()
  }
  const headId = Number(head.last_id)
  if (headId === 0 && records === 0) return result()
  if (records === 0 || prevId !== headId || prev !== head.last_hash) {
    return result({
      id: headId,
      reason:
        prevId !== headId
          ? `链头指向记录 ${headId}，但最后一条记录是 ${prevId || '（无）'}（末尾记录被删除）/ the chain head names record ${headId} but the last record is ${prevId || 'none'} (records were removed from the end)`
          : `链头哈希与记录 ${headId} 不符 / the chain head hash does not match record ${headId}`,
    })
  }
  return result()
}

/**
 * Retention in days from YIWANG_AUDIT_RETENTION_DAYS (default 365). Refuses less than 184 days
 * (about six months) with an error that says why.
 */
export function auditRetentionDays(env: Record<string, string | undefined> = process.env): number {
  const raw = env.YIWANG_AUDIT_RETENTION_DAYS
  if (raw === undefined || raw.trim() === '') return DEFAULT_AUDIT_RETENTION_DAYS
  const n = Number(raw)
  if (!Number.isInteger(n))
    throw new Error(
      `YIWANG_AUDIT_RETENTION_DAYS 须为整数天数 / YIWANG_AUDIT_RETENTION_DAYS must be a whole number of days (got "${raw}")`,
    )
  checkRetention(n, 'YIWANG_AUDIT_RETENTION_DAYS')
  return n
}

function checkRetention(days: number, what: string) {
  if (!Number.isFinite(days) || days < MIN_AUDIT_RETENTION_DAYS)
    throw new Error(
      `${what} = ${days}：审计日志至少保留 ${MIN_AUDIT_RETENTION_DAYS} 天（六个月）/ audit records must be kept at least ${MIN_AUDIT_RETENTION_DAYS} days (six months); refusing ${days}`,
    )
}

export interface PruneResult {
  pruned: number
  /** The new prune record, when anything was pruned. */
  record?: AppendedAudit
  lastPrunedId?: number
}

/**
 * Delete the oldest records — a prefix of the chain, every one older than `olderThanDays` — and
 * append an 'audit.prune' record naming the id and hash of the last one removed, so verification
 * restarts from that anchor. Runs under the head lock, so appends wait rather than fork. The
 * append-only trigger (see docs/audit.md) lets this through via the `yiwang.audit_prune` setting.
 */
export async function pruneAudit(
  d: Database,
  olderThanDays: number,
  opts: { actorName?: string; now?: Date } = {},
): Promise<PruneResult> {
  checkRetention(olderThanDays, 'olderThanDays')
  const now = opts.now ?? new Date()
  const cutoff = new Date(now.getTime() - olderThanDays * 86_400_000)
  const out = await d.db.transaction(async (tx): Promise<PruneResult> => {
    await lockHead(d, tx)
    await txRows(d, tx, sql`SELECT set_config('yiwang.audit_prune', 'on', true)`)
    // The prefix ends just before the first record that is not old enough (ids are chain order).
    const [stop] = await txRows<{ id: string | number }>(
      d,
      tx,
      sql`SELECT id FROM audit_log WHERE at >= ${cutoff.toISOString()}::timestamptz ORDER BY id LIMIT 1`,
    )
    const [last] = await txRows<{ id: string | number; hash: string }>(
      d,
      tx,
      stop
        ? sql`SELECT id, encode(hash, 'hex') AS hash FROM audit_log WHERE id < ${String(stop.id)}::bigint ORDER BY id DESC LIMIT 1`
        : sql`SELECT id, encode(hash, 'hex') AS hash FROM audit_log ORDER BY id DESC LIMIT 1`,
    )
    if (!last) return { pruned: 0 }
    const [del] = await txRows<{ n: number }>(
      d,
      tx,
      sql`WITH gone AS (DELETE FROM audit_log WHERE id <= ${String(last.id)}::bigint RETURNING 1)
          SELECT count(*)::int AS n FROM gone`,
    )
    const lastPrunedId = Number(last.id)
    const record = await appendInTx(d, tx, {
      actorName: opts.actorName ?? 'system',
      action: PRUNE_ACTION,
      objectType: 'audit_log',
      objectId: String(lastPrunedId),
      reason: `保留期 ${olderThanDays} 天 / retention ${olderThanDays} days`,
      after: {
        lastPrunedId,
        lastPrunedHash: last.hash,
        pruned: del?.n ?? 0,
        olderThan: cutoff.toISOString(),
        retentionDays: olderThanDays,
      },
      at: now,
    })
    return { pruned: del?.n ?? 0, record, lastPrunedId }
  })
  headKnown.add(d)
  return out
}
