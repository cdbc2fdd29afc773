import type { PickingInfo } from '@deck.gl/core'
import { MapboxOverlay } from '@deck.gl/mapbox'
import type { Geometry, MultiPolygon, Polygon } from 'geojson'
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
import { useEffect, useMemo, useRef, useState } from 'react'
import { useI18n } from '../i18n/index.ts'
import { type Bbox, toBounds } from '../lib/bbox.ts'
import type { FeatureRef } from '../lib/feature-ref.ts'
import { DEFAULT_LAYERS, type MapLayers } from '../lib/map-layers.ts'
import type { EventPoints } from '../lib/points-binary.ts'
import { MAX_ZOOM, MIN_ZOOM, type Theme } from '../lib/url-state.ts'
import type { BasemapSource } from './basemap-style.ts'
import { IDEOGRAPH_FAMILY } from './fonts.ts'
import { createDescriber } from './layer-words.ts'
import { FILL_LAYER_IDS, GRID_SOURCE, GRID_SOURCE_LAYER } from './layers/grid-boundary-layer.ts'
import { pickableStyleLayers } from './layers/layer-registry.ts'
import { PLACES_SOURCE } from './layers/places-layer.ts'
import { createFeatureSelectionLayers, createSelectionLayers } from './layers/selection-layer.ts'
import {
  type Described,
  describeDeckPick,
  describeStyleFeature,
  type PickedFeature,
  pickedFeature,
} from './map-picking.ts'
import { exposeMapProbe } from './map-probe.ts'
import { PALETTES } from './palette.ts'
import { buildStyle, styleContext } from './style.ts'
import { type MapCategory, useDeckLayers } from './use-map-layers.ts'

setWorkerUrl(workerUrl)

export type { MapCategory, PickedFeature }

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
  /** A grid area clicked (where no element of another layer is). */
  onPick: (area: PickedArea) => void
  /** The layers, their filters, the time range and the base map choice (the URL's). */
  layers?: MapLayers
  /** What the signed-in role may filter by (the people tag needs 'people.tags'). */
  can?: { tags: boolean }
  /** map.meta's categories: level-1 order colours the events; names fill the tooltips. */
  categories?: readonly MapCategory[]
  /** A configured base map, resolved (hooks/use-basemap.ts); none: the offline style. */
  basemap?: BasemapSource | null
  /** All-points mode: every event from GET /points/events.bin (hooks/use-event-points.ts). */
  eventPoints?: EventPoints | null
  /** Bumped by live updates: the events' tiles are fetched again (hooks/use-live.ts). */
  liveRevision?: number
  /** The picked feature (URL `feature=`): highlighted where its layer draws it. */
  selectedFeature?: FeatureRef | null
  /** Its geometry once known (feature.get): ringed whether or not its layer is on. */
  selectedFeatureGeometry?: Geometry | null
  /** A feature of any layer but the grids clicked: for the detail panel. */
  onPickFeature?: (feature: PickedFeature) => void
  /** The view's bounds after every completed move (for the layer counts). */
  onBoundsChange?: (bbox: Bbox) => void
}

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

/** The places source layers a picked element of each kind is outlined in. */
const PLACE_STATE_LAYERS: Partial<Record<FeatureRef['kind'], string[]>> = {
  building: ['buildings', 'building_points'],
  compound: ['compounds'],
  place: ['public_places'],
}

type Hover = { x: number; y: number; title: string; detail?: string | undefined }

/**
 * The city map: MapLibre draws the base map, grid boundaries and places from vector tiles; deck.gl
 * (overlaid) draws people, things, organisations and events, the aggregation, all points and the
 * selection. Clicks go to the topmost feature: deck.gl's, then MapLibre's elements, then the grid.
 */
export function MapView(props: MapViewProps) {
  const { theme, initialCamera, camera, selectedGeometry, padding } = props
  const layers = props.layers ?? DEFAULT_LAYERS
  const i18n = useI18n()
  const { t } = i18n
  const containerRef = useRef<HTMLElement>(null)
  const mapRef = useRef<MaplibreMap | null>(null)
  const overlayRef = useRef<MapboxOverlay | null>(null)
  const callbacks = useRef(props)
  callbacks.current = props
  const [error, setError] = useState<string | null>(null)
  const [zoom, setZoom] = useState(Math.floor(initialCamera.zoom))
  const [scale] = useState(uiScale)
  const [ready, setReady] = useState(false)
  const [deckHover, setDeckHover] = useState<Hover | null>(null)
  const [styleHover, setStyleHover] = useState<Hover | null>(null)
  /** Where a point feature was clicked: ringed at once, before feature.get answers with its geometry. */
  const [pickedAt, setPickedAt] = useState<{ kind: string; id: number; at: [number, number] } | null>(null)
  const can = useMemo(() => props.can ?? { tags: false }, [props.can])
  const categories = props.categories ?? NO_CATEGORIES
  const categoryNames = useMemo(() => new Map(categories.map((c) => [c.code, c.name])), [categories])
  const words = useMemo(() => createDescriber(i18n, categoryNames), [i18n, categoryNames])
  const wordsRef = useRef(words)
  wordsRef.current = words
  const basemap = props.basemap ?? null
  const selectedFeature = props.selectedFeature ?? null
  const styleOptions = {
    theme,
    origin: location.origin,
    basemap,
    scale,
    layers,
    can,
    selected: selectedFeature,
  }
  const styleRef = useRef(styleOptions)
  styleRef.current = styleOptions

  // Create the map once; style, layers, camera and selection are applied by the effects below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is created once, with the first props.
  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    let map: MaplibreMap
    try {
      map = new MaplibreMap({
        container,
        style: buildStyle(styleRef.current),
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
    const overlay = new MapboxOverlay({
      interleaved: false,
      layers: [],
      pickingRadius: 4,
      onHover: (info: PickingInfo) => {
        const described = map.isMoving() ? null : describeDeckPick(info, wordsRef.current)
        setDeckHover(
          described ? { x: info.x, y: info.y, title: described.title, detail: described.detail } : null,
        )
      },
    })
    map.addControl(overlay)
    overlayRef.current = overlay
    const unexpose = exposeMapProbe(map, overlay)

    let hovered: number | null = null
    const setHovered = (id: number | null) => {
      if (hovered === id) return
      const target = (fid: number) => ({ source: GRID_SOURCE, sourceLayer: GRID_SOURCE_LAYER, id: fid })
      if (hovered !== null && map.getSource(GRID_SOURCE))
        map.setFeatureState(target(hovered), { hover: false })
      hovered = id
      if (id !== null) map.setFeatureState(target(id), { hover: true })
    }
    const gridAt = (point: PointLike) => {
      const ids = FILL_LAYER_IDS.filter((id) => map.getLayer(id))
      const [feature] = ids.length ? map.queryRenderedFeatures(point, { layers: ids }) : []
      return feature ? pickedArea(feature) : null
    }
    /** The topmost element of a MapLibre-drawn layer (places) under the point. */
    const elementAt = (point: PointLike): Described | null => {
      const ctx = styleContext(styleRef.current)
      for (const { kind, ids } of pickableStyleLayers(ctx)) {
        if (kind === 'grids') continue
        const present = ids.filter((id) => map.getLayer(id))
        const [feature] = present.length ? map.queryRenderedFeatures(point, { layers: present }) : []
        if (feature) return describeStyleFeature(kind, feature, wordsRef.current)
      }
      return null
    }

    map.on('mousemove', (event) => {
      if (map.isMoving()) return
      const element = elementAt(event.point)
      const area = element ? null : gridAt(event.point)
      setHovered(area?.id ?? null)
      map.getCanvas().style.cursor = element || area ? 'pointer' : ''
      const { x, y } = event.point
      setStyleHover(
        element
          ? { x, y, title: element.title, detail: element.detail }
          : area
            ? { x, y, title: area.name, detail: i18n.kind(area.kind) }
            : null,
      )
    })
    // A tooltip belongs to what was under the pointer; after a move that may be something else.
    map.on('movestart', () => {
      setDeckHover(null)
      setStyleHover(null)
    })
    map.on('mouseout', () => {
      setHovered(null)
      setStyleHover(null)
      setDeckHover(null)
    })
    map.on('click', (event) => {
      const { x, y } = event.point
      const lngLat: [number, number] = [event.lngLat.lng, event.lngLat.lat]
      const deckPick = describeDeckPick(overlay.pickObject({ x, y, radius: 4 }) ?? null, wordsRef.current)
      if (deckPick && !deckPick.ref) {
        // A cell or hexagon: counted, not a feature. Closer in, its points show.
        map.easeTo({ center: event.lngLat, zoom: Math.min(map.getZoom() + 2, MAX_ZOOM), duration: 600 })
        return
      }
      const described = deckPick ?? elementAt(event.point)
      const feature = described ? pickedFeature(described, lngLat) : null
      if (feature) {
        if (deckPick) setPickedAt({ kind: feature.kind, id: feature.id, at: lngLat })
        callbacks.current.onPickFeature?.(feature)
        return
      }
      const area = gridAt(event.point)
      if (area) callbacks.current.onPick(area)
    })
    const reportBounds = () => {
      const b = map.getBounds()
      callbacks.current.onBoundsChange?.([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()])
    }
    map.on('move', () => callbacks.current.onZoom?.(map.getZoom()))
    map.on('zoom', () => setZoom(Math.floor(map.getZoom())))
    map.on('moveend', () => {
      const { lng, lat } = map.getCenter()
      callbacks.current.onCameraChange({ center: [lng, lat], zoom: map.getZoom() })
      reportBounds()
    })
    map.on('load', () => {
      setReady(true)
      reportBounds()
    })
    map.on('error', (event) => {
      // A tile that failed to load is retried by MapLibre on the next move; only log it.
      console.warn('map:', event.error?.message ?? event)
    })
    callbacks.current.onZoom?.(map.getZoom())

    return () => {
      unexpose()
      overlayRef.current = null
      mapRef.current = null
      map.remove()
    }
  }, [])

  // The style follows the state: MapLibre diffs it, so a filter change (a new tile URL) reloads
  // only that source, an opacity change only sets paint properties.
  const style = useMemo(
    () =>
      buildStyle({ theme, origin: location.origin, basemap, scale, layers, can, selected: selectedFeature }),
    [theme, basemap, scale, layers, can, selectedFeature],
  )
  const appliedStyle = useRef<unknown>(null)
  useEffect(() => {
    const map = mapRef.current
    if (!map) return
    if (appliedStyle.current === null) {
      appliedStyle.current = style
      return
    }
    if (appliedStyle.current === style) return
    appliedStyle.current = style
    map.setStyle(style)
  }, [style])

  // The picked place, outlined by MapLibre through feature state.
  useEffect(() => {
    const map = mapRef.current
    if (!map || !ready) return
    const ref = selectedFeature
    const apply = () => {
      if (!map.getSource(PLACES_SOURCE)) return
      map.removeFeatureState({ source: PLACES_SOURCE, sourceLayer: 'buildings' })
      for (const sourceLayer of ['building_points', 'compounds', 'public_places'])
        map.removeFeatureState({ source: PLACES_SOURCE, sourceLayer })
      if (!ref) return
      for (const sourceLayer of PLACE_STATE_LAYERS[ref.kind] ?? [])
        map.setFeatureState({ source: PLACES_SOURCE, sourceLayer, id: ref.id }, { selected: true })
    }
    apply()
    map.on('styledata', apply)
    return () => {
      map.off('styledata', apply)
    }
  }, [selectedFeature, ready])

  const deckLayers = useDeckLayers({
    origin: location.origin,
    theme,
    scale,
    layers,
    can,
    zoom,
    categories,
    selected: selectedFeature,
    eventPoints: props.eventPoints ?? null,
    revision: props.liveRevision ?? 0,
  })
  const pickedPoint =
    pickedAt && selectedFeature?.kind === pickedAt.kind && selectedFeature.id === pickedAt.id
      ? pickedAt.at
      : null
  const selectedFeatureGeometry = useMemo<Geometry | null>(
    () =>
      props.selectedFeatureGeometry ??
      (pickedPoint ? { type: 'Point', coordinates: [pickedPoint[0], pickedPoint[1]] } : null),
    [props.selectedFeatureGeometry, pickedPoint],
  )
  useEffect(() => {
    const palette = PALETTES[theme]
    overlayRef.current?.setProps({
      layers: [
        ...deckLayers,
        ...createSelectionLayers({ geometry: selectedGeometry, palette }),
        ...createFeatureSelectionLayers({ geometry: null, feature: selectedFeatureGeometry, palette }),
      ],
    })
  }, [deckLayers, selectedGeometry, selectedFeatureGeometry, theme])

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

  const hover = deckHover ?? styleHover
  return (
    <div className="map-view">
      <section ref={containerRef} className="map-canvas" data-testid="map" aria-label={t('map.label')} />
      {hover && (
        <div
          className="map-tooltip"
          data-testid="map-tooltip"
          style={{ transform: `translate(${hover.x + 14}px, ${hover.y + 14}px)` }}
        >
          <strong>{hover.title}</strong>
          {hover.detail && <span>{hover.detail}</span>}
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

const NO_CATEGORIES: readonly MapCategory[] = []
