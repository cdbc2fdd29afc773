import { describe, expect, it } from 'vitest'
import {
  encodeEventPoints,
  FLAG_OPEN,
  FLAG_OVERDUE,
  NO_CATEGORY,
  parseEventPoints,
  pointColours,
} from './points-binary.ts'

/** A points file built by hand, byte by byte, as the server writes it. */
function handMade(): ArrayBuffer {
  const n = 3
  const buffer = new ArrayBuffer(8 + n * 10)
  const view = new DataView(buffer)
  const magic = [0x59, 0x57, 0x50, 0x31] // "YWP1"
  for (const [i, b] of magic.entries()) view.setUint8(i, b)
  view.setUint32(4, n, true)
  const coords = [122.1, 37.5, 122.2, 37.4, 121.9, 36.9]
  for (const [i, v] of coords.entries()) view.setFloat32(8 + i * 4, v, true)
  for (const [i, c] of [0, 14, NO_CATEGORY].entries()) view.setUint8(8 + n * 8 + i, c)
  for (const [i, f] of [FLAG_OVERDUE | FLAG_OPEN, 0, FLAG_OPEN].entries()) view.setUint8(8 + n * 9 + i, f)
  return buffer
}

describe('parseEventPoints', () => {
  it('reads positions, categories and flags', () => {
    const parsed = parseEventPoints(handMade())
    if (!parsed.ok) throw new Error(parsed.reason)
    const { count, positions, categories, flags } = parsed.points
    expect(count).toBe(3)
    expect(Array.from(positions).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([
      122.1, 37.5, 122.2, 37.4, 121.9, 36.9,
    ])
    expect(Array.from(categories)).toEqual([0, 14, 255])
    expect(Array.from(flags)).toEqual([3, 0, 2])
  })

  it('reads an empty file', () => {
    const parsed = parseEventPoints(encodeEventPoints({ positions: [], categories: [], flags: [] }))
    expect(parsed.ok && parsed.points.count).toBe(0)
  })

  it('refuses a wrong magic, a short header and a truncated body', () => {
    const wrong = handMade()
    new DataView(wrong).setUint8(3, 0x32)
    expect(parseEventPoints(wrong)).toMatchObject({ ok: false, reason: expect.stringContaining('YWP2') })
    expect(parseEventPoints(new ArrayBuffer(5)).ok).toBe(false)
    expect(parseEventPoints(handMade().slice(0, 30))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('truncated'),
    })
  })

  it('round-trips what encodeEventPoints writes', () => {
    const parsed = parseEventPoints(
      encodeEventPoints({ positions: [1, 2, 3, 4], categories: [7, 8], flags: [1, 2] }),
    )
    expect(parsed.ok && Array.from(parsed.points.positions)).toEqual([1, 2, 3, 4])
    expect(parsed.ok && Array.from(parsed.points.categories)).toEqual([7, 8])
  })
})

describe('pointColours', () => {
  it('colours by category, fades resolved events and rings overdue ones', () => {
    const parsed = parseEventPoints(handMade())
    if (!parsed.ok) throw new Error(parsed.reason)
    const palette = Array.from({ length: 15 }, (_, i) => [i, i, i] as const)
    const { fill, line } = pointColours(parsed.points, palette, [99, 99, 99], [255, 0, 0, 255])
    expect(Array.from(fill.slice(0, 4))).toEqual([0, 0, 0, 230])
    expect(Array.from(fill.slice(4, 8))).toEqual([14, 14, 14, 120])
    expect(Array.from(fill.slice(8, 12))).toEqual([99, 99, 99, 230])
    expect(Array.from(line.slice(0, 4))).toEqual([255, 0, 0, 255])
    expect(Array.from(line.slice(4, 8))).toEqual([0, 0, 0, 0])
  })
})
