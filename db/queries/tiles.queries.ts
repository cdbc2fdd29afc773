import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { Database } from '../client.ts'

export const TILE_EXTENT = 4096
const BUFFER = 64

/** Which grid levels a tile at zoom z holds: the level shown and its parent (drawn heavier). */
export function gridLevelsForZoom(z: number): number[] {
  if (z <= 8) return [1, 2]
  if (z <= 10) return [2, 3]
  if (z <= 12) return [3, 4]
  if (z <= 13) return [4, 5]
  return [5, 6]
}

/**
 * A grid's five-colour grade (grid_stats), by primary key per grid: a join let the planner scan
 * all of grid_stats (its row-level security makes a parameterised lookup look expensive).
 */
const GRADE = sql.raw('(SELECT st.grade FROM grid_stats st WHERE st.grid_id = g.id) AS grade')

export interface TileFeature {
  /** 1 point, 3 polygon (MVT geometry types). */
  type: 1 | 3
  /** Rings (polygons) or a single point, in tile coordinates. */
  geometry: [number, number][][]
  properties: Record<string, string | number>
  /** The MVT feature id, when the feature has one. */
  id?: number
}

/**
 * The grid boundaries and label points of one tile. On PostgreSQL the tile is made by ST_AsMVT;
 * PGlite's PostGIS lacks protobuf (no ST_AsMVT, no ST_AsMVTGeom), so there the same clipping,
 * transform and snapping are done in SQL and the tile is encoded in Node (server/tiles/encode.ts).
 */
export async function gridTilePostgres(
  d: Database,
  area: Area,
  z: number,
  x: number,
  y: number,
  levels: number[],
): Promise<Buffer> {
  const filter = gridFilter(area, levels)
  // The envelope inline (not in a CTE), so that it is folded to a constant and `&&` uses the GiST index.
  const env = sql`ST_TileEnvelope(${z}, ${x}, ${y})`
  const [row] = await d.rows<{ mvt: Buffer | Uint8Array | null }>(sql`
    WITH polys AS (
      SELECT ST_AsMVTGeom(ST_Transform(g.geom, 3857), ${env}, ${TILE_EXTENT}, ${BUFFER}, true) AS geom,
             g.id AS fid, g.id, g.code, g.name, g.level, g.kind, ${GRADE}
      FROM grids g WHERE g.geom && ST_Transform(${env}, 4326) AND ${filter}),
    labels AS (
      SELECT ST_AsMVTGeom(ST_Transform(g.label_point, 3857), ${env}, ${TILE_EXTENT}, 0, true) AS geom,
             g.id AS fid, g.id, g.code, g.name, g.level, g.kind, ${GRADE}
      FROM grids g WHERE g.label_point && ST_Transform(${env}, 4326) AND ${filter})
    SELECT coalesce((SELECT ST_AsMVT(polys.*, 'grids', ${TILE_EXTENT}, 'geom', 'fid') FROM polys WHERE geom IS NOT NULL), ''::bytea)
        || coalesce((SELECT ST_AsMVT(labels.*, 'grid_labels', ${TILE_EXTENT}, 'geom', 'fid') FROM labels WHERE geom IS NOT NULL), ''::bytea) AS mvt`)
  return Buffer.from(row?.mvt ?? new Uint8Array())
}

/** The same features as tile-space GeoJSON, for the Node encoder (PGlite). */
export async function gridTileFeatures(
  d: Database,
  area: Area,
  z: number,
  x: number,
  y: number,
  levels: number[],
): Promise<{ grids: TileFeature[]; labels: TileFeature[] }> {
  const filter = gridFilter(area, levels)
  const env = tileEnvelope3857(z, x, y)
  const size = env.xmax - env.xmin
  const pad = (size * BUFFER) / TILE_EXTENT
  const s = TILE_EXTENT / size
  const clip = sql`ST_MakeEnvelope(${env.xmin - pad}, ${env.ymin - pad}, ${env.xmax + pad}, ${env.ymax + pad}, 3857)`
  const bbox4326 = sql`ST_Transform(ST_MakeEnvelope(${env.xmin}, ${env.ymin}, ${env.xmax}, ${env.ymax}, 3857), 4326)`
  // To tile space: x' = (x - xmin)·s, y' = (ymax - y)·s; exterior rings clockwise on screen.
  const toTile = (g: SQL) =>
    sql`ST_SnapToGrid(ST_TransScale(${g}, ${-env.xmin}, ${-env.ymax}, ${s}, ${-s}), 1)`
  const polys = await d.rows<{
    g: string | null
    id: number
    code: string
    name: string
    level: number
    kind: string
    grade: number | null
  }>(sql`
    SELECT ST_AsGeoJSON(${toTile(sql`ST_ForcePolygonCW(ST_ClipByBox2D(ST_Transform(g.geom, 3857), ${clip}))`)}) AS g,
           g.id, g.code, g.name, g.level, g.kind, ${GRADE}
    FROM grids g WHERE g.geom && ${bbox4326} AND ${filter} ORDER BY g.id`)
  const labels = await d.rows<{
    x: number
    y: number
    id: number
    code: string
    name: string
    level: number
    kind: string
    grade: number | null
  }>(sql`
    SELECT ST_X(t.p) AS x, ST_Y(t.p) AS y, t.id, t.code, t.name, t.level, t.kind, t.grade FROM (
      SELECT ${toTile(sql`ST_Transform(g.label_point, 3857)`)} AS p, g.id, g.code, g.name, g.level, g.kind, ${GRADE}
      FROM grids g WHERE g.label_point && ${bbox4326} AND ${filter}) t
    WHERE ST_X(t.p) BETWEEN 0 AND ${TILE_EXTENT} AND ST_Y(t.p) BETWEEN 0 AND ${TILE_EXTENT} ORDER BY t.id`)
  const props = (r: {
    id: number
    code: string
    name: string
    level: number
    kind: string
    grade: number | null
  }) => ({
    id: Number(r.id),
    code: r.code,
    name: r.name,
    level: Number(r.level),
    kind: r.kind,
    // No grade before the first refresh_grid_stats(): the property is left out, as ST_AsMVT does.
    ...(r.grade === null || r.grade === undefined ? {} : { grade: Number(r.grade) }),
  })
  const grids: TileFeature[] = []
  for (const r of polys) {
    if (!r.g) continue
    const rings = polygonRings(JSON.parse(r.g) as GeoJSON.Geometry)
    if (rings.length) grids.push({ type: 3, geometry: rings, properties: props(r), id: Number(r.id) })
  }
  return {
    grids,
    labels: labels.map((r) => ({
      type: 1 as const,
      geometry: [[[Number(r.x), Number(r.y)]]],
      properties: props(r),
      id: Number(r.id),
    })),
  }
}

function gridFilter(area: Area, levels: number[]): SQL {
  return sql`g.level IN (${sql.join(
    levels.map((l) => sql`${l}`),
    sql`, `,
  )}) AND g.path LIKE ${`${area.path}%`}`
}

/** Rings of a (multi)polygon, dropping degenerate ones left by snapping. */
export function polygonRings(g: GeoJSON.Geometry): [number, number][][] {
  const polys =
    g.type === 'Polygon'
      ? [g.coordinates]
      : g.type === 'MultiPolygon'
        ? g.coordinates
        : g.type === 'GeometryCollection'
          ? g.geometries.flatMap((x) =>
              x.type === 'Polygon' ? [x.coordinates] : x.type === 'MultiPolygon' ? x.coordinates : [],
            )
          : []
  const out: [number, number][][] = []
  for (const p of polys) for (const ring of p) if (ring.length >= 4) out.push(ring.map((c) => [c[0]!, c[1]!]))
  return out
}

const HALF = 20037508.342789244

export function tileEnvelope3857(z: number, x: number, y: number) {
  const size = (2 * HALF) / 2 ** z
  return {
    xmin: -HALF + x * size,
    xmax: -HALF + (x + 1) * size,
    ymax: HALF - y * size,
    ymin: HALF - (y + 1) * size,
  }
}
