import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { createServer, type StartState } from '../../server/app.ts'
import { createUser } from '../../server/auth/admin.ts'
import { createContext } from '../../server/context.ts'
import { appRouter } from '../../server/routers/index.ts'
import { bearerFor, principalFor } from './callers.ts'
import { backend, dbDescribe, testDb } from './harness.ts'

dbDescribe('HTTP server: health, tRPC, tiles', () => {
  let d: Database
  let app: FastifyInstance
  const state: StartState = { status: 'ready' }
  let ready = true
  let auth = ''
  beforeAll(async () => {
    d = await testDb()
    app = await createServer({ db: () => (ready ? d : null), state: () => state })
    auth = await bearerFor(d, 'city-leader')
  })
  afterAll(async () => {
    await app.close()
  })

  it('reports health with the database kind, PostGIS version and counts', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ ok: true, db: { kind: backend } })
    expect(body.db.postgis).toMatch(/^3\.\d+/)
    for (const k of ['grids', 'people', 'places', 'things', 'events', 'orgs'])
      expect(body.counts[k]).toBeGreaterThan(0)
  })

  it('says it is still starting, with progress, before the database is ready', async () => {
    ready = false
    state.status = 'seeding'
    state.progress = { stage: 'people', done: 5, total: 10 }
    const res = await app.inject({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({ ok: false, status: 'seeding', progress: { stage: 'people', done: 5 } })
    const trpc = await app.inject({
      method: 'GET',
      url: `/trpc/grid.children?input=${encodeURIComponent(JSON.stringify({ parentId: null }))}`,
      headers: { authorization: auth },
    })
    expect(trpc.statusCode).toBe(412)
    expect(trpc.body).toContain('still starting')
    ready = true
    state.status = 'ready'
    state.progress = undefined
  })

  /** GET as the city leader (an API token), or without credentials. */
  const get = (url: string, headers: Record<string, string> = {}, signedIn = true) =>
    app.inject({ method: 'GET', url, headers: signedIn ? { authorization: auth, ...headers } : headers })
  const q = (input: unknown) => encodeURIComponent(JSON.stringify(input))

  it('answers grid.children over HTTP to a signed-in caller, and 401 to anyone else', async () => {
    const res = await get(`/trpc/grid.children?input=${q({ parentId: null })}`)
    expect(res.statusCode).toBe(200)
    expect(res.json().result.data[0]).toMatchObject({ code: '371000', level: 1 })
    const anon = await get(`/trpc/grid.children?input=${q({ parentId: null })}`, {}, false)
    expect(anon.statusCode).toBe(401)
    expect(anon.body).toContain('Please sign in')
  })

  it('starts a district leader’s tree at the district', async () => {
    const res = await get(`/trpc/grid.children?input=${q({ parentId: null })}`, {
      authorization: await bearerFor(d, 'district-leader', '371002'),
    })
    expect(res.json().result.data.map((g: { code: string }) => g.code)).toEqual(['371002'])
  })

  it('gives a clear NOT_FOUND for an unknown grid, and BAD_REQUEST without stack traces for bad input', async () => {
    const caller = appRouter.createCaller(createContext({ db: d, principal: principalFor(['city-leader']) }))
    await expect(caller.grid.get({ code: '999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('999999'),
    })
    const res = await get(`/trpc/grid.get?input=${q({ code: "1' OR 1=1" })}`)
    expect(res.statusCode).toBe(400)
    expect(res.body).not.toMatch(/\bat .*\.ts:\d+/)
  })

  it('refuses a caller whose roles lack the permission, naming it', async () => {
    const caller = appRouter.createCaller(createContext({ db: d, principal: principalFor(['city-leader']) }))
    await expect(caller.users.list()).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('users.manage'),
    })
  })

  it('serves tiles: MVT with an ETag, 304 on a repeat, 204 when empty, 400 out of range or bad filters, 401 unsigned', async () => {
    const ok = await get('/tiles/grids/8/214/99.mvt')
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['content-type']).toBe('application/vnd.mapbox-vector-tile')
    const again = await get('/tiles/grids/8/214/99.mvt', { 'if-none-match': String(ok.headers.etag) })
    expect(again.statusCode).toBe(304)
    expect((await get('/tiles/grids/8/0/0.mvt')).statusCode).toBe(204)
    expect((await get('/tiles/grids/3/8/0.mvt')).statusCode).toBe(400)
    const bad = await get(`/tiles/grids/8/214/99.mvt?levels=${encodeURIComponent('1);DROP TABLE grids;--')}`)
    expect(bad.statusCode).toBe(400)
    expect((await get('/tiles/grids/8/214/99.mvt', {}, false)).statusCode).toBe(401)
  })

  it('gives a district leader only the district’s grids in tiles, with another ETag', async () => {
    const city = await get('/tiles/grids/8/214/99.mvt')
    const district = await get('/tiles/grids/8/214/99.mvt', {
      authorization: await bearerFor(d, 'district-leader', '371002'),
    })
    expect(district.statusCode).toBe(200)
    expect(district.headers.etag).not.toBe(city.headers.etag)
    expect(district.rawPayload.length).toBeLessThan(city.rawPayload.length)
  })

  it('marks the session cookie Secure and sends HSTS behind a trusted HTTPS proxy', async () => {
    const proxied = await createServer({ db: () => d, state: () => state, trustProxy: true })
    try {
      const name = `https-${process.pid}-${Date.now() % 100000}`
      const { password } = await createUser(
        d,
        { username: name, roles: ['dispatcher'], areaCode: null },
        { actor: { name: 'test' }, audit: async () => {} },
      )
      const signIn = (proto: string) =>
        proxied.inject({
          method: 'POST',
          url: '/trpc/auth.signIn',
          headers: { 'content-type': 'application/json', 'x-forwarded-proto': proto },
          payload: { username: name, password },
        })
      const https = await signIn('https')
      expect(https.statusCode).toBe(200)
      expect(String(https.headers['set-cookie'])).toMatch(/; Secure/)
      expect(https.headers['strict-transport-security']).toMatch(/max-age=\d+/)
      const http = await signIn('http')
      expect(String(http.headers['set-cookie'])).not.toMatch(/Secure/)
      expect(http.headers['strict-transport-security']).toBeUndefined()
    } finally {
      await proxied.close()
    }
  })
})
