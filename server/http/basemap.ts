import { createReadStream, statSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../db/client.ts'
import { guardRoute } from './guard.ts'

/**
 * The base map under the one map, configured at run time by environment variables and handed to
 * the client by `GET /api/basemap`. Offline first: without configuration the client draws its own
 * plain style and nothing leaves the machine. A local PMTiles file is served by this server at
 * `GET /basemap/basemap.pmtiles` (Range requests); remote tiles (XYZ, 天地图) need their origins
 * in the Content-Security-Policy, which `basemapOrigins` gives to server/http/hardening.ts.
 *
 * | variable | base map |
 * |---|---|
 * | YIWANG_BASEMAP_PMTILES | a local .pmtiles file (vector or raster tiles) |
 * | YIWANG_BASEMAP_VECTOR_STYLE | a MapLibre style URL, or a vector tiles template (`…/{z}/{x}/{y}.pbf`) |
 * | YIWANG_BASEMAP_XYZ | a raster tiles template (`…/{z}/{x}/{y}.png`) |
 * | YIWANG_TIANDITU_TOKEN | 天地图 WMTS (vec_w + cva_w, t0–t7) with this browser key |
 *
 * When several are set the first in this order wins.
 */
export type BasemapConfig =
  | { kind: 'none' }
  | { kind: 'xyz'; tiles: string[]; tileSize: 256 }
  | { kind: 'vector'; style: string }
  | { kind: 'vector'; tiles: string[] }
  | { kind: 'tianditu'; tiles: string[]; labels: string[] }
  | { kind: 'pmtiles'; url: string }

/** Where the client finds a configured PMTiles file; the only file this route serves. */
export const PMTILES_PATH = '/basemap/basemap.pmtiles'

const TIANDITU_HOSTS = Array.from({ length: 8 }, (_, i) => `https://t${i}.tianditu.gov.cn`)

function tiandituTiles(layer: 'vec' | 'cva', token: string): string[] {
  // WMTS KVP GetTile on the Web Mercator matrix set ('w'); the same grid as XYZ tiles.
  const query =
    `SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w` +
    `&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(token)}`
  return TIANDITU_HOSTS.map((host) => `${host}/${layer}_w/wmts?${query}`)
}

/** An absolute http(s) URL or a path on this server; throws a message a person can act on. */
function checkUrl(name: string, value: string, template: boolean): string {
  const url = value.trim()
  if (template && !['{z}', '{x}', '{y}'].every((part) => url.includes(part)))
    throw new Error(`${name} must be a tiles template with {z}, {x} and {y}: ${url}`)
  if (url.startsWith('/') && !url.startsWith('//')) return url
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`${name} is not a URL: ${url}`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new Error(`${name} must be an http(s) URL: ${url}`)
  return url
}

export interface BasemapSetup {
  config: BasemapConfig
  /** The local PMTiles file, when the config is 'pmtiles'. */
  file: string | null
}

/** Reads the base-map variables; a malformed value stops the server with the reason. */
export function basemapFromEnv(env: NodeJS.ProcessEnv = process.env): BasemapSetup {
  const pmtiles = env.YIWANG_BASEMAP_PMTILES?.trim()
  if (pmtiles) {
    let size = 0
    try {
      const st = statSync(pmtiles)
      size = st.isFile() ? st.size : 0
    } catch {
      size = 0
    }
    if (!size) throw new Error(`YIWANG_BASEMAP_PMTILES is not a readable, non-empty file: ${pmtiles}`)
    return { config: { kind: 'pmtiles', url: PMTILES_PATH }, file: pmtiles }
  }
  const vector = env.YIWANG_BASEMAP_VECTOR_STYLE?.trim()
  if (vector) {
    const template = vector.includes('{z}')
    const url = checkUrl('YIWANG_BASEMAP_VECTOR_STYLE', vector, template)
    return {
      config: template ? { kind: 'vector', tiles: [url] } : { kind: 'vector', style: url },
      file: null,
    }
  }
  const xyz = env.YIWANG_BASEMAP_XYZ?.trim()
  if (xyz) {
    return {
      config: { kind: 'xyz', tiles: [checkUrl('YIWANG_BASEMAP_XYZ', xyz, true)], tileSize: 256 },
      file: null,
    }
  }
  const token = env.YIWANG_TIANDITU_TOKEN?.trim()
  if (token) {
    if (!/^[A-Za-z0-9]{8,64}$/.test(token))
      throw new Error(
        'YIWANG_TIANDITU_TOKEN must be the key of a 天地图 browser application (letters and digits)',
      )
    return {
      config: { kind: 'tianditu', tiles: tiandituTiles('vec', token), labels: tiandituTiles('cva', token) },
      file: null,
    }
  }
  return { config: { kind: 'none' }, file: null }
}

/** The origins the browser must be allowed to fetch from for this base map (none when local). */
export function basemapOrigins(config: BasemapConfig): string[] {
  const urls =
    config.kind === 'xyz' || config.kind === 'tianditu'
      ? [...config.tiles, ...(config.kind === 'tianditu' ? config.labels : [])]
      : config.kind === 'vector'
        ? 'style' in config
          ? [config.style]
          : config.tiles
        : []
  const origins = new Set<string>()
  for (const url of urls) {
    if (url.startsWith('/')) continue
    origins.add(new URL(url).origin)
  }
  return [...origins]
}

/**
 * `bytes=a-b`, `bytes=a-`, `bytes=-n` of a file of `size` bytes: the range, 'bad' when it lies
 * outside the file (416), or null to send the whole file (no Range, several ranges or a malformed
 * one, which RFC 9110 lets a server ignore).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'bad' {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  // Several ranges (or another unit) are answered with the whole file, as RFC 9110 allows.
  if (!m) return null
  const [, a = '', b = ''] = m
  if (a === '' && b === '') return null
  if (a === '') {
    const n = Number(b)
    if (n === 0) return 'bad'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(a)
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  if (start >= size || end < start) return 'bad'
  return { start, end }
}

/**
 * GET /api/basemap (what the client should draw under the layers) and, for a local PMTiles file,
 * GET /basemap/basemap.pmtiles with Range support. Both need a signed-in caller with map.read.
 */
export function registerBasemap(
  app: FastifyInstance,
  deps: { db: () => Database | null; setup?: BasemapSetup },
): void {
  const setup = deps.setup ?? basemapFromEnv()

  app.get('/api/basemap', async (req, reply) => {
    if (!guardRoute(req, reply, deps.db(), ['map.read'])) return reply
    return reply.header('cache-control', 'private, no-cache').send(setup.config)
  })

  const file = setup.file
  if (!file) return
  app.get(PMTILES_PATH, async (req, reply) => {
    if (!guardRoute(req, reply, deps.db(), ['map.read'])) return reply
    const st = statSync(file)
    const etag = `"${st.size.toString(36)}-${Math.round(st.mtimeMs).toString(36)}"`
    reply
      .header('accept-ranges', 'bytes')
      .header('content-type', 'application/vnd.pmtiles')
      .header('etag', etag)
      .header('cache-control', 'private, max-age=3600')
    const range = parseRange(req.headers.range, st.size)
    if (range === 'bad') return reply.code(416).header('content-range', `bytes */${st.size}`).send()
    if (range === null) {
      if (req.headers['if-none-match'] === etag) return reply.code(304).send()
      return reply.header('content-length', st.size).send(createReadStream(file))
    }
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${st.size}`)
      .header('content-length', range.end - range.start + 1)
      .send(createReadStream(file, { start: range.start, end: range.end }))
  })
}
