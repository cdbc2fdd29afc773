import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { OrgKind } from '../schema/orgs.ts'
import type { PersonTag } from '../schema/people.ts'
import type { THING_KINDS, THING_STATUSES } from '../schema/things.ts'
import {
  areaCells,
  areaJoin,
  COUNTED_MAX_ZOOM,
  cellOfCount,
  cellOfKey,
  inCountedTile,
  insideTile,
  inTile,
  pointCells,
  pointFromGeom,
  pointFromKey,
  type SourceLayer,
  type TileAddress,
  tileBbox4326,
} from './tile-render.queries.ts'

/** Source layers of people (人), things (物) and organisations (组织). SQL only; bands live in server/tiles. */

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )

// ---- people: counts only, never a person ---------------------------------------------------

export interface PeopleFilters {
  /** Needs people.tags (checked by the route). */
  tag?: PersonTag
}

function peopleWhere(t: TileAddress, f: PeopleFilters): SQL {
  const conds = [inTile(sql.raw('p.tile_key'), t)]
  if (f.tag) conds.push(sql`p.tags @> ARRAY[${f.tag}]::text[]`)
  return sql.join(conds, sql` AND `)
}

/** `people_cells`: residents per cell (up to z12 from cell_counts, which splits by tag). */
export function peopleCells(t: TileAddress, area: Area, f: PeopleFilters): SourceLayer {
  if (t.z <= COUNTED_MAX_ZOOM)
    return areaCells(
      'people_cells',
      sql`SELECT ${cellOfCount(t)} AS c, cc.grid_id, sum(cc.n) AS n
        FROM cell_counts cc WHERE cc.layer = 'people' AND cc.k1 = ${f.tag ?? ''} AND ${inCountedTile(t)}
        GROUP BY 1, 2`,
      { n: 'int' },
      area,
    )
  return areaCells(
    'people_cells',
    sql`SELECT ${cellOfKey('p.tile_key', t)} AS c, p.grid_id, count(*) AS n
      FROM people p WHERE ${peopleWhere(t, f)} GROUP BY 1, 2`,
    { n: 'int' },
    area,
  )
}

/**
 * `people_buildings`: residents per building, at the building's centre. A resident counts in the
 * tile their own point lies in (so every resident is counted once over all tiles).
 */
export function peopleBuildings(t: TileAddress, area: Area, f: PeopleFilters): SourceLayer {
  const pos = pointFromGeom(sql.raw('b.geom'), t)
  return {
    name: 'people_buildings',
    geometry: 'point',
    id: true,
    props: { building_id: 'int', n: 'int' },
    sql: sql`SELECT ${pos.px} AS px, ${pos.py} AS py, b.id AS fid, b.id AS building_id, r.n
      FROM (SELECT p.building_id, count(*)::int AS n FROM people p ${areaJoin(sql.raw('p.grid_id'), area)}
            WHERE ${peopleWhere(t, f)} AND p.building_id IS NOT NULL GROUP BY 1) r
      -- One primary-key lookup per building (LIMIT keeps the planner from scanning all buildings).
      CROSS JOIN LATERAL (SELECT bb.id, bb.geom FROM buildings bb WHERE bb.id = r.building_id LIMIT 1) b`,
  }
}

// ---- things -------------------------------------------------------------------------------

export interface ThingFilters {
  kind?: (typeof THING_KINDS)[number][]
  status?: (typeof THING_STATUSES)[number][]
}

function thingWhere(f: ThingFilters): SQL {
  const conds: SQL[] = [sql`TRUE`]
  if (f.kind?.length) conds.push(sql`t.kind IN (${list(f.kind)})`)
  if (f.status?.length) conds.push(sql`t.status IN (${list(f.status)})`)
  return sql.join(conds, sql` AND `)
}

/** `thing_cells`: things per cell, and how many are offline or faulty (up to z12 from cell_counts). */
export function thingCells(t: TileAddress, area: Area, f: ThingFilters): SourceLayer {
  const props = { n: 'int', offline: 'int' } as const
  if (t.z <= COUNTED_MAX_ZOOM) {
    const conds = [sql`cc.layer = 'things'`, inCountedTile(t)]
    if (f.kind?.length) conds.push(sql`cc.k1 IN (${list(f.kind)})`)
    if (f.status?.length) conds.push(sql`cc.k2 IN (${list(f.status)})`)
    return areaCells(
      'thing_cells',
      sql`SELECT ${cellOfCount(t)} AS c, cc.grid_id, sum(cc.n) AS n,
          coalesce(sum(cc.n) FILTER (WHERE cc.k2 IN ('offline', 'fault')), 0) AS offline
        FROM cell_counts cc WHERE ${sql.join(conds, sql` AND `)} GROUP BY 1, 2`,
      props,
      area,
    )
  }
  return areaCells(
    'thing_cells',
    sql`SELECT ${cellOfKey('t.tile_key', t)} AS c, t.grid_id, count(*) AS n,
        count(*) FILTER (WHERE t.status IN ('offline', 'fault')) AS offline
      FROM things t WHERE ${inTile(sql.raw('t.tile_key'), t)} AND ${thingWhere(f)} GROUP BY 1, 2`,
    props,
    area,
  )
}

/** `things`: one point per thing. */
export function thingPoints(t: TileAddress, area: Area, f: ThingFilters): SourceLayer {
  const pos = pointFromKey('t.tile_key', t) ?? pointFromGeom(sql.raw('t.geom'), t)
  return {
    name: 'things',
    geometry: 'point',
    id: true,
    props: { id: 'int', kind: 'text', status: 'text', name: 'text' },
    sql: sql`SELECT ${pos.px} AS px, ${pos.py} AS py, t.id AS fid, t.id, t.kind, t.status, t.name
      FROM things t ${areaJoin(sql.raw('t.grid_id'), area)}
      WHERE ${inTile(sql.raw('t.tile_key'), t)} AND ${thingWhere(f)}`,
  }
}

/** `camera_coverage`: cameras' fields of view (polygons). */
export function cameraCoverage(t: TileAddress, area: Area, f: ThingFilters): SourceLayer {
  return {
    name: 'camera_coverage',
    geometry: 'polygon',
    id: true,
    props: { id: 'int', status: 'text' },
    sql: sql`SELECT t.coverage AS g, t.id AS fid, t.id, t.status
      FROM things t ${areaJoin(sql.raw('t.grid_id'), area)}
      WHERE t.kind = 'camera' AND t.coverage && ${tileBbox4326(t, 64)} AND ${thingWhere(f)}`,
  }
}

// ---- organisations -------------------------------------------------------------------------

export interface OrgFilters {
  kind?: Exclude<OrgKind, 'department'>[]
}

/** `orgs`: organisations with a place (departments have none on the map). */
export function orgPoints(t: TileAddress, area: Area, f: OrgFilters): SourceLayer {
  const pos = pointFromGeom(sql.raw('o.geom'), t)
  const kind = f.kind?.length ? sql`o.kind IN (${list(f.kind)})` : sql`o.kind <> 'department'`
  return {
    name: 'orgs',
    geometry: 'point',
    id: true,
    props: { id: 'int', kind: 'text', name: 'text' },
    sql: sql`SELECT q.* FROM (
        SELECT ${pos.px} AS px, ${pos.py} AS py, o.id AS fid, o.id, o.kind, o.name
        FROM organisations o ${areaJoin(sql.raw('o.grid_id'), area)}
        WHERE o.geom && ${tileBbox4326(t)} AND ${kind}) q
      WHERE ${insideTile(sql.raw('q.px'), sql.raw('q.py'))}`,
  }
}

/** `org_cells`: organisations per cell, where a tile would hold too many points. */
export const orgCells = (t: TileAddress, area: Area, f: OrgFilters): SourceLayer =>
  pointCells('org_cells', orgPoints(t, area, f).sql)
