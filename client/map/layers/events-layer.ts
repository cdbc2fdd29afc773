import type { Layer } from '@deck.gl/core'
import { MVTLayer } from '@deck.gl/geo-layers'
import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers'
import type { Point } from 'geojson'
import { featureOfTile } from '../../lib/feature-ref.ts'
import { tileUrl } from '../../lib/map-layers.ts'
import {
  CATEGORY_COLOURS,
  categoryColour,
  HEAT_RAMPS,
  HEX_RAMPS,
  OVERDUE,
  type Rgb,
  type Rgba,
} from '../layer-colours.ts'
import { CellAggregationLayer } from './cell-aggregation-layer.ts'
import { type LayerContext, type LayerDefinition, num, px } from './layer-definition.ts'
import { mvtProps, sourceLayerOf, type TileFeature } from './tile-source.ts'

/** Zoom bands of the events tiles (docs/layers.md): cells below, points from here. */
export const EVENT_CELLS_MIN_ZOOM = 8
export const EVENT_POINTS_MIN_ZOOM = 14

export interface EventsLayerProps {
  opacity: number
  /** deck.gl draws cells as a heat map or hexagons below the points zoom. */
  aggregation: 'heat' | 'hex'
  /** All points mode: the binary points are drawn instead of the cells (events-points-layer.ts). */
  points: boolean
  /** Point radius in CSS pixels (before the big-screen scale). */
  radius: number
}
export const EVENTS_DEFAULTS: EventsLayerProps = {
  opacity: 0.9,
  aggregation: 'hex',
  points: false,
  radius: 4.5,
}

const isOverdue = (f: TileFeature) => Number(f.properties.overdue) > 0

function pointColour(ctx: LayerContext): (f: TileFeature) => Rgba {
  return (f) => {
    if (sourceLayerOf(f) === 'event_cells') return [255, 150, 40, 150]
    const index = ctx.categoryIndex.get(String(f.properties.cat1 ?? '')) ?? -1
    const [r, g, b] = categoryColour(index)
    return [r, g, b, 235]
  }
}

const overdueOf = new WeakMap<object, TileFeature[]>()

/**
 * A gentle pulse around overdue events: a ring that grows and fades, drawn per tile from the
 * tile's own features (no second download), in the tile's coordinates like its points.
 */
function withOverdueHalo(ctx: LayerContext) {
  const phase = ctx.pulse
  return (sub: Record<string, unknown> & { id: string; data: TileFeature[] }): Layer[] => {
    const points = new GeoJsonLayer(sub as never)
    if (!Array.isArray(sub.data) || phase < 0) return [points]
    let overdue = overdueOf.get(sub.data)
    if (!overdue) {
      overdue = sub.data.filter((f) => sourceLayerOf(f) === 'events' && isOverdue(f))
      overdueOf.set(sub.data, overdue)
    }
    if (!overdue.length) return [points]
    const halo = new ScatterplotLayer<TileFeature>({
      id: `${sub.id}-overdue`,
      data: overdue,
      modelMatrix: sub.modelMatrix as never,
      coordinateOrigin: sub.coordinateOrigin as never,
      coordinateSystem: sub.coordinateSystem as never,
      getPosition: (f) => (f.geometry as Point).coordinates as [number, number],
      filled: false,
      stroked: true,
      radiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      getRadius: px(ctx, EVENTS_DEFAULTS.radius + 2),
      radiusScale: 1 + phase * 1.4,
      getLineWidth: px(ctx, 1.8),
      getLineColor: [...OVERDUE, 230],
      opacity: (1 - phase) * 0.9,
      pickable: false,
    })
    return [halo, points]
  }
}

function eventsDeck(ctx: LayerContext): Layer[] {
  const props: EventsLayerProps = {
    ...EVENTS_DEFAULTS,
    opacity: ctx.layers.opacity.events,
    aggregation: ctx.layers.events.agg,
    points: ctx.layers.events.points,
  }
  const url = tileUrl(ctx.origin, 'events', ctx.layers, ctx.can)
  const data = ctx.revision ? `${url}${url.includes('?') ? '&' : '?'}rev=${ctx.revision}` : url
  const out: Layer[] = []
  if (ctx.zoom < EVENT_POINTS_MIN_ZOOM && !props.points) {
    out.push(
      new CellAggregationLayer({
        id: 'events-cells',
        data,
        sourceLayer: 'event_cells',
        extraProperty: 'overdue',
        aggregation: props.aggregation,
        minZoom: EVENT_CELLS_MIN_ZOOM,
        maxZoom: EVENT_POINTS_MIN_ZOOM - 1,
        zoom: ctx.zoom,
        heatRamp: HEAT_RAMPS.events,
        hexRamp: HEX_RAMPS.events,
        scale: ctx.scale,
        opacity: props.opacity,
      }),
    )
  }
  if (ctx.zoom >= EVENT_POINTS_MIN_ZOOM) {
    const fill = pointColour(ctx)
    const halo: Rgba = ctx.theme === 'dark' ? [3, 10, 22, 200] : [255, 255, 255, 230]
    const radius = px(ctx, props.radius)
    const selected = ctx.selected?.kind === 'event' ? ctx.selected.id : null
    out.push(
      new MVTLayer<Record<string, unknown>>({
        id: 'events-points',
        data,
        ...mvtProps(['events', 'event_cells'], { min: EVENT_POINTS_MIN_ZOOM }),
        opacity: props.opacity,
        pointType: 'circle',
        pointRadiusUnits: 'pixels',
        lineWidthUnits: 'pixels',
        filled: true,
        stroked: true,
        getFillColor: fill as never,
        getPointRadius: ((f: TileFeature) =>
          sourceLayerOf(f) === 'event_cells'
            ? Math.min(radius * 4, radius + Math.sqrt(num(f.properties.n)) * 1.5)
            : isOverdue(f)
              ? radius * 1.2
              : radius) as never,
        getLineColor: ((f: TileFeature) => (isOverdue(f) ? [...OVERDUE, 255] : halo)) as never,
        getLineWidth: ((f: TileFeature) => (isOverdue(f) ? px(ctx, 2.5) : px(ctx, 1))) as never,
        updateTriggers: {
          getFillColor: [ctx.theme, [...ctx.categoryIndex.keys()].join()],
          getLineColor: ctx.theme,
        },
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 110],
        uniqueIdProperty: 'id',
        highlightedFeatureId: selected,
        renderSubLayers: withOverdueHalo(ctx) as never,
      }),
    )
  }
  return out
}

export const eventsLayer: LayerDefinition = {
  kind: 'events',
  minZoom: EVENT_CELLS_MIN_ZOOM,
  deck: eventsDeck,
  cells: { sourceLayer: 'event_cells', extra: 'overdue' },
  legend: (ctx) => {
    const overdue = {
      swatch: 'ring' as const,
      colour: OVERDUE,
      label: { key: 'layers.events.overdue' as const },
    }
    if (ctx.layers.events.points || ctx.zoom >= EVENT_POINTS_MIN_ZOOM)
      return [
        ...ctx.topCategories.map((c, i) => ({
          swatch: 'dot' as const,
          colour: CATEGORY_COLOURS[i % CATEGORY_COLOURS.length] ?? OVERDUE,
          label: { text: c.name },
        })),
        overdue,
      ]
    const ramp =
      ctx.layers.events.agg === 'heat'
        ? HEAT_RAMPS.events.map(([r, g, b]) => [r, g, b] as Rgb)
        : HEX_RAMPS.events.map(([r, g, b]) => [r, g, b] as Rgb)
    return [
      { swatch: 'ramp', colour: ramp[3] ?? [255, 128, 0], ramp, label: { key: 'layers.legend.density' } },
      overdue,
    ]
  },
  describe: (sourceLayer, p, words) => {
    if (sourceLayer === 'event_cells')
      return {
        ref: null,
        title: words.t('layers.events.cellCount', { n: words.number(num(p.n)) }),
        detail: num(p.overdue)
          ? words.t('layers.events.cellOverdue', { n: words.number(num(p.overdue)) })
          : undefined,
      }
    const parts = [words.name('events.status', p.status), words.name('events.source', p.source)]
    if (num(p.overdue)) parts.unshift(words.t('layers.events.overdue'))
    return {
      ref: featureOfTile(sourceLayer, p),
      title: words.categoryName(p.cat ?? p.cat1),
      detail: parts.join(' · '),
    }
  },
}
