import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../db/client.ts'
import { TILE_SETTINGS, withScope } from '../../db/scope.ts'
import { guardRoute } from '../http/guard.ts'
import { FilterError, type Query } from './filters.ts'
import { parseTileAddress } from './grid-tiles.ts'
import { LAYER_NAMES, layerSpec } from './layers.ts'

/**
 * GET /tiles/{layer}/{z}/{x}/{y}.mvt?{filters} — every layer of the one map (docs/layers.md):
 * 503 while starting, 401 without a caller, 403 without map.read (or a filter's permission),
 * 404 for an unknown layer, 400 bad_tile / bad_filter, 204 when empty, 304 on a matching ETag.
 */
export function registerTiles(app: FastifyInstance, deps: { db: () => Database | null }) {
  app.get<{ Params: { layer: string; z: string; x: string; y: string }; Querystring: Query }>(
    '/tiles/:layer/:z/:x/:y.mvt',
    async (req, reply) => {
      const ok = guardRoute(req, reply, deps.db(), ['map.read'])
      if (!ok) return reply
      const { d, principal } = ok
      const { layer, z: zs, x: xs, y: ys } = req.params
      const spec = layerSpec(layer)
      if (!spec)
        return reply.code(404).send({
          error: 'not_found',
          message: `没有这个图层 / no tile layer "${layer.slice(0, 40)}" (layers: ${LAYER_NAMES.join(', ')})`,
        })
      const addr = parseTileAddress(zs, xs, ys)
      if (!addr)
        return reply.code(400).send({
          error: 'bad_tile',
          message: `瓦片坐标超出范围 / tile ${zs.slice(0, 12)}/${xs.slice(0, 12)}/${ys.slice(0, 12)} is out of range (z 0–22, x and y < 2^z)`,
        })
      let filters: unknown
      try {
        filters = spec.parse(req.query ?? {}, addr.z)
      } catch (e) {
        if (e instanceof FilterError) return reply.code(400).send({ error: 'bad_filter', message: e.message })
        throw e
      }
      for (const p of spec.needs(filters)) {
        if (!principal.permissions.has(p))
          return reply.code(403).send({
            error: 'forbidden',
            message: `没有权限：需要 "${p}" / Forbidden: this filter needs "${p}"`,
          })
      }
      const area = principal.area
      // In the caller's scope: row-level security decides what the tile may hold.
      const body = await withScope(d, area, (scoped) => spec.render(scoped, area, addr, filters), {
        settings: TILE_SETTINGS,
      })
      if (!body.length) return reply.code(204).send()
      // The ETag covers the caller's area and the filters as well as the bytes.
      const etag = `"${createHash('sha1')
        .update(`${layer}\n${area.path}\n${spec.key(filters)}\n`)
        .update(body)
        .digest('base64url')}"`
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
