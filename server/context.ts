import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Database } from '../db/client.ts'
import { appendAudit } from './audit/audit.ts'
import type { AuditSink } from './auth/audit.ts'
import type { Area } from './domain/area.ts'
import type { PiiCipher } from './security/pii.ts'
import type { Principal } from './security/principal.ts'

/**
 * The area of a caller without a principal: a path no grid has, so row-level security shows
 * nothing (fail-closed). Procedures that need a caller refuse before reaching the database.
 */
export const NO_AREA: Area = { gridId: null, path: '/0/' }

/** What every procedure gets. */
export interface Context {
  /** The database (null while starting); inside scoped procedures, the caller's scoped transaction. */
  db: Database | null
  /** The caller's area: the principal's, or NO_AREA. */
  area: Area
  principal: Principal | null
  /** Appends to the audit trail (within the request's transaction inside scoped procedures). */
  audit: AuditSink
  /** Personal-data encryption (ID numbers, phones); null where the server has no key. */
  pii: PiiCipher | null
  /** Run `fn` once the request's transaction has committed (scoped procedures); at once otherwise. */
  afterCommit: (fn: () => void) => void
  req?: FastifyRequest
  res?: FastifyReply
}

/**
 * The context factory, callable from tests without HTTP
 * (`appRouter.createCaller(createContext({ db, principal }))`).
 */
export function createContext(opts: {
  db: Database | null
  principal?: Principal | null
  pii?: PiiCipher | null
  req?: FastifyRequest
  res?: FastifyReply
}): Context {
  const principal = opts.principal ?? opts.req?.principal ?? null
  const db = opts.db
  return {
    db,
    principal,
    area: principal?.area ?? NO_AREA,
    pii: opts.pii ?? null,
    audit: async (entry) => {
      if (!db) throw new Error('the database is not ready')
      await appendAudit(db, entry)
    },
    afterCommit: (fn) => fn(),
    req: opts.req,
    res: opts.res,
  }
}
