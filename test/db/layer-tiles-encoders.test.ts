import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { beforeAll, expect, inject, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { refreshMapStats } from '../../db/queries/grid-stats.queries.ts'
import { nativeTile, type TileAddress, tileFeatures } from '../../db/queries/tile-render.queries.ts'
import { gridTileFeatures, gridTilePostgres } from '../../db/queries/tiles.queries.ts'
import { WHOLE_CITY } from '../../server/domain/area.ts'
import { encodeTile } from '../../server/tiles/encode.ts'
import { LAYERS } from '../../server/tiles/layers.ts'
import { backend, dbDescribe, testDb } from './harness.ts'
import { type DecodedFeature, decode, densestTile } from './tile-helpers.ts'

const DENSEST: Record<string, string> = {
  people: 'people',
  places: 'buildings',
  things: 'things',
  events: 'events',
  orgs: 'organisations',
}
/** One zoom per band of every layer (docs/layers.md), and a filtered variant. */
const ZOOMS = [8, 11, 12, 13, 14, 15, 16]
const FILTERS: Record<string, Record<string, string>> = {
  people: { tag: 'elderly' },
  things: { kind: 'camera,hydrant', status: 'online' },
  events: { status: 'archived,resolved', source: 'hotline,grid_patrol' },
  orgs: { kind: 'enterprise,party' },
  places: {},
}

/** Features of a source layer by id (or by position for cells), with properties and a bounding box. */
function index(fs: DecodedFeature[]) {
  const out = new Map<string, { props: Record<string, unknown>; box: number[]; rings: number }>()
  for (const f of fs) {
    const pts = f.geometry.flat()
    const box = [
      Math.min(...pts.map((p) => p.x)),
      Math.min(...pts.map((p) => p.y)),
      Math.max(...pts.map((p) => p.x)),
      Math.max(...pts.map((p) => p.y)),
    ]
    const key = f.id === undefined ? `${box[0]},${box[1]}` : String(f.id)
    out.set(key, { props: f.properties, box, rings: f.geometry.length })
  }
  return out
}

function expectSameTile(
  native: Record<string, DecodedFeature[]>,
  node: Record<string, DecodedFeature[]>,
  what: string,
) {
  expect(Object.keys(node).sort(), `${what}: source layers`).toEqual(Object.keys(native).sort())
  for (const [name, fs] of Object.entries(native)) {
    const a = index(fs)
    const b = index(node[name]!)
    expect([...b.keys()].sort(), `${what} ${name}: features`).toEqual([...a.keys()].sort())
    for (const [k, fa] of a) {
      const fb = b.get(k)!
      expect(fb.props, `${what} ${name} ${k}: properties`).toEqual(fa.props)
      for (let i = 0; i < 4; i++)
        expect(Math.abs(fb.box[i]! - fa.box[i]!), `${what} ${name} ${k}: geometry`).toBeLessThanOrEqual(1)
    }
  }
}

dbDescribe('layer tiles: two encoders, one tile; GDAL reads them', () => {
  let d: Database
  beforeAll(async () => {
    d = await testDb()
    await refreshMapStats(d)
  })

  it('makes the same features by ST_AsMVT (PostGIS) and by the Node encoder (PGlite), per layer and band', async () => {
    const t = await densestTile(d, 'events', 10)
    const parts = LAYERS.events.parts!(t, WHOLE_CITY, {})
    if (backend !== 'postgres') {
      // PGlite's PostGIS has no ST_AsMVT: the PostGIS run of this suite compares the two encoders.
      await expect(nativeTile(d, t, parts)).rejects.toThrow()
      return
    }
    let compared = 0
    for (const [layer, table] of Object.entries(DENSEST)) {
      const spec = LAYERS[layer as keyof typeof LAYERS]
      for (const z of ZOOMS) {
        const tz: TileAddress = await densestTile(d, table, z)
        for (const query of [{}, FILTERS[layer]!]) {
          const f = spec.parse(query, z) as never
          const p = spec.parts!(tz, WHOLE_CITY, f)
          const native = await nativeTile(d, tz, p)
          const node = encodeTile(await tileFeatures(d, tz, p))
          expect(native.length > 0, `${layer} z${z}`).toBe(node.length > 0)
          expectSameTile(decode(native), decode(node), `${layer} z${z} ${JSON.stringify(query)}`)
          if (native.length) compared++
        }
      }
    }
    for (const z of [8, 11, 14]) {
      const tz = await densestTile(d, 'events', z)
      const levels = z === 8 ? [1, 2] : z === 11 ? [3, 4] : [5, 6]
      const native = decode(await gridTilePostgres(d, WHOLE_CITY, tz.z, tz.x, tz.y, levels))
      const g = await gridTileFeatures(d, WHOLE_CITY, tz.z, tz.x, tz.y, levels)
      expectSameTile(native, decode(encodeTile({ grids: g.grids, grid_labels: g.labels })), `grids z${z}`)
      compared++
    }
    expect(compared).toBeGreaterThan(40)
  })

  it.skipIf(!inject('parts').gdal.ok)(
    'writes tiles that GDAL (ogrinfo) reads with their layers',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'yiwang-mvt-'))
      try {
        for (const [layer, table, z] of [
          ['events', 'events', 15],
          ['places', 'buildings', 15],
          ['things', 'things', 16],
          ['grids', 'events', 14],
        ] as const) {
          const t = await densestTile(d, table, z)
          const spec = LAYERS[layer]
          const buf = await spec.render(d, WHOLE_CITY, t, spec.parse({}, z) as never)
          const names = Object.keys(decode(buf))
          expect(names.length, layer).toBeGreaterThan(0)
          const file = join(dir, `${layer}-${t.z}-${t.x}-${t.y}.mvt`)
          writeFileSync(file, buf)
          const out = execFileSync(inject('parts').gdal.path, ['-ro', '-al', '-so', file], {
            encoding: 'utf8',
          })
          for (const name of names) expect(out, `${layer}: ${out}`).toContain(`Layer name: ${name}`)
          const counts = [...out.matchAll(/Feature Count: (\d+)/g)].map((m) => Number(m[1]))
          const decoded = decode(buf)
          expect(counts.reduce((a, b) => a + b, 0)).toBe(
            Object.values(decoded).reduce((a, fs) => a + fs.length, 0),
          )
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  it('keeps every tile of the test city within 500 KB', async () => {
    const [{ n }] = (await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`)) as [
      { n: number },
    ]
    expect(n).toBeGreaterThan(0)
    for (const [layer, table] of Object.entries(DENSEST)) {
      const spec = LAYERS[layer as keyof typeof LAYERS]
      for (const z of ZOOMS) {
        const t = await densestTile(d, table, z)
        const buf = await spec.render(d, WHOLE_CITY, t, spec.parse({}, z) as never)
        expect(buf.length, `${layer} z${z}`).toBeLessThanOrEqual(500 * 1024)
      }
    }
  })
})
