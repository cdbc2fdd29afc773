import { TRPCError } from '@trpc/server'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { createServer } from '../../server/app.ts'
import { createContext } from '../../server/context.ts'
import { type Area, WHOLE_CITY } from '../../server/domain/area.ts'
import { appRouter } from '../../server/routers/index.ts'
import { bearerFor, principalFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'OK'
  } catch (e) {
    return e instanceof TRPCError ? e.code : `THREW ${(e as Error).message}`
  }
}

/** The binary point format of GET /points/events.bin (docs/layers.md). */
function decodePoints(buf: Buffer) {
  expect(buf.subarray(0, 4).toString('ascii')).toBe('YWP1')
  const n = buf.readUInt32LE(4)
  const pos = new Float32Array(buf.buffer.slice(buf.byteOffset + 8, buf.byteOffset + 8 + n * 8))
  const cat1 = buf.subarray(8 + n * 8, 8 + n * 9)
  const flags = buf.subarray(8 + n * 9, 8 + n * 10)
  expect(buf.length).toBe(8 + n * 10)
  return { n, pos, cat1, flags }
}

dbDescribe('map counts and the binary event points', () => {
  let d: Database
  let app: FastifyInstance
  let district: Area & { code: string }
  let cityBox: [number, number, number, number]
  const caller = (roles: Parameters<typeof principalFor>[0], area: Area = WHOLE_CITY) =>
    appRouter.createCaller(createContext({ db: d, principal: principalFor(roles, area) }))
  const sqlCount = async (q: string) => Number((await d.rows<{ n: number }>(sql.raw(q)))[0]!.n)

  beforeAll(async () => {
    d = await testDb()
    app = await createServer({ db: () => d, state: () => ({ status: 'ready' }) })
    const [g] = await d.rows<{ id: number; path: string; code: string }>(
      sql`SELECT id, path, code FROM grids WHERE level = 2 ORDER BY code LIMIT 1`,
    )
    district = { gridId: Number(g!.id), path: g!.path, code: g!.code }
    const [b] = await d.rows<{ w: number; s: number; e: number; n: number }>(sql`SELECT ST_XMin(e) AS w,
      ST_YMin(e) AS s, ST_XMax(e) AS e, ST_YMax(e) AS n FROM (SELECT ST_Extent(geom) AS e FROM grids WHERE level = 1) x`)
    cityBox = [Number(b!.w) - 0.01, Number(b!.s) - 0.01, Number(b!.e) + 0.01, Number(b!.n) + 0.01]
  })
  afterAll(async () => {
    await app.close()
  })

  it('counts each layer in the view and the caller’s area', async () => {
    const all = await caller(['city-leader']).map.counts({
      bbox: cityBox,
      layers: { people: {}, places: {}, things: {}, events: {}, orgs: {} },
    })
    expect(all.people).toEqual({
      n: await sqlCount('SELECT count(*) AS n FROM people WHERE grid_id IS NOT NULL'),
      capped: false,
    })
    expect(all.events?.n).toBe(await sqlCount('SELECT count(*) AS n FROM events WHERE grid_id IS NOT NULL'))
    expect(all.buildings?.n).toBe(
      await sqlCount('SELECT count(*) AS n FROM buildings WHERE grid_id IS NOT NULL'),
    )
    const mine = await caller(['district-leader'], district).map.counts({
      bbox: cityBox,
      layers: { events: {}, people: {} },
    })
    const inDistrict = (t: string) =>
      sqlCount(
        `SELECT count(*) AS n FROM ${t} t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE '${district.path}%'`,
      )
    expect(mine.events?.n).toBe(await inDistrict('events'))
    expect(mine.people?.n).toBe(await inDistrict('people'))
    expect(mine.things).toBeUndefined()
  })

  it('narrows the events count by status, time and overdue, as the tiles do', async () => {
    const c = caller(['city-leader'])
    const count = async (events: Parameters<typeof c.map.counts>[0]['layers']['events']) =>
      (await c.map.counts({ bbox: cityBox, layers: { events } })).events?.n
    expect(await count({ status: ['archived'] })).toBe(
      await sqlCount(`SELECT count(*) AS n FROM events WHERE status = 'archived' AND grid_id IS NOT NULL`),
    )
    expect(await count({ overdue: true })).toBe(
      await sqlCount(`SELECT count(*) AS n FROM events WHERE due_at < now()
        AND status NOT IN ('resolved', 'followed_up', 'archived') AND grid_id IS NOT NULL`),
    )
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString()
    expect(await count({ from: since })).toBe(
      await sqlCount(
        `SELECT count(*) AS n FROM events WHERE reported_at >= '${since}' AND grid_id IS NOT NULL`,
      ),
    )
    expect(await count({ category: ['01'] })).toBe(
      await sqlCount(`SELECT count(*) AS n FROM events e JOIN categories c ON c.id = e.category_id
        WHERE c.code LIKE '01%' AND e.grid_id IS NOT NULL`),
    )
  })

  it('refuses a tag without people.tags and a reversed or out-of-range box', async () => {
    const layers = { people: { tag: 'disabled' as const } }
    expect(await code(caller(['dispatcher']).map.counts({ bbox: cityBox, layers }))).toBe('FORBIDDEN')
    expect(await code(caller(['grid-worker']).map.counts({ bbox: cityBox, layers }))).toBe('OK')
    expect(await code(caller(['city-leader']).map.counts({ bbox: [122, 37, 121, 38], layers: {} }))).toBe(
      'BAD_REQUEST',
    )
    expect(await code(caller(['city-leader']).map.counts({ bbox: [122, 37, 181, 38], layers: {} }))).toBe(
      'BAD_REQUEST',
    )
  })

  it('serves every event of the area as packed points, with category and state', async () => {
    const get = async (url: string, auth?: string) =>
      app.inject({ method: 'GET', url, headers: auth ? { authorization: auth } : {} })
    const city = await get('/points/events.bin', await bearerFor(d, 'city-leader'))
    expect(city.statusCode).toBe(200)
    expect(city.headers['content-type']).toBe('application/octet-stream')
    const p = decodePoints(city.rawPayload)
    expect(p.n).toBe(await sqlCount('SELECT count(*) AS n FROM events WHERE grid_id IS NOT NULL'))
    let overdue = 0
    for (let i = 0; i < p.n; i++) {
      expect(Number.isFinite(p.pos[2 * i]!) && Number.isFinite(p.pos[2 * i + 1]!)).toBe(true)
      expect(p.cat1[i]! < 20 || p.cat1[i] === 255).toBe(true)
      if (p.flags[i]! & 1) overdue++
      if (p.flags[i]! & 1) expect(p.flags[i]! & 2).toBe(2) // overdue events are open
    }
    expect(overdue).toBe(
      await sqlCount(`SELECT count(*) AS n FROM events WHERE due_at < now()
        AND status NOT IN ('resolved', 'followed_up', 'archived') AND grid_id IS NOT NULL`),
    )
    const district = await get(
      '/points/events.bin?overdue=1',
      await bearerFor(d, 'district-leader', '371002'),
    )
    expect(decodePoints(district.rawPayload).n).toBeLessThan(overdue + 1)
    for (const bad of ['?status=everything', '?from=yesterday', "?category=01'--", '?bbox=1,2,3,4'])
      expect((await get(`/points/events.bin${bad}`, await bearerFor(d, 'city-leader'))).statusCode, bad).toBe(
        400,
      )
    expect((await get('/points/events.bin')).statusCode).toBe(401)
  })
})
