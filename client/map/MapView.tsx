import { MapboxOverlay } from '@deck.gl/mapbox'
import type { MultiPolygon, Polygon } from 'geojson'
import {
  type MapGeoJSONFeature,
  Map as MaplibreMap,
  NavigationControl,
  type PointLike,
  ScaleControl,
  setWorkerUrl,
} from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
// MapLibre 6 runs its worker from a module file next to its own; a bundler moves the main module,
// so the worker's URL is given explicitly. Same origin: no blob: worker, no 'unsafe-eval'.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { useEffect, useRef, useState } from 'react'
import { useI18n } from '../i18n/index.ts'
import { type Bbox, toBounds } from '../lib/bbox.ts'
import { MAX_ZOOM, MIN_ZOOM, type Theme } from '../lib/url-state.ts'
import { IDEOGRAPH_FAMILY } from './fonts.ts'
import { FILL_LAYER_IDS, GRID_SOURCE, GRID_SOURCE_LAYER } from './layers/grid-boundary-layer.ts'
import { createSelectionLayers } from './layers/selection-layer.ts'
import { PALETTES } from './palette.ts'
import { buildStyle } from './style.ts'

setWorkerUrl(workerUrl)

export interface MapCamera {
  center: readonly [number, number]
  zoom: number
}

/** A camera move the app asks for; a new `seq` makes the map move again to the same place. */
export type CameraRequest =
  | { kind: 'fit'; bbox: Bbox; maxZoom: number; seq: number }
  | { kind: 'jump'; center: readonly [number, number]; zoom: number; seq: number }

export interface PickedArea {
  id: number
  code: string
  name: string
  level: number
  kind: string
}

export interface MapViewProps {
  theme: Theme
  initialCamera: MapCamera
  camera: CameraRequest | null
  selectedGeometry: MultiPolygon | Polygon | null
  /** Room taken by panels over the map, so fitted areas are not hidden behind them. */
  padding?: { top: number; right: number; bottom: number; left: number }
  /** After every completed move (for the URL). */
  onCameraChange: (camera: MapCamera) => void
  /** Continuously while moving (for the zoom readout and the legend). */
  onZoom?: (zoom: number) => void
  onPick: (area: PickedArea) => void
}

/** An optional raster base map, configured at build time; off by default (offline). */
const BASEMAP_TILES: string | undefined = import.meta.env.VITE_YIWANG_BASEMAP_TILES || undefined

/** How much larger than at 14px root size the UI is drawn (the root size follows the screen). */
function uiScale(): number {
  const rootPx = Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 14
  return Math.min(1.8, Math.max(1, rootPx / 14))
}

function pickedArea(feature: MapGeoJSONFeature): PickedArea | null {
  const p = feature.properties
  const id = Number(p.id ?? feature.id)
  if (!Number.isFinite(id) || typeof p.code !== 'string') return null
  return { id, code: p.code, name: String(p.name ?? ''), level: Number(p.level), kind: String(p.kind ?? '') }
}

/** The city map: MapLibre draws the tiled grid boundaries and labels, deck.gl the selection. */
export function MapView(props: MapViewProps) {
  const { theme, initialCamera, camera, selectedGeometry, padding } = props
  const { t, kind } = useI18n()
  const containerRef = useRef<HTMLElement>(null)
  const mapRef = useRef<MaplibreMap | null>(null)
  const overlayRef = useRef<MapboxOverlay | null>(null)
  const callbacks = useRef(props)
  callbacks.current = props
  const [error, setError] = useState<string | null>(null)
  const [hover, setHover] = useState<{ x: number; y: number; area: PickedArea } | null>(null)
  const themeRef = useRef(theme)

  // Create the map once; the theme, camera and selection are applied by the effects below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is created once, with the first props.
  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    let map: MaplibreMap
    try {
      map = new MaplibreMap({
        container,
        style: buildStyle({ theme, origin: location.origin, basemapTiles: BASEMAP_TILES, scale: uiScale() }),
        center: [initialCamera.center[0], initialCamera.center[1]],
        zoom: initialCamera.zoom,
        minZoom: MIN_ZOOM,
        maxZoom: MAX_ZOOM,
        attributionControl: false,
        localIdeographFontFamily: IDEOGRAPH_FAMILY,
        dragRotate: false,
        pitchWithRotate: false,
        canvasContextAttributes: { antialias: true },
      })
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause))
      return
    }
    mapRef.current = map
    map.touchZoomRotate.disableRotation()
    map.keyboard.disableRotation()
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right')
    map.addControl(new ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left')
    // Overlaid, not interleaved: @deck.gl/mapbox 9.4 reads `map.transform` when interleaved, which
    // MapLibre 6 no longer has. Overlaid mode uses only the public camera API.
    const overlay = new MapboxOverlay({ interleaved: false, layers: [] })
    map.addControl(overlay)
    overlayRef.current = overlay

    let hovered: number | null = null
    const setHovered = (id: number | null) => {
      if (hovered === id) return
      if (hovered !== null)
        map.setFeatureState(
          { source: GRID_SOURCE, sourceLayer: GRID_SOURCE_LAYER, id: hovered },
          { hover: false },
        )
      hovered = id
      if (id !== null)
        map.setFeatureState({ source: GRID_SOURCE, sourceLayer: GRID_SOURCE_LAYER, id }, { hover: true })
    }
    const pickAt = (point: PointLike) => {
      const layers = FILL_LAYER_IDS.filter((id) => map.getLayer(id))
      const [feature] = map.queryRenderedFeatures(point, { layers })
      return feature ? pickedArea(feature) : null
    }

    map.on('mousemove', (event) => {
      const area = pickAt(event.point)
      setHovered(area?.id ?? null)
      map.getCanvas().style.cursor = area ? 'pointer' : ''
      setHover(area ? { x: event.point.x, y: event.point.y, area } : null)
    })
    map.on('mouseout', () => {
      setHovered(null)
      setHover(null)
    })
    map.on('click', (event) => {
      const area = pickAt(event.point)
      if (area) callbacks.current.onPick(area)
    })
    map.on('move', () => callbacks.current.onZoom?.(map.getZoom()))
    map.on('moveend', () => {
      const { lng, lat } = map.getCenter()
      callbacks.current.onCameraChange({ center: [lng, lat], zoom: map.getZoom() })
    })
    map.on('error', (event) => {
      // A tile that failed to load is retried by MapLibre on the next move; only log it.
      console.warn('map:', event.error?.message ?? event)
    })
    callbacks.current.onZoom?.(map.getZoom())

    return () => {
      overlayRef.current = null
      mapRef.current = null
      map.remove()
    }
  }, [])

  useEffect(() => {
    const map = mapRef.current
    if (!map || themeRef.current === theme) return
    themeRef.current = theme
    map.setStyle(
      buildStyle({ theme, origin: location.origin, basemapTiles: BASEMAP_TILES, scale: uiScale() }),
    )
  }, [theme])

  useEffect(() => {
    const layers = createSelectionLayers({ geometry: selectedGeometry, palette: PALETTES[theme] })
    overlayRef.current?.setProps({ layers })
  }, [selectedGeometry, theme])

  // Only a new request moves the map, not a change of padding.
  // biome-ignore lint/correctness/useExhaustiveDependencies: padding is read at the time of the request.
  useEffect(() => {
    const map = mapRef.current
    if (!map || !camera) return
    if (camera.kind === 'fit') {
      map.fitBounds(toBounds(camera.bbox), {
        padding: padding ?? 48,
        maxZoom: camera.maxZoom,
        duration: 1400,
        essential: true,
      })
    } else {
      map.jumpTo({ center: [camera.center[0], camera.center[1]], zoom: camera.zoom })
    }
  }, [camera])

  return (
    <div className="map-view">
      <section ref={containerRef} className="map-canvas" data-testid="map" aria-label={t('map.label')} />
      {hover && (
        <div className="map-tooltip" style={{ transform: `translate(${hover.x + 14}px, ${hover.y + 14}px)` }}>
          <strong>{hover.area.name}</strong>
          <span>{kind(hover.area.kind)}</span>
        </div>
      )}
      {error && (
        <div className="map-error" role="alert">
          {t('map.error', { message: error })}
        </div>
      )}
    </div>
  )
}
