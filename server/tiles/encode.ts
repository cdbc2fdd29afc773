import { fromGeojsonVt } from 'vt-pbf'
import { TILE_EXTENT, type TileFeature } from '../../db/queries/tiles.queries.ts'

/**
 * The Node encoder (PGlite, whose PostGIS has no ST_AsMVT): tile-space features by source layer
 * → Mapbox Vector Tile v2. Empty source layers are left out; no features at all → empty buffer.
 */
export function encodeTile(layers: Record<string, TileFeature[]>): Buffer {
  const input: Parameters<typeof fromGeojsonVt>[0] = {}
  for (const [name, features] of Object.entries(layers)) {
    if (!features.length) continue
    input[name] = {
      features: features.map((f) => {
        const id = f.id ?? (f.properties.id === undefined ? undefined : Number(f.properties.id))
        return {
          type: f.type,
          geometry: f.type === 1 ? f.geometry[0]! : f.geometry,
          tags: f.properties,
          ...(id === undefined || !Number.isFinite(id) ? {} : { id }),
        }
      }),
    }
  }
  if (!Object.keys(input).length) return Buffer.alloc(0)
  return Buffer.from(fromGeojsonVt(input, { version: 2, extent: TILE_EXTENT }))
}
