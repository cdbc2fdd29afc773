import { integer } from 'drizzle-orm/pg-core'
import { grids } from './grids.ts'

/**
 * The grid an element lies in (落图进格). Never written by application code: a database trigger
 * (place_in_grid) sets it from the element's `geom` whenever the element is written or moved.
 */
export const placed = () => ({
  gridId: integer('grid_id').references(() => grids.id),
})
