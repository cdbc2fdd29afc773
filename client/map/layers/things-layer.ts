import type { Layer } from '@deck.gl/core'
import { MVTLayer } from '@deck.gl/geo-layers'
import { featureOfTile } from '../../lib/feature-ref.ts'
import { THING_KINDS } from '../../lib/layer-enums.ts'
import { tileUrl } from '../../lib/map-layers.ts'
import { type Rgba, THING_KIND_COLOURS, THING_STATUS_COLOURS } from '../layer-colours.ts'
import { type LayerContext, type LayerDefinition, num, px } from './layer-definition.ts'
import { mvtProps, sourceLayerOf, type TileFeature } from './tile-source.ts'

/** Zoom bands of the things tiles: cells z8–12, devices from z13, camera coverage from z16. */
export const THING_CELLS_MIN_ZOOM = 8
export const THINGS_MIN_ZOOM = 13

export interface ThingsLayerProps {
  opacity: number
  /** Radius in CSS pixels of a device that works; offline and faulty ones are drawn larger. */
  radius: number
}
export const THINGS_DEFAULTS: ThingsLayerProps = { opacity: 1, radius: 3.5 }

/** A cell with at least this share of its devices offline or faulty is drawn red. */
const OFFLINE_SHARE = 0.15

const broken = (status: unknown) => status === 'offline' || status === 'fault'

/**
 * Things (物) drawn by deck.gl from the things tiles: at low zoom cells sized by their count and
 * red by their share of offline devices; from z13 each device coloured by kind, offline and faulty
 * ones larger with a red or orange ring; cameras' coverage polygons from z16 (red when offline).
 */
function thingsDeck(ctx: LayerContext): Layer[] {
  const props: ThingsLayerProps = { ...THINGS_DEFAULTS, opacity: ctx.layers.opacity.things }
  const r = px(ctx, props.radius)
  const halo: Rgba = ctx.theme === 'dark' ? [3, 10, 22, 210] : [255, 255, 255, 230]
  const fill = (f: TileFeature): Rgba => {
    const layer = sourceLayerOf(f)
    const p = f.properties
    if (layer === 'thing_cells') {
      // A calm dot matrix (a cell is 1/64 of a tile, 8 px apart): red where many are down.
      const share = num(p.offline) / Math.max(1, num(p.n))
      return share >= OFFLINE_SHARE ? [255, 70, 60, 230] : [64, 196, 255, 150]
    }
    if (layer === 'camera_coverage')
      return broken(p.status) ? [255, 60, 60, 40] : [64, 196, 255, ctx.theme === 'dark' ? 34 : 46]
    if (broken(p.status)) return [...(THING_STATUS_COLOURS[String(p.status)] ?? [255, 0, 0]), 255]
    const [cr, cg, cb] = THING_KIND_COLOURS[String(p.kind)] ?? [200, 200, 200]
    return p.status === 'maintenance' ? [cr, cg, cb, 120] : [cr, cg, cb, 235]
  }
  const line = (f: TileFeature): Rgba => {
    const p = f.properties
    if (sourceLayerOf(f) === 'camera_coverage')
      return broken(p.status) ? [255, 60, 60, 140] : [64, 196, 255, 110]
    if (sourceLayerOf(f) === 'thing_cells') return [0, 0, 0, 0]
    return broken(p.status) ? [255, 255, 255, 255] : halo
  }
  const radius = (f: TileFeature): number => {
    if (sourceLayerOf(f) === 'thing_cells')
      return px(ctx, 1.4 + Math.min(2.2, Math.log2(1 + num(f.properties.n)) * 0.5))
    return broken(f.properties.status) ? r * 1.7 : r
  }
  const selected = ctx.selected?.kind === 'thing' ? ctx.selected.id : null
  return [
    new MVTLayer<Record<string, unknown>>({
      id: 'things-tiles',
      data: tileUrl(ctx.origin, 'things', ctx.layers, ctx.can),
      ...mvtProps(['thing_cells', 'things', 'camera_coverage'], { min: THING_CELLS_MIN_ZOOM }),
      opacity: props.opacity,
      pointType: 'circle',
      pointRadiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      filled: true,
      stroked: true,
      getFillColor: fill as never,
      getLineColor: line as never,
      getLineWidth: ((f: TileFeature) =>
        sourceLayerOf(f) === 'camera_coverage'
          ? px(ctx, 1)
          : broken(f.properties.status)
            ? px(ctx, 2)
            : px(ctx, 1)) as never,
      getPointRadius: radius as never,
      updateTriggers: { getFillColor: ctx.theme, getLineColor: ctx.theme },
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 255, 255, 110],
      uniqueIdProperty: 'id',
      highlightedFeatureId: selected,
    }),
  ]
}

export const thingsLayer: LayerDefinition = {
  kind: 'things',
  minZoom: THING_CELLS_MIN_ZOOM,
  deck: thingsDeck,
  legend: () => [
    ...THING_KINDS.slice(0, 4).map((kind) => ({
      swatch: 'dot' as const,
      colour: THING_KIND_COLOURS[kind] ?? [200, 200, 200],
      label: { key: `enum.thing.${kind}` as const },
    })),
    {
      swatch: 'ring',
      colour: THING_STATUS_COLOURS.offline ?? [255, 0, 0],
      label: { key: 'enum.thingStatus.offline' },
    },
    {
      swatch: 'ring',
      colour: THING_STATUS_COLOURS.fault ?? [255, 140, 0],
      label: { key: 'enum.thingStatus.fault' },
    },
    { swatch: 'fill', colour: [64, 196, 255], label: { key: 'layers.things.coverage' } },
  ],
  describe: (sourceLayer, p, words) => {
    if (sourceLayer === 'thing_cells')
      return {
        ref: null,
        title: words.t('layers.things.cellCount', { n: words.number(num(p.n)) }),
        detail: num(p.offline)
          ? words.t('layers.things.cellOffline', { n: words.number(num(p.offline)) })
          : undefined,
      }
    return {
      ref: featureOfTile(sourceLayer, p),
      title: String(p.name ?? words.name('things.kind', p.kind)),
      detail: [
        sourceLayer === 'camera_coverage'
          ? words.t('layers.things.coverage')
          : words.name('things.kind', p.kind),
        words.name('things.status', p.status),
      ]
        .filter(Boolean)
        .join(' · '),
    }
  },
}
