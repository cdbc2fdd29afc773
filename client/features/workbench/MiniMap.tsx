import { Map as MaplibreMap, Marker, NavigationControl, setWorkerUrl } from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { type Bbox, isValidBbox, toBounds } from '../../lib/bbox.ts'
import { DEFAULT_LAYERS, type MapLayers } from '../../lib/map-layers.ts'
import type { Theme } from '../../lib/url-state.ts'
import { IDEOGRAPH_FAMILY } from '../../map/fonts.ts'
import { buildStyle } from '../../map/style.ts'

setWorkerUrl(workerUrl)

/** Grid boundaries and places from the app's own tiles, no base map: works offline. */
const MINI_LAYERS: MapLayers = {
  ...DEFAULT_LAYERS,
  on: { grids: true, places: true, people: false, things: false, orgs: false, events: false },
  basemap: 'none',
}

export interface MiniMapProps {
  theme: Theme
  /** The point shown with a marker (lon, lat), or none yet. */
  marker: readonly [number, number] | null
  /** Where to look when there is no marker: an area's box. */
  fit?: Bbox | null
  /** Zoom the marker is shown at. */
  zoom?: number
  /** A click on the map: the point clicked (for choosing a location). */
  onPick?: (lon: number, lat: number) => void
  label: string
  testId: string
  className?: string
}

/**
 * A small map in the app's own style (grid boundaries and buildings from this server's tiles),
 * with one marker: the event's place, or the point being chosen for a new one.
 */
export function MiniMap({ theme, marker, fit, zoom = 16, onPick, label, testId, className }: MiniMapProps) {
  const { t } = useI18n()
  const ref = useRef<HTMLDivElement>(null)
  const mapRef = useRef<MaplibreMap | null>(null)
  const markerRef = useRef<Marker | null>(null)
  const pickRef = useRef(onPick)
  pickRef.current = onPick
  const [error, setError] = useState<string | null>(null)
  const [ready, setReady] = useState(false)
  const style = useMemo(() => buildStyle({ theme, origin: location.origin, layers: MINI_LAYERS }), [theme])
  const first = useRef({ style, marker, fit, zoom })

  useEffect(() => {
    const container = ref.current
    if (!container) return
    const start = first.current
    let map: MaplibreMap
    try {
      map = new MaplibreMap({
        container,
        style: start.style,
        center: start.marker ? [start.marker[0], start.marker[1]] : [122.12, 37.5],
        zoom: start.marker ? start.zoom : 9,
        attributionControl: false,
        localIdeographFontFamily: IDEOGRAPH_FAMILY,
        dragRotate: false,
        pitchWithRotate: false,
      })
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause))
      return
    }
    if (!start.marker && start.fit && isValidBbox(start.fit))
      map.fitBounds(toBounds(start.fit), { padding: 16, duration: 0, maxZoom: start.zoom })
    map.touchZoomRotate.disableRotation()
    map.keyboard.disableRotation()
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right')
    map.on('click', (event) => pickRef.current?.(event.lngLat.lng, event.lngLat.lat))
    map.on('load', () => setReady(true))
    map.on('error', (event) => console.warn('mini map:', event.error?.message ?? event))
    mapRef.current = map
    return () => {
      markerRef.current = null
      mapRef.current = null
      map.remove()
    }
  }, [])

  const applied = useRef(style)
  useEffect(() => {
    const map = mapRef.current
    if (!map || applied.current === style) return
    applied.current = style
    map.setStyle(style)
  }, [style])

  const lon = marker?.[0]
  const lat = marker?.[1]
  useEffect(() => {
    const map = mapRef.current
    if (!map) return
    if (lon === undefined || lat === undefined) {
      markerRef.current?.remove()
      markerRef.current = null
      return
    }
    if (!markerRef.current) {
      const el = document.createElement('div')
      el.className = 'mini-marker'
      el.dataset.testid = `${testId}-marker`
      markerRef.current = new Marker({ element: el, anchor: 'bottom' }).setLngLat([lon, lat]).addTo(map)
    } else markerRef.current.setLngLat([lon, lat])
    const bounds = map.getBounds()
    if (!bounds.contains([lon, lat]) || map.getZoom() < zoom - 3)
      map.jumpTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), zoom) })
  }, [lon, lat, zoom, testId])

  // A new area to look at (the caller's area arrives after the map is made).
  const fitKey = fit ? fit.join(',') : ''
  // biome-ignore lint/correctness/useExhaustiveDependencies: fitKey stands for fit.
  useEffect(() => {
    const map = mapRef.current
    if (!map || !fit || !isValidBbox(fit) || markerRef.current) return
    map.fitBounds(toBounds(fit), { padding: 16, duration: 0, maxZoom: zoom })
  }, [fitKey, zoom])

  return (
    <div className={`mini-map ${className ?? ''}`} data-testid={testId} data-ready={ready}>
      <div ref={ref} className="mini-map-canvas" role="application" aria-label={label} />
      {onPick && <p className="mini-map-hint">{t('intake.map.hint')}</p>}
      {error && (
        <p className="form-error" role="alert">
          {t('map.error', { message: error })}
        </p>
      )}
    </div>
  )
}
