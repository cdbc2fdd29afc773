import { decodeFeatureRef, encodeFeatureRef, type FeatureRef } from './feature-ref.ts'
import { DEFAULT_LAYERS, decodeLayers, encodeLayers, type MapLayers } from './map-layers.ts'
import { isPage, type Page } from './pages.ts'

/**
 * The shareable view, kept in the URL hash so a link or a reload shows the same thing:
 * `#page=<people|users|audit>&map=<zoom>/<lat>/<lon>&grid=<code>&feature=<kind>:<id>&…layers…&
 * theme=<dark|light>&lang=<zh-CN|en>` (`page` is left out for the map; the layer fields of
 * map-layers.ts only where they differ from the defaults). The hash never reaches the server, and
 * `map=` reads like MapLibre's own hash.
 */
export const THEMES = ['dark', 'light'] as const
export type Theme = (typeof THEMES)[number]

export interface ViewState {
  /** Which page is open; the map keeps its position while another page is shown. */
  page: Page
  center: readonly [number, number] // lon, lat
  zoom: number
  /** The selected area's code (stable across boundary versions, unlike its id). */
  grid: string | null
  /** A feature picked on the map or found by search (besides the selected area). */
  feature: FeatureRef | null
  /** Layers, opacities, filters, time range and base map. */
  layers: MapLayers
  theme: Theme
  lang: string
}

export { DEFAULT_LAYERS }

export const MIN_ZOOM = 3
export const MAX_ZOOM = 19

const round = (value: number, digits: number) => {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** Digits of lon/lat that still mean something at `zoom` (about a pixel). */
function coordinateDigits(zoom: number): number {
  return Math.min(7, Math.max(2, Math.ceil((zoom * Math.LN2 + Math.log(512 / 360)) / Math.LN10)))
}

export function encodeViewState(state: ViewState): string {
  const zoom = round(state.zoom, 2)
  const digits = coordinateDigits(zoom)
  const [lon, lat] = state.center
  const params = new URLSearchParams()
  if (state.page !== 'map') params.set('page', state.page)
  params.set('map', `${zoom}/${round(lat, digits)}/${round(lon, digits)}`)
  if (state.grid) params.set('grid', state.grid)
  if (state.feature) params.set('feature', encodeFeatureRef(state.feature))
  encodeLayers(params, state.layers)
  params.set('theme', state.theme)
  params.set('lang', state.lang)
  // URLSearchParams escapes '/', which would make the hash harder to read and to type.
  return `#${params.toString().replaceAll('%2F', '/').replaceAll('%2C', ',').replaceAll('%3A', ':')}`
}

const GRID_CODE = /^[0-9A-Za-z_-]{1,40}$/

/**
 * Reads what the hash says and takes the rest from `defaults`. Anything malformed or out of range
 * is ignored field by field, so a half-broken link still opens.
 */
export function decodeViewState(hash: string, defaults: ViewState, langs: readonly string[]): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const state: ViewState = { ...defaults }

  const map = params.get('map')?.split('/').map(Number)
  if (map?.length === 3 && map.every(Number.isFinite)) {
    const [zoom, lat, lon] = map as [number, number, number]
    if (zoom >= 0 && zoom <= 24 && Math.abs(lat) <= 85 && Math.abs(lon) <= 180) {
      state.zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom))
      state.center = [lon, lat]
    }
  }

  const page = params.get('page')
  if (page !== null) state.page = isPage(page) ? page : defaults.page

  const grid = params.get('grid')
  if (grid !== null) state.grid = GRID_CODE.test(grid) ? grid : defaults.grid

  const feature = params.get('feature')
  if (feature !== null) state.feature = decodeFeatureRef(feature) ?? defaults.feature
  state.layers = decodeLayers(params, defaults.layers)

  const theme = params.get('theme')
  if ((THEMES as readonly string[]).includes(theme ?? '')) state.theme = theme as Theme

  const lang = params.get('lang')
  if (lang && langs.includes(lang)) state.lang = lang

  return state
}
