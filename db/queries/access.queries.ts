import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { Database } from '../client.ts'
import type { RoleId } from '../schema/access.ts'

/**
 * All SQL for users, sessions, API tokens and the sign-in throttle. Times come from the caller's
 * clock (passed in), so tests can move time; they are read back as epoch milliseconds so both
 * drivers return the same thing. Hashes go in as hex (decode(…, 'hex')) for the same reason.
 */

const ts = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`
const bytes = (b: Buffer): SQL => sql`decode(${b.toString('hex')}, 'hex')`
const ms = (col: SQL): SQL => sql`(extract(epoch from ${col}) * 1000)::float8`
const toDate = (v: number | null | undefined): Date | null =>
  v === null || v === undefined ? null : new Date(v)
const rolesOf = (v: string | null): RoleId[] => (v ? (v.split(',') as RoleId[]) : [])

/** Users whose area lies inside `area` (the whole city sees everyone, also users without an area). */
const userInArea = (area: Area): SQL => (area.path === '/' ? sql`true` : sql`g.path LIKE ${`${area.path}%`}`)

const rolesAgg = sql`(SELECT string_agg(ur.role_id, ',' ORDER BY ur.role_id) FROM user_roles ur WHERE ur.user_id = u.id)`

// ───────────────────────────── grids (areas) ─────────────────────────────

export interface AreaGrid {
  id: number
  code: string
  name: string
  level: number
  path: string
}

export async function gridByCode(d: Database, code: string): Promise<AreaGrid | null> {
  const [r] = await d.rows<AreaGrid>(
    sql`SELECT id, code, name, level::int AS level, path FROM grids WHERE code = ${code}`,
  )
  return r ? { ...r, id: Number(r.id) } : null
}

export async function gridById(d: Database, id: number): Promise<AreaGrid | null> {
  const [r] = await d.rows<AreaGrid>(
    sql`SELECT id, code, name, level::int AS level, path FROM grids WHERE id = ${id}`,
  )
  return r ? { ...r, id: Number(r.id) } : null
}

/** The city (the root grid), for naming the whole-city area. */
export async function cityGrid(d: Database): Promise<AreaGrid | null> {
  const [r] = await d.rows<AreaGrid>(
    sql`SELECT id, code, name, level::int AS level, path FROM grids WHERE parent_id IS NULL ORDER BY level, id LIMIT 1`,
  )
  return r ? { ...r, id: Number(r.id) } : null
}

/** The first grid (by code) at `level` under `path`; for choosing demo areas. */
export async function firstGridUnder(d: Database, path: string, level: number): Promise<AreaGrid | null> {
  const [r] = await d.rows<AreaGrid>(
    sql`SELECT id, code, name, level::int AS level, path FROM grids
        WHERE path LIKE ${`${path}%`} AND level = ${level} ORDER BY code LIMIT 1`,
  )
  return r ? { ...r, id: Number(r.id) } : null
}

// ───────────────────────────── sign-in ─────────────────────────────

export interface SignInUser {
  id: number
  username: string
  displayName: string
  passwordHash: string | null
  active: boolean
  failedLogins: number
  lockedUntil: Date | null
}

export async function userForSignIn(d: Database, username: string): Promise<SignInUser | null> {
  const [r] = await d.rows<{
    id: number
    username: string
    display_name: string
    password_hash: string | null
    active: boolean
    failed_logins: number
    locked_until: number | null
  }>(sql`SELECT id, username, display_name, password_hash, active, failed_logins,
              ${ms(sql`locked_until`)} AS locked_until
         FROM users WHERE username = ${username}`)
  if (!r) return null
  return {
    id: Number(r.id),
    username: r.username,
    displayName: r.display_name,
    passwordHash: r.password_hash,
    active: r.active,
    failedLogins: Number(r.failed_logins),
    lockedUntil: toDate(r.locked_until),
  }
}

/**
 * Count one attempt against a throttle key (atomically, before any hashing) and say whether it is
 * over the limit. A new window starts when the old one is over. Attempts count as failures until
 * they succeed (then `throttleSucceeded` takes them back), so concurrent guesses cannot slip
 * through between a check and a record.
 */
export async function throttleAttempt(
  d: Database,
  key: string,
  now: Date,
  windowMs: number,
  max: number,
): Promise<{ failures: number; blocked: boolean; blockedUntil: Date | null }> {
  const cutoff = ts(new Date(now.getTime() - windowMs))
  const nowTs = ts(now)
  const newFailures = sql`CASE WHEN t.window_start <= ${cutoff} THEN 1 ELSE t.failures + 1 END`
  const newStart = sql`CASE WHEN t.window_start <= ${cutoff} THEN ${nowTs} ELSE t.window_start END`
  const [r] = await d.rows<{ failures: number; blocked_until: number | null }>(sql`
    INSERT INTO login_throttle AS t (key, failures, window_start, blocked_until)
    VALUES (${key}, 1, ${nowTs}, NULL)
    ON CONFLICT (key) DO UPDATE SET
      failures = ${newFailures},
      window_start = ${newStart},
      blocked_until = CASE WHEN ${newFailures} > ${max}
                           THEN ${newStart} + ${windowMs} * interval '1 millisecond' END
    RETURNING failures, ${ms(sql`blocked_until`)} AS blocked_until`)
  const failures = Number(r?.failures ?? 1)
  return { failures, blocked: failures > max, blockedUntil: toDate(r?.blocked_until) }
}

/** After a successful sign-in: the account's key is cleared, the address's attempt is taken back. */
export async function throttleSucceeded(d: Database, userKey: string, ipKey: string | null): Promise<void> {
  await d.rows(sql`DELETE FROM login_throttle WHERE key = ${userKey}`)
  if (ipKey)
    await d.rows(
      sql`UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = ${ipKey} AND blocked_until IS NULL`,
    )
}

/** Old throttle rows (windows long over); called now and then. */
export async function throttlePurge(d: Database, before: Date): Promise<void> {
  await d.rows(
    sql`DELETE FROM login_throttle WHERE window_start < ${ts(before)} AND (blocked_until IS NULL OR blocked_until < ${ts(before)})`,
  )
}

/** A wrong password: count it; lock the account once the consecutive failures reach `lockAfter`. */
export async function recordUserFailure(
  d: Database,
  userId: number,
  now: Date,
  lockAfter: number,
  lockMs: number,
): Promise<{ failedLogins: number; lockedUntil: Date | null }> {
  const [r] = await d.rows<{ failed_logins: number; locked_until: number | null }>(sql`
    UPDATE users SET
      failed_logins = failed_logins + 1,
      locked_until = CASE WHEN failed_logins + 1 >= ${lockAfter}
                          THEN ${ts(now)} + ${lockMs} * interval '1 millisecond' ELSE locked_until END
    WHERE id = ${userId}
    RETURNING failed_logins, ${ms(sql`locked_until`)} AS locked_until`)
  return { failedLogins: Number(r?.failed_logins ?? 0), lockedUntil: toDate(r?.locked_until) }
}

export async function recordUserSuccess(d: Database, userId: number, now: Date): Promise<void> {
  await d.rows(
    sql`UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ${ts(now)} WHERE id = ${userId}`,
  )
}

export async function setPasswordHash(d: Database, userId: number, hash: string, now: Date): Promise<void> {
  await d.rows(sql`UPDATE users SET password_hash = ${hash}, password_changed_at = ${ts(now)},
                     failed_logins = 0, locked_until = NULL WHERE id = ${userId}`)
}

// ───────────────────────────── sessions ─────────────────────────────

export async function insertSession(
  d: Database,
  s: {
    hash: Buffer
    userId: number
    now: Date
    expiresAt: Date
    ip: string | null
    userAgent: string | null
  },
): Promise<void> {
  await d.rows(sql`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
    VALUES (${bytes(s.hash)}, ${s.userId}, ${ts(s.now)}, ${ts(s.now)}, ${ts(s.expiresAt)}, ${s.ip}, ${s.userAgent})`)
}

/** The user and area behind a session or token, with everything a Principal needs. */
export interface PrincipalRow {
  id: number
  name: string
  displayName: string
  roles: RoleId[]
  areaGridId: number | null
  /** null when the area grid is missing (then the caller gets nothing: fail closed). */
  areaPath: string | null
  lastSeenAt: Date
}

/** A live session: not revoked, not past its absolute end, used within the idle time, user active. */
export async function sessionUser(
  d: Database,
  hash: Buffer,
  now: Date,
  idleMs: number,
): Promise<PrincipalRow | null> {
  const [r] = await d.rows<{
    id: number
    username: string
    display_name: string
    roles: string | null
    area_grid_id: number | null
    path: string | null
    last_seen_at: number
  }>(sql`
    SELECT u.id, u.username, u.display_name, ${rolesAgg} AS roles, u.area_grid_id, g.path,
           ${ms(sql`s.last_seen_at`)} AS last_seen_at
      FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN grids g ON g.id = u.area_grid_id
     WHERE s.token_hash = ${bytes(hash)} AND s.revoked_at IS NULL AND s.expires_at > ${ts(now)}
       AND s.last_seen_at > ${ts(new Date(now.getTime() - idleMs))} AND u.active`)
  if (!r) return null
  return {
    id: Number(r.id),
    name: r.username,
    displayName: r.display_name,
    roles: rolesOf(r.roles),
    areaGridId: r.area_grid_id === null ? null : Number(r.area_grid_id),
    areaPath: r.area_grid_id === null ? '/' : r.path,
    lastSeenAt: new Date(r.last_seen_at),
  }
}

export async function touchSession(d: Database, hash: Buffer, now: Date): Promise<void> {
  await d.rows(sql`UPDATE sessions SET last_seen_at = ${ts(now)} WHERE token_hash = ${bytes(hash)}`)
}

export async function revokeSession(d: Database, hash: Buffer, now: Date): Promise<number> {
  const r = await d.rows(sql`UPDATE sessions SET revoked_at = ${ts(now)}
    WHERE token_hash = ${bytes(hash)} AND revoked_at IS NULL RETURNING 1 AS x`)
  return r.length
}

/** End every session of a user (password reset, deactivation, role or area change). */
export async function revokeUserSessions(d: Database, userId: number, now: Date): Promise<number> {
  const r = await d.rows(sql`UPDATE sessions SET revoked_at = ${ts(now)}
    WHERE user_id = ${userId} AND revoked_at IS NULL RETURNING 1 AS x`)
  return r.length
}

/** Sessions long over (kept a day for the record, then removed). */
export async function purgeSessions(d: Database, before: Date): Promise<void> {
  await d.rows(sql`DELETE FROM sessions WHERE expires_at < ${ts(before)}
    OR (revoked_at IS NOT NULL AND revoked_at < ${ts(before)})`)
}

// ───────────────────────────── API tokens ─────────────────────────────

export async function insertToken(
  d: Database,
  t: { name: string; hash: Buffer; role: RoleId; areaGridId: number | null; createdBy: string; now: Date },
): Promise<number> {
  const [r] = await d.rows<{ id: number }>(sql`
    INSERT INTO api_tokens (name, token_hash, role_id, area_grid_id, created_by, created_at)
    VALUES (${t.name}, ${bytes(t.hash)}, ${t.role}, ${t.areaGridId}, ${t.createdBy}, ${ts(t.now)}) RETURNING id`)
  return Number(r!.id)
}

export async function tokenUser(
  d: Database,
  hash: Buffer,
): Promise<(PrincipalRow & { lastUsedAt: Date | null }) | null> {
  const [r] = await d.rows<{
    id: number
    name: string
    role_id: RoleId
    area_grid_id: number | null
    path: string | null
    last_used_at: number | null
  }>(sql`
    SELECT t.id, t.name, t.role_id, t.area_grid_id, g.path, ${ms(sql`t.last_used_at`)} AS last_used_at
      FROM api_tokens t LEFT JOIN grids g ON g.id = t.area_grid_id
     WHERE t.token_hash = ${bytes(hash)} AND t.revoked_at IS NULL`)
  if (!r) return null
  return {
    id: Number(r.id),
    name: r.name,
    displayName: r.name,
    roles: [r.role_id],
    areaGridId: r.area_grid_id === null ? null : Number(r.area_grid_id),
    areaPath: r.area_grid_id === null ? '/' : r.path,
    lastSeenAt: toDate(r.last_used_at) ?? new Date(0),
    lastUsedAt: toDate(r.last_used_at),
  }
}

export async function touchToken(d: Database, id: number, now: Date): Promise<void> {
  await d.rows(sql`UPDATE api_tokens SET last_used_at = ${ts(now)} WHERE id = ${id}`)
}

export interface TokenInfo {
  id: number
  name: string
  role: RoleId
  area: { gridId: number; code: string; name: string } | null
  createdAt: Date
  createdBy: string | null
  lastUsedAt: Date | null
  revokedAt: Date | null
}

/** Tokens whose area lies in `area` (newest first); revoked ones too unless `activeOnly`. */
export async function listTokens(
  d: Database,
  area: Area,
  opts: { activeOnly?: boolean; name?: string } = {},
): Promise<TokenInfo[]> {
  const rows = await d.rows<{
    id: number
    name: string
    role_id: RoleId
    area_grid_id: number | null
    code: string | null
    gname: string | null
    created_at: number
    created_by: string | null
    last_used_at: number | null
    revoked_at: number | null
  }>(sql`
    SELECT t.id, t.name, t.role_id, t.area_grid_id, g.code, g.name AS gname,
           ${ms(sql`t.created_at`)} AS created_at, t.created_by,
           ${ms(sql`t.last_used_at`)} AS last_used_at, ${ms(sql`t.revoked_at`)} AS revoked_at
      FROM api_tokens t LEFT JOIN grids g ON g.id = t.area_grid_id
     WHERE ${userInArea(area)}
       ${opts.activeOnly ? sql`AND t.revoked_at IS NULL` : sql``}
       ${opts.name !== undefined ? sql`AND t.name = ${opts.name}` : sql``}
     ORDER BY t.created_at DESC, t.id DESC`)
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    role: r.role_id,
    area:
      r.area_grid_id === null
        ? null
        : { gridId: Number(r.area_grid_id), code: r.code ?? '', name: r.gname ?? '' },
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    lastUsedAt: toDate(r.last_used_at),
    revokedAt: toDate(r.revoked_at),
  }))
}

/** Revoke active tokens by id or by name; returns the ids revoked. */
export async function revokeTokens(
  d: Database,
  which: { id: number } | { name: string },
  now: Date,
): Promise<number[]> {
  const cond = 'id' in which ? sql`id = ${which.id}` : sql`name = ${which.name}`
  const rows = await d.rows<{ id: number }>(
    sql`UPDATE api_tokens SET revoked_at = ${ts(now)} WHERE ${cond} AND revoked_at IS NULL RETURNING id`,
  )
  return rows.map((r) => Number(r.id))
}

// ───────────────────────────── users ─────────────────────────────

export interface UserInfo {
  id: number
  username: string
  displayName: string
  active: boolean
  roles: RoleId[]
  area: { gridId: number; code: string; name: string; level: number } | null
  /** The department (职能部门) the user works for (users.org_id), for "my department's to-do". */
  department: { id: number; code: string; name: string } | null
  createdAt: Date
  lastLoginAt: Date | null
  lockedUntil: Date | null
  failedLogins: number
}

/** Users with their area grid and their department (hidden from the caller's scope: no name). */
const userFrom = sql`users u LEFT JOIN grids g ON g.id = u.area_grid_id LEFT JOIN organisations o ON o.id = u.org_id`

const userColumns = sql`u.id, u.username, u.display_name, u.active, ${rolesAgg} AS roles, u.area_grid_id,
  g.code, g.name AS gname, g.level::int AS glevel, u.org_id, o.code AS ocode, o.name AS oname,
  ${ms(sql`u.created_at`)} AS created_at,
  ${ms(sql`u.last_login_at`)} AS last_login_at, ${ms(sql`u.locked_until`)} AS locked_until, u.failed_logins`

interface UserRow {
  id: number
  username: string
  display_name: string
  active: boolean
  roles: string | null
  area_grid_id: number | null
  code: string | null
  gname: string | null
  glevel: number | null
  org_id: number | null
  ocode: string | null
  oname: string | null
  created_at: number
  last_login_at: number | null
  locked_until: number | null
  failed_logins: number
}

const toUser = (r: UserRow): UserInfo => ({
  id: Number(r.id),
  username: r.username,
  displayName: r.display_name,
  active: r.active,
  roles: rolesOf(r.roles),
  area:
    r.area_grid_id === null
      ? null
      : { gridId: Number(r.area_grid_id), code: r.code ?? '', name: r.gname ?? '', level: Number(r.glevel) },
  department: r.org_id === null ? null : { id: Number(r.org_id), code: r.ocode ?? '', name: r.oname ?? '' },
  createdAt: new Date(r.created_at),
  lastLoginAt: toDate(r.last_login_at),
  lockedUntil: toDate(r.locked_until),
  failedLogins: Number(r.failed_logins),
})

/** Users whose area lies in `area`, by user name. */
export async function listUsers(d: Database, area: Area): Promise<UserInfo[]> {
  const rows = await d.rows<UserRow>(sql`SELECT ${userColumns}
    FROM ${userFrom} WHERE ${userInArea(area)} ORDER BY u.username`)
  return rows.map(toUser)
}

export async function userGet(
  d: Database,
  area: Area,
  which: { id: number } | { username: string },
): Promise<UserInfo | null> {
  const cond = 'id' in which ? sql`u.id = ${which.id}` : sql`u.username = ${which.username}`
  const [r] = await d.rows<UserRow>(sql`SELECT ${userColumns}
    FROM ${userFrom} WHERE ${cond} AND ${userInArea(area)}`)
  return r ? toUser(r) : null
}

export async function insertUser(
  d: Database,
  u: {
    username: string
    displayName: string
    passwordHash: string
    areaGridId: number | null
    orgId?: number | null
    roles: RoleId[]
    now: Date
  },
): Promise<number> {
  const [r] = await d.rows<{ id: number }>(sql`
    INSERT INTO users (username, display_name, password_hash, area_grid_id, org_id, password_changed_at, created_at)
    VALUES (${u.username}, ${u.displayName}, ${u.passwordHash}, ${u.areaGridId}, ${u.orgId ?? null}, ${ts(u.now)}, ${ts(u.now)})
    ON CONFLICT (username) DO NOTHING RETURNING id`)
  if (!r) return 0
  const id = Number(r.id)
  await setUserRoles(d, id, u.roles)
  return id
}

export async function setUserRoles(d: Database, userId: number, roles: readonly RoleId[]): Promise<void> {
  await d.rows(sql`DELETE FROM user_roles WHERE user_id = ${userId}`)
  for (const role of roles)
    await d.rows(
      sql`INSERT INTO user_roles (user_id, role_id) VALUES (${userId}, ${role}) ON CONFLICT DO NOTHING`,
    )
}

export async function updateUserFields(
  d: Database,
  userId: number,
  f: { displayName?: string; areaGridId?: number | null; orgId?: number | null; active?: boolean },
): Promise<void> {
  const sets: SQL[] = []
  if (f.displayName !== undefined) sets.push(sql`display_name = ${f.displayName}`)
  if (f.areaGridId !== undefined) sets.push(sql`area_grid_id = ${f.areaGridId}`)
  if (f.orgId !== undefined) sets.push(sql`org_id = ${f.orgId}`)
  if (f.active !== undefined) sets.push(sql`active = ${f.active}`)
  if (!sets.length) return
  await d.rows(sql`UPDATE users SET ${sql.join(sets, sql`, `)} WHERE id = ${userId}`)
}

export async function usernamesLike(d: Database, prefix: string): Promise<string[]> {
  const rows = await d.rows<{ username: string }>(
    sql`SELECT username FROM users WHERE username LIKE ${`${prefix}%`} ORDER BY username`,
  )
  return rows.map((r) => r.username)
}
