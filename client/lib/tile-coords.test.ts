import { describe, expect, it } from 'vitest'
import { localToLngLat } from './tile-coords.ts'

/** The bounds of tile z/x/y (XYZ scheme). */
function tileBounds(z: number, x: number, y: number) {
  const n = 2 ** z
  const lat = (row: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / n))) * 180) / Math.PI
  return { west: (x / n) * 360 - 180, east: ((x + 1) / n) * 360 - 180, north: lat(y), south: lat(y + 1) }
}

describe('localToLngLat', () => {
  const bounds = tileBounds(10, 859, 395)

  it('puts the corners on the bounds', () => {
    expect(localToLngLat(0, 0, bounds)).toEqual([bounds.west, expect.closeTo(bounds.north, 9)])
    const [lon, lat] = localToLngLat(1, 1, bounds)
    expect(lon).toBeCloseTo(bounds.east, 9)
    expect(lat).toBeCloseTo(bounds.south, 9)
  })

  it('is linear in Web Mercator: the middle of the tile is the corner of its child tiles', () => {
    const child = tileBounds(11, 859 * 2 + 1, 395 * 2 + 1)
    const [lon, lat] = localToLngLat(0.5, 0.5, bounds)
    expect(lon).toBeCloseTo(child.west, 9)
    expect(lat).toBeCloseTo(child.north, 9)
  })
})
