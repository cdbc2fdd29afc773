import type { _Tile2DHeader as Tile2DHeader } from '@deck.gl/geo-layers'
import { MVTLoader } from '@loaders.gl/mvt'
import type { Feature, Point } from 'geojson'
import { localToLngLat, type TileBounds } from '../../lib/tile-coords.ts'
import { TILE_MAX_ZOOM } from './layer-definition.ts'

/** A tile feature as the MVT loader gives it: GeoJSON with the source layer in `layerName`. */
export type TileFeature = Feature & { properties: Record<string, unknown> & { layerName?: string } }

/**
 * Props every deck.gl MVTLayer of the app shares. The loader parses on the main thread: the
 * default worker loader would fetch its worker script from a CDN (unpkg), and nothing may leave
 * the machine. Tiles come from this origin with the session cookie (same-origin fetch).
 */
export function mvtProps(sourceLayers: readonly string[], zoom: { min: number; max?: number }) {
  return {
    loaders: [MVTLoader],
    loadOptions: { worker: false, mvt: { layers: [...sourceLayers], layerProperty: 'layerName' } },
    binary: false,
    minZoom: zoom.min,
    maxZoom: Math.min(zoom.max ?? TILE_MAX_ZOOM, TILE_MAX_ZOOM),
    maxRequests: 8,
    // A tile that failed (expired session, server restart) is retried on the next move: no alarm.
    onTileError: (error: unknown) => console.warn('tile:', error instanceof Error ? error.message : error),
  }
}

export const sourceLayerOf = (feature: TileFeature): string => String(feature.properties?.layerName ?? '')

/** A cell of an aggregated layer (docs/layers.md "Cells"): its centre and counts. */
export interface Cell {
  position: [number, number]
  n: number
  /** The layer's extra count: `overdue` for events, `offline` for things. */
  extra: number
}

/**
 * The cells of the tiles in view, in longitude/latitude, for one aggregation over all of them (a
 * heat map per tile would be normalised per tile and show its seams).
 */
export function cellsOfTiles(
  tiles: readonly Tile2DHeader[],
  sourceLayer: string,
  extraProperty: string | null,
): Cell[] {
  const out: Cell[] = []
  for (const tile of tiles) {
    const features = tile.content as TileFeature[] | null
    const bounds = tile.bbox as TileBounds
    if (!Array.isArray(features) || !('west' in bounds)) continue
    for (const f of features) {
      if (sourceLayerOf(f) !== sourceLayer || f.geometry?.type !== 'Point') continue
      const [x, y] = (f.geometry as Point).coordinates
      if (x === undefined || y === undefined) continue
      out.push({
        position: localToLngLat(x, y, bounds),
        n: Number(f.properties.n) || 0,
        extra: extraProperty ? Number(f.properties[extraProperty]) || 0 : 0,
      })
    }
  }
  return out
}
