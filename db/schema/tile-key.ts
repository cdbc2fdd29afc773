import { sql } from 'drizzle-orm'
import { bigint } from 'drizzle-orm/pg-core'

/** Bits per axis of the tile key: the tile grid of zoom 26, so a key stays below 2^52 (a safe JS number). */
export const TILE_KEY_LEVEL = 26

/**
 * `tile_key`: the element's point as a Morton (Z-order) code of its cell on the EPSG:3857 tile
 * grid of zoom 26 (≈ 0.6 m), a stored column computed by the database function tile_key(geom)
 * (migration 0014). Every vector tile z/x/y up to zoom 26 is one contiguous key range, and every
 * aggregation cell of a tile (1/64 of its width) is a shorter prefix, so the tile queries read
 * points and cells by a btree range (index-only, with the filtered columns included) instead of a
 * spatial index and the table. The covering indexes are in the migration (drizzle cannot say INCLUDE).
 */
export const tileKey = () => bigint('tile_key', { mode: 'number' }).generatedAlwaysAs(sql`tile_key(geom)`)
