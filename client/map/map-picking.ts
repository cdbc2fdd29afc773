import type { PickingInfo } from '@deck.gl/core'
import type { MapGeoJSONFeature } from 'maplibre-gl'
import type { FeatureRef } from '../lib/feature-ref.ts'
import type { LayerKind } from '../lib/layer-enums.ts'
import type { Describer, FeatureDescription } from './layers/layer-definition.ts'
import { kindOfDeckLayer, LAYER_REGISTRY } from './layers/layer-registry.ts'

/** A feature clicked on the map, for the detail panel: `kind` and `id` are what feature.get takes. */
export interface PickedFeature extends FeatureRef {
  /** The map layer that drew it, and the source layer of its tiles. */
  layer: LayerKind
  sourceLayer: string
  lngLat: [number, number]
  /** The tile's properties of the feature (no personal data: docs/layers.md). */
  properties: Record<string, unknown>
}

export interface Described extends FeatureDescription {
  layer: LayerKind
  sourceLayer: string
  properties: Record<string, unknown>
}

function described(
  layer: LayerKind,
  sourceLayer: string,
  properties: Record<string, unknown>,
  words: Describer,
): Described {
  return { layer, sourceLayer, properties, ...LAYER_REGISTRY[layer].describe(sourceLayer, properties, words) }
}

/** What deck.gl picked: a tile feature (GeoJSON with `layerName`) or a hexagon of cells. */
export function describeDeckPick(info: PickingInfo | null, words: Describer): Described | null {
  if (!info?.picked || !info.layer || !info.object) return null
  const layer = kindOfDeckLayer(info.layer.id)
  if (!layer) return null
  const object = info.object as Record<string, unknown>
  const cells = LAYER_REGISTRY[layer].cells
  if ('colorValue' in object && cells) {
    const properties: Record<string, unknown> = { n: object.colorValue }
    if (cells.extra) properties[cells.extra] = object.elevationValue
    return described(layer, cells.sourceLayer, properties, words)
  }
  const properties = (object.properties ?? {}) as Record<string, unknown>
  return described(layer, String(properties.layerName ?? ''), properties, words)
}

/** What MapLibre found under the pointer in an element layer's style layers. */
export function describeStyleFeature(
  layer: LayerKind,
  feature: MapGeoJSONFeature,
  words: Describer,
): Described {
  const properties = { ...feature.properties, id: feature.properties.id ?? feature.id }
  return described(layer, feature.sourceLayer ?? '', properties, words)
}

export function pickedFeature(d: Described, lngLat: [number, number]): PickedFeature | null {
  if (!d.ref) return null
  return { ...d.ref, layer: d.layer, sourceLayer: d.sourceLayer, lngLat, properties: d.properties }
}
