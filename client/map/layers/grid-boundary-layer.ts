import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl'
import { LEVELS, type Level, zoomRangeOf } from '../../lib/levels.ts'
import { css, GRADE_COLOURS } from '../layer-colours.ts'
import type { MapPalette } from '../palette.ts'

export const GRID_SOURCE = 'grids'
export const GRID_SOURCE_LAYER = 'grids'
export const fillLayerId = (level: Level) => `grid-fill-${level}`
export const lineLayerId = (level: Level) => `grid-line-${level}`

/** The fill layers that can be clicked and hovered: one per level, each where it is the finest. */
export const FILL_LAYER_IDS = LEVELS.filter((level) => zoomRangeOf(level)).map(fillLayerId)

const ofLevel = (level: Level): ExpressionSpecification => ['==', ['get', 'level'], level]

export interface GridStyleOptions {
  /** 五色管理: fill each area with the colour of its grade (1 red … 5 green). */
  grade?: boolean
  /** 0..1 for fills, lines and labels. */
  opacity?: number
  /** On dark ground the grade colours are drawn a little lighter. */
  dark?: boolean
}

/** The fill colour of an area by its grade; areas without one keep the plain fill. */
function gradeFill(alpha: number, fallback: string): ExpressionSpecification {
  const stops = ([1, 2, 3, 4, 5] as const).flatMap((g) => [g, css(GRADE_COLOURS[g], alpha)])
  return [
    'match',
    ['to-number', ['get', 'grade'], 0],
    ...stops,
    fallback,
  ] as unknown as ExpressionSpecification
}

/**
 * Grid boundaries from the vector tiles, styled by level: the finest level shown is filled (for
 * hovering and picking) and outlined thin; its parent, also in the tile, is outlined heavier;
 * city and district boundaries get a soft glow underneath. `scale` widens lines on big screens.
 */
export function gridBoundaryLayers(
  palette: MapPalette,
  scale = 1,
  { grade = false, opacity = 1, dark = true }: GridStyleOptions = {},
): LayerSpecification[] {
  const fills: LayerSpecification[] = []
  for (const level of LEVELS) {
    const range = zoomRangeOf(level)
    if (!range) continue
    // Micro-grids are optional: grids stay filled (and pickable) where a grid has none, and the
    // micro-grid fill above them is clear until hovered.
    const optional = level === 6
    fills.push({
      id: fillLayerId(level),
      type: 'fill',
      source: GRID_SOURCE,
      'source-layer': GRID_SOURCE_LAYER,
      minzoom: range.minZoom,
      maxzoom: level === 5 ? 24 : range.maxZoom,
      filter: ofLevel(level),
      paint: {
        'fill-color':
          grade && !optional
            ? [
                'case',
                ['boolean', ['feature-state', 'hover'], false],
                gradeFill(dark ? 0.62 : 0.7, palette.fillHover),
                gradeFill(dark ? 0.4 : 0.48, palette.fill),
              ]
            : [
                'case',
                ['boolean', ['feature-state', 'hover'], false],
                palette.fillHover,
                optional ? 'rgba(0, 0, 0, 0)' : palette.fill,
              ],
        'fill-opacity': opacity,
        'fill-antialias': false,
      },
    })
  }

  const glow: LayerSpecification = {
    id: 'grid-glow',
    type: 'line',
    source: GRID_SOURCE,
    'source-layer': GRID_SOURCE_LAYER,
    filter: ['<=', ['get', 'level'], 2],
    layout: { 'line-join': 'round' },
    paint: {
      'line-color': palette.glow,
      'line-width': ['interpolate', ['linear'], ['zoom'], 6, 6 * scale, 12, 10 * scale],
      'line-blur': ['interpolate', ['linear'], ['zoom'], 6, 4 * scale, 12, 7 * scale],
      'line-opacity': opacity,
    },
  }

  // Finer levels first, so that heavier parent lines draw on top of them.
  const lines: LayerSpecification[] = [...LEVELS].reverse().map((level) => {
    const { color, dash } = palette.line[level]
    const width = palette.line[level].width * scale
    return {
      id: lineLayerId(level),
      type: 'line',
      source: GRID_SOURCE,
      'source-layer': GRID_SOURCE_LAYER,
      filter: ofLevel(level),
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': color,
        'line-width': ['interpolate', ['linear'], ['zoom'], 6, width * 0.8, 12, width, 17, width * 1.4],
        'line-opacity': opacity,
        ...(dash ? { 'line-dasharray': dash } : {}),
      },
    }
  })

  return [...fills, glow, ...lines]
}
