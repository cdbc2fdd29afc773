import { z } from 'zod'

/**
 * Sign-in and session settings. Read from the environment (not server/env.ts, so that library
 * callers such as the admin command get the same defaults); a bad value throws a clear message.
 *
 * - YIWANG_SESSION_IDLE_MIN      minutes without a request before a session ends (30)
 * - YIWANG_SESSION_MAX_HOURS     hours after sign-in when a session ends regardless (12)
 * - YIWANG_LOGIN_USER_MAX        failed sign-ins per user name per window before refusing (5)
 * - YIWANG_LOGIN_IP_MAX          failed sign-ins per client address per window (20)
 * - YIWANG_LOGIN_WINDOW_MIN      the throttle window in minutes (15)
 * - YIWANG_LOCK_AFTER            consecutive failures that lock an account (10)
 * - YIWANG_LOCK_MIN              minutes an account stays locked (15)
 */
export interface AuthConfig {
  sessionIdleMs: number
  sessionAbsoluteMs: number
  userMaxFailures: number
  ipMaxFailures: number
  throttleWindowMs: number
  lockAfterFailures: number
  lockMs: number
  /** last_seen_at / last_used_at are written at most this often per session or token. */
  touchEveryMs: number
}

const MIN = 60_000
const positive = (def: number) => z.coerce.number().positive().max(1e6).default(def)
const count = (def: number) => z.coerce.number().int().min(1).max(1e6).default(def)

const schema = z.object({
  YIWANG_SESSION_IDLE_MIN: positive(30),
  YIWANG_SESSION_MAX_HOURS: positive(12),
  YIWANG_LOGIN_USER_MAX: count(5),
  YIWANG_LOGIN_IP_MAX: count(20),
  YIWANG_LOGIN_WINDOW_MIN: positive(15),
  YIWANG_LOCK_AFTER: count(10),
  YIWANG_LOCK_MIN: positive(15),
})

export function authConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const picked = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  )
  const r = schema.safeParse(picked)
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid sign-in configuration:\n${lines.join('\n')}`)
  }
  const c = r.data
  return {
    sessionIdleMs: c.YIWANG_SESSION_IDLE_MIN * MIN,
    sessionAbsoluteMs: c.YIWANG_SESSION_MAX_HOURS * 60 * MIN,
    userMaxFailures: c.YIWANG_LOGIN_USER_MAX,
    ipMaxFailures: c.YIWANG_LOGIN_IP_MAX,
    throttleWindowMs: c.YIWANG_LOGIN_WINDOW_MIN * MIN,
    lockAfterFailures: c.YIWANG_LOCK_AFTER,
    lockMs: c.YIWANG_LOCK_MIN * MIN,
    touchEveryMs: MIN,
  }
}
