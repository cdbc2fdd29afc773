import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { refreshMapStats } from '../../db/queries/grid-stats.queries.ts'
import type { TileAddress } from '../../db/queries/tile-render.queries.ts'
import { createServer } from '../../server/app.ts'
import { WHOLE_CITY } from '../../server/domain/area.ts'
import { bearerFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'
import { countInTile, decode, densestTile, getter, sum, tileUrl } from './tile-helpers.ts'

const OVERDUE = sql`t.due_at < now() AND t.status NOT IN ('resolved', 'followed_up', 'archived')`

dbDescribe('layer tiles: filters, answers, caching', () => {
  let d: Database
  let app: FastifyInstance
  let get: ReturnType<typeof getter>
  let city = ''
  let dispatcher = ''
  beforeAll(async () => {
    d = await testDb()
    await refreshMapStats(d)
    app = await createServer({ db: () => d, state: () => ({ status: 'ready' }) })
    get = getter(app)
    city = await bearerFor(d, 'city-leader')
    dispatcher = await bearerFor(d, 'dispatcher')
  })
  afterAll(async () => {
    await app?.close()
  })

  async function cells(layer: string, t: TileAddress, query: string, prop = 'n') {
    const res = await get(tileUrl(layer, t, query), city)
    expect([200, 204], `${layer}?${query}: ${res.body.slice(0, 200)}`).toContain(res.statusCode)
    if (res.statusCode === 204) return 0
    const tile = decode(res.rawPayload)
    const name = Object.keys(tile).find((k) => k.endsWith('_cells'))
    return sum(tile[name!], prop)
  }

  it('narrows events by category (and everything below it), status, source, time and overdue', async () => {
    for (const z of [10, 13]) {
      const t = await densestTile(d, 'events', z)
      const all = await countInTile(d, 'events', t, WHOLE_CITY)
      expect(await cells('events', t, '')).toBe(all)
      const [cat] = await d.rows<{ code: string; leaf: string }>(sql`
        SELECT c1.code, c3.code AS leaf FROM categories c1 JOIN categories c2 ON c2.parent_id = c1.id
        JOIN categories c3 ON c3.parent_id = c2.id JOIN events e ON e.category_id = c3.id
        WHERE c1.level = 1 GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`)
      const underLevel1 = sql`t.category_id IN (SELECT c3.id FROM categories c1 JOIN categories c2 ON c2.parent_id = c1.id
        JOIN categories c3 ON c3.parent_id = c2.id WHERE c1.code = ${cat!.code})`
      const byCategory = await countInTile(d, 'events', t, WHOLE_CITY, underLevel1)
      expect(byCategory).toBeGreaterThan(0)
      expect(byCategory).toBeLessThan(all)
      expect(await cells('events', t, `category=${cat!.code}`), 'level-1 category').toBe(byCategory)
      expect(await cells('events', t, `category=${cat!.leaf}`), 'leaf category').toBe(
        await countInTile(
          d,
          'events',
          t,
          WHOLE_CITY,
          sql`t.category_id = (SELECT id FROM categories WHERE code = ${cat!.leaf})`,
        ),
      )
      expect(await cells('events', t, `category=${cat!.code},${cat!.leaf}`), 'overlapping codes').toBe(
        byCategory,
      )
      expect(await cells('events', t, 'category=nosuchcode')).toBe(0)
      expect(await cells('events', t, 'status=archived,resolved')).toBe(
        await countInTile(d, 'events', t, WHOLE_CITY, sql`t.status IN ('archived', 'resolved')`),
      )
      expect(await cells('events', t, 'source=hotline')).toBe(
        await countInTile(d, 'events', t, WHOLE_CITY, sql`t.source = 'hotline'`),
      )
      const [mid] = await d.rows<{ day: string }>(sql`
        SELECT to_char((percentile_disc(0.5) WITHIN GROUP (ORDER BY reported_at)) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day FROM events`)
      const from = `${mid!.day}T00:00:00+08:00`
      expect(await cells('events', t, `from=${mid!.day}`)).toBe(
        await countInTile(d, 'events', t, WHOLE_CITY, sql`t.reported_at >= ${from}::timestamptz`),
      )
      expect(await cells('events', t, `to=${mid!.day}`)).toBe(
        await countInTile(d, 'events', t, WHOLE_CITY, sql`t.reported_at < ${from}::timestamptz`),
      )
      expect(
        await cells('events', t, `from=${encodeURIComponent('2026-01-01T00:00:00Z')}&to=${mid!.day}`),
      ).toBe(
        await countInTile(
          d,
          'events',
          t,
          WHOLE_CITY,
          sql`t.reported_at >= '2026-01-01T00:00:00Z' AND t.reported_at < ${from}::timestamptz`,
        ),
      )
      const overdue = await countInTile(d, 'events', t, WHOLE_CITY, OVERDUE)
      expect(await cells('events', t, 'overdue=1')).toBe(overdue)
      expect(await cells('events', t, 'overdue=1', 'overdue')).toBe(overdue)
      expect(await cells('events', t, 'overdue=0')).toBe(all)
      expect(
        await cells(
          'events',
          t,
          `status=in_progress,parked&source=hotline,grid_patrol&category=${cat!.code}`,
        ),
      ).toBe(
        await countInTile(
          d,
          'events',
          t,
          WHOLE_CITY,
          sql`t.status IN ('in_progress', 'parked') AND t.source IN ('hotline', 'grid_patrol') AND ${underLevel1}`,
        ),
      )
    }
    // Points carry the filtered values.
    const t = await densestTile(d, 'events', 15)
    const res = await get(tileUrl('events', t, 'status=archived&source=hotline'), city)
    for (const f of decode(res.rawPayload).events ?? []) {
      expect(f.properties.status).toBe('archived')
      expect(f.properties.source).toBe('hotline')
    }
  })

  it('narrows things by kind and status, organisations by kind, people by tag, grids by level', async () => {
    const t = await densestTile(d, 'things', 11)
    expect(await cells('things', t, 'kind=camera,hydrant')).toBe(
      await countInTile(d, 'things', t, WHOLE_CITY, sql`t.kind IN ('camera', 'hydrant')`),
    )
    expect(await cells('things', t, 'status=offline&kind=camera', 'offline')).toBe(
      await countInTile(d, 'things', t, WHOLE_CITY, sql`t.status = 'offline' AND t.kind = 'camera'`),
    )
    const t13 = await densestTile(d, 'things', 13)
    const things = decode((await get(tileUrl('things', t13, 'kind=camera&status=online'), city)).rawPayload)
    expect(things.things!.length).toBe(
      await countInTile(d, 'things', t13, WHOLE_CITY, sql`t.kind = 'camera' AND t.status = 'online'`),
    )
    const to = await densestTile(d, 'organisations', 14, sql`t.kind <> 'department'`)
    const orgs = decode((await get(tileUrl('orgs', to, 'kind=enterprise'), city)).rawPayload)
    expect(orgs.orgs!.every((f) => f.properties.kind === 'enterprise')).toBe(true)
    expect(orgs.orgs!.length).toBe(
      await countInTile(d, 'organisations', to, WHOLE_CITY, sql`t.kind = 'enterprise'`),
    )
    const allOrgs = decode((await get(tileUrl('orgs', to), city)).rawPayload)
    expect(allOrgs.orgs!.some((f) => f.properties.kind === 'department')).toBe(false)
    const tp = await densestTile(d, 'people', 12)
    expect(await cells('people', tp, 'tag=low_income')).toBe(
      await countInTile(d, 'people', tp, WHOLE_CITY, sql`t.tags @> ARRAY['low_income']`),
    )
    const g = decode((await get(tileUrl('grids', { z: 8, x: 214, y: 99 }, 'levels=2'), city)).rawPayload)
    expect(g.grids!.every((f) => f.properties.level === 2)).toBe(true)
  })

  it('refuses unknown parameters, malformed values, hostile input and out-of-range tiles: 400, never 5xx', async () => {
    const t = await densestTile(d, 'events', 14)
    const bad: [string, string][] = [
      ['events', 'colour=red'],
      ['events', 'category=01;DROP TABLE events'],
      ['events', `category=${encodeURIComponent("01' OR '1'='1")}`],
      ['events', 'category=01,,02'],
      ['events', `category=${Array.from({ length: 51 }, (_, i) => `c${i}`).join(',')}`],
      ['events', 'status=closed'],
      ['events', 'status=received&status=archived'],
      ['events', 'source=hotline,fax'],
      ['events', 'from=2026-02-30'],
      ['events', 'from=yesterday'],
      ['events', 'from=2026-11-01T08:00:00'],
      ['events', 'from=2026-11-02&to=2026-11-01'],
      ['events', 'overdue=yes'],
      ['events', `overdue=${encodeURIComponent("1' OR 1=1 --")}`],
      ['things', 'kind=camera;DELETE FROM things'],
      ['things', 'status=broken'],
      ['things', 'tag=elderly'],
      ['orgs', 'kind=department'],
      ['people', 'tag=rich'],
      ['people', `tag=${encodeURIComponent("elderly') OR ('1'='1")}`],
      ['people', 'kind=camera'],
      ['places', 'kind=school'],
      ['grids', 'levels=7'],
      ['grids', 'level=2'],
      ['events', `__proto__=1`],
      ['events', `constructor=1`],
      ['events', 'rev=abc'],
      ['events', 'rev=1&rev=2'],
    ]
    for (const [layer, q] of bad) {
      const res = await get(tileUrl(layer, t, q), city)
      expect(res.statusCode, `${layer}?${q}: ${res.body}`).toBe(400)
      expect(res.json()).toMatchObject({ error: 'bad_filter', message: expect.any(String) })
    }
    // rev (the client's live revision counter) is taken and changes nothing.
    const plain = await get(tileUrl('events', t, ''), city)
    const revised = await get(tileUrl('events', t, 'rev=42'), city)
    expect(revised.statusCode).toBe(plain.statusCode)
    expect(revised.headers.etag).toBe(plain.headers.etag)
    for (const zxy of [
      '23/0/0',
      '3/8/0',
      '3/0/8',
      '-1/0/0',
      '1e1/0/0',
      '14/99999999/0',
      'a/b/c',
      '14/0/0x1',
    ]) {
      const res = await get(`/tiles/events/${zxy}.mvt`, city)
      expect(res.statusCode, zxy).toBeGreaterThanOrEqual(400)
      expect(res.statusCode, zxy).toBeLessThan(500)
    }
    expect((await get('/tiles/events/23/0/0.mvt', city)).json()).toMatchObject({ error: 'bad_tile' })
    expect((await get('/tiles/nosuchlayer/8/0/0.mvt', city)).statusCode).toBe(404)
    expect((await get('/tiles/__proto__/8/0/0.mvt', city)).statusCode).toBe(404)
    const [e] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`)
    expect(e!.n).toBeGreaterThan(0)
  })

  it('needs a caller (401), map.read (403) and people.tags for the tag filter (403)', async () => {
    const t = await densestTile(d, 'people', 12)
    for (const layer of ['grids', 'people', 'places', 'things', 'events', 'orgs'])
      expect((await get(tileUrl(layer, t))).statusCode, layer).toBe(401)
    expect((await get(tileUrl('people', t), dispatcher)).statusCode).toBe(200)
    const refused = await get(tileUrl('people', t, 'tag=elderly'), dispatcher)
    expect(refused.statusCode).toBe(403)
    expect(refused.json().message).toContain('people.tags')
    expect((await get(tileUrl('people', t, 'tag=elderly'), city)).statusCode).toBe(200)
  })

  it('answers 200 with an ETag, 304 on a repeat, 204 when empty, with private caching per caller', async () => {
    const t = await densestTile(d, 'events', 14)
    const ok = await get(tileUrl('events', t), city)
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['content-type']).toBe('application/vnd.mapbox-vector-tile')
    expect(ok.headers['cache-control']).toBe('private, max-age=60')
    expect(ok.headers.vary).toBe('Cookie, Authorization')
    const etag = String(ok.headers.etag)
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await get(tileUrl('events', t), city, { 'if-none-match': etag })
    expect(again.statusCode).toBe(304)
    expect(again.rawPayload.length).toBe(0)
    // Other filters, another ETag, even for the same bytes; another area, another ETag.
    const everySource = 'source=hotline,grid_patrol,police_110,sensor,dispute,open311,web'
    const filtered = await get(tileUrl('events', t, everySource), city)
    expect(filtered.rawPayload.equals(ok.rawPayload)).toBe(true)
    expect(filtered.headers.etag).not.toBe(etag)
    // overdue=0 is no filter at all: the same tile, the same ETag.
    expect((await get(tileUrl('events', t, 'overdue=0'), city)).headers.etag).toBe(etag)
    const district = await get(tileUrl('events', t), await bearerFor(d, 'district-leader', '371002'))
    if (district.statusCode === 200) expect(district.headers.etag).not.toBe(etag)
    // Nothing here: 204 (the open sea off the city, and below a layer's first zoom).
    expect((await get(tileUrl('events', { z: 14, x: 0, y: 0 }), city)).statusCode).toBe(204)
    expect((await get(tileUrl('orgs', { z: 12, x: t.x >> 2, y: t.y >> 2 }), city)).statusCode).toBe(204)
    expect((await get(tileUrl('people', { z: 7, x: t.x >> 7, y: t.y >> 7 }), city)).statusCode).toBe(204)
  })
})
