import type { LayerSpecification } from 'maplibre-gl'
import { LEVELS, type Level } from '../../lib/levels.ts'
import { FONT_BOLD, FONT_REGULAR } from '../fonts.ts'
import type { MapPalette } from '../palette.ts'
import { GRID_SOURCE } from './grid-boundary-layer.ts'

export const GRID_LABEL_SOURCE_LAYER = 'grid_labels'
export const labelLayerId = (level: Level) => `grid-label-${level}`

/** Where each level is labelled: while it is the finest level shown and while it is the parent. */
const LABEL_ZOOMS: Record<Level, { minzoom: number; maxzoom: number; size: number }> = {
  1: { minzoom: 0, maxzoom: 8, size: 22 },
  2: { minzoom: 0, maxzoom: 11, size: 17 },
  3: { minzoom: 9, maxzoom: 13, size: 14 },
  4: { minzoom: 11, maxzoom: 14, size: 13 },
  5: { minzoom: 13, maxzoom: 24, size: 12 },
  6: { minzoom: 14, maxzoom: 24, size: 11 },
}

/**
 * Area names at their label points. Layers are ordered finest first so that coarser levels sit on
 * top and are placed first when labels collide: a district's name wins over a street's.
 * `scale` enlarges labels on big screens along with the rest of the UI.
 */
export function gridLabelLayers(palette: MapPalette, scale = 1, opacity = 1): LayerSpecification[] {
  return [...LEVELS].reverse().map((level): LayerSpecification => {
    const { minzoom, maxzoom, size } = LABEL_ZOOMS[level]
    const coarse = level <= 3
    return {
      id: labelLayerId(level),
      type: 'symbol',
      source: GRID_SOURCE,
      'source-layer': GRID_LABEL_SOURCE_LAYER,
      minzoom,
      maxzoom,
      filter: ['==', ['get', 'level'], level],
      layout: {
        'text-field': ['get', 'name'],
        'text-font': coarse ? FONT_BOLD : FONT_REGULAR,
        'text-size': Math.round(size * scale),
        'text-max-width': 10,
        'text-letter-spacing': coarse ? 0.08 : 0.02,
        'text-padding': 3,
        'symbol-sort-key': ['get', 'level'],
      },
      paint: {
        'text-color': coarse ? palette.labelParent : palette.label,
        'text-halo-color': palette.labelHalo,
        'text-halo-width': coarse ? 1.6 : 1.3,
        'text-halo-blur': 0.4,
        'text-opacity': opacity,
      },
    }
  })
}
