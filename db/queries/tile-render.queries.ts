import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { Database } from '../client.ts'
import { TILE_KEY_LEVEL } from '../schema/tile-key.ts'
import { polygonRings, TILE_EXTENT, type TileFeature, tileEnvelope3857 } from './tiles.queries.ts'

/**
 * The one renderer of every layer's tiles (docs/layers.md). A layer describes its source layers
 * as SQL subqueries that yield tile-space points (`px`, `py`) or EPSG:4326 polygons (`g`), an
 * optional feature id (`fid`) and typed properties; this module turns them into a tile:
 * - on PostgreSQL in one statement by ST_AsMVT (polygons through ST_AsMVTGeom);
 * - anywhere (PGlite, whose PostGIS has no protobuf) as features for the Node encoder, with the
 *   polygons clipped, transformed and snapped in SQL (ST_ClipByBox2D, ST_TransScale, ST_SnapToGrid).
 * Points and cells are computed by the same SQL on both paths, so they are identical.
 */

export interface TileAddress {
  z: number
  x: number
  y: number
}

export type PropType = 'int' | 'text'

export interface SourceLayer {
  /** The source layer's name in the tile (a code constant). */
  name: string
  geometry: 'point' | 'polygon'
  /** Subquery with px, py (integer tile units) for points or g (EPSG:4326) for polygons; fid when `id`. */
  sql: SQL
  /** Property columns of the subquery and how they are encoded. Null values are left out. */
  props: Readonly<Record<string, PropType>>
  /** The subquery's `fid` is the MVT feature id. */
  id: boolean
  /** Polygons: tile units kept around the tile (default 64). */
  buffer?: number
}

/** Points, unless the tile would hold more than `budget` of them: then the cells instead. */
export interface Adaptive {
  points: SourceLayer
  cells: SourceLayer
  budget: number
}

export type TilePart = SourceLayer | Adaptive

const isAdaptive = (p: TilePart): p is Adaptive => 'budget' in p
const IDENT = /^[a-z][a-z0-9_]*$/

function checkLayer(l: SourceLayer) {
  if (!IDENT.test(l.name)) throw new Error(`not a source-layer name: ${l.name}`)
  for (const p of Object.keys(l.props)) if (!IDENT.test(p)) throw new Error(`not a property name: ${p}`)
}

// ---- tile geometry --------------------------------------------------------------------------

/** The tile's range of tile keys: [lo, hi] inclusive (one contiguous range, see migration 0014). */
export function keyRange(t: TileAddress): { lo: number; hi: number } {
  if (t.z > TILE_KEY_LEVEL) throw new Error(`no key range above zoom ${TILE_KEY_LEVEL}`)
  const shift = BigInt(2 * (TILE_KEY_LEVEL - t.z))
  const m = morton(BigInt(t.x), BigInt(t.y))
  return { lo: Number(m << shift), hi: Number(((m + 1n) << shift) - 1n) }
}

function morton(x: bigint, y: bigint): bigint {
  let out = 0n
  for (let i = 0n; i < 32n; i++) out |= (((x >> i) & 1n) << (2n * i)) | (((y >> i) & 1n) << (2n * i + 1n))
  return out
}

export const inTile = (key: SQL, t: TileAddress): SQL => {
  const { lo, hi } = keyRange(t)
  return sql`${key} BETWEEN ${lo}::bigint AND ${hi}::bigint`
}

/** Cells can be made from keys up to this zoom (a cell of zoom z is a key prefix of level z + 6). */
export const MAX_CELL_ZOOM = TILE_KEY_LEVEL - 6

const COLUMN = /^[a-z]+\.[a-z_]+$/
function column(name: string): string {
  if (!COLUMN.test(name)) throw new Error(`not a qualified column: ${name}`)
  return name
}

/** The cell (0–4095: 6 bits of x and y interleaved) of a tile key column (`e.tile_key`) within tile z. */
export const cellOfKey = (key: string, t: TileAddress): SQL =>
  sql.raw(`((${column(key)} >> ${2 * (MAX_CELL_ZOOM - t.z)}) & 4095)`)

/** Bits 0, 2, 4 … (even) or 1, 3, 5 … (odd) of a Morton code, packed: the x or y of `n` bits. */
function unshuffle(code: string, bits: number, odd: boolean): string {
  const terms: string[] = []
  for (let i = 0; i < bits; i++) terms.push(`((${code} >> ${i + (odd ? 1 : 0)}) & ${2 ** i})`)
  return `(${terms.join(' | ')})`
}

/** Centre of cell column `c` (from cellOfKey, or `cx`/`cy` pairs) in tile units. */
const cellCentre = (c: string) => ({
  px: sql.raw(`(${unshuffle(c, 6, false)} * 64 + 32)::int`),
  py: sql.raw(`(${unshuffle(c, 6, true)} * 64 + 32)::int`),
})

/**
 * A cells source layer in the caller's area. `grouped` yields `c` (cellOfKey or cellOfCount),
 * `grid_id` and the counts, grouped by cell and grid; the grids are checked against the area once
 * each (not once per row: a dense tile has 100,000 rows but some hundred grids), then the counts
 * are summed per cell. Cells are points at the cell centres.
 */
export function areaCells(
  name: string,
  grouped: SQL,
  counts: Readonly<Record<string, PropType>>,
  area: Area,
): SourceLayer {
  const { px, py } = cellCentre('q.c')
  const names = Object.keys(counts)
  for (const k of names) if (!IDENT.test(k)) throw new Error(`not a property name: ${k}`)
  const sums = sql.raw(names.map((k) => `sum(s.${k})::int AS ${k}`).join(', '))
  return {
    name,
    geometry: 'point',
    id: false,
    props: counts,
    sql: sql`SELECT ${px} AS px, ${py} AS py, ${sql.raw(names.map((k) => `q.${k}`).join(', '))} FROM (
      WITH s AS MATERIALIZED (${grouped})
      SELECT s.c, ${sums} FROM s
      WHERE s.grid_id IN (SELECT ag.id FROM grids ag
        WHERE ag.id IN (SELECT s2.grid_id FROM s s2) AND ag.path LIKE ${`${area.path}%`})
      GROUP BY s.c) q`,
  }
}

/** Pre-counted cells (cell_counts, migration 0016) serve the cell tiles up to this zoom. */
export const COUNTED_MAX_ZOOM = 12

/** The tile's range of cell_counts cells (cells of zoom 12 tiles: tile_key >> 16). */
export const inCountedTile = (t: TileAddress): SQL => {
  if (t.z > COUNTED_MAX_ZOOM) throw new Error(`no counted cells above zoom ${COUNTED_MAX_ZOOM}`)
  const shift = 2 * (TILE_KEY_LEVEL - COUNTED_MAX_ZOOM - 6)
  const { lo, hi } = keyRange(t)
  return sql`cc.cell BETWEEN ${Math.floor(lo / 2 ** shift)}::bigint AND ${Math.floor(hi / 2 ** shift)}::bigint`
}

/** The cell of a cell_counts row (`cc`) within tile z ≤ 12: the same cell as cellOfKey gives. */
export const cellOfCount = (t: TileAddress): SQL =>
  sql.raw(`((cc.cell >> ${2 * (COUNTED_MAX_ZOOM - t.z)}) & 4095)`)

/** Cells counted from a points subquery (layers without tile keys): `n` per 64 × 64 units. */
export function pointCells(name: string, points: SQL): SourceLayer {
  return {
    name,
    geometry: 'point',
    id: false,
    props: { n: 'int' },
    sql: sql`SELECT (q.cx * 64 + 32)::int AS px, (q.cy * 64 + 32)::int AS py, count(*)::int AS n
      FROM (SELECT s.px / 64 AS cx, s.py / 64 AS cy FROM (${points}) s) q GROUP BY q.cx, q.cy`,
  }
}

/**
 * A point's position in tile units from its tile key (no table access): zoom ≤ 14, where the
 * key's 26 levels hold the tile's 12 bits of extent. Same values as pointFromGeom.
 */
export function pointFromKey(key: string, t: TileAddress): { px: SQL; py: SQL } | null {
  if (t.z + 12 > TILE_KEY_LEVEL) return null
  const k = `((${column(key)} >> ${2 * (TILE_KEY_LEVEL - 12 - t.z)}) & 16777215)`
  return { px: sql.raw(`${unshuffle(k, 12, false)}::int`), py: sql.raw(`${unshuffle(k, 12, true)}::int`) }
}

/**
 * A point's position in tile units from its geometry: floor of the Web-Mercator position at
 * 2^(z+12), minus the tile's origin — the same arithmetic as tile_key(), so a point lies in the
 * tile its key says (units 0–4095).
 */
export function pointFromGeom(geom: SQL, t: TileAddress): { px: SQL; py: SQL } {
  const scale = sql.raw(String(2 ** (t.z + 12)))
  const lat = sql`greatest(-85.0511287798066, least(85.0511287798066, ST_Y(${geom})))`
  return {
    px: sql`(floor((ST_X(${geom}) + 180) / 360 * ${scale}) - ${t.x * TILE_EXTENT})::int`,
    py: sql`(floor((1 - ln(tan(radians(${lat})) + 1 / cos(radians(${lat}))) / pi()) / 2 * ${scale}) - ${t.y * TILE_EXTENT})::int`,
  }
}

/** The tile's bounding box in EPSG:4326, padded by one tile unit (for && on a GiST index). */
export function tileBbox4326(t: TileAddress, padUnits = 1): SQL {
  const env = tileEnvelope3857(t.z, t.x, t.y)
  const pad = ((env.xmax - env.xmin) * padUnits) / TILE_EXTENT
  return sql`ST_Transform(ST_MakeEnvelope(${env.xmin - pad}, ${env.ymin - pad}, ${env.xmax + pad}, ${env.ymax + pad}, 3857), 4326)`
}

/** Points of a subquery with px, py that lie in the tile itself (not its neighbours). */
export const insideTile = (px: SQL, py: SQL): SQL =>
  sql`${px} BETWEEN 0 AND ${TILE_EXTENT - 1} AND ${py} BETWEEN 0 AND ${TILE_EXTENT - 1}`

/** The caller's area in SQL, as a second line behind row-level security: the element's grid is in it. */
export const areaJoin = (gridId: SQL, area: Area): SQL =>
  sql`JOIN grids ag ON ag.id = ${gridId} AND ag.path LIKE ${`${area.path}%`}`

// ---- rendering ------------------------------------------------------------------------------

/** The whole tile by ST_AsMVT, in one statement (PostgreSQL). Empty buffer: nothing in the tile. */
export async function nativeTile(d: Database, t: TileAddress, parts: readonly TilePart[]): Promise<Buffer> {
  if (!parts.length) return Buffer.alloc(0)
  const [row] = await d.rows<{ mvt: Buffer | Uint8Array | null }>(nativeTileSql(t, parts))
  return Buffer.from(row?.mvt ?? new Uint8Array())
}

/** The one statement of nativeTile (the tile benchmark runs it raw through pgbench too). */
export function nativeTileSql(t: TileAddress, parts: readonly TilePart[]): SQL {
  const pieces = parts.map((p) =>
    isAdaptive(p)
      ? sql`(CASE WHEN (${countSql(p)}) > ${sql.raw(String(p.budget))} THEN ${mvtPiece(p.cells, t)} ELSE ${mvtPiece(p.points, t)} END)`
      : mvtPiece(p, t),
  )
  return sql`SELECT ${sql.join(pieces, sql` || `)} AS mvt`
}

/** How many points the tile would hold, counted up to budget + 1. */
const countSql = (p: Adaptive): SQL =>
  sql`SELECT count(*) FROM (SELECT 1 FROM (${p.points.sql}) s LIMIT ${sql.raw(String(p.budget + 1))}) c`

function mvtPiece(l: SourceLayer, t: TileAddress): SQL {
  checkLayer(l)
  const cols = Object.keys(l.props).map((k) => `s.${k}`)
  if (l.id) cols.unshift('s.fid')
  const geom =
    l.geometry === 'point'
      ? sql`ST_MakePoint(s.px, s.py)`
      : sql`ST_AsMVTGeom(ST_Transform(s.g, 3857), ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}), ${sql.raw(String(TILE_EXTENT))}, ${sql.raw(String(l.buffer ?? 64))}, true)`
  const args = `'${l.name}', ${TILE_EXTENT}, 'geom'${l.id ? `, 'fid'` : ''}`
  return sql`(SELECT coalesce(ST_AsMVT(q, ${sql.raw(args)}), ''::bytea) FROM (
    SELECT ${geom} AS geom, ${sql.raw(cols.join(', '))} FROM (${l.sql}) s) q${sql.raw(
      // ST_AsMVTGeom drops polygons that fall outside the tile or collapse; points are never null.
      l.geometry === 'polygon' ? ' WHERE q.geom IS NOT NULL' : '',
    )})`
}

/**
 * The tile's features in tile space, by source layer, for the Node encoder (PGlite; on PostgreSQL
 * too, which the equivalence test uses). Same features as nativeTile.
 */
export async function tileFeatures(
  d: Database,
  t: TileAddress,
  parts: readonly TilePart[],
): Promise<Record<string, TileFeature[]>> {
  const out: Record<string, TileFeature[]> = {}
  for (const p of parts) {
    let layer: SourceLayer
    if (isAdaptive(p)) {
      const [c] = await d.rows<{ n: number | string }>(sql`SELECT (${countSql(p)})::int AS n`)
      layer = Number(c?.n ?? 0) > p.budget ? p.cells : p.points
    } else layer = p
    out[layer.name] = await layerFeatures(d, t, layer)
  }
  return out
}

async function layerFeatures(d: Database, t: TileAddress, l: SourceLayer): Promise<TileFeature[]> {
  checkLayer(l)
  const cols = sql.raw(
    [...(l.id ? ['s.fid'] : []), ...Object.keys(l.props).map((k) => `s.${k}`)].join(', ') || 'NULL AS none',
  )
  const props = (r: Record<string, unknown>) => {
    const out: Record<string, string | number> = {}
    for (const [k, type] of Object.entries(l.props)) {
      const v = r[k]
      if (v === null || v === undefined) continue
      out[k] = type === 'int' ? Number(v) : String(v)
    }
    return out
  }
  const withId = (f: TileFeature, r: Record<string, unknown>): TileFeature =>
    l.id && r.fid !== null && r.fid !== undefined ? { ...f, id: Number(r.fid) } : f
  if (l.geometry === 'point') {
    const rows = await d.rows<Record<string, unknown>>(sql`SELECT s.px, s.py, ${cols} FROM (${l.sql}) s`)
    return rows.map((r) =>
      withId({ type: 1, geometry: [[[Number(r.px), Number(r.py)]]], properties: props(r) }, r),
    )
  }
  const env = tileEnvelope3857(t.z, t.x, t.y)
  const size = env.xmax - env.xmin
  const pad = (size * (l.buffer ?? 64)) / TILE_EXTENT
  const s = TILE_EXTENT / size
  const clip = sql`ST_MakeEnvelope(${env.xmin - pad}, ${env.ymin - pad}, ${env.xmax + pad}, ${env.ymax + pad}, 3857)`
  // To tile space: x' = (x - xmin)·s, y' = (ymax - y)·s; exterior rings clockwise on screen.
  const rows = await d.rows<Record<string, unknown> & { tile_geom: string | null }>(sql`
    SELECT ST_AsGeoJSON(ST_SnapToGrid(ST_TransScale(
             ST_ForcePolygonCW(ST_ClipByBox2D(ST_Transform(s.g, 3857), ${clip})),
             ${-env.xmin}, ${-env.ymax}, ${s}, ${-s}), 1)) AS tile_geom, ${cols}
    FROM (${l.sql}) s`)
  const out: TileFeature[] = []
  for (const r of rows) {
    if (!r.tile_geom) continue
    const rings = polygonRings(JSON.parse(r.tile_geom) as GeoJSON.Geometry)
    if (rings.length) out.push(withId({ type: 3, geometry: rings, properties: props(r) }, r))
  }
  return out
}
