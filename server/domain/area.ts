/**
 * The caller's area (辖区): a grid subtree, or the whole city. Every query function takes it,
 * so area scoping is part of every query rather than a filter added afterwards.
 */
export interface Area {
  /** The root grid of the area, or null for the whole city. */
  gridId: number | null
  /** Materialized path prefix of the area ('/' for the whole city), e.g. '/1/7/'. */
  path: string
}

export const WHOLE_CITY: Area = { gridId: null, path: '/' }
