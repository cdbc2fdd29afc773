import { ScatterplotLayer } from '@deck.gl/layers'
import type { EventPoints } from '../../lib/points-binary.ts'

export interface EventPointsLayerProps {
  points: EventPoints
  /** RGBA per point (4 × count bytes), from pointColours(). */
  fill: Uint8Array
  line: Uint8Array
  opacity: number
  /** Radius in CSS pixels. */
  radius: number
  lineWidth: number
}

export const EVENT_POINTS_DEFAULTS = { radius: 2.2, lineWidth: 1 }

type BinaryData = {
  length: number
  attributes: Record<string, { value: Float32Array | Uint8Array; size: number; normalized?: boolean }>
}
const cache = new WeakMap<Uint8Array, BinaryData>()

/**
 * The same data object for the same arrays: deck.gl compares `data` by reference, and a new object
 * (the layers are rebuilt on every zoom change and every frame of the overdue pulse) would upload a
 * million points' attributes again — measured: 22 s frames while panning under SwiftShader.
 */
function binaryData(points: EventPoints, fill: Uint8Array, line: Uint8Array): BinaryData {
  const hit = cache.get(fill)
  if (
    hit &&
    hit.attributes.getPosition?.value === points.positions &&
    hit.attributes.getLineColor?.value === line
  )
    return hit
  const data: BinaryData = {
    length: points.count,
    attributes: {
      getPosition: { value: points.positions, size: 2 },
      getFillColor: { value: fill, size: 4, normalized: true },
      getLineColor: { value: line, size: 4, normalized: true },
    },
  }
  cache.set(fill, data)
  return data
}

/**
 * Every event as a point, from the binary points endpoint: positions and colours go to the GPU
 * as they are (deck.gl binary attributes), with no object per point. Not pickable: the tiles'
 * points take the clicks from z14; a million points in the picking pass would slow every move.
 */
export function createEventPointsLayer(props: EventPointsLayerProps): ScatterplotLayer {
  const { points, fill, line, opacity, radius, lineWidth } = props
  return new ScatterplotLayer({
    id: 'events-all-points',
    data: binaryData(points, fill, line),
    radiusUnits: 'pixels',
    lineWidthUnits: 'pixels',
    getRadius: radius,
    getLineWidth: lineWidth,
    stroked: true,
    filled: true,
    opacity,
    pickable: false,
    // Float32 positions: no 64-bit split per point (precision ~1 m, enough for a dot).
    parameters: { depthCompare: 'always' },
  })
}
