import type { LayerSpecification, StyleSpecification } from 'maplibre-gl'
import type { Theme } from '../lib/url-state.ts'
import { GRID_SOURCE, gridBoundaryLayers } from './layers/grid-boundary-layer.ts'
import { gridLabelLayers } from './layers/grid-label-layer.ts'
import { PALETTES } from './palette.ts'

export interface StyleOptions {
  theme: Theme
  /** Origin the tiles are served from, normally `location.origin`. */
  origin: string
  /** Optional XYZ raster base map (`{z}/{x}/{y}` template); none by default, as offline. */
  basemapTiles?: string | undefined
  /** Size factor for labels and lines on large screens. */
  scale?: number
}

/** Tiles hold data up to z16; MapLibre over-zooms beyond. */
export const GRID_TILES_MAX_ZOOM = 16

/**
 * The map's style. It needs no network beyond this app's own origin: no glyphs URL (labels are
 * drawn with local fonts), no sprite, no remote base map unless one is configured.
 */
export function buildStyle({ theme, origin, basemapTiles, scale = 1 }: StyleOptions): StyleSpecification {
  const palette = PALETTES[theme]
  const basemap: LayerSpecification[] = basemapTiles
    ? [
        {
          id: 'basemap',
          type: 'raster',
          source: 'basemap',
          paint: { 'raster-opacity': theme === 'dark' ? 0.45 : 0.8 },
        },
      ]
    : []
  return {
    version: 8,
    name: `yiwang-${theme}`,
    sources: {
      [GRID_SOURCE]: {
        type: 'vector',
        tiles: [`${origin}/tiles/grids/{z}/{x}/{y}.mvt`],
        minzoom: 0,
        maxzoom: GRID_TILES_MAX_ZOOM,
        // Feature ids for hover state; the tiles carry the area id as a property.
        promoteId: 'id',
      },
      ...(basemapTiles
        ? { basemap: { type: 'raster' as const, tiles: [basemapTiles], tileSize: 256, maxzoom: 18 } }
        : {}),
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': palette.background } },
      ...basemap,
      ...gridBoundaryLayers(palette, scale),
      ...gridLabelLayers(palette, scale),
    ],
  }
}
