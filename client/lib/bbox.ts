/** [west, south, east, north] in degrees (WGS84 / CGCS2000). */
export type Bbox = readonly [number, number, number, number]
export type LonLat = readonly [number, number]

export function isValidBbox(bbox: readonly number[] | null | undefined): bbox is Bbox {
  if (bbox?.length !== 4 || !bbox.every(Number.isFinite)) return false
  const [w, s, e, n] = bbox as unknown as Bbox
  return w <= e && s <= n && w >= -180 && e <= 180 && s >= -90 && n <= 90
}

export function bboxCenter([w, s, e, n]: Bbox): LonLat {
  return [(w + e) / 2, (s + n) / 2]
}

/** The smallest box holding both. */
export function unionBbox(a: Bbox, b: Bbox): Bbox {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]
}

/** Grows a box by `fraction` of its size on every side; a point grows by `minDegrees`. */
export function padBbox([w, s, e, n]: Bbox, fraction: number, minDegrees = 0.001): Bbox {
  const dx = Math.max((e - w) * fraction, minDegrees)
  const dy = Math.max((n - s) * fraction, minDegrees)
  return [w - dx, s - dy, e + dx, n + dy]
}

export function containsPoint([w, s, e, n]: Bbox, [lon, lat]: LonLat): boolean {
  return lon >= w && lon <= e && lat >= s && lat <= n
}

/** MapLibre's LngLatBoundsLike as a pair of corners. */
export function toBounds([w, s, e, n]: Bbox): [[number, number], [number, number]] {
  return [
    [w, s],
    [e, n],
  ]
}
