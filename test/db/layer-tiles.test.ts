import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { orgCells, orgPoints } from '../../db/queries/element-tiles.queries.ts'
import { eventCells, eventPoints } from '../../db/queries/event-tiles.queries.ts'
import { refreshMapStats } from '../../db/queries/grid-stats.queries.ts'
import { type TileAddress, tileFeatures } from '../../db/queries/tile-render.queries.ts'
import { TILE_SETTINGS, withScope } from '../../db/scope.ts'
import { createServer } from '../../server/app.ts'
import { type Area, WHOLE_CITY } from '../../server/domain/area.ts'
import { encodeTile } from '../../server/tiles/encode.ts'
import { bearerFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'
import {
  allowedSourceLayers,
  countInTile,
  type DecodedFeature,
  decode,
  densestTile,
  getter,
  SOURCE_LAYERS,
  sum,
  tileAt,
  tileUrl,
} from './tile-helpers.ts'

/** The table whose densest tile is looked at for each layer. */
const DENSEST: Record<string, string> = {
  grids: 'events',
  people: 'people',
  places: 'buildings',
  things: 'things',
  events: 'events',
  orgs: 'organisations',
}

const OVERDUE = sql`t.due_at < now() AND t.status NOT IN ('resolved', 'followed_up', 'archived')`

dbDescribe('layer tiles: contract, counts, area', () => {
  let d: Database
  let app: FastifyInstance
  let get: ReturnType<typeof getter>
  let city = ''
  let district: Area
  beforeAll(async () => {
    d = await testDb()
    // Other files may have written since the seed's refresh: count afresh.
    await refreshMapStats(d)
    app = await createServer({ db: () => d, state: () => ({ status: 'ready' }) })
    get = getter(app)
    city = await bearerFor(d, 'city-leader')
    const [g] = await d.rows<{ id: number; path: string }>(
      sql`SELECT id, path FROM grids WHERE code = '371002'`,
    )
    district = { gridId: Number(g!.id), path: g!.path }
  })
  afterAll(async () => {
    await app?.close()
  })

  /** A layer's tile through the server as the city leader, decoded (empty on 204). */
  async function tile(layer: string, t: TileAddress, query = '', auth = city) {
    const res = await get(tileUrl(layer, t, query), auth)
    expect([200, 204], `${layer} ${t.z}/${t.x}/${t.y}?${query}: ${res.body.slice(0, 200)}`).toContain(
      res.statusCode,
    )
    if (res.statusCode === 200) expect(res.rawPayload.length).toBeLessThanOrEqual(500 * 1024)
    return res.statusCode === 204 ? {} : decode(res.rawPayload)
  }

  it('holds per layer and zoom band exactly the source layers, geometries and properties of the contract', async () => {
    const seen = new Set<string>()
    for (const [layer, table] of Object.entries(DENSEST)) {
      for (const z of [6, 8, 10, 12, 13, 14, 15, 16]) {
        const t = await densestTile(d, table, z)
        const decoded = await tile(layer, t)
        const allowed = allowedSourceLayers(layer, z)
        if (!allowed.length) expect(Object.keys(decoded), `${layer} z${z} is below the layer`).toEqual([])
        for (const [name, features] of Object.entries(decoded)) {
          expect(allowed, `${layer} z${z}`).toContain(name)
          const spec = SOURCE_LAYERS[name]!
          seen.add(name)
          for (const f of features) {
            expect(f.type, `${name} geometry`).toBe(spec.geometry === 'point' ? 1 : 3)
            // Every property is in the contract; all of them are there (grade once refreshed).
            expect(Object.keys(f.properties).sort(), `${name} properties`).toEqual([...spec.props].sort())
            if (spec.props.includes('id')) expect(f.id, `${name} feature id`).toBe(Number(f.properties.id))
            if (spec.geometry === 'point') {
              const [p] = f.geometry[0]!
              expect(p!.x >= 0 && p!.x < 4096 && p!.y >= 0 && p!.y < 4096 + 64, `${name} inside`).toBe(true)
            }
          }
        }
      }
    }
    // Each source layer that the test city can fill at these zooms appeared at least once.
    for (const name of ['grids', 'grid_labels', 'people_cells', 'people_buildings', 'building_points'])
      expect(seen, name).toContain(name)
    for (const name of [
      'buildings',
      'public_places',
      'thing_cells',
      'things',
      'event_cells',
      'events',
      'orgs',
    ])
      expect(seen, name).toContain(name)
  })

  it('carries no personal data: people appear only as counts', async () => {
    const [someone] = await d.rows<{ name: string; id_number_masked: string; phone_masked: string | null }>(
      sql`SELECT name, id_number_masked, phone_masked FROM people ORDER BY id LIMIT 1`,
    )
    for (const z of [8, 12, 14, 15, 16]) {
      const t = await densestTile(d, 'people', z)
      for (const query of ['', 'tag=elderly']) {
        const decoded = await tile('people', t, query)
        for (const features of Object.values(decoded))
          for (const f of features)
            for (const v of Object.values(f.properties)) expect(typeof v).toBe('number')
      }
    }
    // And nowhere in any layer's tile does a resident's name, ID number or phone appear.
    for (const [layer, table] of Object.entries(DENSEST)) {
      const t = await densestTile(d, table, 15)
      const res = await get(tileUrl(layer, t), city)
      const text = res.rawPayload.toString('utf8')
      expect(text).not.toContain(someone!.name)
      expect(text).not.toContain(someone!.id_number_masked)
      if (someone!.phone_masked) expect(text).not.toContain(someone!.phone_masked)
    }
  })

  it('counts in cells add up to the SQL count of the tile, at cell centres, counted or from rows', async () => {
    for (const z of [8, 10, 12, 13, 14]) {
      const tp = await densestTile(d, 'people', z)
      expect(tp.n).toBeGreaterThan(0)
      const people = await tile('people', tp)
      expect(sum(people.people_cells, 'n'), `people z${z}`).toBe(
        await countInTile(d, 'people', tp, WHOLE_CITY),
      )
      for (const c of people.people_cells ?? []) {
        const [p] = c.geometry[0]!
        expect([p!.x % 64, p!.y % 64]).toEqual([32, 32])
      }
      const tagged = await tile('people', tp, 'tag=elderly')
      expect(sum(tagged.people_cells, 'n'), `elderly z${z}`).toBe(
        await countInTile(d, 'people', tp, WHOLE_CITY, sql`t.tags @> ARRAY['elderly']`),
      )
      const te = await densestTile(d, 'events', z)
      const events = await tile('events', te)
      if (z <= 13) {
        expect(sum(events.event_cells, 'n'), `events z${z}`).toBe(
          await countInTile(d, 'events', te, WHOLE_CITY),
        )
        expect(sum(events.event_cells, 'overdue'), `overdue z${z}`).toBe(
          await countInTile(d, 'events', te, WHOLE_CITY, OVERDUE),
        )
      }
    }
    for (const z of [8, 11, 12]) {
      const tt = await densestTile(d, 'things', z)
      const things = await tile('things', tt)
      expect(sum(things.thing_cells, 'n'), `things z${z}`).toBe(
        await countInTile(d, 'things', tt, WHOLE_CITY),
      )
      expect(sum(things.thing_cells, 'offline'), `offline z${z}`).toBe(
        await countInTile(d, 'things', tt, WHOLE_CITY, sql`t.status IN ('offline', 'fault')`),
      )
    }
    // z >= 15: residents per building, each resident in the tile their point lies in.
    const tb = await densestTile(d, 'people', 15)
    const buildings = await tile('people', tb)
    expect(sum(buildings.people_buildings, 'n')).toBe(await countInTile(d, 'people', tb, WHOLE_CITY))
  })

  it('serves the pre-counted cells (z ≤ 12) exactly as counting the rows would', async () => {
    for (const z of [8, 11, 12]) {
      const t = await densestTile(d, 'events', z)
      const counted = await features(t, (a) => [eventCells(t, a, {})])
      // A time window from the beginning of time is the same set of events, counted from the rows.
      const rows = await features(t, (a) => [eventCells(t, a, { from: '1900-01-01T00:00:00.000Z' })])
      expect(cellsOf(counted.event_cells)).toEqual(cellsOf(rows.event_cells))
    }
  })

  it('refreshes the pre-counted cells by their differences only', async () => {
    const t = await densestTile(d, 'events', 10)
    const before = sum((await tile('events', t)).event_cells, 'n')
    // Nothing changed since the last refresh (but an event may have fallen overdue meanwhile).
    expect((await refreshMapStats(d)).cells).toBeLessThanOrEqual(1)
    const [e] = await d.rows<{ x: number; y: number }>(sql`
      SELECT ST_X(e.geom) AS x, ST_Y(e.geom) AS y FROM events e
      WHERE e.grid_id IS NOT NULL AND e.geom && ST_Transform(ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}, margin => -0.01), 4326)
      ORDER BY e.id LIMIT 1`)
    const external = `cells-${process.pid}-${Date.now()}`
    await d.rows(sql`INSERT INTO events (source, external_id, title, reported_at, due_at, status, geom)
      VALUES ('web', ${external}, 'refresh test', now(), now() - interval '1 day', 'received',
              ST_SetSRID(ST_MakePoint(${Number(e!.x)}, ${Number(e!.y)}), 4326))`)
    try {
      const inTile = await countInTile(d, 'events', t, WHOLE_CITY, sql`t.external_id = ${external}`)
      // Up to 10 minutes old: unchanged until the refresh, which rewrites the one cell.
      expect(sum((await tile('events', t)).event_cells, 'n')).toBe(before)
      expect(inTile).toBe(1)
      expect((await refreshMapStats(d)).cells).toBeGreaterThanOrEqual(1)
      expect(sum((await tile('events', t)).event_cells, 'n')).toBe(before + 1)
    } finally {
      await d.rows(sql`DELETE FROM events WHERE external_id = ${external}`)
      await refreshMapStats(d)
    }
    expect(sum((await tile('events', t)).event_cells, 'n')).toBe(before)
  })

  it('serves cells instead of points where a tile would hold more points than its budget', async () => {
    const t = await densestTile(d, 'events', 14)
    const points = await features(t, (a) => [eventPoints(t, a, {})])
    expect(points.events!.length).toBe(await countInTile(d, 'events', t, WHOLE_CITY))
    const budget = points.events!.length - 1
    const adaptive = await features(t, (a) => [
      { points: eventPoints(t, a, {}), cells: eventCells(t, a, {}), budget },
    ])
    expect(Object.keys(adaptive)).toEqual(['event_cells'])
    expect(sum(adaptive.event_cells, 'n')).toBe(points.events!.length)
    const within = await features(t, (a) => [
      { points: eventPoints(t, a, {}), cells: eventCells(t, a, {}), budget: budget + 1 },
    ])
    expect(Object.keys(within)).toEqual(['events'])
    // Cells counted from points (layers without tile keys): organisations.
    const to = await densestTile(d, 'organisations', 14, sql`t.kind <> 'department'`)
    const orgs = await features(to, (a) => [
      { points: orgPoints(to, a, {}), cells: orgCells(to, a, {}), budget: 0 },
    ])
    expect(sum(orgs.org_cells, 'n')).toBe(
      await countInTile(d, 'organisations', to, WHOLE_CITY, sql`t.kind <> 'department'`),
    )
  })

  it('keeps to the caller’s area: a district sees its share, a grid less, outside nothing', async () => {
    const t = await densestTile(d, 'events', 8)
    const whole = await tile('events', t)
    const districtToken = await bearerFor(d, 'district-leader', '371002')
    const inDistrict = await tile('events', t, '', districtToken)
    const expected = await countInTile(d, 'events', t, district)
    expect(sum(inDistrict.event_cells, 'n')).toBe(expected)
    expect(expected).toBeLessThan(sum(whole.event_cells, 'n'))
    // The queries filter by area themselves, too (as the owner, without row-level security).
    for (const z of [8, 13]) {
      const tz = await densestTile(d, 'events', z)
      const own = decode(encodeTile(await tileFeatures(d, tz, [eventCells(tz, district, {})])))
      expect(sum(own.event_cells, 'n'), `owner z${z}`).toBe(await countInTile(d, 'events', tz, district))
    }
    const pd = await tile('people', t, '', districtToken)
    expect(sum(pd.people_cells, 'n')).toBe(await countInTile(d, 'people', t, district))
    // A grid of the district: fewer, and all of them in that grid.
    const [leaf] = await d.rows<{ code: string; id: number; path: string }>(sql`
      SELECT g.code, g.id, g.path FROM grids g WHERE g.level = 5 AND g.path LIKE ${`${district.path}%`}
      ORDER BY (SELECT count(*) FROM events e WHERE e.grid_id = g.id) DESC LIMIT 1`)
    const gridToken = await bearerFor(d, 'grid-worker', leaf!.code)
    const inGrid = await tile('events', t, '', gridToken)
    const gridArea = { gridId: Number(leaf!.id), path: leaf!.path }
    expect(sum(inGrid.event_cells, 'n')).toBe(await countInTile(d, 'events', t, gridArea))
    expect(sum(inGrid.event_cells, 'n')).toBeLessThan(expected)
    // Grid boundaries: only the grid and what lies under it.
    const grids = await tile('grids', t, 'levels=5,6', gridToken)
    for (const f of grids.grids ?? []) expect(String(f.properties.code).startsWith(leaf!.code)).toBe(true)
    // A tile of another district: nothing for the grid worker, something for the city.
    const [other] = await d.rows<{ x: number; y: number }>(sql`
      SELECT ST_X(label_point) AS x, ST_Y(label_point) AS y FROM grids WHERE level = 2 AND code <> '371002' ORDER BY code LIMIT 1`)
    const lon = Number(other!.x)
    const lat = Number(other!.y)
    const far = tileAt(lon, lat, 14)
    for (const layer of ['people', 'things', 'events', 'places', 'orgs', 'grids'])
      expect((await get(tileUrl(layer, far), gridToken)).statusCode, layer).toBe(204)
    expect((await get(tileUrl('grids', far), city)).statusCode).toBe(200)
  })

  it('grades grids with five colours from grid_stats, on polygons and labels', async () => {
    const rows = await d.rows<{ level: number; grade: number; n: number }>(sql`
      SELECT g.level, s.grade, count(*)::int AS n FROM grid_stats s JOIN grids g ON g.id = s.grid_id
      GROUP BY 1, 2 ORDER BY 1, 2`)
    const [all] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM grids`)
    expect(rows.reduce((a, r) => a + r.n, 0)).toBe(all!.n)
    const grids5 = rows.filter((r) => r.level === 5)
    const total5 = grids5.reduce((a, r) => a + r.n, 0)
    const share = (g: number) => (grids5.find((r) => r.grade === g)?.n ?? 0) / total5
    expect(share(1)).toBeLessThanOrEqual(0.08)
    expect(share(1) + share(2)).toBeLessThanOrEqual(0.2)
    expect(share(5)).toBeGreaterThanOrEqual(0.25)
    // A worse score never has a better grade, within a level.
    const [inverted] = await d.rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM grid_stats a JOIN grids ga ON ga.id = a.grid_id
      JOIN grid_stats b ON b.score < a.score JOIN grids gb ON gb.id = b.grid_id AND gb.level = ga.level
      WHERE b.grade < a.grade`)
    expect(inverted!.n).toBe(0)
    // The district's counts cover everything placed in it.
    const [s] = await d.rows<{ people: number; events_30d: number; overdue_open: number }>(
      sql`SELECT people, events_30d, overdue_open FROM grid_stats WHERE grid_id = ${district.gridId}`,
    )
    const [c] = await d.rows<{ people: number; events_30d: number; overdue_open: number }>(sql`
      SELECT (SELECT count(*)::int FROM people p JOIN grids g ON g.id = p.grid_id WHERE g.path LIKE ${`${district.path}%`}) AS people,
             (SELECT count(*)::int FROM events t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE ${`${district.path}%`}
               AND t.reported_at >= now() - interval '30 days') AS events_30d,
             (SELECT count(*)::int FROM events t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE ${`${district.path}%`}
               AND ${OVERDUE}) AS overdue_open`)
    expect(s).toEqual(c)
    const t = await densestTile(d, 'events', 12)
    const decoded = await tile('grids', t)
    for (const name of ['grids', 'grid_labels'])
      for (const f of decoded[name] ?? []) expect([1, 2, 3, 4, 5]).toContain(f.properties.grade)
  })

  it('lets the application role read only its area’s grades and write none', async () => {
    const [n] = await withScope(d, district, (s) =>
      s.rows<{ n: number; outside: number }>(sql`
        SELECT count(*)::int AS n, count(*) FILTER (WHERE g.path NOT LIKE ${`${district.path}%`})::int AS outside
        FROM grid_stats st JOIN grids g ON g.id = st.grid_id`),
    )
    expect(n!.n).toBeGreaterThan(0)
    expect(n!.outside).toBe(0)
    const [cc] = await withScope(d, district, (s) =>
      s.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM cell_counts cc
        WHERE cc.grid_id NOT IN (SELECT id FROM grids WHERE path LIKE ${`${district.path}%`})`),
    )
    expect(cc!.n).toBe(0)
    await expect(
      withScope(d, WHOLE_CITY, (s) => s.rows(sql`UPDATE grid_stats SET grade = 1`)),
    ).rejects.toThrow()
    await expect(withScope(d, WHOLE_CITY, (s) => s.rows(sql`DELETE FROM cell_counts`))).rejects.toThrow()
  })

  it('runs tile transactions as the application role without JIT or parallel workers', async () => {
    const [r] = await withScope(
      d,
      district,
      (s) =>
        s.rows<{ who: string; jit: string; par: string; area: string }>(sql`
          SELECT current_user AS who, current_setting('jit') AS jit,
                 current_setting('max_parallel_workers_per_gather') AS par, current_setting('yiwang.area') AS area`),
      { settings: TILE_SETTINGS },
    )
    expect(r).toEqual({ who: 'yiwang_app', jit: 'off', par: '0', area: district.path })
    // and nothing of it outlives the transaction
    const [after] = await d.rows<{ who: string }>(sql`SELECT current_user AS who`)
    expect(after!.who).not.toBe('yiwang_app')
  })

  /** Features of parts rendered in the whole city's scope, encoded and decoded again. */
  async function features(t: TileAddress, parts: (a: Area) => Parameters<typeof tileFeatures>[2]) {
    const f = await withScope(d, WHOLE_CITY, (s) => tileFeatures(s, t, parts(WHOLE_CITY)), {
      settings: TILE_SETTINGS,
    })
    return decode(encodeTile(f))
  }
})

function cellsOf(fs: DecodedFeature[] | undefined) {
  return (fs ?? [])
    .map((f) => `${f.geometry[0]![0]!.x},${f.geometry[0]![0]!.y}:${f.properties.n}/${f.properties.overdue}`)
    .sort()
}
