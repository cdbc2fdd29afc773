import fastifyCookie, { type CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Database } from '../../db/client.ts'
import type { Principal } from '../security/principal.ts'
import { resolveBearer } from './admin.ts'
import type { AuditSink } from './audit.ts'
import { SESSION_COOKIE } from './secrets.ts'
import { type AuthDeps, configOf, resolveSession } from './sessions.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling (set by registerAuth's onRequest hook); null when nobody is signed in. */
    principal: Principal | null
    /** What the sign-in procedures need from the HTTP side (set by registerAuth). */
    authEnv: AuthEnv | null
  }
}

/** Handed to each request so that tRPC procedures can set cookies and audit without more context. */
export interface AuthEnv {
  secureCookies: boolean
  audit: AuditSink
  deps?: AuthDeps
}

export interface AuthHttpDeps {
  db: () => Database | null
  audit: AuditSink
  /** Mark the session cookie Secure (behind HTTPS). */
  secureCookies: boolean
  auth?: AuthDeps
}

/** The session cookie's attributes: HttpOnly, SameSite=Strict, Path=/, Secure behind HTTPS. */
export function sessionCookieOptions(secure: boolean, maxAgeSeconds?: number): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure,
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  }
}

export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  secure: boolean,
  maxAgeMs: number,
): void {
  reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(secure, Math.floor(maxAgeMs / 1000)))
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(secure))
}

/** `Authorization: Bearer <token>` → the token, else null. */
export function bearerOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization
  if (!h) return null
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h)
  return m ? m[1]! : null
}

export function sessionTokenOf(req: FastifyRequest): string | null {
  return req.cookies?.[SESSION_COOKIE] ?? null
}

/**
 * Cookie parsing (@fastify/cookie) and an onRequest hook that sets `request.principal` from the
 * `Authorization: Bearer yw_…` header (machine clients; when present, the cookie is not looked at)
 * or the `yw_session` cookie. A cookie that no longer names a live session is cleared.
 * Call before registering the routes it should cover (tRPC, tiles).
 */
export async function registerAuth(app: FastifyInstance, deps: AuthHttpDeps): Promise<void> {
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie)
  app.decorateRequest('principal', null)
  app.decorateRequest('authEnv', null)
  const env: AuthEnv = {
    secureCookies: deps.secureCookies,
    audit: deps.audit,
    ...(deps.auth ? { deps: deps.auth } : {}),
  }
  app.addHook('onRequest', async (req, reply) => {
    req.principal = null
    req.authEnv = env
    const d = deps.db()
    if (!d) return
    const bearer = bearerOf(req)
    if (bearer !== null) {
      req.principal = await resolveBearer(d, bearer, deps.auth)
      return
    }
    const token = sessionTokenOf(req)
    if (token === null) return
    req.principal = await resolveSession(d, token, deps.auth)
    if (!req.principal) clearSessionCookie(reply, deps.secureCookies)
  })
  // Keep the configuration error (if any) at start-up rather than on the first request.
  configOf(deps.auth)
}
