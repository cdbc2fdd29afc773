import { sql } from 'drizzle-orm'
import { beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { gridChildren, gridGet, gridSearch } from '../../db/queries/grids.queries.ts'
import { WHOLE_CITY } from '../../server/domain/area.ts'
import { dbDescribe, testDb } from './harness.ts'

dbDescribe('grid hierarchy', () => {
  let d: Database
  beforeAll(async () => {
    d = await testDb()
  })

  it('has one city and every level below it', async () => {
    const rows = await d.rows<{ level: number; n: number }>(
      sql`SELECT level, count(*)::int AS n FROM grids GROUP BY level ORDER BY level`,
    )
    expect(rows.map((r) => Number(r.level))).toEqual([1, 2, 3, 4, 5, 6])
    expect(Number(rows[0]!.n)).toBe(1)
  })

  it('tiles every parent with its children: no gaps, no overlaps (to 1 m²)', async () => {
    // Planar areas (degrees² × m² per degree² at 37°N): a geodesic area would count the bulge of
    // straight lon/lat edges as slivers.
    const m2 = 111_320 * 88_900
    const rows = await d.rows<{ code: string; gap: number; overlap: number }>(sql`
      SELECT p.code,
        ST_Area(ST_Difference(p.geom, ST_Union(c.geom))) * ${m2} AS gap,
        (sum(ST_Area(c.geom)) - ST_Area(ST_Union(c.geom))) * ${m2} AS overlap
      FROM grids p JOIN grids c ON c.parent_id = p.id
      GROUP BY p.id, p.code, p.geom`)
    expect(rows.length).toBeGreaterThan(10)
    for (const r of rows) {
      expect(Number(r.gap), `gap in ${r.code}`).toBeLessThan(1)
      expect(Number(r.overlap), `overlap in ${r.code}`).toBeLessThan(1)
    }
  })

  it('keeps materialized paths that follow the parents', async () => {
    const [bad] = await d.rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM grids c JOIN grids p ON p.id = c.parent_id WHERE c.path <> p.path || c.id || '/'`)
    expect(Number(bad!.n)).toBe(0)
  })

  it('keeps the old boundary in grid_history when a boundary changes, and bumps the version', async () => {
    const [g] = await d.rows<{ id: number }>(sql`SELECT id FROM grids WHERE level = 6 ORDER BY id LIMIT 1`)
    await d.rows(
      sql`UPDATE grids SET geom = ST_Multi(ST_Buffer(geom, 0)) , source = 'test' WHERE id = ${g!.id}`,
    )
    // ST_Buffer(…, 0) keeps the shape: an equal geometry is not a new version.
    await d.rows(sql`UPDATE grids SET geom = ST_Multi(ST_Scale(geom, 1, 1)) WHERE id = ${g!.id}`)
    const [same] = await d.rows<{ version: number }>(sql`SELECT version FROM grids WHERE id = ${g!.id}`)
    expect(Number(same!.version)).toBe(1)
    const [before] = await d.rows<{ wkt: string }>(
      sql`SELECT ST_AsText(geom) AS wkt FROM grids WHERE id = ${g!.id}`,
    )
    await d.rows(sql`UPDATE grids SET geom = ST_Multi(ST_Translate(geom, 0.00001, 0)) WHERE id = ${g!.id}`)
    const [after] = await d.rows<{ version: number }>(sql`SELECT version FROM grids WHERE id = ${g!.id}`)
    expect(Number(after!.version)).toBe(2)
    const hist = await d.rows<{ version: number; wkt: string }>(
      sql`SELECT version, ST_AsText(geom) AS wkt FROM grid_history WHERE grid_id = ${g!.id}`,
    )
    expect(hist).toHaveLength(1)
    expect(hist[0]!.wkt).toBe(before!.wkt)
    // Put it back (a third version) so other tests see the original shape.
    await d.rows(sql`UPDATE grids SET geom = ST_Multi(ST_Translate(geom, -0.00001, 0)) WHERE id = ${g!.id}`)
  })

  it('refuses a parent that does not exist, naming the grid', async () => {
    await expect(
      d.rows(
        sql`INSERT INTO grids (code, name, level, kind, parent_id, geom) VALUES ('990000', 'x', 2, '区', 99999999, ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)))', 4326))`,
      ),
    ).rejects.toThrow(/990000/)
  })

  it('lists children, starting at the city for the whole-city area', async () => {
    const top = await gridChildren(d, WHOLE_CITY, null)
    expect(top).toHaveLength(1)
    expect(top[0]).toMatchObject({ code: '371000', name: '威海市', level: 1 })
    const districts = await gridChildren(d, WHOLE_CITY, top[0]!.id)
    expect(districts.length).toBe(3)
    expect(districts.every((x) => x.level === 2 && x.childCount > 0)).toBe(true)
    const [w, s, e, n] = districts[0]!.bbox
    expect(w).toBeLessThan(e)
    expect(s).toBeLessThan(n)
  })

  it('gets an area with its geometry, ancestors and element counts', async () => {
    const g = await gridGet(d, WHOLE_CITY, { code: '371000' })
    expect(g?.geometry.type).toBe('MultiPolygon')
    expect(g!.counts.people).toBeGreaterThan(1000)
    expect(g!.counts.events).toBe(2000)
    expect(g!.areaM2).toBeGreaterThan(1e9)
    const leaf = (
      await d.rows<{ code: string }>(sql`SELECT code FROM grids WHERE level = 5 ORDER BY code LIMIT 1`)
    )[0]!
    const lg = await gridGet(d, WHOLE_CITY, { code: leaf.code })
    expect(lg!.ancestors.map((a) => a.level)).toEqual([1, 2, 3, 4])
  })

  it('searches by name and by code prefix', async () => {
    const byName = await gridSearch(d, WHOLE_CITY, '环翠', 10)
    expect(byName[0]).toMatchObject({ name: '环翠区', level: 2, parentName: '威海市' })
    const byCode = await gridSearch(d, WHOLE_CITY, '371002', 5)
    expect(byCode.every((x) => x.code.startsWith('371002'))).toBe(true)
    expect(await gridSearch(d, WHOLE_CITY, "%' OR 1=1 --", 5)).toEqual([])
  })

  it('scopes every query to the caller’s area', async () => {
    const [district] = await d.rows<{ id: number; path: string }>(
      sql`SELECT id, path FROM grids WHERE code = '371002'`,
    )
    const area = { gridId: Number(district!.id), path: district!.path }
    const top = await gridChildren(d, area, null)
    expect(top.map((x) => x.code)).toEqual(['371002'])
    const [city] = await d.rows<{ id: number }>(sql`SELECT id FROM grids WHERE level = 1`)
    expect(await gridChildren(d, area, Number(city!.id))).toEqual([])
    expect(await gridGet(d, area, { code: '371000' })).toBeNull()
    expect(await gridGet(d, area, { code: '371003' })).toBeNull()
    const found = await gridSearch(d, area, '', 10)
    expect(found).toEqual([])
    const all = await gridSearch(d, area, '3710', 100)
    expect(all.every((x) => x.code.startsWith('371002'))).toBe(true)
  })
})
