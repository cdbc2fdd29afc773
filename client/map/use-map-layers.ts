import type { Layer } from '@deck.gl/core'
import { useEffect, useMemo, useState } from 'react'
import type { FeatureRef } from '../lib/feature-ref.ts'
import type { MapLayers } from '../lib/map-layers.ts'
import { type EventPoints, pointColours } from '../lib/points-binary.ts'
import type { Theme } from '../lib/url-state.ts'
import { CATEGORY_COLOURS, NO_CATEGORY_COLOUR, OVERDUE } from './layer-colours.ts'
import { EVENT_POINTS_MIN_ZOOM } from './layers/events-layer.ts'
import { createEventPointsLayer, EVENT_POINTS_DEFAULTS } from './layers/events-points-layer.ts'
import type { LayerContext } from './layers/layer-definition.ts'
import { deckLayersOf } from './layers/layer-registry.ts'
import { PALETTES } from './palette.ts'

/** A level-1 category of map.meta, whose order gives colours and the points' `cat1` index. */
export interface MapCategory {
  code: string
  name: string
  level: number
}

const PULSE_PERIOD_MS = 1800
const PULSE_FRAME_MS = 66

/** 0..1 repeating while `active` and motion is welcome; -1 otherwise (no pulse is drawn). */
export function usePulse(active: boolean): number {
  const [phase, setPhase] = useState(-1)
  useEffect(() => {
    const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false
    if (!active || reduced) {
      setPhase(-1)
      return
    }
    const start = performance.now()
    const timer = window.setInterval(() => {
      setPhase(((performance.now() - start) % PULSE_PERIOD_MS) / PULSE_PERIOD_MS)
    }, PULSE_FRAME_MS)
    return () => window.clearInterval(timer)
  }, [active])
  return phase
}

export interface DeckLayerInputs {
  origin: string
  theme: Theme
  scale: number
  layers: MapLayers
  can: { tags: boolean }
  zoom: number
  categories: readonly MapCategory[]
  selected: FeatureRef | null
  eventPoints: EventPoints | null
  /** Live revision of the events (LayerContext.revision). */
  revision?: number
}

/** The deck.gl layers of the map's state: the registry's, with the binary points under the events. */
export function useDeckLayers(inputs: DeckLayerInputs): Layer[] {
  const { origin, theme, scale, layers, can, zoom, categories, selected, eventPoints } = inputs
  const revision = inputs.revision ?? 0
  const topCategories = useMemo(() => categories.filter((c) => c.level === 1), [categories])
  const categoryIndex = useMemo(
    () => new Map(topCategories.map((c, i) => [c.code, i] as const)),
    [topCategories],
  )
  const pulse = usePulse(layers.on.events && zoom >= EVENT_POINTS_MIN_ZOOM)
  const points = layers.on.events && layers.events.points ? eventPoints : null
  const colours = useMemo(
    () => (points ? pointColours(points, CATEGORY_COLOURS, NO_CATEGORY_COLOUR, [...OVERDUE, 255]) : null),
    [points],
  )
  return useMemo(() => {
    const ctx: LayerContext = {
      origin,
      theme,
      palette: PALETTES[theme],
      scale,
      layers,
      can,
      zoom,
      categoryIndex,
      topCategories,
      selected,
      pulse,
      revision,
    }
    const registry = deckLayersOf(ctx)
    if (!points || !colours) return registry
    const all = createEventPointsLayer({
      points,
      fill: colours.fill,
      line: colours.line,
      opacity: layers.opacity.events,
      radius: EVENT_POINTS_DEFAULTS.radius * scale,
      lineWidth: EVENT_POINTS_DEFAULTS.lineWidth * scale,
    })
    // Under the events' own layers (the tiles' points take the clicks from z14).
    const firstEvents = registry.findIndex((layer) => layer.id.startsWith('events-'))
    return firstEvents < 0
      ? [...registry, all]
      : [...registry.slice(0, firstEvents), all, ...registry.slice(firstEvents)]
  }, [
    origin,
    theme,
    scale,
    layers,
    can,
    zoom,
    categoryIndex,
    topCategories,
    selected,
    pulse,
    revision,
    points,
    colours,
  ])
}
