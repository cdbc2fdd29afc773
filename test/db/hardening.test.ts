import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { createServer, type StartState } from '../../server/app.ts'
import { storableText } from '../../server/audit/canonical.ts'
import { createToken } from '../../server/auth/admin.ts'
import { CSP, registerHardening } from '../../server/http/hardening.ts'
import { appRouter } from '../../server/routers/index.ts'
import { createPiiCipher } from '../../server/security/pii.ts'
import { dbDescribe, testDb } from './harness.ts'

/** A stack frame or a stack property in a response body. */
const STACK = /\bat [^\n]*\.(ts|js|mjs|cjs):\d+|"stack"\s*:|node_modules\//

function expectSafe(res: LightMyRequestResponse, what: string) {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500)
  expect(res.body, what).not.toMatch(STACK)
}

/** Classic SQL-injection payloads and other hostile strings. */
const SQLI = [
  "'",
  '"',
  "' OR '1'='1",
  "' OR 1=1 --",
  "1' OR '1'='1' --",
  "'; DROP TABLE hardening_sentinel; --",
  '1; DROP TABLE hardening_sentinel;--',
  '1); DROP TABLE hardening_sentinel;--',
  "' UNION SELECT NULL, version(), current_user --",
  '1 UNION SELECT table_name FROM information_schema.tables',
  "'; SELECT pg_sleep(3); --",
  "1' AND (SELECT 1 FROM pg_sleep(3))::text = '1",
  "' || (SELECT pg_sleep(3)) || '",
  '$$; SELECT pg_sleep(3); $$',
  "E'\\x27 OR 1=1",
  '\\',
  "\\\\'",
  '%',
  '_',
  '%%%%%',
  '*/ OR /* ',
  '\u0000',
  "abc\u0000'; DROP TABLE hardening_sentinel; --",
  '\uFEFF\u202E\u2028\u2029',
  '＇ ＯＲ １＝１', // full-width quote and letters
  '𠀀😀\uD800',
  "网格'; DELETE FROM grids; --",
  'A'.repeat(10_000),
  "'".repeat(5_000),
  '1e309',
  '-1',
  '0',
  '2147483648',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '{"$ne": null}',
]

/** Every tile layer's filter parameters. */
const TILE_FILTERS: [string, string][] = [
  ['grids', 'levels'],
  ['people', 'tag'],
  ['things', 'kind'],
  ['things', 'status'],
  ['events', 'category'],
  ['events', 'status'],
  ['events', 'source'],
  ['events', 'from'],
  ['events', 'to'],
  ['events', 'overdue'],
  ['orgs', 'kind'],
]

dbDescribe('HTTP hardening: headers, limits, hostile input', () => {
  let d: Database
  let app: FastifyInstance
  const state: StartState = { status: 'ready' }
  let gridCount = 0
  /** An API token with map access, so that grid procedures and tiles reach the database. */
  let auth: Record<string, string> = {}
  const moreAuth: Record<string, string>[] = []

  beforeAll(async () => {
    d = await testDb()
    app = await createServer({ db: () => d, state: () => state, pii: createPiiCipher(Buffer.alloc(32, 7)) })
    await app.ready()
    await d.rows(sql`CREATE TABLE IF NOT EXISTS hardening_sentinel (v text NOT NULL)`)
    await d.rows(sql`INSERT INTO hardening_sentinel (v) VALUES ('alive')`)
    const [g] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM grids`)
    gridCount = g!.n
    const { token } = await createToken(
      d,
      {
        name: `hardening-${Date.now().toString(36)}`,
        role: 'city-leader',
        areaCode: null,
        createdBy: { name: 'test' },
      },
      async () => {},
    )
    auth = { authorization: `Bearer ${token}` }
    // Other roles reach the procedures a city leader may not call (unmasking, user management).
    for (const role of ['street-leader', 'admin'] as const) {
      const other = await createToken(
        d,
        {
          name: `hardening-${role}-${Date.now().toString(36)}`,
          role,
          areaCode: null,
          createdBy: { name: 'test' },
        },
        async () => {},
      )
      moreAuth.push({ authorization: `Bearer ${other.token}` })
    }
  })
  afterAll(async () => {
    await app?.close()
    await d?.rows(sql`DROP TABLE IF EXISTS hardening_sentinel`)
  })

  it('sets the security headers on every kind of response', async () => {
    const urls = [
      '/healthz',
      `/trpc/grid.children?input=${encodeURIComponent(JSON.stringify({ parentId: null }))}`,
      '/trpc/grid.get?input=%7B',
      '/tiles/grids/8/214/99.mvt',
      '/tiles/grids/99/0/0.mvt',
      '/nowhere',
    ]
    for (const url of urls) {
      const res = await app.inject({ method: 'GET', url })
      const h = res.headers
      expect(h['content-security-policy']?.toString().split(/;\s*/), url).toEqual(CSP.split(/;\s*/))
      expect(h['x-content-type-options'], url).toBe('nosniff')
      expect(h['referrer-policy'], url).toBe('no-referrer')
      expect(h['x-frame-options'], url).toBe('DENY')
      expect(h['cross-origin-opener-policy'], url).toBe('same-origin')
      expect(h['strict-transport-security'], url).toBeUndefined()
      expect(res.body, url).not.toMatch(STACK)
    }
    const api = await app.inject({ method: 'GET', url: urls[1]! })
    expect(api.headers['cache-control']).toBe('no-store')
  })

  it('sends HSTS only in production over https', async () => {
    const make = async (production: boolean) => {
      const a = Fastify({ trustProxy: true })
      await registerHardening(a, { production })
      a.get('/', async () => ({ ok: true }))
      return a
    }
    const prod = await make(true)
    const dev = await make(false)
    try {
      const https = { 'x-forwarded-proto': 'https' }
      expect((await prod.inject({ url: '/', headers: https })).headers['strict-transport-security']).toMatch(
        /max-age=\d+/,
      )
      expect((await prod.inject({ url: '/' })).headers['strict-transport-security']).toBeUndefined()
      expect(
        (await dev.inject({ url: '/', headers: https })).headers['strict-transport-security'],
      ).toBeUndefined()
    } finally {
      await prod.close()
      await dev.close()
    }
  })

  it('refuses a tRPC batch of more than 20 calls', async () => {
    const calls = (n: number) => Array.from({ length: n }, () => 'grid.children').join(',')
    const input = (n: number) =>
      encodeURIComponent(
        JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { parentId: null }]))),
      )
    const ok = await app.inject({ url: `/trpc/${calls(20)}?batch=1&input=${input(20)}`, headers: auth })
    expect(ok.statusCode).toBe(200)
    const tooMany = await app.inject({ url: `/trpc/${calls(21)}?batch=1&input=${input(21)}`, headers: auth })
    expectSafe(tooMany, 'batch of 21')
    expect(tooMany.statusCode).toBe(400)
  })

  it('answers an oversized body with 413 and a JSON message, whatever its type', async () => {
    const big = JSON.stringify({ parentId: null, pad: 'x'.repeat(2 * 1024 * 1024) })
    const res = await app.inject({
      method: 'POST',
      url: '/trpc/grid.children',
      headers: { 'content-type': 'application/json' },
      payload: big,
    })
    expect(res.statusCode).toBe(413)
    expect(res.headers['content-type']).toMatch(/application\/json/)
    expect(res.json()).toMatchObject({
      error: 'too_large',
      message: expect.stringMatching(/过大.*too large/),
    })
    expectSafe({ ...res, statusCode: 200 } as LightMyRequestResponse, '413 body')
    // the tRPC adapter reads multipart bodies itself: the declared length is checked first
    const multipart = await app.inject({
      method: 'POST',
      url: '/trpc/grid.children',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: Buffer.alloc(2 * 1024 * 1024, 97),
    })
    expect(multipart.statusCode).toBe(413)
    expect(multipart.json().error).toBe('too_large')
    const other = await app.inject({
      method: 'POST',
      url: '/trpc/grid.children',
      headers: { 'content-type': 'text/plain' },
      payload: 'x'.repeat(2 * 1024 * 1024),
    })
    expect(other.statusCode).toBe(413)
  })

  it('limits sign-in attempts per address with a clear 429 in both languages', async () => {
    const signIn = (ip: string) =>
      app.inject({
        method: 'POST',
        url: '/trpc/auth.signIn',
        remoteAddress: ip,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: 'nobody', password: 'wrong-password' }),
      })
    for (let i = 0; i < 10; i++) {
      const r = await signIn('10.0.0.99')
      // (the sign-in itself may answer 429 too, from its per-account throttle, but not this limiter)
      expect(r.body).not.toContain('rate_limited')
    }
    const limited = await signIn('10.0.0.99')
    expect(limited.statusCode).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.json()).toMatchObject({
      error: 'rate_limited',
      rule: 'sign-in',
      message: expect.stringMatching(/请求过于频繁.*Too many requests/),
    })
    // batched calls count too; other addresses are not affected
    const batched = await app.inject({
      method: 'POST',
      url: '/trpc/grid.children,auth.signIn?batch=1',
      remoteAddress: '10.0.0.99',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    })
    expect(batched.statusCode).toBe(429)
    expect((await signIn('10.0.0.100')).body).not.toContain('rate_limited')
  })

  it('limits tile requests per address', async () => {
    let last: LightMyRequestResponse | undefined
    for (let i = 0; i < 601; i++)
      last = await app.inject({ method: 'GET', url: '/tiles/grids/99/0/0.mvt', remoteAddress: '10.0.1.1' })
    expect(last!.statusCode).toBe(429)
    expect(last!.json()).toMatchObject({ error: 'rate_limited', rule: 'tiles' })
    const other = await app.inject({
      method: 'GET',
      url: '/tiles/grids/99/0/0.mvt',
      remoteAddress: '10.0.1.2',
    })
    // Another address is not limited: it gets the usual answer (401 first for a caller without a sign-in).
    expect(other.statusCode).toBe(401)
  })

  it('refuses SQL injection on every tile, grid, people and export parameter: 400 or nothing found, never 5xx', async () => {
    let ip = 0
    const get = async (url: string) => {
      const started = Date.now()
      const res = await app.inject({
        method: 'GET',
        url,
        headers: auth,
        remoteAddress: `10.2.${ip >> 8}.${ip++ & 255}`,
      })
      expectSafe(res, url)
      expect(Date.now() - started, `${url} took too long (pg_sleep?)`).toBeLessThan(2500)
      return res
    }
    const q = (v: unknown) => encodeURIComponent(JSON.stringify(v))
    const seg = (v: string) => encodeURIComponent(storableText(v))
    for (const p of SQLI) {
      const tile = await get(`/tiles/grids/8/214/99.mvt?levels=${seg(p)}`)
      expect(tile.statusCode, `levels=${p}`).toBe(400)
      for (const [z, x, y] of [
        [p, '0', '0'],
        ['8', p, '99'],
        ['8', '214', p],
      ]) {
        const r = await get(`/tiles/grids/${seg(z!)}/${seg(x!)}/${seg(y!)}.mvt`)
        if (!/^\d+$/.test(p)) expect(r.statusCode).toBeGreaterThanOrEqual(400) // 400, 404 or 414 (too long)
      }
      // Every filter of every tile layer (docs/layers.md): an allowlist, so 400 — or, for a
      // category code of the right shape that names no category, an empty tile.
      for (const [layer, param] of TILE_FILTERS) {
        const r = await get(`/tiles/${layer}/14/13727/6290.mvt?${param}=${seg(p)}`)
        const valid =
          (param === 'category' && /^[0-9A-Za-z_-]{1,24}$/.test(p)) || (param === 'overdue' && p === '0')
        if (valid) expect([200, 204], `${layer}?${param}=${p}`).toContain(r.statusCode)
        else expect(r.statusCode, `${layer}?${param}=${p}`).toBe(400)
      }
      const asName = await get(`/tiles/events/14/13727/6290.mvt?${seg(p)}=1`)
      expect(asName.statusCode, `parameter named ${p}`).toBe(400)
      const layerSeg = await get(`/tiles/${seg(p)}/8/214/99.mvt`)
      expect([400, 404, 414], `layer ${p}`).toContain(layerSeg.statusCode)
      const search = await get(`/trpc/grid.search?input=${q({ q: p })}`)
      if (search.statusCode === 200) expect(search.json().result.data, `q=${p}`).toEqual([])
      else expect(search.statusCode, `q=${p}`).toBe(400)
      const byCode = await get(`/trpc/grid.get?input=${q({ code: p })}`)
      expect([400, 404], `code=${p}`).toContain(byCode.statusCode)
      const byId = await get(`/trpc/grid.get?input=${q({ id: p })}`)
      expect(byId.statusCode, `id=${p}`).toBe(400)
      const children = await get(`/trpc/grid.children?input=${q({ parentId: p })}`)
      expect(children.statusCode, `parentId=${p}`).toBe(400)
      // The residents register and its export: every filter.
      for (const key of ['name', 'idNumber', 'gridCode', 'tag', 'residence', 'gridId', 'cursor']) {
        const list = await get(`/trpc/people.list?input=${q({ [key]: p })}`)
        if (list.statusCode === 200) expect(list.json().result.data.total, `${key}=${p}`).toBe(0)
        else expect(list.statusCode, `${key}=${p}`).toBe(400)
      }
      for (const key of ['name', 'gridCode', 'tag', 'residence', 'gridId']) {
        const csv = await get(`/exports/people.csv?${key}=${seg(p)}`)
        if (csv.statusCode === 200) expect(csv.body.trim().split('\r\n'), `${key}=${p}`).toHaveLength(1)
        else expect(csv.statusCode, `${key}=${p}`).toBe(400)
      }
    }
    const [s] = await d.rows<{ v: string }>(sql`SELECT v FROM hardening_sentinel`)
    expect(s?.v).toBe('alive')
    const [g] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM grids`)
    expect(g!.n).toBe(gridCount)
  })

  it('survives random and hostile input to every tRPC procedure (no 5xx, no stack traces)', async () => {
    const procedures = Object.entries(
      appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
    )
    expect(procedures.length).toBeGreaterThan(0)
    const FIELDS = [
      'id',
      'code',
      'q',
      'limit',
      'parentId',
      'cursor',
      'from',
      'to',
      'actor',
      'action',
      'objectType',
      'objectId',
      'username',
      'password',
      'levels',
      'name',
      'reason',
      'gridId',
      'gridCode',
      'idNumber',
      'tag',
      'residence',
      'areaGridId',
      'role',
      'roles',
      'token',
      '__proto__',
      'constructor',
    ]
    const value = fc.oneof(
      fc.constantFrom(...SQLI),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.integer(),
      fc.double(),
      fc.constantFrom(null, true, false, -1, 0, 2 ** 31, 2 ** 53 + 1, Number.MAX_VALUE),
      fc.array(fc.constantFrom(...SQLI), { maxLength: 4 }),
    )
    const input = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }),
      fc.constantFrom(...SQLI),
    )
    let n = 0
    for (const [path, proc] of procedures) {
      const kind = proc._def.type
      if (kind === 'subscription') continue
      await fc.assert(
        fc.asyncProperty(input, fc.boolean(), fc.integer({ min: 0, max: 3 }), async (v, raw, who) => {
          const as = who === 0 ? {} : who === 1 ? auth : (moreAuth[who - 2] ?? auth)
          const ip = `10.3.${(n >> 8) & 255}.${n++ & 255}`
          const json = v === undefined ? undefined : JSON.stringify(v)
          // sometimes a body/parameter that is not JSON at all
          const wire = raw ? `{"x":${json ?? ''}` : json
          const res =
            kind === 'query'
              ? await app.inject({
                  method: 'GET',
                  url: `/trpc/${path}${wire === undefined ? '' : `?input=${encodeURIComponent(wire)}`}`,
                  headers: as,
                  remoteAddress: ip,
                })
              : await app.inject({
                  method: 'POST',
                  url: `/trpc/${path}`,
                  remoteAddress: ip,
                  headers: { 'content-type': 'application/json', ...as },
                  ...(wire === undefined ? {} : { payload: wire }),
                })
          expectSafe(res, `${kind} ${path} ${String(wire).slice(0, 200)}`)
        }),
        { numRuns: 40 },
      )
    }
    // batched calls of everything at once
    const all = procedures.filter(([, p]) => p._def.type === 'query').map(([k]) => k)
    const batch = await app.inject({
      method: 'GET',
      headers: auth,
      url: `/trpc/${all.join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries(all.map((_, i) => [i, { q: SQLI[i % SQLI.length] }]))))}`,
    })
    expectSafe(batch, 'batch')
    const [s] = await d.rows<{ v: string }>(sql`SELECT v FROM hardening_sentinel`)
    expect(s?.v).toBe('alive')
  })

  it('keeps internal errors generic: 500 without stack traces or SQL', async () => {
    let failing = false
    const fail = () => {
      throw new Error('relation "secret_table" does not exist')
    }
    const broken = new Proxy(d, {
      get(target, prop, receiver) {
        if (failing && (prop === 'rows' || prop === 'db'))
          return prop === 'rows' ? async () => fail() : new Proxy({}, { get: () => fail })
        return Reflect.get(target, prop, receiver)
      },
    })
    const a = await createServer({ db: () => broken, state: () => state, secureCookies: true })
    // the database breaks once the caller is authenticated
    a.addHook('preHandler', async () => {
      failing = true
    })
    a.addHook('onResponse', async () => {
      failing = false
    })
    try {
      const tile = await a.inject({ method: 'GET', url: '/tiles/grids/8/214/99.mvt', headers: auth })
      expect(tile.statusCode).toBe(500)
      expect(tile.body).not.toMatch(/secret_table/)
      expect(tile.body).not.toMatch(STACK)
      expect(tile.json()).toMatchObject({ error: 'internal' })
      const health = await a.inject({ method: 'GET', url: '/healthz', headers: auth })
      expect(health.statusCode).toBe(500)
      expect(health.body).not.toMatch(STACK)
      const trpc = await a.inject({
        method: 'GET',
        headers: auth,
        url: `/trpc/grid.children?input=${encodeURIComponent(JSON.stringify({ parentId: null }))}`,
      })
      expect(trpc.statusCode).toBe(500)
      expect(trpc.body).not.toMatch(STACK)
      expect(trpc.body).not.toMatch(/secret_table/)
      const batch = await a.inject({
        method: 'GET',
        headers: auth,
        url: `/trpc/grid.children,grid.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { parentId: null }, 1: { code: '!' } }))}`,
      })
      expect(batch.statusCode).toBeGreaterThanOrEqual(400)
      expect(batch.body).not.toMatch(/secret_table/)
    } finally {
      await a.close()
    }
  })
})
