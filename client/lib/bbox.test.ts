import { describe, expect, it } from 'vitest'
import { bboxCenter, containsPoint, isValidBbox, padBbox, toBounds, unionBbox } from './bbox.ts'

describe('isValidBbox', () => {
  it('accepts an ordered box within the world', () => {
    expect(isValidBbox([121.6, 36.8, 122.6, 37.6])).toBe(true)
    expect(isValidBbox([122, 37, 122, 37])).toBe(true)
  })

  it('rejects swapped, short, non-finite or out-of-range boxes', () => {
    expect(isValidBbox([122.6, 36.8, 121.6, 37.6])).toBe(false)
    expect(isValidBbox([1, 2, 3])).toBe(false)
    expect(isValidBbox([0, 0, Number.NaN, 1])).toBe(false)
    expect(isValidBbox([0, -91, 1, 1])).toBe(false)
    expect(isValidBbox(null)).toBe(false)
  })
})

describe('bbox helpers', () => {
  it('finds the centre', () => {
    expect(bboxCenter([121.6, 36.8, 122.6, 37.6])).toEqual([122.1, 37.2])
  })

  it('unions two boxes', () => {
    expect(unionBbox([0, 0, 1, 1], [0.5, -1, 2, 0.5])).toEqual([0, -1, 2, 1])
  })

  it('pads by a fraction, and a point by the minimum', () => {
    expect(padBbox([0, 0, 10, 20], 0.1)).toEqual([-1, -2, 11, 22])
    expect(padBbox([5, 5, 5, 5], 0.1, 0.01)).toEqual([4.99, 4.99, 5.01, 5.01])
  })

  it('tests containment with the edges inside', () => {
    expect(containsPoint([0, 0, 1, 1], [1, 0.5])).toBe(true)
    expect(containsPoint([0, 0, 1, 1], [1.01, 0.5])).toBe(false)
  })

  it('converts to corner pairs', () => {
    expect(toBounds([1, 2, 3, 4])).toEqual([
      [1, 2],
      [3, 4],
    ])
  })
})
