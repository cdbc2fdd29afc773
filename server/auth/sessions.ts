import type { Database } from '../../db/client.ts'
import {
  insertSession,
  recordUserFailure,
  recordUserSuccess,
  revokeSession,
  sessionUser,
  setPasswordHash,
  throttleAttempt,
  throttleSucceeded,
  touchSession,
  userForSignIn,
} from '../../db/queries/access.queries.ts'
import type { Principal } from '../security/principal.ts'
import type { AuditSink } from './audit.ts'
import { type AuthConfig, authConfig } from './config.ts'
import { type Hasher, needsRehash, scryptHasher } from './password.ts'
import { principalFrom } from './principal.ts'
import { newSessionToken, SESSION_TOKEN_RE, tokenHash } from './secrets.ts'

/** Injectable pieces: settings, the clock (tests move it) and the password hasher (tests count it). */
export interface AuthDeps {
  config?: AuthConfig
  now?: () => Date
  hasher?: Hasher
}

let defaultConfig: AuthConfig | undefined
export function configOf(deps?: AuthDeps): AuthConfig {
  if (deps?.config) return deps.config
  defaultConfig ??= authConfig()
  return defaultConfig
}
export const nowOf = (deps?: AuthDeps): Date => deps?.now?.() ?? new Date()

export const MSG_INVALID = '用户名或密码错误 / Wrong user name or password'
export const msgThrottled = (until: Date | null, now: Date) => {
  const min = until ? Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000)) : 15
  return `登录尝试过多，请 ${min} 分钟后再试 / Too many sign-in attempts; try again in ${min} min`
}

export interface SignInInput {
  username: string
  password: string
  ip?: string | null
  userAgent?: string | null
}

export type SignInResult =
  | { ok: true; token: string; expiresAt: Date; principal: Principal }
  | { ok: false; reason: 'invalid' | 'throttled'; message: string; retryAfter?: Date }

/** User names: lower-case letters, digits, '.', '_' and '-', 2–64 characters. */
export const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{1,63}$/
export const normaliseUsername = (s: string) => s.trim().toLowerCase()

/**
 * Sign in. In order, so that refused attempts cost no hashing:
 * 1. the attempt is counted against the user name and the client address (login_throttle); over
 *    the limit → refused;
 * 2. a locked account (users.locked_until) → refused with the same message;
 * 3. the password is verified (an unknown user name hashes a dummy, so it takes as long and gets
 *    the same message);
 * 4. success: a new session, last_login_at, failures reset; failure: counted, lock at the limit.
 * Every attempt is audited as auth.sign_in with outcome ok, failed or denied.
 */
export async function signIn(
  d: Database,
  input: SignInInput,
  audit: AuditSink,
  deps?: AuthDeps,
): Promise<SignInResult> {
  const cfg = configOf(deps)
  const hasher = deps?.hasher ?? scryptHasher
  const now = nowOf(deps)
  const username = normaliseUsername(input.username).slice(0, 64)
  const ip = input.ip ? input.ip.slice(0, 64) : null
  const userAgent = input.userAgent ? input.userAgent.slice(0, 300) : null
  const password = input.password.slice(0, 200)
  const base = { action: 'auth.sign_in', objectType: 'user', objectId: username, ...(ip ? { ip } : {}) }

  // 1. Throttle, before anything costly.
  const userKey = `user:${username}`
  const ipKey = ip ? `ip:${ip}` : null
  const ipT = ipKey ? await throttleAttempt(d, ipKey, now, cfg.throttleWindowMs, cfg.ipMaxFailures) : null
  const userT = await throttleAttempt(d, userKey, now, cfg.throttleWindowMs, cfg.userMaxFailures)
  if (ipT?.blocked || userT.blocked) {
    const until = [ipT?.blocked ? ipT.blockedUntil : null, userT.blocked ? userT.blockedUntil : null]
      .filter((x): x is Date => x !== null)
      .sort((a, b) => b.getTime() - a.getTime())[0]
    await audit({
      ...base,
      actorName: username || '?',
      outcome: 'denied',
      reason: ipT?.blocked ? 'throttled: address' : 'throttled: user name',
    })
    return {
      ok: false,
      reason: 'throttled',
      message: msgThrottled(until ?? null, now),
      ...(until ? { retryAfter: until } : {}),
    }
  }

  // 2. A locked account.
  const user = USERNAME_RE.test(username) ? await userForSignIn(d, username) : null
  if (user?.lockedUntil && user.lockedUntil > now) {
    await audit({
      ...base,
      actorName: username,
      actorUserId: user.id,
      outcome: 'denied',
      reason: 'account locked',
    })
    return {
      ok: false,
      reason: 'throttled',
      message: msgThrottled(user.lockedUntil, now),
      retryAfter: user.lockedUntil,
    }
  }

  // 3. The password (a dummy hash for unknown users and users without a password).
  const good = user?.passwordHash
    ? await hasher.verify(password, user.passwordHash)
    : await hasher.dummy(password)
  if (!good || !user?.active) {
    let reason = !user
      ? 'unknown user'
      : !user.passwordHash
        ? 'no password set'
        : !good
          ? 'wrong password'
          : 'inactive'
    if (user) {
      const f = await recordUserFailure(d, user.id, now, cfg.lockAfterFailures, cfg.lockMs)
      if (f.lockedUntil && f.lockedUntil > now && f.failedLogins >= cfg.lockAfterFailures)
        reason += `; account locked after ${f.failedLogins} failures`
    }
    await audit({
      ...base,
      actorName: username || '?',
      ...(user ? { actorUserId: user.id } : {}),
      outcome: 'failed',
      reason,
    })
    return { ok: false, reason: 'invalid', message: MSG_INVALID }
  }

  // 4. Success.
  await recordUserSuccess(d, user.id, now)
  await throttleSucceeded(d, userKey, ipKey)
  if (!deps?.hasher && user.passwordHash && needsRehash(user.passwordHash))
    await setPasswordHash(d, user.id, await hasher.hash(password), now)
  const token = newSessionToken()
  const hash = tokenHash(token)
  const expiresAt = new Date(now.getTime() + cfg.sessionAbsoluteMs)
  await insertSession(d, { hash, userId: user.id, now, expiresAt, ip, userAgent })
  const row = await sessionUser(d, hash, now, cfg.sessionIdleMs)
  const principal = row ? principalFrom(row, 'user', hash) : null
  if (!principal) {
    // The user's area grid is gone: no access (fail closed); end the session just made.
    await revokeSession(d, hash, now)
    await audit({
      ...base,
      actorName: username,
      actorUserId: user.id,
      outcome: 'denied',
      reason: 'area missing',
    })
    return { ok: false, reason: 'invalid', message: MSG_INVALID }
  }
  await audit({ ...base, actorName: username, actorUserId: user.id, outcome: 'ok' })
  return { ok: true, token, expiresAt, principal }
}

/**
 * The principal of a session token, or null (unknown, revoked, idle too long, past its absolute
 * end, user inactive). last_seen_at is written at most once a minute per session.
 */
export async function resolveSession(d: Database, token: string, deps?: AuthDeps): Promise<Principal | null> {
  if (!SESSION_TOKEN_RE.test(token)) return null
  const cfg = configOf(deps)
  const now = nowOf(deps)
  const hash = tokenHash(token)
  const row = await sessionUser(d, hash, now, cfg.sessionIdleMs)
  if (!row) return null
  if (now.getTime() - row.lastSeenAt.getTime() >= cfg.touchEveryMs) await touchSession(d, hash, now)
  return principalFrom(row, 'user', hash)
}

/** End a session (by its token, or by the hash a Principal carries). True when one was ended. */
export async function signOut(
  d: Database,
  token: string | Buffer,
  audit?: AuditSink,
  who?: { name: string; userId?: number; ip?: string },
  deps?: AuthDeps,
): Promise<boolean> {
  const hash = typeof token === 'string' ? tokenHash(token) : token
  const n = await revokeSession(d, hash, nowOf(deps))
  if (n && audit && who)
    await audit({
      actorName: who.name,
      ...(who.userId !== undefined ? { actorUserId: who.userId, objectId: String(who.userId) } : {}),
      ...(who.ip ? { ip: who.ip } : {}),
      action: 'auth.sign_out',
      objectType: 'user',
      outcome: 'ok',
    })
  return n > 0
}
