import { VectorTile } from '@mapbox/vector-tile'
import { type SQL, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { PbfReader } from 'pbf'
import type { Database } from '../../db/client.ts'
import type { TileAddress } from '../../db/queries/tile-render.queries.ts'
import type { Area } from '../../server/domain/area.ts'

/** The contract of docs/layers.md, as the tests check it: per source layer its geometry and properties. */
export const SOURCE_LAYERS: Record<string, { geometry: 'point' | 'polygon'; props: string[] }> = {
  grids: { geometry: 'polygon', props: ['id', 'code', 'name', 'level', 'kind', 'grade'] },
  grid_labels: { geometry: 'point', props: ['id', 'code', 'name', 'level', 'kind', 'grade'] },
  people_cells: { geometry: 'point', props: ['n'] },
  people_buildings: { geometry: 'point', props: ['building_id', 'n'] },
  compounds: { geometry: 'polygon', props: ['id', 'name'] },
  building_points: { geometry: 'point', props: ['id', 'use'] },
  building_cells: { geometry: 'point', props: ['n'] },
  buildings: { geometry: 'polygon', props: ['id', 'name', 'use', 'floors'] },
  public_places: { geometry: 'point', props: ['id', 'name', 'kind'] },
  thing_cells: { geometry: 'point', props: ['n', 'offline'] },
  things: { geometry: 'point', props: ['id', 'kind', 'status', 'name'] },
  camera_coverage: { geometry: 'polygon', props: ['id', 'status'] },
  event_cells: { geometry: 'point', props: ['n', 'overdue'] },
  events: {
    geometry: 'point',
    props: ['id', 'cat1', 'cat', 'status', 'source', 'priority', 'overdue', 't'],
  },
  orgs: { geometry: 'point', props: ['id', 'kind', 'name'] },
  org_cells: { geometry: 'point', props: ['n'] },
}

/** Which source layers a tile of each layer may hold at zoom z (cells stand in for points over the budget). */
export function allowedSourceLayers(layer: string, z: number): string[] {
  switch (layer) {
    case 'grids':
      return ['grids', 'grid_labels']
    case 'people':
      return z < 8 ? [] : z <= 14 ? ['people_cells'] : ['people_buildings']
    case 'places':
      return z < 12
        ? []
        : z === 12
          ? ['public_places']
          : z <= 14
            ? ['compounds', 'building_points', 'building_cells', 'public_places']
            : ['compounds', 'buildings', 'building_cells', 'public_places']
    case 'things':
      return z < 8
        ? []
        : z <= 12
          ? ['thing_cells']
          : z < 16
            ? ['things', 'thing_cells']
            : ['things', 'thing_cells', 'camera_coverage']
    case 'events':
      return z < 8 ? [] : z <= 13 ? ['event_cells'] : ['events', 'event_cells']
    case 'orgs':
      return z < 13 ? [] : ['orgs', 'org_cells']
    default:
      throw new Error(`no layer ${layer}`)
  }
}

export interface DecodedFeature {
  type: number
  id: number | undefined
  properties: Record<string, string | number | boolean>
  /** Rings (polygons) or one ring of points, in tile units. */
  geometry: { x: number; y: number }[][]
}

export function decode(buf: Buffer | Uint8Array): Record<string, DecodedFeature[]> {
  const tile = new VectorTile(new PbfReader(buf))
  const out: Record<string, DecodedFeature[]> = {}
  for (const [name, layer] of Object.entries(tile.layers)) {
    if (layer.extent !== 4096) throw new Error(`${name}: extent ${layer.extent}`)
    const fs: DecodedFeature[] = []
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i)
      fs.push({
        type: f.type,
        id: f.id,
        properties: { ...f.properties },
        geometry: f.loadGeometry().map((ring) => ring.map((p) => ({ x: p.x, y: p.y }))),
      })
    }
    out[name] = fs
  }
  return out
}

/** The tile at zoom z that holds a point. */
export function tileAt(lon: number, lat: number, z: number): TileAddress {
  const n = 2 ** z
  const r = (lat * Math.PI) / 180
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  }
}

/** The tile of zoom z holding the most rows of a table with a point column (by PostGIS, not by tile keys). */
export async function densestTile(d: Database, table: string, z: number, where: SQL = sql`TRUE`) {
  const [r] = await d.rows<{ x: number; y: number; n: number }>(sql`
    SELECT floor((ST_X(p) + 20037508.342789244) / (40075016.68557849 / 2 ^ ${z}))::int AS x,
           floor((20037508.342789244 - ST_Y(p)) / (40075016.68557849 / 2 ^ ${z}))::int AS y, count(*)::int AS n
    FROM (SELECT ST_Transform(t.geom, 3857) AS p FROM ${sql.raw(table)} t WHERE t.geom IS NOT NULL AND ${where}) q
    GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 1`)
  return { z, x: Number(r!.x), y: Number(r!.y), n: Number(r!.n) }
}

/**
 * How many rows of a table lie in a tile and in an area, counted independently of the tile
 * machinery: PostGIS's own EPSG:3857 transform and tile envelope (x in [xmin, xmax), y in (ymin, ymax]).
 */
export async function countInTile(
  d: Database,
  table: string,
  t: TileAddress,
  area: Area,
  where: SQL = sql`TRUE`,
): Promise<number> {
  const [r] = await d.rows<{ n: number }>(sql`
    WITH env AS (SELECT ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}) AS e)
    SELECT count(*)::int AS n FROM ${sql.raw(table)} t JOIN grids g ON g.id = t.grid_id, env,
      LATERAL (SELECT ST_Transform(t.geom, 3857) AS p) q
    WHERE g.path LIKE ${`${area.path}%`} AND ${where}
      AND ST_X(q.p) >= ST_XMin(env.e) AND ST_X(q.p) < ST_XMax(env.e)
      AND ST_Y(q.p) > ST_YMin(env.e) AND ST_Y(q.p) <= ST_YMax(env.e)`)
  return Number(r!.n)
}

export const sum = (fs: DecodedFeature[] | undefined, prop: string) =>
  (fs ?? []).reduce((a, f) => a + Number(f.properties[prop] ?? 0), 0)

/** GET through the real server with a bearer token (or none). */
export function getter(app: FastifyInstance) {
  let ip = 0
  return (url: string, auth?: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'GET',
      url,
      headers: auth ? { authorization: auth, ...headers } : headers,
      // Spread over addresses: the tile rate limit (600/min per address) is not under test here.
      remoteAddress: `10.77.${(ip >> 8) & 255}.${ip++ & 255}`,
    })
}

export const tileUrl = (layer: string, t: TileAddress, query = '') =>
  `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt${query ? `?${query}` : ''}`
