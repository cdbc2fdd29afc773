import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import type { Feature, FeatureCollection } from 'geojson'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database, Db } from '../../db/client.ts'
import { txRows } from '../../db/queries/import.queries.ts'
import { type ImportError, type ImportOptions, importGrids } from '../../server/import/import-grids.ts'
import { dbDescribe, testDb } from './harness.ts'

/** Codes here start with 99 (no real division code does); every test has its own spot in Sichuan. */
const ring = (...xy: number[]) =>
  Array.from({ length: xy.length / 2 }, (_, i) => [xy[2 * i]!, xy[2 * i + 1]!])
const polygon = (code: string, name: string, ...xy: number[]): Feature => ({
  type: 'Feature',
  properties: { adcode: code, name },
  geometry: { type: 'Polygon', coordinates: [ring(...xy)] },
})
const box = (code: string, name: string, x0: number, y0: number, x1: number, y1: number) =>
  polygon(code, name, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
const fc = (...features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features })
/** A 0.02° city at x,y split in two: 西区 up to x+westTo, 东区 from x+eastFrom. */
const halves = (p: string, x: number, y: number, westTo: number, eastFrom = westTo, east = '东区') =>
  fc(
    box(`${p}01`, '西区', x, y, x + westTo, y + 0.02),
    box(`${p}02`, east, x + eastFrom, y, x + 0.02, y + 0.02),
  )
const wgs = (level: number, more: Partial<ImportOptions> = {}): ImportOptions => ({
  datum: 'wgs84',
  level,
  ...more,
})
const gcj = (level: number, more: Partial<ImportOptions> = {}): ImportOptions => ({
  datum: 'gcj02',
  level,
  ...more,
})

const DATAV = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../shared/data/weihai-admin-boundaries-datav-gcj02',
)
const hasDataV = existsSync(DATAV)
const realTitle = (what: string) =>
  hasDataV ? `the real Weihai district file: ${what}` : `real Weihai file (skipped: ${DATAV} is absent)`
/** The DataV files, with 99 before each code so they cannot meet the seeded Weihai codes. */
const dataV = (file: string) => {
  const c = JSON.parse(readFileSync(resolve(DATAV, file), 'utf8')) as FeatureCollection
  for (const f of c.features) f.properties!.adcode = `99${f.properties!.adcode}`
  return c
}

interface GridRow {
  id: number
  parent_id: number | null
  level: number
  version: number
  path: string
  kind: string
  area_m2: number
  t: string
  srid: number
}

dbDescribe('import of grid boundaries', () => {
  let d: Database
  let spot = 0

  /** A level-1 "city" 0.02° square at a fresh spot; the tests put their districts in it. */
  async function city(prefix: string) {
    const x = 100 + spot++ * 0.1
    const y = 30
    const r = await importGrids(d, fc(box(`${prefix}00`, '测试市', x, y, x + 0.02, y + 0.02)), wgs(1))
    expect(r.errors).toEqual([])
    return { code: `${prefix}00`, x, y }
  }
  const grid = async (code: string) =>
    (
      await d.rows<GridRow>(sql`SELECT id, parent_id, level, version, path, kind, area_m2,
        ST_GeometryType(geom) AS t, ST_SRID(geom) AS srid FROM grids WHERE code = ${code}`)
    )[0]!
  /** How many districts with codes starting `prefix` are stored. */
  const districts = async (prefix: string, on: Database = d) =>
    (
      await on.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM grids WHERE code LIKE ${`${prefix}%`} AND level = 2`,
      )
    )[0]!.n
  const thing = (code: string, x: number, y: number) =>
    d.rows(sql`INSERT INTO things (code, kind, name, status, installed_at, geom)
      VALUES (${code}, 'camera', 'test camera', 'online', now(), ST_SetSRID(ST_MakePoint(${x}, ${y}), 4326))`)
  const thingGrid = async (code: string) =>
    (
      await d.rows<{ code: string }>(
        sql`SELECT g.code FROM things t JOIN grids g ON g.id = t.grid_id WHERE t.code = ${code}`,
      )
    )[0]?.code

  async function cleanup() {
    await d.rows(sql`DELETE FROM things WHERE code LIKE '99%'`)
    await d.rows(sql`DELETE FROM grid_history WHERE code LIKE '99%'`)
    for (const level of [6, 5, 4, 3, 2, 1])
      await d.rows(sql`DELETE FROM grids WHERE code LIKE '99%' AND level = ${level}`)
  }
  beforeAll(async () => {
    d = await testDb()
    await cleanup()
  })
  afterAll(async () => cleanup())

  it('imports districts that tile their city, finds the parent, and places elements again', async () => {
    const { code, x, y } = await city('9901')
    await thing('99T1', x + 0.005, y + 0.005)
    expect(await thingGrid('99T1')).toBe(code)
    const r = await importGrids(d, halves('9901', x, y, 0.01), wgs(2))
    expect(r).toMatchObject({ ok: true, errors: [], inserted: 2, updated: 0, unchanged: 0, features: 2 })
    expect(r.replaced).toBeGreaterThanOrEqual(1)
    const parent = await grid(code)
    const west = await grid('990101')
    expect(west).toMatchObject({
      parent_id: parent.id,
      level: 2,
      kind: '区',
      version: 1,
      t: 'ST_MultiPolygon',
      srid: 4326,
    })
    expect(west.path).toBe(`${parent.path}${west.id}/`)
    expect(west.area_m2 / 2_137_000).toBeCloseTo(1, 2) // 0.01° × 0.02° at 30° N ≈ 964 m × 2,217 m
    expect(await thingGrid('99T1')).toBe('990101')
  })

  it('reports an overlap between two features with its size and place, and stores nothing', async () => {
    const { code, x, y } = await city('9902')
    const r = await importGrids(d, halves('9902', x, y, 0.011, 0.01), wgs(2, { parent: code }))
    expect(r.ok).toBe(false)
    expect(r.errors).toHaveLength(1)
    const e = r.errors[0]!
    expect(e).toMatchObject({
      kind: 'overlap',
      feature: 0,
      code: '990201',
      name: '西区',
      other: { feature: 1, code: '990202' },
    })
    expect(e.areaM2! / 213_800).toBeCloseTo(1, 1) // 0.001° × 0.02° ≈ 96 m × 2,217 m
    expect(e.widthM! / 96).toBeCloseTo(1, 1)
    expect(e.at![0]).toBeGreaterThan(x + 0.01)
    expect(e.at![0]).toBeLessThan(x + 0.011)
    expect(e.message).toMatch(/#0 990201 西区 overlaps #1 990202 东区 by 21\d,\d{3} m²/)
    expect(await districts('9902')).toBe(0)
  })

  it('reports a gap in the parent with its size and place; float-noise gaps pass with a note', async () => {
    const { code, x, y } = await city('9903')
    const r = await importGrids(d, halves('9903', x, y, 0.009, 0.01), wgs(2, { parent: code, dryRun: true }))
    expect(r.errors).toHaveLength(1)
    const e = r.errors[0]!
    expect(e).toMatchObject({ kind: 'gap', feature: null, other: { code, name: '测试市' } })
    expect(e.areaM2! / 213_800).toBeCloseTo(1, 1)
    expect(e.at![0]).toBeGreaterThan(x + 0.009)
    expect(e.at![0]).toBeLessThan(x + 0.01)
    expect(e.message).toMatch(new RegExp(`^gap of 21\\d,\\d{3} m², 96 m wide in ${code} 测试市`))
    const noisy = await importGrids(
      d,
      halves('9903', x, y, 0.0099999, 0.01),
      wgs(2, { parent: code, dryRun: true }),
    )
    expect(noisy).toMatchObject({ ok: true, inserted: 2 })
    expect(noisy.notes.join('\n')).toMatch(
      /1 gaps in the parent up to 1000 m² each \(\d+ m² in all\) passed as noise/,
    )
    expect(await districts('9903')).toBe(0)
  })

  it('reports an invalid (bow-tie) polygon with the reason and the crossing point', async () => {
    const { code, x, y } = await city('9904')
    const bowTie = polygon('990401', '蝴蝶区', x, y, x + 0.02, y + 0.02, x + 0.02, y, x, y + 0.02, x, y)
    const r = await importGrids(d, fc(bowTie), wgs(2, { parent: code }))
    expect(r.ok).toBe(false)
    const e = r.errors.find((x) => x.kind === 'invalid-geometry')!
    expect(e).toMatchObject({ feature: 0, code: '990401', name: '蝴蝶区' })
    expect(e.message).toMatch(/Self-intersection/i)
    expect(e.at![0]).toBeCloseTo(x + 0.01, 6)
    expect(e.at![1]).toBeCloseTo(y + 0.01, 6)
    expect(r.notes.join()).toContain('gaps were not checked')
  })

  it('is all-or-nothing: one bad feature and nothing at all changes', async () => {
    const { code, x, y } = await city('9905')
    expect((await importGrids(d, halves('9905', x, y, 0.01), wgs(2, { parent: code }))).ok).toBe(true)
    const snapshot = sql`SELECT count(*)::int AS n, sum(version)::int AS v,
      (SELECT count(*)::int FROM grid_history) AS h, string_agg(ST_AsText(geom), ';' ORDER BY code) AS g
      FROM grids WHERE code LIKE '9905%'`
    const before = await d.rows(snapshot)
    const bad = halves('9905', x, y, 0.012) // two updates …
    bad.features.push(box('990503', '北区', x + 0.015, y + 0.015, x + 0.025, y + 0.025)) // … and a new one, overlapping and outside
    const r = await importGrids(d, bad, wgs(2, { parent: code }))
    expect(r.ok).toBe(false)
    expect(new Set(r.errors.map((e) => e.kind))).toEqual(new Set(['overlap', 'outside-parent']))
    expect(r.errors.find((e) => e.kind === 'outside-parent')).toMatchObject({ feature: 2, code: '990503' })
    expect(r).toMatchObject({ inserted: 0, updated: 0 })
    expect(await d.rows(snapshot)).toEqual(before)
  })

  it('re-import updates changed grids with history (version 2) and re-places their elements', async () => {
    const { code, x, y } = await city('9906')
    const v1 = halves('9906', x, y, 0.01)
    expect((await importGrids(d, v1, wgs(2, { parent: code }))).inserted).toBe(2)
    await thing('99T6', x + 0.011, y + 0.01)
    expect(await thingGrid('99T6')).toBe('990602')
    const again = await importGrids(d, v1, wgs(2, { parent: code }))
    expect(again).toMatchObject({ ok: true, inserted: 0, updated: 0, unchanged: 2, replaced: 0 })
    const r = await importGrids(
      d,
      halves('9906', x, y, 0.012, 0.012, '东区新'),
      wgs(2, { parent: code, source: 'import:v2' }),
    )
    expect(r).toMatchObject({ ok: true, inserted: 0, updated: 2, unchanged: 0 })
    expect(r.replaced).toBeGreaterThanOrEqual(1)
    const west = await grid('990601')
    expect(west.version).toBe(2)
    const hist = await d.rows(sql`SELECT version, source FROM grid_history WHERE grid_id = ${west.id}`)
    expect(hist).toEqual([{ version: 1, source: 'import' }])
    expect(await thingGrid('99T6')).toBe('990601')
  })

  it('refuses an unknown parent, one that is not above the level, and features with no parent', async () => {
    const { code, x, y } = await city('9907')
    const file = fc(box('990701', '西区', x, y, x + 0.02, y + 0.02))
    const unknown = await importGrids(d, file, wgs(2, { parent: '99nope' }))
    expect(unknown.errors).toEqual([
      expect.objectContaining({ kind: 'parent', message: expect.stringContaining('99nope') }),
    ])
    const same = await importGrids(d, file, wgs(1, { parent: code }))
    expect(same.errors[0]?.message).toContain('goes under a higher level')
    const orphan = await importGrids(d, fc(box('990702', '海外区', 110, 20, 110.01, 20.01)), wgs(2))
    expect(orphan.errors).toEqual([
      expect.objectContaining({ kind: 'no-parent', feature: 0, code: '990702' }),
    ])
  })

  /**
   * Runs `fn` in a transaction that is rolled back afterwards, as real boundaries cover the seeded
   * city. Inside, use only `t` (PGlite would wait for the open transaction forever).
   */
  async function rolledBack(fn: (t: Database) => Promise<void>) {
    class Undo extends Error {}
    await d.db
      .transaction(async (tx) => {
        await fn({ ...d, db: tx as unknown as Db, rows: (q) => txRows(tx, q) })
        throw new Undo()
      })
      .catch((e: unknown) => {
        if (!(e instanceof Undo)) throw e
      })
  }
  const largest = (es: ImportError[]) => es.reduce((a, b) => (b.areaM2! > a.areaM2! ? b : a))
  const km2 = (es: ImportError[]) => es.reduce((s, e) => s + e.areaM2!, 0) / 1e6

  it.skipIf(!hasDataV)(realTitle('fails at default tolerances, naming each district and place'), async () => {
    await rolledBack(async (t) => {
      expect((await importGrids(t, dataV('weihai_city_outline_datav_gcj02.geojson'), gcj(1))).ok).toBe(true)
      const r = await importGrids(
        t,
        dataV('weihai_districts_datav_gcj02.geojson'),
        gcj(2, { parent: '99371000' }),
      )
      expect(r.ok).toBe(false)
      expect(new Set(r.errors.map((e) => e.kind))).toEqual(new Set(['outside-parent', 'gap']))
      expect(r.notes.join()).not.toContain('overlap') // the four districts share their borders exactly
      const out = r.errors.filter((e) => e.kind === 'outside-parent')
      expect(new Set(out.map((e) => `${e.code} ${e.name}`))).toEqual(
        new Set(['99371002 环翠区', '99371003 文登区', '99371082 荣成市', '99371083 乳山市']),
      )
      const o = largest(out)
      expect(o).toMatchObject({ feature: 1, code: '99371003', name: '文登区', other: { code: '99371000' } })
      expect(o.areaM2! / 550_120).toBeCloseTo(1, 1)
      expect(o.at![0]).toBeCloseTo(121.7512, 2)
      expect(o.at![1]).toBeCloseTo(37.1518, 2)
      const gaps = r.errors.filter((e) => e.kind === 'gap')
      const g = largest(gaps)
      expect(g.areaM2! / 362_915).toBeCloseTo(1, 1)
      expect(g.at![0]).toBeCloseTo(122.5926, 2)
      expect(g.at![1]).toBeCloseTo(37.3508, 2)
      expect(km2(out) / 21.29).toBeCloseTo(1, 1)
      expect(km2(gaps) / 15.33).toBeCloseTo(1, 1)
      expect(Math.max(...r.errors.map((e) => e.widthM!))).toBeLessThan(550)
      expect(await districts('99371', t)).toBe(0)
    })
  })

  it.skipIf(!hasDataV)(realTitle('imports with an explicit sliver tolerance of 550 m'), async () => {
    await rolledBack(async (t) => {
      await importGrids(t, dataV('weihai_city_outline_datav_gcj02.geojson'), gcj(1))
      const file = dataV('weihai_districts_datav_gcj02.geojson')
      const r = await importGrids(t, file, gcj(2, { parent: '99371000', tolerances: { sliverM: 550 } }))
      expect(r).toMatchObject({ ok: true, inserted: 4, errors: [] })
      expect(r.notes.join('\n')).toMatch(/passed as slivers under 550 m/)
      const [s] = await t.rows<{ n: number; km2: number; x: number; y: number }>(
        sql`SELECT count(*)::int AS n, sum(area_m2) / 1e6 AS km2,
          min(ST_X(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1))) FILTER (WHERE code = '99371002') AS x,
          min(ST_Y(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1))) FILTER (WHERE code = '99371002') AS y
          FROM grids WHERE code LIKE '99371%' AND level = 2 AND parent_id = (SELECT id FROM grids WHERE code = '99371000')`,
      )
      expect(s!.n).toBe(4)
      expect(s!.km2 / 5957.7).toBeCloseTo(1, 2)
      const first = (file.features[0]!.geometry as { coordinates: number[][][][] }).coordinates[0]![0]![0]!
      expect(first[0]! - s!.x).toBeGreaterThan(0.0045) // GCJ-02 → WGS84 moved it ~0.005° west …
      expect(first[0]! - s!.x).toBeLessThan(0.0055)
      expect(first[1]! - s!.y).toBeGreaterThan(0.0005) // … and ~0.001° south
      expect(first[1]! - s!.y).toBeLessThan(0.0015)
    })
  })
})
