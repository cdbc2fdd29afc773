import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import {
  type BasemapSetup,
  basemapFromEnv,
  basemapOrigins,
  PMTILES_PATH,
  parseRange,
  registerBasemap,
} from '../../server/http/basemap.ts'
import { CSP, CSP_DIRECTIVES, cspDirectives } from '../../server/http/hardening.ts'
import type { Permission } from '../../server/security/permissions.ts'
import type { Principal } from '../../server/security/principal.ts'

const TOKEN = '0123456789abcdef0123456789abcdef'

/** A server with only the base-map routes; `x-test-permissions` stands in for a signed-in caller. */
async function serverWith(setup: BasemapSetup): Promise<FastifyInstance> {
  const app = Fastify()
  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (req) => {
    const header = req.headers['x-test-permissions']
    if (typeof header !== 'string') return
    req.principal = {
      kind: 'user',
      id: 1,
      name: 'tester',
      displayName: 'tester',
      roles: [],
      permissions: new Set(header.split(',') as Permission[]),
      area: { path: '/', gridId: null },
    } as unknown as Principal
  })
  registerBasemap(app, { db: () => ({}) as Database, setup })
  await app.ready()
  return app
}
const reader = { 'x-test-permissions': 'map.read' }

describe('base-map configuration from the environment', () => {
  it('is none by default: the client draws its own offline style', () => {
    expect(basemapFromEnv({})).toEqual({ config: { kind: 'none' }, file: null })
    expect(basemapOrigins({ kind: 'none' })).toEqual([])
  })

  it('takes an XYZ template and allows its origin only', () => {
    const { config } = basemapFromEnv({
      YIWANG_BASEMAP_XYZ: 'https://tiles.intranet.example:8443/osm/{z}/{x}/{y}.png',
    })
    expect(config).toEqual({
      kind: 'xyz',
      tiles: ['https://tiles.intranet.example:8443/osm/{z}/{x}/{y}.png'],
      tileSize: 256,
    })
    expect(basemapOrigins(config)).toEqual(['https://tiles.intranet.example:8443'])
  })

  it('takes a vector style URL or a vector tiles template', () => {
    expect(
      basemapFromEnv({ YIWANG_BASEMAP_VECTOR_STYLE: 'http://10.1.2.3/styles/dark.json' }).config,
    ).toEqual({
      kind: 'vector',
      style: 'http://10.1.2.3/styles/dark.json',
    })
    const tiles = basemapFromEnv({ YIWANG_BASEMAP_VECTOR_STYLE: '/vt/{z}/{x}/{y}.pbf' }).config
    expect(tiles).toEqual({ kind: 'vector', tiles: ['/vt/{z}/{x}/{y}.pbf'] })
    // A path on this server needs nothing beyond 'self'.
    expect(basemapOrigins(tiles)).toEqual([])
  })

  it('builds 天地图 vec_w and cva_w on t0–t7 with the token', () => {
    const { config } = basemapFromEnv({ YIWANG_TIANDITU_TOKEN: TOKEN })
    if (config.kind !== 'tianditu') throw new Error(config.kind)
    expect(config.tiles).toHaveLength(8)
    expect(config.tiles[0]).toBe(
      'https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default' +
        `&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${TOKEN}`,
    )
    expect(config.labels[7]).toContain('https://t7.tianditu.gov.cn/cva_w/wmts?')
    expect(config.labels[7]).toContain('LAYER=cva')
    expect(basemapOrigins(config)).toEqual(
      Array.from({ length: 8 }, (_, i) => `https://t${i}.tianditu.gov.cn`),
    )
  })

  it('refuses malformed values with the variable named', () => {
    expect(() => basemapFromEnv({ YIWANG_BASEMAP_XYZ: 'https://x.example/tiles.png' })).toThrow(
      /YIWANG_BASEMAP_XYZ/,
    )
    expect(() => basemapFromEnv({ YIWANG_BASEMAP_XYZ: 'ftp://x.example/{z}/{x}/{y}' })).toThrow(/http/)
    expect(() => basemapFromEnv({ YIWANG_TIANDITU_TOKEN: 'a b"c' })).toThrow(/YIWANG_TIANDITU_TOKEN/)
    expect(() => basemapFromEnv({ YIWANG_BASEMAP_PMTILES: '/nonexistent/file.pmtiles' })).toThrow(
      /YIWANG_BASEMAP_PMTILES/,
    )
  })
})

describe('the Content-Security-Policy', () => {
  it('is the strict one without a remote base map', () => {
    expect(cspDirectives([])).toBe(CSP_DIRECTIVES)
    expect(CSP).toContain("connect-src 'self';")
  })

  it('allows the base map origins for images and fetches, and nothing else', () => {
    const d = cspDirectives(['https://t0.tianditu.gov.cn'])
    expect(d.imgSrc).toEqual(["'self'", 'data:', 'blob:', 'https://t0.tianditu.gov.cn'])
    expect(d.connectSrc).toEqual(["'self'", 'https://t0.tianditu.gov.cn'])
    expect(d.scriptSrc).toEqual(["'self'"])
    expect(d.defaultSrc).toEqual(["'self'"])
  })
})

describe('parseRange', () => {
  it('reads the three forms of one byte range', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 })
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=990-2000', 1000)).toEqual({ start: 990, end: 999 })
  })

  it('sends the whole file for no, several or malformed ranges, and 416 outside the file', () => {
    expect(parseRange(undefined, 1000)).toBeNull()
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull()
    expect(parseRange('lines=1-2', 1000)).toBeNull()
    expect(parseRange('bytes=1000-', 1000)).toBe('bad')
    expect(parseRange('bytes=5-3', 1000)).toBe('bad')
    expect(parseRange('bytes=-0', 1000)).toBe('bad')
  })
})

describe('the base-map routes', () => {
  let dir: string
  let file: string
  let bytes: Buffer
  let pmtiles: FastifyInstance
  let none: FastifyInstance

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yiwang-basemap-'))
    file = join(dir, 'city.pmtiles')
    // Any bytes do for Range semantics; a PMTiles file starts with "PMTiles" and its version.
    bytes = Buffer.concat([Buffer.from('PMTiles\u0003'), randomBytes(70_000)])
    writeFileSync(file, bytes)
    writeFileSync(join(dir, 'secret.txt'), 'not for the browser')
    pmtiles = await serverWith(basemapFromEnv({ YIWANG_BASEMAP_PMTILES: file }))
    none = await serverWith(basemapFromEnv({}))
  })

  afterAll(async () => {
    await pmtiles?.close()
    await none?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers the configuration to a signed-in caller', async () => {
    const res = await pmtiles.inject({ url: '/api/basemap', headers: reader })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ kind: 'pmtiles', url: PMTILES_PATH })
    expect((await none.inject({ url: '/api/basemap', headers: reader })).json()).toEqual({ kind: 'none' })
  })

  it('needs a caller with map.read', async () => {
    expect((await pmtiles.inject({ url: '/api/basemap' })).statusCode).toBe(401)
    expect((await pmtiles.inject({ url: PMTILES_PATH })).statusCode).toBe(401)
    const other = { 'x-test-permissions': 'audit.read' }
    expect((await pmtiles.inject({ url: PMTILES_PATH, headers: other })).statusCode).toBe(403)
  })

  it('serves a byte range as 206 partial content', async () => {
    const res = await pmtiles.inject({ url: PMTILES_PATH, headers: { ...reader, range: 'bytes=0-126' } })
    expect(res.statusCode).toBe(206)
    expect(res.headers['content-range']).toBe(`bytes 0-126/${bytes.length}`)
    expect(res.headers['content-length']).toBe('127')
    expect(res.headers['accept-ranges']).toBe('bytes')
    expect(res.rawPayload.equals(bytes.subarray(0, 127))).toBe(true)

    const middle = await pmtiles.inject({
      url: PMTILES_PATH,
      headers: { ...reader, range: 'bytes=40000-40999' },
    })
    expect(middle.statusCode).toBe(206)
    expect(middle.rawPayload.equals(bytes.subarray(40_000, 41_000))).toBe(true)

    const tail = await pmtiles.inject({ url: PMTILES_PATH, headers: { ...reader, range: 'bytes=-10' } })
    expect(tail.rawPayload.equals(bytes.subarray(bytes.length - 10))).toBe(true)
  })

  it('serves the whole file without a Range, and 416 for a range beyond it', async () => {
    const whole = await pmtiles.inject({ url: PMTILES_PATH, headers: reader })
    expect(whole.statusCode).toBe(200)
    expect(whole.rawPayload.equals(bytes)).toBe(true)
    expect(whole.headers.etag).toBeTruthy()
    const beyond = await pmtiles.inject({
      url: PMTILES_PATH,
      headers: { ...reader, range: `bytes=${bytes.length}-` },
    })
    expect(beyond.statusCode).toBe(416)
    expect(beyond.headers['content-range']).toBe(`bytes */${bytes.length}`)
  })

  it('serves that one file and nothing else', async () => {
    for (const url of [
      '/basemap/secret.txt',
      '/basemap/city.pmtiles',
      '/basemap/../secret.txt',
      '/basemap/%2e%2e/secret.txt',
      `/basemap/basemap.pmtiles/../secret.txt`,
      '/basemap/',
    ]) {
      const res = await pmtiles.inject({ url, headers: reader })
      expect(res.statusCode, url).toBe(404)
      expect(res.body).not.toContain('not for the browser')
    }
    expect((await none.inject({ url: PMTILES_PATH, headers: reader })).statusCode).toBe(404)
  })
})
