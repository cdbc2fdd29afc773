import { type SQL, sql } from 'drizzle-orm'
import type { Db } from '../client.ts'

/**
 * Spatial SQL of the boundary import (server/import). Everything runs inside one transaction on a
 * temporary table `import_features` that is dropped at its end; nothing here commits by itself.
 * Areas are geodesic (geography) in m².
 */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

/** Rows of a raw query inside a transaction, the same shape on PGlite and postgres.js. */
export async function txRows<T>(tx: Tx, q: SQL): Promise<T[]> {
  const res = (await tx.execute(q)) as unknown as T[] | { rows: T[] }
  return Array.isArray(res) ? res : res.rows
}

/**
 * The work table. ON COMMIT DROP ends it with the transaction; when the import runs as a savepoint
 * inside a caller's transaction, dropImportTable ends it instead.
 */
export async function createImportTable(tx: Tx): Promise<void> {
  // JIT compiles these few heavy statements for longer than they run (0.8 s a query on PostgreSQL 15).
  await tx.execute(sql`SET LOCAL jit = off`)
  await dropImportTable(tx)
  await tx.execute(sql`CREATE TEMP TABLE import_features (
    idx int PRIMARY KEY, code text, name text, kind text NOT NULL,
    geom geometry NOT NULL, valid boolean, parent_id int,
    grid_id int, old_geom geometry, action text
  ) ON COMMIT DROP`)
}

export async function dropImportTable(tx: Tx): Promise<void> {
  await tx.execute(sql`DROP TABLE IF EXISTS pg_temp.import_features`)
}

export interface LoadRow {
  i: number
  c: string | null
  n: string | null
  k: string
  /** GeoJSON geometry in WGS84. */
  g: unknown
}

export async function loadFeatures(tx: Tx, rows: LoadRow[]): Promise<void> {
  await tx.execute(sql`INSERT INTO import_features (idx, code, name, kind, geom)
    SELECT (f->>'i')::int, f->>'c', f->>'n', f->>'k', ST_SetSRID(ST_GeomFromGeoJSON((f->'g')::text), 4326)
    FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) f`)
}

/**
 * Once the features are in: indexes for the pairwise checks and the code look-ups. No ANALYZE on
 * purpose: PGlite's PostGIS 3.6 fails planning a && join between two analyzed tables whose extents
 * do not meet ("invalid join selectivity"), e.g. a new city beside a stored one.
 */
export async function indexImportTable(tx: Tx): Promise<void> {
  await tx.execute(sql`CREATE INDEX ON pg_temp.import_features USING gist (geom)`)
  await tx.execute(sql`CREATE INDEX ON pg_temp.import_features (code)`)
}

export interface Located {
  idx: number | null
  code: string | null
  name: string | null
  lon: number | null
  lat: number | null
}

/** Mark each feature valid or not; return the invalid ones with GEOS's reason and where. */
export async function invalidFeatures(tx: Tx): Promise<(Located & { reason: string })[]> {
  await tx.execute(sql`UPDATE import_features SET valid = ST_IsValid(geom) AND NOT ST_IsEmpty(geom)`)
  return txRows(
    tx,
    sql`SELECT f.idx, f.code, f.name, d.reason,
        ST_X(coalesce(d.location, ST_StartPoint(ST_ExteriorRing(ST_GeometryN(f.geom, 1))))) AS lon,
        ST_Y(coalesce(d.location, ST_StartPoint(ST_ExteriorRing(ST_GeometryN(f.geom, 1))))) AS lat
      FROM import_features f, LATERAL ST_IsValidDetail(f.geom) d
      WHERE NOT f.valid ORDER BY f.idx`,
  )
}

export interface GridRef {
  id: number
  code: string
  name: string
  level: number
}

export async function gridByCode(tx: Tx, code: string): Promise<GridRef | undefined> {
  const [g] = await txRows<GridRef>(tx, sql`SELECT id, code, name, level FROM grids WHERE code = ${code}`)
  return g
}

/** Features whose code is stored already at another level. */
export async function levelConflicts(tx: Tx, level: number): Promise<(Located & { level: number })[]> {
  return txRows(
    tx,
    sql`SELECT f.idx, f.code, f.name, g.level, ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
      FROM import_features f JOIN grids g ON g.code = f.code WHERE g.level <> ${level} ORDER BY f.idx`,
  )
}

export async function setParent(tx: Tx, parentId: number): Promise<void> {
  await tx.execute(sql`UPDATE import_features SET parent_id = ${parentId}`)
}

/** For each valid feature, the stored grid one level up that holds most of it. Returns the orphans. */
export async function findParents(tx: Tx, level: number): Promise<Located[]> {
  await tx.execute(sql`UPDATE import_features f SET parent_id = (
      SELECT g.id FROM grids g
      WHERE g.level = ${level - 1} AND g.geom && f.geom AND ST_Intersects(g.geom, f.geom)
      ORDER BY ST_Area(ST_Intersection(g.geom, f.geom)) DESC, g.id LIMIT 1)
    WHERE valid`)
  return txRows(
    tx,
    sql`SELECT idx, code, name, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
      FROM import_features WHERE valid AND parent_id IS NULL ORDER BY idx`,
  )
}

export interface AreaProblem extends Located {
  /** m², geodesic. */
  area: number
  /** Width in metres (diameter of the largest inscribed circle); only for parts above the area tolerance. */
  width: number | null
  other_idx: number | null
  other_code: string | null
  other_name: string | null
}

/**
 * Measure polygon parts `g` of an inner query (columns idx, code, name, other_idx, other_code,
 * other_name, g): area, a point on the part, and for parts above `tolM2` the width, on a local
 * equirectangular plane in metres (good to about 1% over a few kilometres; no PROJ needed).
 */
const measured = (inner: SQL, tolM2: number) => sql`
  SELECT idx, code, name, other_idx, other_code, other_name, area,
         ST_X(ST_PointOnSurface(g)) AS lon, ST_Y(ST_PointOnSurface(g)) AS lat,
         CASE WHEN area > ${tolM2} THEN 2 * (ST_MaximumInscribedCircle(ST_Scale(
           ST_Translate(g, -ST_X(ST_Centroid(g)), -ST_Y(ST_Centroid(g))),
           111320 * cos(radians(ST_Y(ST_Centroid(g)))), 110574))).radius END AS width
  FROM (SELECT x.*, ST_Area(x.g::geography) AS area FROM (${inner}) x) m
  ORDER BY area DESC`

/**
 * Parts where interiors overlap: features of the file with each other, and with stored grids of
 * the same level and parent that the file does not replace. Two joins, so each uses a GiST index.
 */
export async function overlaps(tx: Tx, level: number, tolM2: number): Promise<AreaProblem[]> {
  return txRows(
    tx,
    measured(
      sql`SELECT a.idx, a.code, a.name, b.idx AS other_idx, b.code AS other_code, b.name AS other_name, d.geom AS g
        FROM import_features a JOIN import_features b ON a.idx < b.idx AND a.geom && b.geom,
          LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3)) d
        WHERE a.valid AND b.valid AND ST_Relate(a.geom, b.geom, '2********')
        UNION ALL
        SELECT a.idx, a.code, a.name, NULL, s.code, s.name, d.geom
        FROM import_features a JOIN grids s ON s.geom && a.geom AND s.level = ${level} AND s.parent_id = a.parent_id,
          LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(a.geom, s.geom), 3)) d
        WHERE a.valid AND ST_Relate(a.geom, s.geom, '2********')
          AND NOT EXISTS (SELECT 1 FROM import_features f WHERE f.code = s.code)`,
      tolM2,
    ),
  )
}

/** Parts of each feature outside its parent. */
export async function outsideParent(tx: Tx, tolM2: number): Promise<AreaProblem[]> {
  return txRows(
    tx,
    measured(
      sql`SELECT f.idx, f.code, f.name, NULL::int AS other_idx, p.code AS other_code, p.name AS other_name, d.geom AS g
        FROM import_features f JOIN grids p ON p.id = f.parent_id,
          LATERAL ST_Dump(ST_CollectionExtract(ST_Difference(f.geom, p.geom), 3)) d
        WHERE f.valid AND NOT ST_CoveredBy(f.geom, p.geom)`,
      tolM2,
    ),
  )
}

/**
 * Parts of each parent covered by none of its children: the file's features plus the stored
 * children of the same level that the file does not replace.
 */
export async function gaps(tx: Tx, level: number, tolM2: number): Promise<AreaProblem[]> {
  return txRows(
    tx,
    measured(
      sql`WITH parents AS (SELECT DISTINCT parent_id AS id FROM import_features WHERE valid AND parent_id IS NOT NULL),
        kids AS (
          SELECT parent_id AS pid, geom FROM import_features WHERE valid AND parent_id IS NOT NULL
          UNION ALL
          SELECT g.parent_id, g.geom FROM grids g JOIN parents p ON p.id = g.parent_id
          WHERE g.level = ${level} AND NOT EXISTS (SELECT 1 FROM import_features f WHERE f.code = g.code)
        )
        SELECT NULL::int AS idx, NULL::text AS code, NULL::text AS name, NULL::int AS other_idx,
               g.code AS other_code, g.name AS other_name, d.geom AS g
        FROM parents p JOIN grids g ON g.id = p.id,
          LATERAL ST_Dump(ST_CollectionExtract(
            ST_Difference(g.geom, (SELECT ST_Union(k.geom) FROM kids k WHERE k.pid = p.id)), 3)) d`,
      tolM2,
    ),
  )
}

export interface StoreCounts {
  inserted: number
  updated: number
  unchanged: number
  replaced: number
}

/**
 * Upsert by code: new codes are inserted, changed ones updated (the grids trigger keeps the old
 * version in grid_history), then elements in the changed areas are placed again.
 */
export async function storeFeatures(tx: Tx, level: number, source: string): Promise<StoreCounts> {
  await tx.execute(sql`UPDATE import_features f SET grid_id = g.id, old_geom = g.geom,
      action = CASE WHEN g.name = f.name AND g.parent_id IS NOT DISTINCT FROM f.parent_id
                     AND ST_Equals(g.geom, ST_Multi(f.geom)) THEN 'unchanged' ELSE 'updated' END
    FROM grids g WHERE g.code = f.code`)
  await tx.execute(sql`UPDATE import_features SET action = 'inserted' WHERE grid_id IS NULL`)
  await tx.execute(sql`INSERT INTO grids (code, name, level, kind, parent_id, geom, source)
    SELECT code, name, ${level}, kind, parent_id, ST_Multi(geom), ${source}
    FROM import_features WHERE action = 'inserted' ORDER BY idx`)
  await tx.execute(sql`UPDATE grids g SET name = f.name, parent_id = f.parent_id, geom = ST_Multi(f.geom), source = ${source}
    FROM import_features f WHERE f.action = 'updated' AND g.id = f.grid_id`)
  const [counts] = await txRows<{ inserted: number; updated: number; unchanged: number }>(
    tx,
    sql`SELECT count(*) FILTER (WHERE action = 'inserted')::int AS inserted,
          count(*) FILTER (WHERE action = 'updated')::int AS updated,
          count(*) FILTER (WHERE action = 'unchanged')::int AS unchanged
        FROM import_features`,
  )
  const [r] = await txRows<{ n: number | null }>(
    tx,
    sql`SELECT replace_elements_in(ST_UnaryUnion(ST_Collect(area)))::int AS n FROM (
        SELECT CASE WHEN old_geom IS NULL THEN geom ELSE ST_SymDifference(old_geom, ST_Multi(geom)) END AS area
        FROM import_features WHERE action = 'inserted' OR (action = 'updated' AND NOT ST_Equals(old_geom, ST_Multi(geom)))
      ) c HAVING count(*) > 0`,
  )
  return { inserted: 0, updated: 0, unchanged: 0, ...counts, replaced: r?.n ?? 0 }
}
