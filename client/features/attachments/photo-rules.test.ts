import { describe, expect, it } from 'vitest'
import {
  checkPicked,
  ENCODE_STEPS,
  fitWithin,
  formatBytes,
  MAX_EDGE,
  MAX_PHOTOS,
  MAX_SOURCE_BYTES,
  MAX_UPLOAD_BYTES,
  percent,
} from './photo-rules.ts'

describe('fitWithin', () => {
  it('scales the long side to 1600 px, keeping the aspect ratio', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 1600, height: 1200 })
    expect(fitWithin(3024, 4032)).toEqual({ width: 1200, height: 1600 })
    expect(fitWithin(4000, 1000)).toEqual({ width: 1600, height: 400 })
    expect(MAX_EDGE).toBe(1600)
  })

  it('never enlarges a small photo', () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 })
    expect(fitWithin(1600, 1600)).toEqual({ width: 1600, height: 1600 })
  })

  it('rounds to whole pixels and keeps at least one', () => {
    expect(fitWithin(4001, 3001)).toEqual({ width: 1600, height: 1200 })
    expect(fitWithin(100_000, 10)).toEqual({ width: 1600, height: 1 })
    expect(fitWithin(3000, 2000, 1000)).toEqual({ width: 1000, height: 667 })
  })

  it('refuses sizes that are not an image', () => {
    expect(() => fitWithin(0, 100)).toThrow(/not an image size/)
    expect(() => fitWithin(Number.NaN, 100)).toThrow()
  })

  it('tries the stated quality first, then lower quality and smaller sizes', () => {
    expect(ENCODE_STEPS[0]).toEqual({ maxEdge: 1600, quality: 0.85 })
    for (let i = 1; i < ENCODE_STEPS.length; i++) {
      const [a, b] = [ENCODE_STEPS[i - 1]!, ENCODE_STEPS[i]!]
      expect(b.maxEdge * b.quality).toBeLessThan(a.maxEdge * a.quality)
    }
  })
})

describe('checkPicked', () => {
  const file = (name: string, type = 'image/jpeg', size = 3_000_000) => ({ name, type, size })

  it('takes images up to the room left and says why the others are refused', () => {
    const r = checkPicked(
      [file('a.jpg'), file('notes.pdf', 'application/pdf'), file('b.heic', 'image/heic'), file('c.jpg')],
      MAX_PHOTOS - 2,
    )
    expect(r.accepted).toEqual([0, 2])
    expect(r.refused).toEqual([
      { name: 'notes.pdf', reason: 'not_image', size: 3_000_000 },
      { name: 'c.jpg', reason: 'too_many', size: 3_000_000 },
    ])
  })

  it('refuses a file too large to decode without using up room', () => {
    const r = checkPicked([file('huge.jpg', 'image/jpeg', MAX_SOURCE_BYTES + 1), file('ok.jpg')], 0)
    expect(r.accepted).toEqual([1])
    expect(r.refused.map((x) => x.reason)).toEqual(['too_big'])
  })

  it('lets the decoder judge a file without a type (some cameras give none)', () => {
    expect(checkPicked([file('IMG_0001', '')], 0).accepted).toEqual([0])
  })

  it('takes nothing when the event is full', () => {
    const r = checkPicked([file('a.jpg')], MAX_PHOTOS)
    expect(r.accepted).toEqual([])
    expect(r.refused[0]?.reason).toBe('too_many')
    expect(checkPicked([file('a.jpg')], MAX_PHOTOS + 3).accepted).toEqual([])
  })
})

describe('numbers for people', () => {
  it('writes byte counts', () => {
    expect(formatBytes(850)).toBe('850 B')
    expect(formatBytes(12_345)).toBe('12 KB')
    expect(formatBytes(MAX_UPLOAD_BYTES)).toBe('8.0 MB')
  })

  it('writes whole percentages, within 0–100', () => {
    expect(percent(0, 0)).toBe(0)
    expect(percent(50, 200)).toBe(25)
    expect(percent(199, 200)).toBe(99)
    expect(percent(300, 200)).toBe(100)
  })
})
