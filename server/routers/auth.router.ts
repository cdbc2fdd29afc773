import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import type { Database } from '../../db/client.ts'
import { cityGrid, gridById } from '../../db/queries/access.queries.ts'
import { userDepartment } from '../../db/queries/user-departments.queries.ts'
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../auth/http.ts'
import { auditOf, authedProcedure, httpOf, principalOf } from '../auth/procedures.ts'
import { configOf, signIn, signOut } from '../auth/sessions.ts'
import type { Principal } from '../security/principal.ts'
import { publicProcedure, router, unscopedProcedure } from '../trpc.ts'

/** What the client shows about the caller. */
export interface MeSummary {
  kind: 'user' | 'token'
  name: string
  displayName: string
  roles: string[]
  permissions: string[]
  /** gridId null = the whole city (code and name are then the city's). */
  area: { gridId: number | null; code: string; name: string }
  /** The department a user works for (users.org_id), whose to-do queue they see; null none. */
  department: { id: number; name: string } | null
}

export async function meSummary(d: Database, p: Principal): Promise<MeSummary> {
  const g = p.area.gridId === null ? await cityGrid(d) : await gridById(d, p.area.gridId)
  return {
    kind: p.kind,
    name: p.name,
    displayName: p.displayName,
    roles: [...p.roles],
    permissions: [...p.permissions].sort(),
    area: {
      gridId: p.area.gridId,
      code: g?.code ?? '',
      name: g?.name ?? (p.area.gridId === null ? '全市' : ''),
    },
    department: p.kind === 'user' ? await userDepartment(d, p.id) : null,
  }
}

/** Secure cookies when configured, and always for requests that came over HTTPS. */
const secureFor = (http: NonNullable<ReturnType<typeof httpOf>>) =>
  (http.env?.secureCookies ?? false) || http.req.protocol === 'https'

/** Sign-in (sets the yw_session cookie), sign-out, and who am I. */
export const authRouter = router({
  signIn: unscopedProcedure
    .input(z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      const http = httpOf(ctx)
      if (!http)
        throw new TRPCError({
          code: 'INTERNAL_SERVER_ERROR',
          message: '登录需要通过 HTTP / Sign-in needs HTTP',
        })
      const deps = http.env?.deps
      const r = await signIn(
        ctx.db,
        {
          username: input.username,
          password: input.password,
          ip: http.req.ip,
          userAgent: http.req.headers['user-agent'] ?? null,
        },
        auditOf(ctx),
        deps,
      )
      if (!r.ok)
        throw new TRPCError({
          code: r.reason === 'throttled' ? 'TOO_MANY_REQUESTS' : 'UNAUTHORIZED',
          message: r.message,
        })
      setSessionCookie(http.res, r.token, secureFor(http), configOf(deps).sessionAbsoluteMs)
      return { me: await meSummary(ctx.db, r.principal), expiresAt: r.expiresAt.toISOString() }
    }),

  /** Ends this browser's session and clears the cookie; fine to call when already signed out. */
  signOut: publicProcedure.mutation(async ({ ctx }) => {
    const http = httpOf(ctx)
    const p = principalOf(ctx)
    const token = http ? sessionTokenOf(http.req) : null
    if (ctx.db && (token || p?.sessionHash)) {
      const who =
        p?.kind === 'user' ? { name: p.name, userId: p.id, ...(http ? { ip: http.req.ip } : {}) } : undefined
      await signOut(ctx.db, p?.sessionHash ?? token!, who ? auditOf(ctx) : undefined, who, http?.env?.deps)
    }
    if (http) clearSessionCookie(http.res, secureFor(http))
    return { ok: true }
  }),

  /** The caller: name, roles, permissions and area. UNAUTHORIZED when not signed in. */
  me: authedProcedure.query(({ ctx }) => meSummary(ctx.db, ctx.principal)),

  /**
   * The same for the web client's start-up, which asks before anyone has signed in: `me` is null
   * then, so that the sign-in screen is a normal answer rather than a refused request.
   */
  session: publicProcedure.query(async ({ ctx }) => {
    const p = principalOf(ctx)
    return { me: p && ctx.db ? await meSummary(ctx.db, p) : null }
  }),
})
