import type { Database } from '../../db/client.ts'
import {
  type AreaGrid,
  gridByCode,
  gridById,
  insertToken,
  insertUser,
  listTokens,
  listUsers,
  revokeTokens,
  revokeUserSessions,
  setPasswordHash,
  setUserRoles,
  type TokenInfo,
  tokenUser,
  touchToken,
  type UserInfo,
  updateUserFields,
  userGet,
} from '../../db/queries/access.queries.ts'
import { orgByRef } from '../../db/queries/user-departments.queries.ts'
import { ROLE_IDS, type RoleId } from '../../db/schema/access.ts'
import { type Area, WHOLE_CITY } from '../domain/area.ts'
import type { Principal } from '../security/principal.ts'
import { AccessError } from './access-error.ts'
import { type Actor, type AuditSink, actorFields } from './audit.ts'
import { generatePassword, type Hasher, scryptHasher } from './password.ts'
import { principalFrom } from './principal.ts'
import { API_TOKEN_RE, newApiToken, tokenHash } from './secrets.ts'
import { type AuthDeps, configOf, normaliseUsername, nowOf, USERNAME_RE } from './sessions.ts'
import {
  checkDepartmentArea,
  checkDepartmentRole,
  type DepartmentRef,
  resolveDepartment,
} from './user-department.ts'

export { AccessError } from './access-error.ts'

/** Who does it, within which area (an admin manages only users and tokens inside their own area). */
export interface AdminContext {
  actor: Actor
  audit: AuditSink
  /** The actor's area; the whole city when omitted (the admin command). */
  scope?: Area
  deps?: AuthDeps & { hasher?: Hasher }
}

export function checkRole(role: string): RoleId {
  if (!(ROLE_IDS as readonly string[]).includes(role))
    throw new AccessError(
      'unknown_role',
      `没有这个角色 "${role}" / Unknown role "${role}"; one of: ${ROLE_IDS.join(', ')}`,
    )
  return role as RoleId
}

const inScope = (scope: Area, g: AreaGrid | null) =>
  scope.path === '/' || g?.path.startsWith(scope.path) === true

/** An area code → its grid (null code = the whole city), checked against the actor's scope. */
export async function resolveArea(
  d: Database,
  code: string | null,
  scope: Area = WHOLE_CITY,
): Promise<AreaGrid | null> {
  if (code === null || code === '') {
    if (scope.path !== '/')
      throw new AccessError(
        'outside_area',
        '只能分配您辖区内的区域 / You can only assign areas inside your own area',
      )
    return null
  }
  const g = await gridByCode(d, code.trim())
  if (!g)
    throw new AccessError(
      'unknown_area',
      `没有代码为 "${code}" 的区域 / No area with code "${code}"; use a grid code (e.g. district 371002, street 371002001) or omit it for the whole city`,
    )
  if (!inScope(scope, g))
    throw new AccessError(
      'outside_area',
      `区域 ${g.code} ${g.name} 不在您的辖区内 / Area ${g.code} is outside your area`,
    )
  return g
}

const areaSummary = (g: AreaGrid | null) => (g ? { gridId: g.id, code: g.code, name: g.name } : null)
const userSummary = (u: UserInfo) => ({
  username: u.username,
  displayName: u.displayName,
  roles: u.roles,
  area: u.area ? { code: u.area.code, name: u.area.name } : null,
  department: u.department ? { id: u.department.id, code: u.department.code, name: u.department.name } : null,
  active: u.active,
})

// ───────────────────────────── users ─────────────────────────────

export interface CreateUserInput {
  username: string
  displayName?: string
  roles: string[]
  areaCode: string | null
  /** The department the user works for (id or code); required for department handlers. */
  department?: DepartmentRef
  /** Set this password (checked elsewhere); otherwise one is generated and returned. */
  password?: string
}

/** Create a user; returns the user and the generated password (shown once, never stored in clear). */
export async function createUser(
  d: Database,
  input: CreateUserInput,
  ctx: AdminContext,
): Promise<{ user: UserInfo; password: string }> {
  const username = normaliseUsername(input.username)
  if (!USERNAME_RE.test(username))
    throw new AccessError(
      'bad_input',
      `用户名只能含小写字母、数字和 . _ -，2–64 个字符 / A user name has 2–64 lower-case letters, digits, '.', '_' or '-': "${input.username}"`,
    )
  if (!input.roles.length)
    throw new AccessError('bad_input', '至少需要一个角色 / At least one role is needed')
  const roles = [...new Set(input.roles.map(checkRole))]
  const scope = ctx.scope ?? WHOLE_CITY
  const area = await resolveArea(d, input.areaCode, scope)
  const org = await resolveDepartment(d, input.department ?? null, scope)
  checkDepartmentRole(roles, org)
  if (org) checkDepartmentArea(org, area)
  const password = input.password ?? generatePassword()
  const hasher = ctx.deps?.hasher ?? scryptHasher
  const now = nowOf(ctx.deps)
  const id = await insertUser(d, {
    username,
    displayName: input.displayName?.trim() || username,
    passwordHash: await hasher.hash(password),
    areaGridId: area?.id ?? null,
    orgId: org?.id ?? null,
    roles,
    now,
  })
  if (!id) throw new AccessError('exists', `用户 ${username} 已存在 / User ${username} already exists`)
  const user = (await userGet(d, WHOLE_CITY, { id }))!
  await ctx.audit({
    ...actorFields(ctx.actor),
    action: 'user.create',
    objectType: 'user',
    objectId: String(id),
    after: userSummary(user),
    outcome: 'ok',
  })
  return { user, password }
}

export async function listUsersIn(d: Database, scope: Area = WHOLE_CITY): Promise<UserInfo[]> {
  return listUsers(d, scope)
}

async function userInScope(d: Database, which: { id: number } | { username: string }, scope: Area) {
  const u = await userGet(d, scope, which)
  if (!u) {
    const what = 'id' in which ? `#${which.id}` : which.username
    throw new AccessError(
      'not_found',
      `没有找到用户 ${what}（不存在或不在您的辖区内）/ No user ${what} in your area`,
    )
  }
  return u
}

export interface UpdateUserInput {
  displayName?: string
  roles?: string[]
  /** undefined: unchanged; null: the whole city. */
  areaCode?: string | null
  /** undefined: unchanged; null: no department. */
  department?: DepartmentRef
  active?: boolean
}

/**
 * Change a user's roles, area, department, display name or active flag. A change of roles, area
 * or a deactivation ends the user's sessions (they sign in again with the new rights); a new
 * department applies at once (the to-do queue reads it on every request).
 */
export async function updateUser(
  d: Database,
  which: { id: number } | { username: string },
  input: UpdateUserInput,
  ctx: AdminContext,
): Promise<UserInfo> {
  const scope = ctx.scope ?? WHOLE_CITY
  const before = await userInScope(d, which, scope)
  const roles = input.roles ? [...new Set(input.roles.map(checkRole))] : undefined
  if (roles && !roles.length)
    throw new AccessError('bad_input', '至少需要一个角色 / At least one role is needed')
  const self = ctx.actor.userId === before.id
  if (
    self &&
    (input.active === false || (roles && !roles.includes('admin') && before.roles.includes('admin')))
  )
    throw new AccessError(
      'self',
      '不能停用自己或取消自己的管理员角色 / You cannot deactivate yourself or remove your own admin role',
    )
  const area = input.areaCode !== undefined ? await resolveArea(d, input.areaCode, scope) : undefined
  const org = input.department !== undefined ? await resolveDepartment(d, input.department, scope) : undefined
  // Checked when roles or the department change (users made before departments were required keep
  // working), and the department against the area when either changes.
  if (roles !== undefined || org !== undefined)
    checkDepartmentRole(roles ?? before.roles, org !== undefined ? org : before.department)
  if (area !== undefined || org !== undefined) {
    const finalOrg =
      org !== undefined ? org : before.department ? await orgByRef(d, { id: before.department.id }) : null
    const g = area !== undefined ? area : before.area ? await gridById(d, before.area.gridId) : null
    if (finalOrg) checkDepartmentArea(finalOrg, g)
  }
  await updateUserFields(d, before.id, {
    ...(input.displayName !== undefined ? { displayName: input.displayName.trim() || before.username } : {}),
    ...(area !== undefined ? { areaGridId: area?.id ?? null } : {}),
    ...(org !== undefined ? { orgId: org?.id ?? null } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
  })
  if (roles) await setUserRoles(d, before.id, roles)
  const after = (await userGet(d, WHOLE_CITY, { id: before.id }))!
  const rightsChanged =
    (roles && roles.join(',') !== [...before.roles].sort().join(',')) ||
    (area !== undefined && (area?.id ?? null) !== (before.area?.gridId ?? null)) ||
    (input.active === false && before.active)
  if (rightsChanged) await revokeUserSessions(d, before.id, nowOf(ctx.deps))
  await ctx.audit({
    ...actorFields(ctx.actor),
    action: 'user.update',
    objectType: 'user',
    objectId: String(before.id),
    before: userSummary(before),
    after: userSummary(after),
    outcome: 'ok',
  })
  return after
}

/** A new generated password (shown once); unlocks the account and ends its sessions. */
export async function resetPassword(
  d: Database,
  which: { id: number } | { username: string },
  ctx: AdminContext,
): Promise<{ user: UserInfo; password: string }> {
  const scope = ctx.scope ?? WHOLE_CITY
  const user = await userInScope(d, which, scope)
  const password = generatePassword()
  const hasher = ctx.deps?.hasher ?? scryptHasher
  const now = nowOf(ctx.deps)
  await setPasswordHash(d, user.id, await hasher.hash(password), now)
  const ended = await revokeUserSessions(d, user.id, now)
  await ctx.audit({
    ...actorFields(ctx.actor),
    action: 'user.reset_password',
    objectType: 'user',
    objectId: String(user.id),
    before: { lockedUntil: user.lockedUntil, failedLogins: user.failedLogins },
    after: { sessionsEnded: ended },
    outcome: 'ok',
  })
  return { user: (await userGet(d, WHOLE_CITY, { id: user.id }))!, password }
}

// ───────────────────────────── API tokens ─────────────────────────────

export const TOKEN_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/

/**
 * A new API token for a machine client, with one role and an area. The token (`yw_…`) is returned
 * once; only its SHA-256 is stored. Names are unique among active tokens.
 */
export async function createToken(
  d: Database,
  input: { name: string; role: string; areaCode: string | null; createdBy: Actor },
  audit: AuditSink,
  opts: { scope?: Area; deps?: AuthDeps } = {},
): Promise<{ token: string; info: TokenInfo }> {
  const name = input.name.trim()
  if (!TOKEN_NAME_RE.test(name))
    throw new AccessError(
      'bad_input',
      `令牌名称 1–64 个字母、数字、空格或 . _ - / A token name has 1–64 letters, digits, spaces, '.', '_' or '-': "${input.name}"`,
    )
  const role = checkRole(input.role)
  const scope = opts.scope ?? WHOLE_CITY
  const area = await resolveArea(d, input.areaCode, scope)
  if ((await listTokens(d, WHOLE_CITY, { activeOnly: true, name })).length)
    throw new AccessError(
      'exists',
      `已有名为 "${name}" 的有效令牌，请先吊销 / An active token named "${name}" exists; revoke it first`,
    )
  const token = newApiToken()
  const id = await insertToken(d, {
    name,
    hash: tokenHash(token),
    role,
    areaGridId: area?.id ?? null,
    createdBy: input.createdBy.name,
    now: nowOf(opts.deps),
  })
  const info = (await listTokens(d, WHOLE_CITY, { name })).find((t) => t.id === id)!
  await audit({
    ...actorFields(input.createdBy),
    action: 'token.create',
    objectType: 'api_token',
    objectId: String(id),
    after: { name, role, area: areaSummary(area) },
    outcome: 'ok',
  })
  return { token, info }
}

export async function listTokensIn(d: Database, scope: Area = WHOLE_CITY): Promise<TokenInfo[]> {
  return listTokens(d, scope)
}

/** Revoke a token by id or by name (all active ones of that name). Returns the revoked tokens. */
export async function revokeToken(
  d: Database,
  which: { id: number } | { name: string },
  ctx: AdminContext,
): Promise<TokenInfo[]> {
  const scope = ctx.scope ?? WHOLE_CITY
  const candidates = (
    await listTokens(d, scope, { activeOnly: true, ...('name' in which ? { name: which.name } : {}) })
  ).filter((t) => !('id' in which) || t.id === which.id)
  if (!candidates.length) {
    const what = 'id' in which ? `#${which.id}` : `"${which.name}"`
    throw new AccessError(
      'not_found',
      `没有有效的令牌 ${what}（或不在您的辖区内）/ No active token ${what} in your area`,
    )
  }
  const now = nowOf(ctx.deps)
  const revoked: TokenInfo[] = []
  for (const t of candidates) {
    if ((await revokeTokens(d, { id: t.id }, now)).length) revoked.push({ ...t, revokedAt: now })
    await ctx.audit({
      ...actorFields(ctx.actor),
      action: 'token.revoke',
      objectType: 'api_token',
      objectId: String(t.id),
      before: { name: t.name, role: t.role, revokedAt: null },
      after: { name: t.name, role: t.role, revokedAt: now.toISOString() },
      outcome: 'ok',
    })
  }
  return revoked
}

/**
 * The principal of an `Authorization: Bearer yw_…` token, or null (malformed, unknown, revoked).
 * last_used_at is written at most once a minute per token.
 */
export async function resolveBearer(d: Database, token: string, deps?: AuthDeps): Promise<Principal | null> {
  if (!API_TOKEN_RE.test(token)) return null
  const row = await tokenUser(d, tokenHash(token))
  if (!row) return null
  const now = nowOf(deps)
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= configOf(deps).touchEveryMs)
    await touchToken(d, row.id, now)
  return principalFrom(row, 'token')
}
