import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { fromGeojsonVt } from 'vt-pbf'
import type { Database } from '../../db/client.ts'
import {
  gridLevelsForZoom,
  gridTileFeatures,
  gridTilePostgres,
  TILE_EXTENT,
  type TileFeature,
} from '../../db/queries/tiles.queries.ts'
import { withScope } from '../../db/scope.ts'
import { guardRoute } from '../http/guard.ts'

/** Parse and check z/x/y; null when out of range. */
export function parseTileAddress(
  zs: string,
  xs: string,
  ys: string,
): { z: number; x: number; y: number } | null {
  if (!/^\d{1,2}$/.test(zs) || !/^\d{1,9}$/.test(xs) || !/^\d{1,9}$/.test(ys)) return null
  const z = Number(zs)
  const x = Number(xs)
  const y = Number(ys)
  if (z > 22 || x >= 2 ** z || y >= 2 ** z) return null
  return { z, x, y }
}

/** `?levels=2,3` — only levels 1–6, validated against the allowlist, never concatenated into SQL. */
export function parseLevels(q: unknown, z: number): number[] | { error: string } {
  if (q === undefined || q === '') return gridLevelsForZoom(z)
  if (typeof q !== 'string' || !/^[1-6](,[1-6]){0,5}$/.test(q))
    return { error: 'levels 须为 1–6 的逗号分隔列表 / levels must be a comma-separated list of 1–6' }
  return [...new Set(q.split(',').map(Number))]
}

export function encodeTile(layers: Record<string, TileFeature[]>): Buffer {
  const input: Parameters<typeof fromGeojsonVt>[0] = {}
  for (const [name, features] of Object.entries(layers)) {
    if (!features.length) continue
    input[name] = {
      features: features.map((f) => ({
        type: f.type,
        geometry: f.type === 1 ? f.geometry[0]! : f.geometry,
        tags: f.properties,
        id: Number(f.properties.id),
      })),
    }
  }
  if (!Object.keys(input).length) return Buffer.alloc(0)
  return Buffer.from(fromGeojsonVt(input, { version: 2, extent: TILE_EXTENT }))
}

/** GET /tiles/grids/{z}/{x}/{y}.mvt — grid boundaries and labels for the caller's area. */
export function registerGridTiles(app: FastifyInstance, deps: { db: () => Database | null }) {
  app.get<{ Params: { z: string; x: string; y: string }; Querystring: { levels?: string } }>(
    '/tiles/grids/:z/:x/:y.mvt',
    async (req, reply) => {
      const ok = guardRoute(req, reply, deps.db(), ['map.read'])
      if (!ok) return reply
      const { d, principal } = ok
      const addr = parseTileAddress(req.params.z, req.params.x, req.params.y)
      if (!addr)
        return reply.code(400).send({
          error: 'bad_tile',
          message: `瓦片坐标超出范围 / tile ${req.params.z}/${req.params.x}/${req.params.y} is out of range`,
        })
      const levels = parseLevels(req.query.levels, addr.z)
      if ('error' in levels) return reply.code(400).send({ error: 'bad_filter', message: levels.error })
      const area = principal.area
      const { z, x, y } = addr
      // In the caller's scope: row-level security decides which grids the tile may hold.
      const body = await withScope(d, area, async (scoped) => {
        if (scoped.kind === 'postgres') return gridTilePostgres(scoped, area, z, x, y, levels)
        const f = await gridTileFeatures(scoped, area, z, x, y, levels)
        return encodeTile({ grids: f.grids, grid_labels: f.labels })
      })
      if (!body.length) return reply.code(204).send()
      // The ETag covers the caller's area and filters as well as the bytes.
      const etag = `"${createHash('sha1').update(area.path).update(levels.join(',')).update(body).digest('base64url')}"`
      if (req.headers['if-none-match'] === etag) return reply.code(304).send()
      return reply
        .header('content-type', 'application/vnd.mapbox-vector-tile')
        .header('etag', etag)
        .header('cache-control', 'private, max-age=60')
        .header('vary', 'Cookie, Authorization')
        .send(body)
    },
  )
}
