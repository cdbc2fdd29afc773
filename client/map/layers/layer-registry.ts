import type { Layer } from '@deck.gl/core'
import { LAYER_KINDS, type LayerKind } from '../../lib/layer-enums.ts'
import { eventsLayer } from './events-layer.ts'
import { gridsLayer } from './grids-layer.ts'
import type { LayerContext, LayerDefinition, StylePart, StyleSlot } from './layer-definition.ts'
import { orgsLayer } from './orgs-layer.ts'
import { peopleLayer } from './people-layer.ts'
import { placesLayer } from './places-layer.ts'
import { thingsLayer } from './things-layer.ts'

/** The layers of the one map by kind (kepler.gl style): each knows its tiles, styles and legend. */
export const LAYER_REGISTRY: Record<LayerKind, LayerDefinition> = {
  grids: gridsLayer,
  places: placesLayer,
  people: peopleLayer,
  things: thingsLayer,
  orgs: orgsLayer,
  events: eventsLayer,
}

const SLOTS: readonly StyleSlot[] = ['fill', 'line', 'point', 'label']

const activeKinds = (ctx: LayerContext) => LAYER_KINDS.filter((kind) => ctx.layers.on[kind])

/** The MapLibre sources and layers of the layers that are on, ordered by slot, then by kind. */
export function styleOfLayers(ctx: LayerContext): StylePart & { labelsFrom: number } {
  const parts = activeKinds(ctx).flatMap((kind) => {
    const part = LAYER_REGISTRY[kind].style?.(ctx)
    return part ? [part] : []
  })
  const sources = Object.assign({}, ...parts.map((part) => part.sources))
  const all = parts.flatMap((part) => part.layers)
  const layers = SLOTS.flatMap((slot) => all.filter((entry) => entry.slot === slot))
  return { sources, layers, labelsFrom: layers.findIndex((entry) => entry.slot === 'label') }
}

/** The deck.gl layers of the layers that are on, lowest first. */
export function deckLayersOf(ctx: LayerContext): Layer[] {
  return activeKinds(ctx).flatMap((kind) => LAYER_REGISTRY[kind].deck?.(ctx) ?? [])
}

/** The MapLibre layers that answer to hover and click, element layers before grids. */
export function pickableStyleLayers(ctx: LayerContext): { kind: LayerKind; ids: string[] }[] {
  return [...activeKinds(ctx)].reverse().flatMap((kind) => {
    const ids = LAYER_REGISTRY[kind].pickable?.(ctx) ?? []
    return ids.length ? [{ kind, ids }] : []
  })
}

/** The layer kind of a deck.gl layer from its id (`events-points`, `people-cells-hex` …). */
export function kindOfDeckLayer(id: string): LayerKind | null {
  const prefix = id.split('-')[0]
  return LAYER_KINDS.find((kind) => kind === prefix) ?? null
}
