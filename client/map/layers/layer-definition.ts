import type { Layer } from '@deck.gl/core'
import type { LayerSpecification, SourceSpecification } from 'maplibre-gl'
import type { MessageKey } from '../../i18n/index.ts'
import type { FeatureRef } from '../../lib/feature-ref.ts'
import type { LayerKind } from '../../lib/layer-enums.ts'
import type { MapLayers } from '../../lib/map-layers.ts'
import type { Theme } from '../../lib/url-state.ts'
import type { Rgb } from '../layer-colours.ts'
import type { MapPalette } from '../palette.ts'

/** Everything a layer needs to draw itself: the state in the URL and what the map knows. */
export interface LayerContext {
  /** Where the tiles come from, normally `location.origin`. */
  origin: string
  theme: Theme
  palette: MapPalette
  /** Size factor of lines, points and labels on big screens. */
  scale: number
  layers: MapLayers
  /** What the signed-in role may filter by. */
  can: { tags: boolean }
  /** Zoom floored to a whole level: layers switch between cells and points by it. */
  zoom: number
  /** Level-1 category code → its index in map.meta's order (the colour, and the points' cat1). */
  categoryIndex: ReadonlyMap<string, number>
  /** The level-1 categories in that order, with their names (for the legend). */
  topCategories: readonly { code: string; name: string }[]
  /** The picked feature (URL `feature=`), highlighted where its layer draws it. */
  selected: FeatureRef | null
  /** 0..1, advancing while overdue events pulse; -1 when motion is reduced (no pulse). */
  pulse: number
  /** Bumped by live updates (events.live): the events' tiles are fetched again with `rev`. */
  revision: number
}

/** Where a MapLibre layer goes in the style: fills under boundaries, points over them, labels on top. */
export type StyleSlot = 'fill' | 'line' | 'point' | 'label'

export interface StylePart {
  sources: Record<string, SourceSpecification>
  layers: { slot: StyleSlot; layer: LayerSpecification }[]
}

/** One line of a layer's legend: a swatch and a label (a message key, or a name from the server). */
export interface LegendEntry {
  swatch: 'dot' | 'ring' | 'fill' | 'line' | 'ramp'
  colour: Rgb
  /** For 'ramp': the colours from low to high. */
  ramp?: readonly Rgb[]
  label: { key: MessageKey } | { text: string }
}

/** What a picked or hovered feature is, for the tooltip and for onPickFeature. */
export interface FeatureDescription {
  /** Null for aggregated cells (they are counted, not picked). */
  ref: FeatureRef | null
  title: string
  detail?: string
}

/** The words a layer describes its features with (a slice of the i18n helpers). */
export interface Describer {
  t: (key: MessageKey, params?: Record<string, string | number>) => string
  /** The translated name of an enum value of a layer (`layers.things.kind.camera`); raw if unknown. */
  name: (group: string, value: unknown) => string
  number: (value: number) => string
  categoryName: (code: unknown) => string
}

/**
 * A layer of the one map (kepler.gl style: one definition per kind, in a registry). MapLibre draws
 * the parts in `style` (boundaries, footprints), deck.gl the layers from `deck` (dense and dynamic
 * points, aggregation); `describe` turns a picked feature into a tooltip and a feature reference.
 */
export interface LayerDefinition {
  kind: LayerKind
  /** The lowest zoom at which the tiles hold anything (below it the layer is empty). */
  minZoom: number
  style?: (ctx: LayerContext) => StylePart
  deck?: (ctx: LayerContext) => Layer[]
  /** MapLibre layer ids that answer to hover and click. */
  pickable?: (ctx: LayerContext) => string[]
  legend: (ctx: LayerContext) => LegendEntry[]
  describe: (sourceLayer: string, properties: Record<string, unknown>, words: Describer) => FeatureDescription
  /** Aggregated cells drawn by deck.gl: their source layer and extra count, for hexagon tooltips. */
  cells?: { sourceLayer: string; extra: string | null }
}

/** Pixels scaled for big screens. */
export const px = (ctx: LayerContext, value: number) => value * ctx.scale

/** The tiles hold data up to z16; beyond, the map over-zooms them. */
export const TILE_MAX_ZOOM = 16

export const num = (value: unknown, fallback = 0): number => {
  const n = Number(value)
  return Number.isFinite(n) ? n : fallback
}
