import { sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import {
  areaCells,
  areaJoin,
  cellOfKey,
  insideTile,
  inTile,
  pointFromGeom,
  pointFromKey,
  type SourceLayer,
  type TileAddress,
  tileBbox4326,
} from './tile-render.queries.ts'

/** Source layers of places (地): compounds, buildings, public places. SQL only; bands live in server/tiles. */

/** `compounds` (小区): footprints. */
export function compounds(t: TileAddress, area: Area): SourceLayer {
  return {
    name: 'compounds',
    geometry: 'polygon',
    id: true,
    props: { id: 'int', name: 'text' },
    sql: sql`SELECT c.footprint AS g, c.id AS fid, c.id, c.name
      FROM compounds c ${areaJoin(sql.raw('c.grid_id'), area)}
      WHERE c.footprint && ${tileBbox4326(t, 64)}`,
  }
}

/** `buildings`: footprints with name, use and floors. */
export function buildingFootprints(t: TileAddress, area: Area): SourceLayer {
  return {
    name: 'buildings',
    geometry: 'polygon',
    id: true,
    props: { id: 'int', name: 'text', use: 'text', floors: 'int' },
    sql: sql`SELECT b.footprint AS g, b.id AS fid, b.id, b.name, b.use, b.floors::int AS floors
      FROM buildings b ${areaJoin(sql.raw('b.grid_id'), area)}
      WHERE b.footprint && ${tileBbox4326(t, 64)}`,
  }
}

/** `building_points`: building centres with their use (index-only from the tile-key index up to z14). */
export function buildingPoints(t: TileAddress, area: Area): SourceLayer {
  const pos = pointFromKey('b.tile_key', t) ?? pointFromGeom(sql.raw('b.geom'), t)
  return {
    name: 'building_points',
    geometry: 'point',
    id: true,
    props: { id: 'int', use: 'text' },
    sql: sql`SELECT ${pos.px} AS px, ${pos.py} AS py, b.id AS fid, b.id, b.use
      FROM buildings b ${areaJoin(sql.raw('b.grid_id'), area)}
      WHERE ${inTile(sql.raw('b.tile_key'), t)}`,
  }
}

/** `building_cells`: buildings per cell, where a tile would hold too many buildings to draw. */
export function buildingCells(t: TileAddress, area: Area): SourceLayer {
  return areaCells(
    'building_cells',
    sql`SELECT ${cellOfKey('b.tile_key', t)} AS c, b.grid_id, count(*) AS n
      FROM buildings b WHERE ${inTile(sql.raw('b.tile_key'), t)} GROUP BY 1, 2`,
    { n: 'int' },
    area,
  )
}

/** `public_places` (公共场所): schools, hospitals, markets … */
export function publicPlaces(t: TileAddress, area: Area): SourceLayer {
  const pos = pointFromGeom(sql.raw('p.geom'), t)
  return {
    name: 'public_places',
    geometry: 'point',
    id: true,
    props: { id: 'int', name: 'text', kind: 'text' },
    sql: sql`SELECT q.* FROM (
        SELECT ${pos.px} AS px, ${pos.py} AS py, p.id AS fid, p.id, p.name, p.kind
        FROM public_places p ${areaJoin(sql.raw('p.grid_id'), area)}
        WHERE p.geom && ${tileBbox4326(t)}) q
      WHERE ${insideTile(sql.raw('q.px'), sql.raw('q.py'))}`,
  }
}
