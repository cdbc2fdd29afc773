import { TRPCError } from '@trpc/server'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Context } from '../context.ts'
import type { Permission } from '../security/permissions.ts'
import type { Principal } from '../security/principal.ts'
import { readyProcedure } from '../trpc.ts'
import { AccessError } from './admin.ts'
import type { AuditSink } from './audit.ts'
import type { AuthEnv } from './http.ts'

/**
 * What the auth procedures read from the tRPC context beyond `db` and `area`. All optional here so
 * this compiles against the current Context; the app's context factory is expected to provide
 * `principal` (from `req.principal`), `req` and `res` (the Fastify request and reply).
 */
export interface AuthContextFields {
  principal?: Principal | null
  audit?: AuditSink
  req?: FastifyRequest
  res?: FastifyReply
}

const fields = (ctx: Context) => ctx as Context & AuthContextFields

/** The caller: ctx.principal when the context carries it, else the request's (registerAuth). */
export function principalOf(ctx: Context): Principal | null {
  const c = fields(ctx)
  return c.principal ?? c.req?.principal ?? null
}

/** The audit sink: ctx.audit, else the one registerAuth gave the request. Fails closed without one. */
export function auditOf(ctx: Context): AuditSink {
  const c = fields(ctx)
  const a = c.audit ?? c.req?.authEnv?.audit
  if (!a)
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: '审计日志未配置 / The audit trail is not configured',
    })
  return a
}

/** The HTTP request and reply (sign-in sets the cookie); absent for createCaller callers. */
export function httpOf(ctx: Context): { req: FastifyRequest; res: FastifyReply; env: AuthEnv | null } | null {
  const c = fields(ctx)
  return c.req && c.res ? { req: c.req, res: c.res, env: c.req.authEnv ?? null } : null
}

export const MSG_UNAUTHORIZED = '请先登录 / Please sign in'

/**
 * Procedures for a signed-in caller (session or API token): UNAUTHORIZED otherwise. The database
 * must be ready (PRECONDITION_FAILED while starting, as readyProcedure). The context's `area`
 * becomes the principal's area, and `principal` is set.
 */
export const authedProcedure = readyProcedure.use(({ ctx, next }) => {
  const principal = principalOf(ctx)
  if (!principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: MSG_UNAUTHORIZED })
  return next({ ctx: { ...ctx, principal, area: principal.area } })
})

/** FORBIDDEN unless the caller's roles grant `permission`; the message names it. */
export function requirePermission(permission: Permission) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!ctx.principal.permissions.has(permission))
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `没有权限：需要 "${permission}"（您的角色：${ctx.principal.roles.join('、') || '无'}）/ Forbidden: this needs the permission "${permission}", which your roles (${ctx.principal.roles.join(', ') || 'none'}) do not grant`,
      })
    return next({ ctx })
  })
}

/** An AccessError as the tRPC error a client understands; anything else is rethrown. */
export function toTrpcError(e: unknown): never {
  if (e instanceof AccessError) {
    const code =
      e.code === 'not_found'
        ? 'NOT_FOUND'
        : e.code === 'exists'
          ? 'CONFLICT'
          : e.code === 'outside_area'
            ? 'FORBIDDEN'
            : 'BAD_REQUEST'
    throw new TRPCError({ code, message: e.message, cause: e })
  }
  throw e
}
