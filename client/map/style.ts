import type { LayerSpecification, StyleSpecification } from 'maplibre-gl'
import type { FeatureRef } from '../lib/feature-ref.ts'
import { DEFAULT_LAYERS, type MapLayers } from '../lib/map-layers.ts'
import type { Theme } from '../lib/url-state.ts'
import { type BasemapSource, basemapStyle } from './basemap-style.ts'
import type { LayerContext } from './layers/layer-definition.ts'
import { styleOfLayers } from './layers/layer-registry.ts'
import { PALETTES } from './palette.ts'

export { GRID_TILES_MAX_ZOOM } from './layers/grids-layer.ts'

export interface StyleOptions {
  theme: Theme
  /** Origin the tiles are served from, normally `location.origin`. */
  origin: string
  /** A configured base map (GET /api/basemap, resolved); none by default, as offline. */
  basemap?: BasemapSource | null
  /** Size factor for labels and lines on large screens. */
  scale?: number
  /** Which layers are on, with their filters (the URL's); the defaults when left out. */
  layers?: MapLayers
  can?: { tags: boolean }
  zoom?: number
  selected?: FeatureRef | null
}

/** The layer context for style building when only the style's options are known. */
export function styleContext(options: StyleOptions): LayerContext {
  return {
    origin: options.origin,
    theme: options.theme,
    palette: PALETTES[options.theme],
    scale: options.scale ?? 1,
    layers: options.layers ?? DEFAULT_LAYERS,
    can: options.can ?? { tags: false },
    zoom: Math.floor(options.zoom ?? 10),
    categoryIndex: new Map(),
    topCategories: [],
    selected: options.selected ?? null,
    pulse: -1,
    revision: 0,
  }
}

/**
 * The map's style. It needs no network beyond this app's own origin: no glyphs URL (labels are
 * drawn with local fonts), no sprite, no remote base map unless one is configured. Order: the
 * background, the base map, the layers' fills, boundaries and points (layers/layer-registry.ts),
 * the base map's labels, then the app's own labels.
 */
export function buildStyle(options: StyleOptions): StyleSpecification {
  const { theme, basemap, layers = DEFAULT_LAYERS } = options
  const palette = PALETTES[theme]
  const ctx = styleContext(options)
  const base = basemap && layers.basemap !== 'none' ? basemapStyle(basemap, theme, ctx.scale) : null
  const own = styleOfLayers(ctx)
  const ownLayers = own.layers.map((entry) => entry.layer)
  const cut = own.labelsFrom < 0 ? ownLayers.length : own.labelsFrom
  const layersOut: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': palette.background } },
    ...(base?.base ?? []),
    ...ownLayers.slice(0, cut),
    ...(base?.labels ?? []),
    ...ownLayers.slice(cut),
  ]
  return {
    version: 8,
    name: `yiwang-${theme}`,
    ...(base?.sprite ? { sprite: base.sprite } : {}),
    sources: { ...(base?.sources ?? {}), ...own.sources },
    layers: layersOut,
  }
}
