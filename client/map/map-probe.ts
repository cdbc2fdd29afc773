import type { MapboxOverlay } from '@deck.gl/mapbox'
import type { Map as MaplibreMap } from 'maplibre-gl'

/**
 * A read-only window hook for the map benchmark (scripts/bench-map.ts) and the browser tests:
 * whether the map is fully drawn — MapLibre's style and visible tiles loaded and no move going on,
 * and every deck.gl layer loaded (its tiles in, its data parsed).
 */
export interface MapProbe {
  /** All visible tiles of both renderers loaded and drawn, the camera still. */
  drawn(): boolean
  zoom(): number
  /** Moves the camera at once (for benchmarks that pan). */
  jumpTo(center: [number, number], zoom?: number): void
  /** The deck.gl layers and whether each has loaded (`all`: sub-layers too), for diagnosis. */
  layers(all?: boolean): { id: string; loaded: boolean; visible: boolean }[]
  /** The sizes of a deck.gl layer's state (array lengths), for diagnosis. */
  state(id: string): Record<string, unknown> | null
}

declare global {
  interface Window {
    __yiwangMap?: MapProbe
  }
}

type DeckLayer = {
  id: string
  isLoaded: boolean
  parent: unknown
  props: { visible?: boolean }
  state: Record<string, unknown> | null
}
type DeckInternals = { layerManager?: { getLayers(): DeckLayer[] } }

export function exposeMapProbe(map: MaplibreMap, overlay: MapboxOverlay): () => void {
  const deckLayers = (all = false) => {
    const deck = (overlay as unknown as { _deck?: DeckInternals })._deck
    return (deck?.layerManager?.getLayers() ?? []).filter((layer) => all || !layer.parent)
  }
  const probe: MapProbe = {
    drawn: () =>
      map.isStyleLoaded() !== false &&
      map.loaded() &&
      map.areTilesLoaded() &&
      !map.isMoving() &&
      deckLayers().every((layer) => layer.isLoaded),
    zoom: () => map.getZoom(),
    jumpTo: (center, zoom) => map.jumpTo({ center, ...(zoom === undefined ? {} : { zoom }) }),
    layers: (all) =>
      deckLayers(all).map((layer) => ({
        id: layer.id,
        loaded: layer.isLoaded,
        visible: layer.props.visible !== false,
      })),
    state: (id) => {
      const layer = deckLayers(true).find((l) => l.id === id)
      if (!layer?.state) return null
      return Object.fromEntries(
        Object.entries(layer.state).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.length : typeof v === 'object' ? typeof v : v,
        ]),
      )
    },
  }
  window.__yiwangMap = probe
  return () => {
    if (window.__yiwangMap === probe) delete window.__yiwangMap
  }
}
