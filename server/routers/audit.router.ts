import { z } from 'zod'
import { listAudit } from '../../db/queries/audit.queries.ts'
import { verifyAuditChain } from '../audit/audit.ts'
import { type readyProcedure, router } from '../trpc.ts'

const text = z.string().trim().min(1).max(200)
const when = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .refine((d) => !Number.isNaN(d.getTime()), '无效时间 / invalid time')

export const auditListInput = z
  .object({
    from: when.optional(),
    to: when.optional(),
    actor: text.optional(),
    /** Exact action, or a prefix ending in '.' or '*' ('auth.' → all sign-in records). */
    action: text.optional(),
    objectType: text.optional(),
    objectId: text.optional(),
    cursor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, {
    message: '起始时间须早于结束时间 / from must not be after to',
  })

/**
 * A procedure builder that yields a ready database in `ctx.db` — `readyProcedure`, or one derived
 * from it with more middleware (the permission check for 'audit.read').
 */
export type AuditGuard = Pick<typeof readyProcedure, 'input'>

/**
 * The audit trail for auditors (审计员): list with filters and verify the hash chain. Both go
 * through `guard`, which must require the 'audit.read' permission.
 */
export function createAuditRouter(guard: AuditGuard) {
  return router({
    list: guard.input(auditListInput).query(({ ctx, input }) => listAudit(ctx.db, input)),
    verify: guard.input(z.object({}).optional()).query(({ ctx }) => verifyAuditChain(ctx.db)),
  })
}
