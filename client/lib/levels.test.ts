import { describe, expect, it } from 'vitest'
import { isLevel, levelShownAt, zoomRangeOf, zoomToShow } from './levels.ts'

describe('levelShownAt', () => {
  it('follows the tile server bands', () => {
    expect(levelShownAt(5)).toBe(2)
    expect(levelShownAt(8.99)).toBe(2)
    expect(levelShownAt(9)).toBe(3)
    expect(levelShownAt(10.5)).toBe(3)
    expect(levelShownAt(11)).toBe(4)
    expect(levelShownAt(12.9)).toBe(4)
    expect(levelShownAt(13)).toBe(5)
    expect(levelShownAt(14)).toBe(6)
    expect(levelShownAt(20)).toBe(6)
  })
})

describe('zoomRangeOf', () => {
  it('gives the band in which a level is the finest shown', () => {
    expect(zoomRangeOf(3)).toEqual({ minZoom: 9, maxZoom: 11 })
    expect(zoomRangeOf(6)).toEqual({ minZoom: 14, maxZoom: 24 })
  })

  it('is null for the city, which is never the finest level', () => {
    expect(zoomRangeOf(1)).toBeNull()
  })
})

describe('zoomToShow', () => {
  it('is inside the band of the level, or a sensible zoom outside the bands', () => {
    expect(levelShownAt(zoomToShow(4))).toBe(4)
    expect(zoomToShow(1)).toBe(8)
    expect(zoomToShow(9)).toBe(15)
  })
})

describe('isLevel', () => {
  it('accepts 1..6 only', () => {
    expect([0, 1, 6, 7, 2.5, '3'].map(isLevel)).toEqual([false, true, true, false, false, false])
  })
})
