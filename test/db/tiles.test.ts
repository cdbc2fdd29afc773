import { VectorTile } from '@mapbox/vector-tile'
import { sql } from 'drizzle-orm'
import { PbfReader } from 'pbf'
import { beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { gridTileFeatures, gridTilePostgres } from '../../db/queries/tiles.queries.ts'
import { WHOLE_CITY } from '../../server/domain/area.ts'
import { encodeTile } from '../../server/tiles/grid-tiles.ts'
import { backend, dbDescribe, testDb } from './harness.ts'

/** The tile at zoom z that holds a point. */
function tileAt(lon: number, lat: number, z: number) {
  const n = 2 ** z
  const x = Math.floor(((lon + 180) / 360) * n)
  const r = (lat * Math.PI) / 180
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)
  return { z, x, y }
}

function decode(buf: Buffer) {
  const t = new VectorTile(new PbfReader(buf))
  const out: Record<string, { ids: number[]; names: string[]; rings: number }> = {}
  for (const [name, layer] of Object.entries(t.layers)) {
    const ids: number[] = []
    const names: string[] = []
    let rings = 0
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i)
      ids.push(Number(f.properties.id))
      names.push(String(f.properties.name))
      rings += f.loadGeometry().length
    }
    out[name] = { ids: ids.sort((a, b) => a - b), names, rings }
  }
  return out
}

dbDescribe('grid vector tiles', () => {
  let d: Database
  let centre: [number, number]
  beforeAll(async () => {
    d = await testDb()
    const [c] = await d.rows<{ x: number; y: number }>(
      sql`SELECT ST_X(label_point) AS x, ST_Y(label_point) AS y FROM grids WHERE level = 2 ORDER BY code LIMIT 1`,
    )
    centre = [Number(c!.x), Number(c!.y)]
  })

  it('holds the grids of the tile’s levels that meet it (with its 64-pixel buffer), with labels', async () => {
    const { z, x, y } = tileAt(centre[0], centre[1], 10)
    const f = await gridTileFeatures(d, WHOLE_CITY, z, x, y, [2, 3])
    const tile = decode(encodeTile({ grids: f.grids, grid_labels: f.labels }))
    const expected = await d.rows<{ id: number }>(sql`
      SELECT id FROM grids WHERE level IN (2, 3)
        AND ST_Intersects(ST_Transform(geom, 3857),
          ST_Expand(ST_TileEnvelope(${z}, ${x}, ${y}), 40075016.68557849 / 2 ^ ${z} * 64 / 4096)) ORDER BY id`)
    expect(tile.grids!.ids).toEqual(expected.map((r) => Number(r.id)))
    expect(tile.grids!.names.some((n) => /区|市/.test(n))).toBe(true)
    expect(tile.grid_labels!.ids.length).toBeGreaterThan(0)
  })

  it('is the same tile whether made by ST_AsMVT (PostGIS) or by the Node encoder (PGlite)', async () => {
    if (backend !== 'postgres') {
      // PGlite's PostGIS has no ST_AsMVT: the PostGIS run of this suite compares the two encoders.
      await expect(gridTilePostgres(d, WHOLE_CITY, 10, 0, 0, [2])).rejects.toThrow()
      return
    }
    for (const z of [8, 11, 14]) {
      const { x, y } = tileAt(centre[0], centre[1], z)
      const levels = z === 8 ? [1, 2] : z === 11 ? [3, 4] : [5, 6]
      const native = decode(await gridTilePostgres(d, WHOLE_CITY, z, x, y, levels))
      const f = await gridTileFeatures(d, WHOLE_CITY, z, x, y, levels)
      const node = decode(encodeTile({ grids: f.grids, grid_labels: f.labels }))
      expect(node.grids!.ids, `z${z} polygons`).toEqual(native.grids!.ids)
      expect(node.grid_labels!.ids, `z${z} labels`).toEqual(native.grid_labels!.ids)
      expect(node.grids!.rings).toBe(native.grids!.rings)
    }
  })

  it('keeps to the caller’s area', async () => {
    const [district] = await d.rows<{ id: number; path: string }>(
      sql`SELECT id, path FROM grids WHERE code = '371002'`,
    )
    const area = { gridId: Number(district!.id), path: district!.path }
    const { z, x, y } = tileAt(centre[0], centre[1], 8)
    const f = await gridTileFeatures(d, area, z, x, y, [1, 2, 3])
    const codes = f.grids.map((g) => String(g.properties.code))
    expect(codes.length).toBeGreaterThan(0)
    expect(codes.every((c) => c.startsWith('371002'))).toBe(true)
  })
})
