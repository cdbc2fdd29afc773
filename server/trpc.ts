import { initTRPC, TRPCError } from '@trpc/server'
import { withScope } from '../db/scope.ts'
import { appendAudit } from './audit/audit.ts'
import type { Context } from './context.ts'

/**
 * tRPC with errors a person can act on: the message is kept, stacks never leave the server
 * outside development.
 */
const t = initTRPC.context<Context>().create({
  errorFormatter({ shape }) {
    const { stack: _stack, ...data } = shape.data
    return { ...shape, data: process.env.NODE_ENV === 'development' ? shape.data : data }
  },
})

export const router = t.router
export const publicProcedure = t.procedure

/** Thrown inside the scope's transaction to roll it back when the procedure failed. */
const ROLLBACK = Symbol('rollback')

/**
 * Procedures that need the database: refused while the server is still migrating or seeding, and
 * run inside the caller's scope — a transaction as the application role with the caller's area,
 * so row-level security filters every row they read or write (db/scope.ts).
 *
 * A procedure that fails changes nothing: tRPC hands the error back as a result rather than
 * throwing it, so the transaction is rolled back here explicitly. Audit records of refusals
 * (outcome 'denied' or 'failed') are kept: they are written again after the rollback. Work that
 * must wait for the commit (live notifications) is queued with `afterCommit`.
 */
export const readyProcedure = t.procedure.use(async ({ ctx, next }) => {
  const d = requireDb(ctx.db)
  const refusals: Parameters<Context['audit']>[0][] = []
  const afterCommit: (() => void)[] = []
  let failed: unknown
  const run = () =>
    withScope(d, ctx.area, async (scoped) => {
      const r = await next({
        ctx: {
          ...ctx,
          db: scoped,
          // Audit records of what this request changes commit or roll back with the change.
          audit: async (entry: Parameters<Context['audit']>[0]) => {
            if (entry.outcome === 'denied' || entry.outcome === 'failed') refusals.push(entry)
            await appendAudit(scoped, entry)
          },
          afterCommit: (fn: () => void) => {
            afterCommit.push(fn)
          },
        },
      })
      if (!r.ok) {
        failed = r
        throw ROLLBACK
      }
      return r
    })
  try {
    const result = await run()
    for (const fn of afterCommit) fn()
    return result
  } catch (e) {
    if (e !== ROLLBACK || !failed) throw e
    if (refusals.length)
      await withScope(d, ctx.area, async (scoped) => {
        for (const entry of refusals) await appendAudit(scoped, entry)
      })
    return failed as Awaited<ReturnType<typeof run>>
  }
})

/**
 * Procedures that use the database outside any caller's scope: sign-in and sign-out, which run
 * before an area is known and must keep their throttle counters and audit records even when the
 * attempt fails.
 */
export const unscopedProcedure = t.procedure.use(({ ctx, next }) =>
  next({ ctx: { ...ctx, db: requireDb(ctx.db) } }),
)

function requireDb(d: Context['db']) {
  if (!d) {
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message:
        '服务正在启动（数据库迁移或演示数据生成中），请稍候再试 / The server is still starting; try again shortly',
    })
  }
  return d
}
