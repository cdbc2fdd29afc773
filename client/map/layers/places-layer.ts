import type { ExpressionSpecification } from 'maplibre-gl'
import { featureOfTile } from '../../lib/feature-ref.ts'
import { BUILDING_USES } from '../../lib/layer-enums.ts'
import { tileUrl } from '../../lib/map-layers.ts'
import { FONT_REGULAR } from '../fonts.ts'
import {
  BUILDING_USE_COLOURS,
  COMPOUND_COLOUR,
  css,
  PUBLIC_PLACE_COLOUR,
  type Rgb,
} from '../layer-colours.ts'
import { type LayerContext, type LayerDefinition, num, px, type StylePart } from './layer-definition.ts'

export const PLACES_SOURCE = 'places'
/** The source layers of the places tiles (docs/layers.md). */
export const PLACE_SOURCE_LAYERS = ['compounds', 'building_points', 'buildings', 'public_places'] as const

export interface PlacesLayerProps {
  opacity: number
}
export const PLACES_DEFAULTS: PlacesLayerProps = { opacity: 1 }

const ids = {
  compoundFill: 'places-compound-fill',
  compoundLine: 'places-compound-line',
  buildingFill: 'places-building-fill',
  buildingLine: 'places-building-line',
  buildingPoint: 'places-building-point',
  publicPlace: 'places-public',
  publicLabel: 'places-public-label',
} as const

const selected: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false]
const hovered: ExpressionSpecification = ['boolean', ['feature-state', 'hover'], false]

function byUse(colours: Record<string, Rgb>, alpha: number): ExpressionSpecification {
  const stops = BUILDING_USES.flatMap((use) => [use, css(colours[use] ?? [128, 128, 128], alpha)])
  return [
    'match',
    ['get', 'use'],
    ...stops,
    css([128, 128, 128], alpha),
  ] as unknown as ExpressionSpecification
}

/**
 * Places (地) drawn by MapLibre from the places tiles: compounds (小区) as outlined areas, buildings
 * as points at z13–14 and footprints from z15 coloured by use, public places as marked points.
 * A picked place is outlined through the feature state `selected`.
 */
function placesStyle(ctx: LayerContext): StylePart {
  const { opacity } = { ...PLACES_DEFAULTS, opacity: ctx.layers.opacity.places }
  const uses = BUILDING_USE_COLOURS[ctx.theme]
  const accent = css(COMPOUND_COLOUR[ctx.theme])
  const highlight = `rgb(${ctx.palette.selectedLine.slice(0, 3).join(', ')})`
  const poi = css(PUBLIC_PLACE_COLOUR[ctx.theme])
  const source = PLACES_SOURCE
  return {
    sources: {
      [source]: {
        type: 'vector',
        tiles: [tileUrl(ctx.origin, 'places', ctx.layers, ctx.can)],
        minzoom: 12,
        maxzoom: 16,
        promoteId: 'id',
      },
    },
    layers: [
      {
        slot: 'fill',
        layer: {
          id: ids.compoundFill,
          type: 'fill',
          source,
          'source-layer': 'compounds',
          minzoom: 13,
          paint: {
            'fill-color': [
              'case',
              selected,
              css(ctx.palette.selectedFill),
              hovered,
              css(COMPOUND_COLOUR[ctx.theme], 0.2),
              css(COMPOUND_COLOUR[ctx.theme], 0.07),
            ],
            'fill-opacity': opacity,
          },
        },
      },
      {
        slot: 'fill',
        layer: {
          id: ids.buildingFill,
          type: 'fill',
          source,
          'source-layer': 'buildings',
          minzoom: 15,
          paint: {
            'fill-color': ['case', selected, highlight, byUse(uses, ctx.theme === 'dark' ? 0.85 : 0.95)],
            'fill-opacity': ['case', hovered, Math.min(1, opacity * 1.15), opacity * 0.9],
          },
        },
      },
      {
        slot: 'fill',
        layer: {
          id: ids.buildingLine,
          type: 'line',
          source,
          'source-layer': 'buildings',
          minzoom: 15,
          paint: {
            'line-color': [
              'case',
              selected,
              highlight,
              css(ctx.theme === 'dark' ? [140, 190, 240] : [90, 110, 140], 0.55),
            ],
            'line-width': ['case', selected, px(ctx, 2.5), px(ctx, 0.6)],
            'line-opacity': opacity,
          },
        },
      },
      {
        slot: 'line',
        layer: {
          id: ids.compoundLine,
          type: 'line',
          source,
          'source-layer': 'compounds',
          minzoom: 13,
          paint: {
            'line-color': ['case', selected, highlight, accent],
            'line-width': ['case', selected, px(ctx, 2.5), px(ctx, 1.1)],
            'line-dasharray': [3, 2],
            'line-opacity': opacity * 0.85,
          },
        },
      },
      {
        slot: 'point',
        layer: {
          id: ids.buildingPoint,
          type: 'circle',
          source,
          'source-layer': 'building_points',
          minzoom: 13,
          maxzoom: 15,
          paint: {
            'circle-color': byUse(uses, 1),
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 13, px(ctx, 1.4), 15, px(ctx, 2.6)],
            'circle-opacity': opacity,
            'circle-stroke-width': ['case', selected, px(ctx, 2), 0],
            'circle-stroke-color': highlight,
          },
        },
      },
      {
        slot: 'point',
        layer: {
          id: ids.publicPlace,
          type: 'circle',
          source,
          'source-layer': 'public_places',
          minzoom: 12,
          paint: {
            'circle-color': poi,
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, px(ctx, 2.5), 16, px(ctx, 5)],
            'circle-stroke-color': ['case', selected, highlight, ctx.palette.labelHalo],
            'circle-stroke-width': ['case', selected, px(ctx, 3), hovered, px(ctx, 2), px(ctx, 1)],
            'circle-opacity': opacity,
            'circle-stroke-opacity': opacity,
          },
        },
      },
      {
        slot: 'label',
        layer: {
          id: ids.publicLabel,
          type: 'symbol',
          source,
          'source-layer': 'public_places',
          minzoom: 15,
          layout: {
            'text-field': ['get', 'name'],
            'text-font': FONT_REGULAR,
            'text-size': Math.round(11 * ctx.scale),
            'text-offset': [0, 1.1],
            'text-anchor': 'top',
            'text-max-width': 8,
            'text-optional': true,
          },
          paint: {
            'text-color': poi,
            'text-halo-color': ctx.palette.labelHalo,
            'text-halo-width': 1.2,
            'text-opacity': opacity,
          },
        },
      },
    ],
  }
}

export const placesLayer: LayerDefinition = {
  kind: 'places',
  minZoom: 12,
  style: placesStyle,
  pickable: () => [ids.publicPlace, ids.buildingPoint, ids.buildingFill, ids.compoundFill],
  legend: (ctx) => [
    {
      swatch: 'fill',
      colour: BUILDING_USE_COLOURS[ctx.theme].residential ?? [0, 0, 0],
      label: { key: 'layers.places.buildings' },
    },
    { swatch: 'line', colour: COMPOUND_COLOUR[ctx.theme], label: { key: 'layers.places.compounds' } },
    { swatch: 'dot', colour: PUBLIC_PLACE_COLOUR[ctx.theme], label: { key: 'layers.places.public' } },
  ],
  describe: (sourceLayer, p, words) => {
    const layer = sourceLayer === 'building_points' ? 'buildings' : sourceLayer
    const ref = featureOfTile(sourceLayer, p)
    if (layer === 'public_places')
      return { ref, title: String(p.name ?? ''), detail: words.name('places.kind', p.kind) }
    if (layer === 'compounds')
      return { ref, title: String(p.name ?? ''), detail: words.t('layers.places.compound') }
    const floors = p.floors !== undefined ? ` · ${words.t('layers.places.floors', { n: num(p.floors) })}` : ''
    return {
      ref,
      title: String(p.name ?? words.t('layers.places.building')),
      detail: `${words.name('places.use', p.use)}${floors}`,
    }
  },
}
