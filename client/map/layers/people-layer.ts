import type { Layer } from '@deck.gl/core'
import { MVTLayer } from '@deck.gl/geo-layers'
import { featureOfTile } from '../../lib/feature-ref.ts'
import { tileUrl } from '../../lib/map-layers.ts'
import { HEAT_RAMPS, HEX_RAMPS, type Rgb, type Rgba } from '../layer-colours.ts'
import { CellAggregationLayer } from './cell-aggregation-layer.ts'
import { type LayerContext, type LayerDefinition, num, px } from './layer-definition.ts'
import { mvtProps, type TileFeature } from './tile-source.ts'

/** Zoom bands of the people tiles: density cells z8–14, counts per building from z15. */
export const PEOPLE_CELLS_MIN_ZOOM = 8
export const PEOPLE_BUILDINGS_MIN_ZOOM = 15

export interface PeopleLayerProps {
  opacity: number
  aggregation: 'heat' | 'hex'
  /** Radius in CSS pixels of a building with one resident; more residents, larger (by √n). */
  radius: number
}
export const PEOPLE_DEFAULTS: PeopleLayerProps = { opacity: 0.85, aggregation: 'heat', radius: 1.2 }

const BUILDING_COLOUR: Record<'dark' | 'light', Rgba> = {
  dark: [80, 200, 255, 120],
  light: [20, 100, 200, 120],
}

/**
 * People (人) as counts only — no tile carries a person: density cells weighted by `n` drawn by
 * deck.gl as a heat map or hexagons, and from z15 a circle per building sized by its residents.
 * The tag filter (独居老人 …) reaches the tiles only for roles with `people.tags`.
 */
function peopleDeck(ctx: LayerContext): Layer[] {
  const props: PeopleLayerProps = {
    ...PEOPLE_DEFAULTS,
    opacity: ctx.layers.opacity.people,
    aggregation: ctx.layers.people.agg,
  }
  const data = tileUrl(ctx.origin, 'people', ctx.layers, ctx.can)
  if (ctx.zoom < PEOPLE_BUILDINGS_MIN_ZOOM)
    return [
      new CellAggregationLayer({
        id: 'people-cells',
        data,
        sourceLayer: 'people_cells',
        extraProperty: null,
        aggregation: props.aggregation,
        minZoom: PEOPLE_CELLS_MIN_ZOOM,
        maxZoom: PEOPLE_BUILDINGS_MIN_ZOOM - 1,
        zoom: ctx.zoom,
        heatRamp: HEAT_RAMPS.people,
        hexRamp: HEX_RAMPS.people,
        scale: ctx.scale,
        opacity: props.opacity,
      }),
    ]
  const base = px(ctx, props.radius)
  const selected = ctx.selected?.kind === 'building' ? ctx.selected.id : null
  return [
    new MVTLayer<Record<string, unknown>>({
      id: 'people-buildings',
      data,
      ...mvtProps(['people_buildings'], { min: PEOPLE_BUILDINGS_MIN_ZOOM }),
      opacity: props.opacity,
      pointType: 'circle',
      pointRadiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      stroked: true,
      getFillColor: BUILDING_COLOUR[ctx.theme],
      getLineColor: ctx.theme === 'dark' ? [200, 240, 255, 160] : [255, 255, 255, 200],
      getLineWidth: px(ctx, 0.8),
      getPointRadius: ((f: TileFeature) =>
        Math.min(base * 12, base * (1.5 + Math.sqrt(Math.max(1, num(f.properties.n)))))) as never,
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 255, 255, 120],
      uniqueIdProperty: 'building_id',
      highlightedFeatureId: selected,
    }),
  ]
}

export const peopleLayer: LayerDefinition = {
  kind: 'people',
  minZoom: PEOPLE_CELLS_MIN_ZOOM,
  deck: peopleDeck,
  cells: { sourceLayer: 'people_cells', extra: null },
  legend: (ctx) => {
    const ramp =
      ctx.layers.people.agg === 'heat'
        ? HEAT_RAMPS.people.map(([r, g, b]) => [r, g, b] as Rgb)
        : HEX_RAMPS.people.map(([r, g, b]) => [r, g, b] as Rgb)
    const [r, g, b] = BUILDING_COLOUR[ctx.theme]
    return [
      { swatch: 'ramp', colour: ramp[3] ?? [40, 180, 255], ramp, label: { key: 'layers.legend.density' } },
      { swatch: 'dot', colour: [r, g, b], label: { key: 'layers.people.building' } },
    ]
  },
  describe: (sourceLayer, p, words) => {
    const n = words.t('layers.people.count', { n: words.number(num(p.n)) })
    if (sourceLayer === 'people_cells') return { ref: null, title: n }
    return {
      ref: featureOfTile(sourceLayer, p),
      title: n,
      detail: words.t('layers.people.building'),
    }
  },
}
