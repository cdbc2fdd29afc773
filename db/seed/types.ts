import type { MultiPolygon, Polygon } from 'geojson'

/** How big a city the generator makes. */
export type ScaleName = 'test' | 'demo' | 'city'

export interface Scale {
  name: ScaleName
  /** District count (real Weihai county-level units, at most 7). */
  districts: number
  /** At most this many (real) streets/townships per district. */
  streetsPerDistrict: number
  /** Leaf grids (网格) in the whole city; communities hold about gridsPerCommunity each. */
  grids: number
  gridsPerCommunity: number
  /** Share of grids split into micro-grids (精网微格). */
  microGridShare: number
  residents: number
  events: number
  /** Buildings are derived from residents, with at least this many. */
  minBuildings: number
  things: number
  /** Days of event history before today. */
  eventDays: number
}

/** Progress of a long seed, for the console bar and the start-up screen. */
export interface SeedProgress {
  stage: string
  done: number
  total: number
}
export type OnProgress = (p: SeedProgress) => void

/** A generated area of the hierarchy before it is stored. */
export interface GenArea {
  /** Index within the generated list; parents come before children. */
  idx: number
  parentIdx: number | null
  level: number
  code: string
  name: string
  kind: string
  /** Only leaf levels carry geometry; upper levels are the union of their children, made in SQL. */
  geom: Polygon | MultiPolygon | null
}

/** A stored grid, as the later generators need it. */
export interface SeededGrid {
  id: number
  level: number
  code: string
  name: string
  path: string
  /** Polygon rings of the grid (the leaf grids are convex Voronoi cells). */
  ring: [number, number][]
  centroid: [number, number]
  /** 0..1: how urban the grid is (decides building density, people, events). */
  urban: number
}
