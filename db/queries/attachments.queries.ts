import { sql } from 'drizzle-orm'
import type { Database } from '../client.ts'

/**
 * An event's photos (event_attachments). Every function runs in the caller's scope (withScope):
 * row-level security shows an attachment only where its event is visible, so an event or photo
 * outside the caller's area reads as absent.
 */

export interface AttachmentSummary {
  id: number
  mime: string
  size: number
  sha256: string
  createdAt: string
  createdBy: number | null
  /** The uploader's display name (null for an API token or a removed user). */
  createdByName: string | null
}

export interface AttachmentBytes {
  id: number
  eventId: number
  mime: string
  sha256: string
  bytes: Buffer
}

/**
 * Lock the event for an upload (a concurrent upload to the same event waits, so the per-event
 * count and the duplicate check hold): its state and grid path, or null when the caller does not
 * see it.
 */
export async function lockEventForAttachment(
  d: Database,
  eventId: number,
): Promise<{ status: string; gridPath: string | null } | null> {
  const [r] = await d.rows<{ status: string; path: string | null }>(sql`
    SELECT e.status, g.path FROM events e LEFT JOIN grids g ON g.id = e.grid_id
    WHERE e.id = ${eventId} FOR NO KEY UPDATE OF e`)
  return r ? { status: r.status, gridPath: r.path } : null
}

export async function eventVisible(d: Database, eventId: number): Promise<boolean> {
  const rows = await d.rows<{ id: number }>(sql`SELECT id FROM events WHERE id = ${eventId}`)
  return rows.length > 0
}

/** The attachment of this event with these bytes (by SHA-256), if stored already. */
export async function attachmentBySha(d: Database, eventId: number, sha256: string): Promise<number | null> {
  const [r] = await d.rows<{ id: number }>(
    sql`SELECT id FROM event_attachments WHERE event_id = ${eventId} AND sha256 = ${sha256}`,
  )
  return r ? Number(r.id) : null
}

export async function attachmentCount(d: Database, eventId: number): Promise<number> {
  const [r] = await d.rows<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM event_attachments WHERE event_id = ${eventId}`,
  )
  return Number(r?.n ?? 0)
}

/**
 * Store a photo once: a second copy of the same bytes for the same event inserts nothing
 * (ON CONFLICT DO NOTHING) and returns the first one's id with `created: false`.
 */
export async function insertAttachment(
  d: Database,
  a: { eventId: number; mime: string; bytes: Buffer; sha256: string; createdBy: number | null },
): Promise<{ id: number; created: boolean }> {
  const [row] = await d.rows<{ id: number }>(sql`
    INSERT INTO event_attachments (event_id, mime, bytes, sha256, created_by)
    VALUES (${a.eventId}, ${a.mime}, ${a.bytes}, ${a.sha256}, ${a.createdBy})
    ON CONFLICT (event_id, sha256) DO NOTHING
    RETURNING id`)
  if (row) return { id: Number(row.id), created: true }
  const first = await attachmentBySha(d, a.eventId, a.sha256)
  if (first === null) throw new Error('the attachment conflicts with one that cannot be read')
  return { id: first, created: false }
}

/** An event's photos in upload order, without their bytes. */
export async function listAttachments(d: Database, eventId: number): Promise<AttachmentSummary[]> {
  const rows = await d.rows<{
    id: number
    mime: string
    size: number
    sha256: string
    created_at: string | Date
    created_by: number | null
    name: string | null
  }>(sql`
    SELECT a.id, a.mime, octet_length(a.bytes)::int AS size, a.sha256, a.created_at, a.created_by,
      u.display_name AS name
    FROM event_attachments a LEFT JOIN users u ON u.id = a.created_by
    WHERE a.event_id = ${eventId}
    ORDER BY a.created_at, a.id`)
  return rows.map((r) => ({
    id: Number(r.id),
    mime: r.mime,
    size: Number(r.size),
    sha256: r.sha256,
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by === null ? null : Number(r.created_by),
    createdByName: r.name,
  }))
}

/** One attachment's type and hash (for a conditional request), without its bytes. */
export async function attachmentHead(
  d: Database,
  id: number,
): Promise<{ id: number; eventId: number; mime: string; sha256: string } | null> {
  const [r] = await d.rows<{ id: number; event_id: number; mime: string; sha256: string }>(
    sql`SELECT id, event_id, mime, sha256 FROM event_attachments WHERE id = ${id}`,
  )
  return r ? { id: Number(r.id), eventId: Number(r.event_id), mime: r.mime, sha256: r.sha256 } : null
}

/** One attachment with its bytes. */
export async function attachmentBytes(d: Database, id: number): Promise<AttachmentBytes | null> {
  const [r] = await d.rows<{
    id: number
    event_id: number
    mime: string
    sha256: string
    bytes: Buffer | Uint8Array | string
  }>(sql`SELECT id, event_id, mime, sha256, bytes FROM event_attachments WHERE id = ${id}`)
  if (!r) return null
  return {
    id: Number(r.id),
    eventId: Number(r.event_id),
    mime: r.mime,
    sha256: r.sha256,
    bytes: toBuffer(r.bytes),
  }
}

/** bytea as the drivers hand it over: a Buffer (postgres.js), a Uint8Array (PGlite) or hex text. */
function toBuffer(v: Buffer | Uint8Array | string): Buffer {
  if (typeof v === 'string') return Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex')
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)
}
