import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl'
import type { Theme } from '../lib/url-state.ts'
import { FONT_REGULAR } from './fonts.ts'

/** A base map ready for the style: raster tiles, vector tiles (our generic style), or a whole style. */
export type BasemapSource =
  | { kind: 'raster'; tiles?: string[]; url?: string; tileSize: number; labels?: string[] }
  | { kind: 'vector'; tiles?: string[]; url?: string }
  | { kind: 'style'; style: StyleSpecification }

export interface BasemapStyle {
  sources: Record<string, SourceSpecification>
  /** Drawn right over the background. */
  base: LayerSpecification[]
  /** Place names and annotation: over the grid lines, under the app's own labels. */
  labels: LayerSpecification[]
  sprite?: StyleSpecification['sprite']
}

const DARK_RASTER = { 'raster-saturation': -0.85, 'raster-brightness-max': 0.42, 'raster-contrast': 0.15 }

/** The parts of a base map in the app's style; raster maps are darkened on the dark theme. */
export function basemapStyle(source: BasemapSource, theme: Theme, scale = 1): BasemapStyle {
  if (source.kind === 'raster') {
    const sources: Record<string, SourceSpecification> = {
      basemap: {
        type: 'raster',
        ...(source.url ? { url: source.url } : { tiles: source.tiles ?? [] }),
        tileSize: source.tileSize,
        maxzoom: 18,
      },
    }
    const base: LayerSpecification[] = [
      {
        id: 'basemap',
        type: 'raster',
        source: 'basemap',
        paint: theme === 'dark' ? { ...DARK_RASTER, 'raster-opacity': 0.9 } : { 'raster-opacity': 0.85 },
      },
    ]
    const labels: LayerSpecification[] = []
    if (source.labels?.length) {
      sources['basemap-labels'] = {
        type: 'raster',
        tiles: source.labels,
        tileSize: source.tileSize,
        maxzoom: 18,
      }
      labels.push({
        id: 'basemap-labels',
        type: 'raster',
        source: 'basemap-labels',
        paint:
          theme === 'dark'
            ? { 'raster-brightness-min': 0.55, 'raster-saturation': -1, 'raster-opacity': 0.8 }
            : {},
      })
    }
    return { sources, base, labels }
  }
  if (source.kind === 'vector') {
    const spec: SourceSpecification = source.url
      ? { type: 'vector', url: source.url }
      : { type: 'vector', tiles: source.tiles ?? [], maxzoom: 14 }
    const { base, labels } = genericVectorLayers('basemap', theme, scale)
    return { sources: { basemap: spec }, base, labels }
  }
  return styleParts(source.style)
}

/**
 * A whole configured style under the app's layers: its glyphs are dropped and its labels drawn
 * with the local fonts (no glyph downloads), its symbol layers go with the labels.
 */
function styleParts(style: StyleSpecification): BasemapStyle {
  const sources = Object.fromEntries(Object.entries(style.sources).map(([id, s]) => [`basemap-${id}`, s]))
  const renamed = style.layers.map((layer) => {
    const copy = { ...layer, id: `basemap-${layer.id}` } as LayerSpecification & { source?: string }
    if ('source' in layer && typeof layer.source === 'string') copy.source = `basemap-${layer.source}`
    if (copy.type === 'symbol') copy.layout = { ...copy.layout, 'text-font': FONT_REGULAR }
    return copy as LayerSpecification
  })
  return {
    sources,
    base: renamed.filter((layer) => layer.type !== 'symbol'),
    labels: renamed.filter((layer) => layer.type === 'symbol'),
    ...(style.sprite ? { sprite: style.sprite } : {}),
  }
}

const VECTOR_COLOURS = {
  dark: {
    water: '#0a2540',
    park: '#0a231f',
    building: '#0e1f35',
    road: '#17304c',
    major: '#21426a',
    text: '#7f9bb8',
  },
  light: {
    water: '#b9d5ee',
    park: '#d5ead0',
    building: '#dde2e9',
    road: '#ffffff',
    major: '#fbe3ad',
    text: '#4e6680',
  },
}

/**
 * A plain style for vector base tiles of either common schema — OpenMapTiles (`water`,
 * `transportation`, `building`, `place`) or Protomaps (`water`, `roads`, `buildings`, `places`):
 * a source layer the tiles lack simply draws nothing.
 */
export function genericVectorLayers(
  source: string,
  theme: Theme,
  scale = 1,
): { base: LayerSpecification[]; labels: LayerSpecification[] } {
  const c = VECTOR_COLOURS[theme]
  const major = [
    'any',
    ['in', ['get', 'class'], ['literal', ['motorway', 'trunk', 'primary']]],
    ['in', ['get', 'kind'], ['literal', ['highway', 'major_road']]],
  ] as const
  const road = (id: string, sourceLayer: string, isMajor: boolean): LayerSpecification => ({
    id,
    type: 'line',
    source,
    'source-layer': sourceLayer,
    minzoom: isMajor ? 6 : 11,
    filter: (isMajor ? major : ['!', major]) as never,
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: {
      'line-color': isMajor ? c.major : c.road,
      'line-width': [
        'interpolate',
        ['exponential', 1.6],
        ['zoom'],
        8,
        isMajor ? 0.8 : 0.3,
        16,
        isMajor ? 9 : 5,
      ],
    },
  })
  const green = [
    'park',
    'grass',
    'wood',
    'forest',
    'garden',
    'cemetery',
    'nature_reserve',
    'recreation_ground',
  ]
  const fill = (
    id: string,
    sourceLayer: string,
    colour: string,
    minzoom = 0,
    greenOnly = false,
  ): LayerSpecification => ({
    id,
    type: 'fill',
    source,
    'source-layer': sourceLayer,
    minzoom,
    ...(greenOnly
      ? { filter: ['in', ['coalesce', ['get', 'class'], ['get', 'kind'], ''], ['literal', green]] as never }
      : {}),
    paint: { 'fill-color': colour },
  })
  const place = (id: string, sourceLayer: string): LayerSpecification => ({
    id,
    type: 'symbol',
    source,
    'source-layer': sourceLayer,
    minzoom: 10,
    layout: {
      'text-field': ['coalesce', ['get', 'name:zh'], ['get', 'name_zh'], ['get', 'name']],
      'text-font': FONT_REGULAR,
      'text-size': Math.round(11 * scale),
      'text-max-width': 8,
    },
    paint: {
      'text-color': c.text,
      'text-halo-color': theme === 'dark' ? '#050d1a' : '#ffffff',
      'text-halo-width': 1,
    },
  })
  return {
    base: [
      fill('basemap-park', 'park', c.park),
      fill('basemap-landuse', 'landuse', c.park, 0, true),
      fill('basemap-water', 'water', c.water),
      fill('basemap-building', 'building', c.building, 14),
      fill('basemap-buildings', 'buildings', c.building, 14),
      road('basemap-transportation-minor', 'transportation', false),
      road('basemap-roads-minor', 'roads', false),
      road('basemap-transportation-major', 'transportation', true),
      road('basemap-roads-major', 'roads', true),
    ],
    labels: [place('basemap-place', 'place'), place('basemap-places', 'places')],
  }
}
