import type { FastifyInstance } from 'fastify'
import type { Database } from '../../db/client.ts'
import type { EventFilters } from '../../db/queries/event-tiles.queries.ts'
import { eventPoints } from '../../db/queries/points.queries.ts'
import { TILE_SETTINGS, withScope } from '../../db/scope.ts'
import { FilterError, type Query } from '../tiles/filters.ts'
import { LAYERS } from '../tiles/layers.ts'
import { guardRoute } from './guard.ts'

/** The most points one answer holds (≈ 20 MB): beyond, `x-points-truncated: 1`. */
export const MAX_POINTS = 2_000_000

/** The events layer's filters (server/tiles/layers.ts), the same allowlist as the tiles. */
export function parseEventFilter(query: unknown): { filter: EventFilters } | { error: string } {
  try {
    return { filter: LAYERS.events.parse((query ?? {}) as Query, 14) }
  } catch (e) {
    if (e instanceof FilterError) return { error: e.message }
    throw e
  }
}

/**
 * GET /points/events.bin?{events filters} — every matching event in the caller's area as packed
 * binary, for drawing millions of points at once: "YWP1", uint32 count N, Float32 lon/lat ×N,
 * Uint8 level-1 category index ×N (255 none), Uint8 flags ×N (bit 0 overdue, bit 1 open); all
 * little-endian. No personal data: positions, category and state only.
 */
export function registerPoints(app: FastifyInstance, deps: { db: () => Database | null }) {
  app.get('/points/events.bin', async (req, reply) => {
    const ok = guardRoute(req, reply, deps.db(), ['map.read'])
    if (!ok) return reply
    const parsed = parseEventFilter(req.query)
    if ('error' in parsed) return reply.code(400).send({ error: 'bad_filter', message: parsed.error })
    const { d, principal } = ok
    const p = await withScope(
      d,
      principal.area,
      (s) => eventPoints(s, principal.area, parsed.filter, MAX_POINTS),
      {
        settings: TILE_SETTINGS,
      },
    )
    const n = p.count
    const body = Buffer.alloc(8 + n * 8 + n * 2)
    body.write('YWP1', 0, 'ascii')
    body.writeUInt32LE(n, 4)
    Buffer.from(p.positions.buffer, p.positions.byteOffset, n * 8).copy(body, 8)
    Buffer.from(p.cat1.buffer, p.cat1.byteOffset, n).copy(body, 8 + n * 8)
    Buffer.from(p.flags.buffer, p.flags.byteOffset, n).copy(body, 8 + n * 9)
    return reply
      .header('content-type', 'application/octet-stream')
      .header('cache-control', 'private, max-age=60')
      .header('vary', 'Cookie, Authorization')
      .header('x-points-count', String(n))
      .header('x-points-truncated', p.truncated ? '1' : '0')
      .send(body)
  })
}
