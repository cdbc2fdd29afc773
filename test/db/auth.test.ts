import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify'
import { sql } from 'drizzle-orm'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import {
  AccessError,
  createToken,
  createUser,
  resetPassword,
  resolveBearer,
  revokeToken,
  updateUser,
} from '../../server/auth/admin.ts'
import type { AuditEntry } from '../../server/auth/audit.ts'
import type { AuthConfig } from '../../server/auth/config.ts'
import { DEMO_FILE, ensureDemoAccounts } from '../../server/auth/demo.ts'
import { registerAuth } from '../../server/auth/http.ts'
import { dummyVerify, type Hasher, hashPassword, verifyPassword } from '../../server/auth/password.ts'
import { type AuthDeps, MSG_INVALID, resolveSession, signIn, signOut } from '../../server/auth/sessions.ts'
import { createContext } from '../../server/context.ts'
import { authRouter } from '../../server/routers/auth.router.ts'
import { usersRouter } from '../../server/routers/users.router.ts'
import { router } from '../../server/trpc.ts'
import { dbDescribe, testDb } from './harness.ts'

const MIN = 60_000

/** A real but cheap scrypt (N=2^10) that counts its work. */
function countingHasher() {
  const h = {
    calls: 0,
    hash: async (p: string) => {
      h.calls++
      return hashPassword(p, { ln: 10, r: 8, p: 1 })
    },
    verify: async (p: string, e: string) => {
      h.calls++
      return verifyPassword(p, e)
    },
    dummy: async (p: string) => {
      h.calls++
      return dummyVerify(p)
    },
  }
  return h satisfies Hasher
}

const config: AuthConfig = {
  sessionIdleMs: 30 * MIN,
  sessionAbsoluteMs: 12 * 60 * MIN,
  userMaxFailures: 5,
  ipMaxFailures: 20,
  throttleWindowMs: 15 * MIN,
  lockAfterFailures: 10,
  lockMs: 15 * MIN,
  touchEveryMs: MIN,
}

dbDescribe('access: sign-in, sessions, tokens, users', () => {
  let d: Database
  let t = Date.parse('2026-03-01T08:00:00Z')
  const hasher = countingHasher()
  const audits: AuditEntry[] = []
  const audit = async (e: AuditEntry) => {
    audits.push(e)
  }
  const deps = (over: Partial<AuthConfig> = {}): AuthDeps => ({
    config: { ...config, ...over },
    now: () => new Date(t),
    hasher,
  })
  const admin = { actor: { name: 'test-admin' }, audit, deps: deps() }
  let n = 0
  /** A fresh user (unique name) with a known password; its own client address. */
  async function freshUser(role = 'grid-worker', areaCode: string | null = null) {
    const username = `authtest-${++n}`
    const { password, user } = await createUser(d, { username, roles: [role], areaCode }, admin)
    return { username, password, user, ip: `10.0.${n}.1` }
  }

  beforeAll(async () => {
    d = await testDb()
  })

  it('signs in: a session whose principal has the roles, permissions and area', async () => {
    const u = await freshUser('street-leader', null)
    audits.length = 0
    const r = await signIn(d, { ...u, userAgent: 'vitest' }, audit, deps())
    if (!r.ok) throw new Error(r.message)
    expect(r.principal).toMatchObject({ kind: 'user', name: u.username, roles: ['street-leader'] })
    expect(r.principal.permissions.has('people.unmask')).toBe(true)
    expect(r.principal.area).toEqual({ gridId: null, path: '/' })
    expect(r.expiresAt.getTime()).toBe(t + 12 * 60 * MIN)
    const p = await resolveSession(d, r.token, deps())
    expect(p?.name).toBe(u.username)
    expect(p?.sessionHash?.length).toBe(32)
    const [row] = await d.rows<{ n: number; last: number }>(
      sql`SELECT (SELECT count(*)::int FROM sessions WHERE user_id = ${u.user.id}) AS n,
                 (extract(epoch from last_login_at) * 1000)::float8 AS last FROM users WHERE id = ${u.user.id}`,
    )
    expect(row).toEqual({ n: 1, last: t })
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'auth.sign_in',
        actorName: u.username,
        actorUserId: u.user.id,
        outcome: 'ok',
      }),
    ])
  })

  it('refuses a wrong password and an unknown user alike, hashing in both cases', async () => {
    const u = await freshUser()
    audits.length = 0
    const before = hasher.calls
    const wrong = await signIn(d, { ...u, password: 'nope-nope-nope' }, audit, deps())
    const unknown = await signIn(d, { username: 'authtest-nobody', password: 'x', ip: u.ip }, audit, deps())
    expect(wrong).toEqual({ ok: false, reason: 'invalid', message: MSG_INVALID })
    expect(unknown).toEqual(wrong)
    expect(hasher.calls - before).toBe(2)
    expect(audits.map((a) => [a.outcome, a.reason])).toEqual([
      ['failed', 'wrong password'],
      ['failed', 'unknown user'],
    ])
  })

  it('throttles per user name before any hashing', async () => {
    const u = await freshUser()
    for (let i = 0; i < 5; i++) {
      const r = await signIn(d, { ...u, password: `bad-${i}`, ip: `10.9.${i}.1` }, audit, deps())
      expect(r).toMatchObject({ ok: false, reason: 'invalid' })
    }
    const before = hasher.calls
    audits.length = 0
    // Even the right password is refused now, and costs no hashing.
    const r = await signIn(d, { ...u, ip: '10.9.9.1' }, audit, deps())
    expect(r).toMatchObject({ ok: false, reason: 'throttled', message: /15 min/ })
    expect(hasher.calls).toBe(before)
    expect(audits).toEqual([expect.objectContaining({ outcome: 'denied', reason: 'throttled: user name' })])
    // Unknown user names are throttled the same way (no hint that they do not exist).
    for (let i = 0; i < 5; i++)
      await signIn(d, { username: 'authtest-ghost', password: 'x', ip: `10.8.${i}.1` }, audit, deps())
    const c = hasher.calls
    expect(
      await signIn(d, { username: 'authtest-ghost', password: 'x', ip: '10.8.9.1' }, audit, deps()),
    ).toMatchObject({
      reason: 'throttled',
    })
    expect(hasher.calls).toBe(c)
    // The window passes: allowed again.
    t += 16 * MIN
    expect((await signIn(d, { ...u, ip: '10.9.9.1' }, audit, deps())).ok).toBe(true)
  })

  it('throttles per client address across user names', async () => {
    const ip = '10.77.0.1'
    for (let i = 0; i < 3; i++)
      await signIn(
        d,
        { username: `authtest-spray-${i}`, password: 'x', ip },
        audit,
        deps({ ipMaxFailures: 3 }),
      )
    const u = await freshUser()
    const before = hasher.calls
    const r = await signIn(d, { ...u, ip }, audit, deps({ ipMaxFailures: 3 }))
    expect(r).toMatchObject({ ok: false, reason: 'throttled' })
    expect(hasher.calls).toBe(before)
    expect((await signIn(d, { ...u, ip: '10.77.0.2' }, audit, deps({ ipMaxFailures: 3 }))).ok).toBe(true)
  })

  it('counts concurrent guesses atomically (no burst slips past the limit)', async () => {
    const u = await freshUser()
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        signIn(d, { ...u, password: `burst-${i}`, ip: `10.66.${i}.1` }, audit, deps()),
      ),
    )
    expect(results.filter((r) => !r.ok && r.reason === 'invalid').length).toBe(5)
    expect(results.filter((r) => !r.ok && r.reason === 'throttled').length).toBe(7)
  })

  it('locks an account after repeated failures; the lock ends; success resets the count', async () => {
    const u = await freshUser()
    const lax = deps({ userMaxFailures: 100, lockAfterFailures: 3 })
    for (let i = 0; i < 3; i++) await signIn(d, { ...u, password: `bad-${i}` }, audit, lax)
    const [row] = await d.rows<{ f: number; locked: boolean }>(
      sql`SELECT failed_logins AS f, locked_until > ${new Date(t).toISOString()}::timestamptz AS locked FROM users WHERE id = ${u.user.id}`,
    )
    expect(row).toEqual({ f: 3, locked: true })
    const before = hasher.calls
    audits.length = 0
    expect(await signIn(d, u, audit, lax)).toMatchObject({ ok: false, reason: 'throttled' })
    expect(hasher.calls).toBe(before)
    expect(audits[0]).toMatchObject({ outcome: 'denied', reason: 'account locked' })
    t += 16 * MIN
    expect((await signIn(d, u, audit, lax)).ok).toBe(true)
    const [after] = await d.rows<{ f: number; l: unknown }>(
      sql`SELECT failed_logins AS f, locked_until AS l FROM users WHERE id = ${u.user.id}`,
    )
    expect(after).toEqual({ f: 0, l: null })
  })

  it('ends sessions after the idle time and at the absolute end; touches last_seen at most once a minute', async () => {
    const u = await freshUser()
    const r = await signIn(d, u, audit, deps())
    if (!r.ok) throw new Error(r.message)
    const lastSeen = async () =>
      (
        await d.rows<{ v: number }>(
          sql`SELECT (extract(epoch from last_seen_at) * 1000)::float8 AS v FROM sessions WHERE user_id = ${u.user.id}`,
        )
      )[0]!.v
    const t0 = t
    t += 30_000
    expect(await resolveSession(d, r.token, deps())).not.toBeNull()
    expect(await lastSeen()).toBe(t0) // not written within the minute
    t += 29 * MIN
    expect(await resolveSession(d, r.token, deps())).not.toBeNull()
    expect(await lastSeen()).toBe(t)
    // Used every 25 minutes: alive until the absolute end (12 h after sign-in).
    while (t + 25 * MIN < t0 + 12 * 60 * MIN) {
      t += 25 * MIN
      expect(await resolveSession(d, r.token, deps())).not.toBeNull()
    }
    t = t0 + 12 * 60 * MIN
    expect(await resolveSession(d, r.token, deps())).toBeNull()
    // Idle: a new session left alone for 31 minutes.
    const r2 = await signIn(d, u, audit, deps())
    if (!r2.ok) throw new Error(r2.message)
    t += 31 * MIN
    expect(await resolveSession(d, r2.token, deps())).toBeNull()
    expect(await resolveSession(d, 'not-a-token', deps())).toBeNull()
  })

  it('signs out', async () => {
    const u = await freshUser()
    const r = await signIn(d, u, audit, deps())
    if (!r.ok) throw new Error(r.message)
    audits.length = 0
    expect(await signOut(d, r.token, audit, { name: u.username, userId: u.user.id }, deps())).toBe(true)
    expect(await resolveSession(d, r.token, deps())).toBeNull()
    expect(await signOut(d, r.token, audit, { name: u.username }, deps())).toBe(false)
    expect(audits).toEqual([expect.objectContaining({ action: 'auth.sign_out', outcome: 'ok' })])
  })

  it('API tokens: shown once, resolve to a token principal with role and area, fail once revoked', async () => {
    const [district] = await d.rows<{ code: string; id: number; path: string }>(
      sql`SELECT code, id, path FROM grids WHERE level = 2 ORDER BY code LIMIT 1`,
    )
    audits.length = 0
    const { token, info } = await createToken(
      d,
      { name: 'authtest-gis', role: 'planner', areaCode: district!.code, createdBy: { name: 'test-admin' } },
      audit,
      { deps: deps() },
    )
    expect(token).toMatch(/^yw_[A-Za-z0-9_-]{43}$/)
    expect(info).toMatchObject({ name: 'authtest-gis', role: 'planner', area: { code: district!.code } })
    const p = await resolveBearer(d, token, deps())
    expect(p).toMatchObject({
      kind: 'token',
      name: 'authtest-gis',
      roles: ['planner'],
      area: { gridId: Number(district!.id), path: district!.path },
    })
    expect(p?.permissions.has('grids.edit')).toBe(true)
    const [used] = await d.rows<{ v: number }>(
      sql`SELECT (extract(epoch from last_used_at) * 1000)::float8 AS v FROM api_tokens WHERE id = ${info.id}`,
    )
    expect(used!.v).toBe(t)
    await expect(
      createToken(
        d,
        { name: 'authtest-gis', role: 'planner', areaCode: null, createdBy: { name: 'x' } },
        audit,
      ),
    ).rejects.toMatchObject({ code: 'exists' })
    await revokeToken(d, { name: 'authtest-gis' }, admin)
    expect(await resolveBearer(d, token, deps())).toBeNull()
    expect(await resolveBearer(d, 'yw_short', deps())).toBeNull()
    expect(audits.map((a) => a.action)).toEqual(['token.create', 'token.revoke'])
    await expect(revokeToken(d, { name: 'authtest-gis' }, admin)).rejects.toMatchObject({ code: 'not_found' })
  })

  it('refuses unknown roles and areas with the allowed values', async () => {
    const e1 = await createUser(d, { username: 'authtest-r', roles: ['mayor'], areaCode: null }, admin).catch(
      (e) => e,
    )
    expect(e1).toBeInstanceOf(AccessError)
    expect(e1.message).toMatch(/city-leader, district-leader/)
    const e2 = await createUser(
      d,
      { username: 'authtest-r', roles: ['admin'], areaCode: '999' },
      admin,
    ).catch((e) => e)
    expect(e2).toMatchObject({ code: 'unknown_area' })
    const e3 = await createUser(d, { username: 'Bad Name!', roles: ['admin'], areaCode: null }, admin).catch(
      (e) => e,
    )
    expect(e3).toMatchObject({ code: 'bad_input' })
    const u = await freshUser()
    await expect(
      createUser(d, { username: u.username, roles: ['admin'], areaCode: null }, admin),
    ).rejects.toMatchObject({
      code: 'exists',
    })
  })

  it('admin changes: roles/area/deactivation end sessions; reset password unlocks; all audited with before/after', async () => {
    const [street] = await d.rows<{ code: string }>(
      sql`SELECT code FROM grids WHERE level = 3 ORDER BY code LIMIT 1`,
    )
    const u = await freshUser()
    const r = await signIn(d, u, audit, deps())
    if (!r.ok) throw new Error(r.message)
    audits.length = 0
    const after = await updateUser(
      d,
      { id: u.user.id },
      { roles: ['dispatcher'], areaCode: street!.code },
      admin,
    )
    expect(after).toMatchObject({ roles: ['dispatcher'], area: { code: street!.code } })
    expect(await resolveSession(d, r.token, deps())).toBeNull()
    expect(audits[0]).toMatchObject({
      action: 'user.update',
      before: { roles: ['grid-worker'], area: null },
      after: { roles: ['dispatcher'], area: { code: street!.code } },
    })
    const r2 = await signIn(d, u, audit, deps())
    if (!r2.ok) throw new Error(r2.message)
    expect(r2.principal.area.path).toMatch(/^\/\d+\/\d+\/\d+\/$/)
    await updateUser(d, { id: u.user.id }, { active: false }, admin)
    expect(await resolveSession(d, r2.token, deps())).toBeNull()
    expect(await signIn(d, u, audit, deps())).toMatchObject({ ok: false, reason: 'invalid' })
    await updateUser(d, { id: u.user.id }, { active: true }, admin)
    const { password } = await resetPassword(d, { id: u.user.id }, admin)
    expect(await signIn(d, u, audit, deps())).toMatchObject({ ok: false })
    expect((await signIn(d, { ...u, password }, audit, deps())).ok).toBe(true)
  })

  it('an administrator of a district manages only inside it', async () => {
    const ds = await d.rows<{ code: string; id: number; path: string }>(
      sql`SELECT code, id, path FROM grids WHERE level = 2 ORDER BY code LIMIT 2`,
    )
    const scoped = { ...admin, scope: { gridId: Number(ds[0]!.id), path: ds[0]!.path } }
    await expect(
      createUser(d, { username: 'authtest-out', roles: ['grid-worker'], areaCode: ds[1]!.code }, scoped),
    ).rejects.toMatchObject({ code: 'outside_area' })
    await expect(
      createUser(d, { username: 'authtest-out', roles: ['grid-worker'], areaCode: null }, scoped),
    ).rejects.toMatchObject({ code: 'outside_area' })
    const ok = await createUser(
      d,
      { username: 'authtest-in', roles: ['grid-worker'], areaCode: ds[0]!.code },
      scoped,
    )
    expect(ok.user.area?.code).toBe(ds[0]!.code)
    const wholeCityUser = await freshUser()
    await expect(
      updateUser(d, { id: wholeCityUser.user.id }, { active: false }, scoped),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('creates the demo accounts once, one per role, in a 0600 file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yiwang-demo-'))
    const accounts = await ensureDemoAccounts(d, dir, audit, { hasher })
    expect(accounts.map((a) => a.username)).toEqual([
      'demo-city-leader',
      'demo-district-leader',
      'demo-street-leader',
      'demo-dispatcher',
      'demo-department-handler',
      'demo-grid-worker',
      'demo-planner',
      'demo-auditor',
      'demo-admin',
    ])
    const file = join(dir, DEMO_FILE)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const text = readFileSync(file, 'utf8')
    for (const a of accounts) expect(text).toContain(a.password)
    const byRole = Object.fromEntries(accounts.map((a) => [a.role, a]))
    expect(byRole['city-leader']!.areaCode).toBe('')
    expect(byRole['district-leader']!.areaCode).toMatch(/^\d{6}$/)
    expect(byRole['street-leader']!.areaCode.startsWith(byRole['district-leader']!.areaCode)).toBe(true)
    expect(byRole['grid-worker']!.areaCode.startsWith(byRole['street-leader']!.areaCode)).toBe(true)
    const gw = await signIn(
      d,
      { username: 'demo-grid-worker', password: byRole['grid-worker']!.password },
      audit,
      deps(),
    )
    if (!gw.ok) throw new Error(gw.message)
    const [lvl] = await d.rows<{ level: number }>(
      sql`SELECT level::int AS level FROM grids WHERE id = ${gw.principal.area.gridId}`,
    )
    expect(lvl!.level).toBe(5)
    expect(await ensureDemoAccounts(d, dir, audit, { hasher })).toEqual([])
  })

  dbDescribe('over HTTP (tRPC)', () => {
    let app: FastifyInstance
    const appRouter = router({ auth: authRouter, users: usersRouter })
    beforeAll(async () => {
      app = Fastify()
      await registerAuth(app, { db: () => d, audit, secureCookies: false, auth: deps() })
      await app.register(fastifyTRPCPlugin, {
        prefix: '/trpc',
        trpcOptions: {
          router: appRouter,
          createContext: ({ req, res }: { req: FastifyRequest; res: FastifyReply }) =>
            Object.assign(createContext({ db: d }), { req, res }),
        },
      })
    })
    afterAll(async () => {
      await app.close()
    })
    const call = (path: string, body: unknown, cookie?: string, bearer?: string) =>
      app.inject({
        method: body === undefined ? 'GET' : 'POST',
        url: `/trpc/${path}`,
        headers: {
          'content-type': 'application/json',
          ...(cookie ? { cookie } : {}),
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      })

    it('signs in with a cookie, answers me, enforces permissions, signs out', async () => {
      const worker = await freshUser('grid-worker')
      const res = await call('auth.signIn', { username: worker.username, password: worker.password })
      expect(res.statusCode).toBe(200)
      const setCookie = String(res.headers['set-cookie'])
      expect(setCookie).toMatch(
        /^yw_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
      )
      const cookie = setCookie.split(';')[0]!
      const me = await call('auth.me', undefined, cookie)
      expect(me.json().result.data).toMatchObject({
        name: worker.username,
        roles: ['grid-worker'],
        area: { gridId: null, code: expect.any(String) },
      })
      const forbidden = await call('users.list', undefined, cookie)
      expect(forbidden.statusCode).toBe(403)
      expect(forbidden.json().error.message).toMatch(/users\.manage/)
      const session = await call('auth.session', undefined, cookie)
      expect(session.json().result.data.me).toMatchObject({ name: worker.username, roles: ['grid-worker'] })
      const anonSession = await call('auth.session', undefined)
      expect(anonSession.statusCode).toBe(200)
      expect(anonSession.json().result.data).toEqual({ me: null })
      const anon = await call('auth.me', undefined)
      expect(anon.statusCode).toBe(401)
      expect(anon.json().error.message).toMatch(/请先登录.*sign in/)
      const bad = await call('auth.signIn', { username: worker.username, password: 'wrong-wrong' })
      expect(bad.statusCode).toBe(401)
      const out = await call('auth.signOut', {}, cookie)
      expect(out.statusCode).toBe(200)
      expect(String(out.headers['set-cookie'])).toMatch(/^yw_session=;/)
      expect((await call('auth.me', undefined, cookie)).statusCode).toBe(401)
    })

    it('administrators manage users and tokens; a Bearer token authenticates', async () => {
      const boss = await freshUser('admin')
      const res = await call('auth.signIn', { username: boss.username, password: boss.password })
      const cookie = String(res.headers['set-cookie']).split(';')[0]!
      const created = await call(
        'users.create',
        { username: 'authtest-http', roles: ['auditor'], areaCode: null },
        cookie,
      )
      expect(created.statusCode).toBe(200)
      const { user, password } = created.json().result.data
      expect(password).toMatch(/^[\w]{5}(-[\w]{5}){3}$/)
      const list = await call('users.list', undefined, cookie)
      expect(list.json().result.data.map((u: { username: string }) => u.username)).toContain('authtest-http')
      const upd = await call('users.update', { id: user.id, roles: ['auditor', 'planner'] }, cookie)
      expect(upd.json().result.data.roles).toEqual(['auditor', 'planner'])
      const bad = await call(
        'users.create',
        { username: 'authtest-http2', roles: ['admin'], areaCode: '000' },
        cookie,
      )
      expect(bad.statusCode).toBe(400)
      const tok = await call(
        'users.createToken',
        { name: 'authtest-http-token', role: 'admin', areaCode: null },
        cookie,
      )
      const { token, info } = tok.json().result.data
      const viaBearer = await call('users.tokens', undefined, undefined, token)
      expect(viaBearer.statusCode).toBe(200)
      expect(await call('users.revokeToken', { id: info.id }, cookie).then((r) => r.statusCode)).toBe(200)
      expect((await call('users.tokens', undefined, undefined, token)).statusCode).toBe(401)
    })
  })
})
