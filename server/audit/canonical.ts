import { createHash } from 'node:crypto'

/**
 * The audit chain's hashing, free of any database: a record's hash is SHA-256 over a canonical
 * serialization of its content and the previous record's hash. "Canonical" means the same bytes
 * whether computed while appending (from the caller's values) or while verifying (from what the
 * database gives back): keys sorted, timestamps as ISO 8601 UTC with microseconds, absent values
 * as explicit nulls, JSON values normalized the way jsonb stores them.
 */

/** Version of the serialization, part of every hash so it can change later without ambiguity. */
export const AUDIT_HASH_VERSION = 1

/** The hash before the first record: 32 zero bytes. */
export const GENESIS_HASH = Buffer.alloc(32)
export const GENESIS_HEX = GENESIS_HASH.toString('hex')

export type AuditOutcome = 'ok' | 'denied' | 'failed'

/** What is hashed: every column but `hash` itself, `prev_hash` included. */
export interface AuditContent {
  id: string
  /** ISO 8601 UTC with microseconds, e.g. 2026-11-23T19:16:43.123000Z */
  at: string
  actorUserId: number | null
  actorTokenId: number | null
  actorName: string
  action: string
  objectType: string | null
  objectId: string | null
  reason: string | null
  before: JsonValue
  after: JsonValue
  ip: string | null
  outcome: AuditOutcome
  /** hex */
  prevHash: string
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue }

// Lone UTF-16 surrogates cannot be stored (PostgreSQL text is UTF-8), nor can NUL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be replaced
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** A string as PostgreSQL will store it: NUL and lone surrogates become U+FFFD. */
export function storableText(s: string): string {
  return s.replace(UNSTORABLE, '\uFFFD')
}

/**
 * Any value as the plain JSON jsonb gives back: Dates as ISO strings, `toJSON` honoured,
 * undefined/functions dropped from objects (null in arrays), non-finite numbers as null,
 * bigints as decimal strings, strings made storable. Throws on cycles.
 */
export function toJsonValue(v: unknown, seen: Set<object> = new Set()): JsonValue {
  if (v === null || v === undefined) return null
  if (typeof v === 'string') return storableText(v)
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : null
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'function' || typeof v === 'symbol') return null
  const o = v as { toJSON?: () => unknown }
  if (typeof o.toJSON === 'function') return toJsonValue(o.toJSON(), seen)
  if (seen.has(v as object)) throw new Error('audit: before/after must not contain cycles')
  seen.add(v as object)
  try {
    if (Array.isArray(v)) return v.map((x) => toJsonValue(x, seen))
    const out: { [k: string]: JsonValue } = {}
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue
      out[storableText(k)] = toJsonValue(x, seen)
    }
    return out
  } finally {
    seen.delete(v as object)
  }
}

/** JSON with object keys sorted (by UTF-16 code units) at every depth; no whitespace. */
export function canonicalJson(v: JsonValue): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  const keys = Object.keys(v).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k] as JsonValue)}`).join(',')}}`
}

/** A Date as the canonical timestamp (microsecond precision, as timestamptz stores it). */
export function isoMicros(d: Date): string {
  const iso = d.toISOString() // 2026-11-23T19:16:43.123Z
  return `${iso.slice(0, -1)}000Z`
}

/** The exact bytes that are hashed for one record. */
export function canonicalRecord(c: AuditContent): string {
  return canonicalJson({
    v: AUDIT_HASH_VERSION,
    id: c.id,
    at: c.at,
    actorUserId: c.actorUserId,
    actorTokenId: c.actorTokenId,
    actorName: c.actorName,
    action: c.action,
    objectType: c.objectType,
    objectId: c.objectId,
    reason: c.reason,
    before: c.before,
    after: c.after,
    ip: c.ip,
    outcome: c.outcome,
    prevHash: c.prevHash,
  })
}

/** SHA-256 of the canonical record, hex. */
export function auditHash(c: AuditContent): string {
  return createHash('sha256').update(canonicalRecord(c), 'utf8').digest('hex')
}
