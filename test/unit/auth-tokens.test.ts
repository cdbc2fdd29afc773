import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { ADMIN_USAGE, parseAdminArgs } from '../../server/auth/admin-args.ts'
import { authConfig } from '../../server/auth/config.ts'
import { clearSessionCookie, registerAuth, setSessionCookie } from '../../server/auth/http.ts'
import {
  API_TOKEN_RE,
  newApiToken,
  newSessionToken,
  SESSION_TOKEN_RE,
  tokenHash,
} from '../../server/auth/secrets.ts'

describe('session and API tokens', () => {
  it('session tokens are 32 random bytes in base64url; API tokens start with yw_', () => {
    const s = newSessionToken()
    expect(s).toMatch(SESSION_TOKEN_RE)
    expect(Buffer.from(s, 'base64url').length).toBe(32)
    const t = newApiToken()
    expect(t).toMatch(API_TOKEN_RE)
    expect(t.startsWith('yw_')).toBe(true)
    expect(newSessionToken()).not.toBe(s)
    expect(newApiToken()).not.toBe(t)
  })

  it('only the SHA-256 is stored', () => {
    expect(tokenHash('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })
})

describe('the session cookie', () => {
  async function app(secure: boolean) {
    const a = Fastify()
    await registerAuth(a, { db: () => null, audit: async () => {}, secureCookies: secure })
    a.get('/set', async (_req, reply) => {
      setSessionCookie(reply, 'tok', secure, 12 * 3600_000)
      return { ok: true }
    })
    a.get('/clear', async (_req, reply) => {
      clearSessionCookie(reply, secure)
      return { ok: true }
    })
    a.get('/who', async (req) => ({ principal: req.principal, cookie: req.cookies.yw_session ?? null }))
    return a
  }

  it('is HttpOnly, SameSite=Strict, Path=/, with Max-Age of the absolute timeout; Secure when asked', async () => {
    const a = await app(true)
    const res = await a.inject({ url: '/set' })
    const c = String(res.headers['set-cookie'])
    expect(c).toMatch(/^yw_session=tok;/)
    expect(c).toMatch(/HttpOnly/)
    expect(c).toMatch(/SameSite=Strict/)
    expect(c).toMatch(/Path=\//)
    expect(c).toMatch(/Secure/)
    expect(c).toMatch(/Max-Age=43200/)
    const plain = String((await (await app(false)).inject({ url: '/set' })).headers['set-cookie'])
    expect(plain).not.toMatch(/Secure/)
  })

  it('clearing expires it with the same attributes', async () => {
    const c = String((await (await app(true)).inject({ url: '/clear' })).headers['set-cookie'])
    expect(c).toMatch(/^yw_session=;/)
    expect(c).toMatch(/Expires=Thu, 01 Jan 1970/)
    expect(c).toMatch(/HttpOnly/)
  })

  it('parses the cookie; no database means no principal', async () => {
    const res = await (await app(false)).inject({ url: '/who', headers: { cookie: 'yw_session=abc' } })
    expect(res.json()).toEqual({ principal: null, cookie: 'abc' })
  })
})

describe('auth configuration', () => {
  it('has defaults and reads the environment', () => {
    const c = authConfig({})
    expect(c.sessionIdleMs).toBe(30 * 60_000)
    expect(c.sessionAbsoluteMs).toBe(12 * 3600_000)
    expect(c.userMaxFailures).toBe(5)
    expect(c.ipMaxFailures).toBe(20)
    expect(authConfig({ YIWANG_SESSION_IDLE_MIN: '5' }).sessionIdleMs).toBe(5 * 60_000)
    expect(() => authConfig({ YIWANG_SESSION_IDLE_MIN: 'soon' })).toThrow(/YIWANG_SESSION_IDLE_MIN/)
  })
})

describe('admin command arguments', () => {
  it('parses the commands', () => {
    expect(
      parseAdminArgs([
        'create-user',
        'wang',
        '--role',
        'grid-worker',
        '--area',
        '371002001',
        '--display-name',
        '王五',
      ]),
    ).toEqual({
      ok: true,
      command: {
        cmd: 'create-user',
        name: 'wang',
        roles: ['grid-worker'],
        area: '371002001',
        displayName: '王五',
      },
    })
    expect(parseAdminArgs(['create-token', 'gis', '--role=planner'])).toEqual({
      ok: true,
      command: { cmd: 'create-token', name: 'gis', role: 'planner', area: null },
    })
    expect(parseAdminArgs(['revoke-token', 'gis'])).toEqual({
      ok: true,
      command: { cmd: 'revoke-token', name: 'gis' },
    })
    expect(parseAdminArgs(['list-users'])).toEqual({ ok: true, command: { cmd: 'list-users' } })
    expect(parseAdminArgs(['set-active', 'wang', 'false'])).toEqual({
      ok: true,
      command: { cmd: 'set-active', name: 'wang', active: false },
    })
  })

  it('parses a department: --org on create-user, set-org NAME ORG|none', () => {
    expect(
      parseAdminArgs(['create-user', 'li', '--role', 'department-handler', '--org', 'DEPT-CGJ-371002']),
    ).toEqual({
      ok: true,
      command: {
        cmd: 'create-user',
        name: 'li',
        roles: ['department-handler'],
        area: null,
        org: 'DEPT-CGJ-371002',
      },
    })
    expect(
      parseAdminArgs(['create-user', 'li', '--role=department-handler', '--org=27', '--area=371002']),
    ).toEqual({
      ok: true,
      command: { cmd: 'create-user', name: 'li', roles: ['department-handler'], area: '371002', org: '27' },
    })
    expect(parseAdminArgs(['set-org', 'li', 'DEPT-CGJ-371002'])).toEqual({
      ok: true,
      command: { cmd: 'set-org', name: 'li', org: 'DEPT-CGJ-371002' },
    })
    expect(parseAdminArgs(['set-org', 'li', '42'])).toEqual({
      ok: true,
      command: { cmd: 'set-org', name: 'li', org: '42' },
    })
    expect(parseAdminArgs(['set-org', 'li', 'none'])).toEqual({
      ok: true,
      command: { cmd: 'set-org', name: 'li', org: null },
    })
    expect(parseAdminArgs(['set-org', 'li', 'NONE'])).toMatchObject({ ok: true, command: { org: null } })
  })

  it('explains department usage errors', () => {
    expect(parseAdminArgs(['set-org', 'li'])).toMatchObject({ ok: false, message: /department id or code/ })
    expect(parseAdminArgs(['set-org'])).toMatchObject({ ok: false, message: /needs a NAME/ })
    expect(parseAdminArgs(['set-org', 'li', '27', '28'])).toMatchObject({
      ok: false,
      message: /unexpected.*28/,
    })
    expect(parseAdminArgs(['set-org', 'li', '--org', '27'])).toMatchObject({
      ok: false,
      message: /not --org/,
    })
    expect(parseAdminArgs(['set-active', 'li', 'true', '--org', '27'])).toMatchObject({
      ok: false,
      message: /takes no --org/,
    })
    expect(parseAdminArgs(['create-user', 'li', '--role', 'department-handler', '--org'])).toMatchObject({
      ok: false,
      message: /--org needs a value/,
    })
    expect(parseAdminArgs(['set-org', 'li', '27', '--role', 'admin'])).toMatchObject({
      ok: false,
      message: /takes no --role/,
    })
  })

  it('documents the department in the usage', () => {
    expect(ADMIN_USAGE).toContain('--org ORG')
    expect(ADMIN_USAGE).toContain('set-org NAME ORG|none')
  })

  it('explains usage errors', () => {
    expect(parseAdminArgs([])).toMatchObject({ ok: false, message: /no command/ })
    expect(parseAdminArgs(['make-user'])).toMatchObject({ ok: false, message: /unknown command/ })
    expect(parseAdminArgs(['create-user', 'x'])).toMatchObject({ ok: false, message: /--role/ })
    expect(parseAdminArgs(['create-user', 'x', '--role'])).toMatchObject({
      ok: false,
      message: /needs a value/,
    })
    expect(parseAdminArgs(['list-users', 'x'])).toMatchObject({ ok: false, message: /unexpected/ })
    expect(parseAdminArgs(['--help'])).toMatchObject({ ok: false, help: true })
  })
})
