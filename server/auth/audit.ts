import type { Principal } from '../security/principal.ts'

/** One audit record as the auth functions produce it; the audit module stores and chains it. */
export interface AuditEntry {
  actorName: string
  actorUserId?: number
  actorTokenId?: number
  action: string
  objectType?: string
  objectId?: string
  before?: unknown
  after?: unknown
  ip?: string
  outcome?: 'ok' | 'denied' | 'failed'
  reason?: string
}

/** Where audit records go (server/audit's appendAudit bound to a database, in the app). */
export type AuditSink = (entry: AuditEntry) => Promise<void>

/** Who performs an administrative change, as the audit trail names them. */
export interface Actor {
  name: string
  userId?: number
  tokenId?: number
  ip?: string
}

export function actorOf(p: Principal, ip?: string): Actor {
  return p.kind === 'user'
    ? { name: p.name, userId: p.id, ...(ip ? { ip } : {}) }
    : { name: p.name, tokenId: p.id, ...(ip ? { ip } : {}) }
}

/** The actor fields of an audit entry. */
export function actorFields(a: Actor): Pick<AuditEntry, 'actorName' | 'actorUserId' | 'actorTokenId' | 'ip'> {
  return {
    actorName: a.name,
    ...(a.userId !== undefined ? { actorUserId: a.userId } : {}),
    ...(a.tokenId !== undefined ? { actorTokenId: a.tokenId } : {}),
    ...(a.ip ? { ip: a.ip } : {}),
  }
}
