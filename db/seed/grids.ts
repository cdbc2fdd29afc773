import { sql } from 'drizzle-orm'
import type { Database } from '../client.ts'
import type { CityPlan } from './geometry.ts'
import type { SeededGrid } from './types.ts'

/**
 * Store the planned hierarchy: leaf geometries go in by COPY, every upper level is the union of
 * its children (ST_Union in the database), then all levels are inserted top-down so that the
 * triggers set each grid's path, label point and area.
 */
export async function seedGrids(d: Database, plan: CityPlan): Promise<SeededGrid[]> {
  await d.rows(sql`DROP TABLE IF EXISTS seed_areas`)
  await d.rows(sql`CREATE UNLOGGED TABLE seed_areas (
    code text PRIMARY KEY, parent_code text, level smallint NOT NULL, name text NOT NULL, kind text NOT NULL,
    geom geometry(Geometry, 4326))`)
  const byIdx = plan.areas
  await d.copy(
    'seed_areas',
    ['code', 'parent_code', 'level', 'name', 'kind', 'geom'],
    byIdx.map((a) => [
      a.code,
      a.parentIdx === null ? null : byIdx[a.parentIdx]!.code,
      a.level,
      a.name,
      a.kind,
      a.geom
        ? `SRID=4326;POLYGON((${a.geom.coordinates[0]!.map((p) => `${p[0]} ${p[1]}`).join(',')}))`
        : null,
    ]),
  )
  await d.rows(sql`CREATE INDEX ON seed_areas (parent_code)`)
  for (const level of [4, 3, 2, 1]) {
    await d.rows(sql`UPDATE seed_areas p SET geom = u.geom
      FROM (SELECT parent_code, ST_Union(geom) AS geom FROM seed_areas WHERE level = ${level + 1} GROUP BY parent_code) u
      WHERE p.code = u.parent_code AND p.level = ${level}`)
  }
  for (const level of [1, 2, 3, 4, 5, 6]) {
    await d.rows(sql`INSERT INTO grids (code, name, level, kind, parent_id, geom, source)
      SELECT a.code, a.name, a.level, a.kind, g.id, ST_Multi(ST_CollectionExtract(a.geom, 3)), 'seed'
      FROM seed_areas a LEFT JOIN grids g ON g.code = a.parent_code
      WHERE a.level = ${level} ORDER BY a.code`)
  }
  await d.rows(sql`DROP TABLE seed_areas`)
  const rows = await d.rows<{
    id: number
    level: number
    code: string
    name: string
    path: string
    x: number
    y: number
  }>(
    sql`SELECT id, level, code, name, path, ST_X(label_point) AS x, ST_Y(label_point) AS y FROM grids ORDER BY id`,
  )
  const cellByCode = new Map(plan.cells.map((c) => [c.code, c]))
  return rows.map((r) => {
    const cell = cellByCode.get(r.code)
    return {
      id: Number(r.id),
      level: Number(r.level),
      code: r.code,
      name: r.name,
      path: r.path,
      ring: cell?.ring ?? [],
      centroid: cell?.centroid ?? [Number(r.x), Number(r.y)],
      urban: cell?.urban ?? 0,
    }
  })
}
