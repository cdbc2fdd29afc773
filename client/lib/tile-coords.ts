/**
 * deck.gl's MVTLayer keeps tile features in tile-local coordinates: x from the west edge and y
 * from the north edge, 0..1 across the tile, linear in Web Mercator. This turns such a point back
 * into longitude/latitude from the tile's geographic bounds.
 */
export interface TileBounds {
  west: number
  south: number
  east: number
  north: number
}

const mercatorY = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))
const latitudeOf = (y: number) => (Math.atan(Math.exp(y)) * 360) / Math.PI - 90

export function localToLngLat(x: number, y: number, bounds: TileBounds): [number, number] {
  const lon = bounds.west + x * (bounds.east - bounds.west)
  const top = mercatorY(bounds.north)
  const bottom = mercatorY(bounds.south)
  return [lon, latitudeOf(top + y * (bottom - top))]
}
