/**
 * The events' binary points (`GET /points/events.bin`), little-endian:
 * bytes 0–3 ASCII "YWP1", uint32 count N at 4, Float32 lon/lat interleaved (2N floats) from byte 8,
 * then N bytes of level-1 category index (into map.meta's level-1 categories in order, 255 = none),
 * then N bytes of flags (bit 0 overdue, bit 1 open, i.e. not resolved).
 * The arrays are views on the buffer: no copy, ready for deck.gl binary attributes.
 */

export const POINTS_MAGIC = 'YWP1'
export const NO_CATEGORY = 255
export const FLAG_OVERDUE = 1
export const FLAG_OPEN = 2

export interface EventPoints {
  count: number
  /** lon, lat, lon, lat … (2 × count). */
  positions: Float32Array
  /** Level-1 category index per point; 255 for none. */
  categories: Uint8Array
  flags: Uint8Array
}

export type ParsedPoints = { ok: true; points: EventPoints } | { ok: false; reason: string }

const HEADER = 8

export function parseEventPoints(buffer: ArrayBuffer): ParsedPoints {
  if (buffer.byteLength < HEADER) return { ok: false, reason: 'too short for a header' }
  const view = new DataView(buffer)
  const magic = String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3))
  if (magic !== POINTS_MAGIC) return { ok: false, reason: `not a points file (magic "${magic}")` }
  const count = view.getUint32(4, true)
  const expected = HEADER + count * 8 + count * 2
  if (buffer.byteLength < expected)
    return { ok: false, reason: `truncated: ${buffer.byteLength} bytes for ${count} points (${expected})` }
  // Float32Array needs a 4-byte aligned offset: byte 8 is.
  const positions = new Float32Array(buffer, HEADER, count * 2)
  const categories = new Uint8Array(buffer, HEADER + count * 8, count)
  const flags = new Uint8Array(buffer, HEADER + count * 9, count)
  return { ok: true, points: { count, positions, categories, flags } }
}

/** Builds a points file (for tests and the benchmark's synthetic points). */
export function encodeEventPoints(points: {
  positions: ArrayLike<number>
  categories: ArrayLike<number>
  flags: ArrayLike<number>
}): ArrayBuffer {
  const count = points.categories.length
  if (points.positions.length !== count * 2 || points.flags.length !== count)
    throw new Error('positions, categories and flags must describe the same number of points')
  const buffer = new ArrayBuffer(HEADER + count * 10)
  const view = new DataView(buffer)
  for (let i = 0; i < 4; i++) view.setUint8(i, POINTS_MAGIC.charCodeAt(i))
  view.setUint32(4, count, true)
  const positions = new Float32Array(buffer, HEADER, count * 2)
  for (let i = 0; i < count * 2; i++) positions[i] = points.positions[i] ?? 0
  new Uint8Array(buffer, HEADER + count * 8, count).set(Array.from(points.categories))
  new Uint8Array(buffer, HEADER + count * 9, count).set(Array.from(points.flags))
  return buffer
}

/**
 * Per-point RGBA colours (4 × count bytes) from the category palette, for a deck.gl attribute;
 * overdue points get `overdueLine` in the line colours, the others a transparent line.
 */
export function pointColours(
  points: EventPoints,
  palette: readonly (readonly [number, number, number])[],
  none: readonly [number, number, number],
  overdueLine: readonly [number, number, number, number],
): { fill: Uint8Array; line: Uint8Array } {
  const { count, categories, flags } = points
  const fill = new Uint8Array(count * 4)
  const line = new Uint8Array(count * 4)
  for (let i = 0; i < count; i++) {
    const c = categories[i] ?? NO_CATEGORY
    const rgb = (c === NO_CATEGORY ? none : palette[c]) ?? none
    const open = ((flags[i] ?? 0) & FLAG_OPEN) !== 0
    fill[i * 4] = rgb[0]
    fill[i * 4 + 1] = rgb[1]
    fill[i * 4 + 2] = rgb[2]
    // Resolved events are drawn fainter than open ones.
    fill[i * 4 + 3] = open ? 230 : 120
    if ((flags[i] ?? 0) & FLAG_OVERDUE) line.set(overdueLine, i * 4)
  }
  return { fill, line }
}
