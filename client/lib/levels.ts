/**
 * The grid hierarchy's levels and which of them the map shows at a zoom. The zoom bands follow the
 * tile server: a tile holds the level shown at its zoom and that level's parent, so parent
 * boundaries can be drawn heavier.
 */
export const LEVELS = [1, 2, 3, 4, 5, 6] as const
export type Level = (typeof LEVELS)[number]

export const LEVEL_KEYS = {
  1: 'city', // 市
  2: 'district', // 区/县
  3: 'street', // 街道/乡镇
  4: 'community', // 社区/村
  5: 'grid', // 网格
  6: 'microGrid', // 微网格
} as const satisfies Record<Level, string>

export function isLevel(value: unknown): value is Level {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 6
}

/** The zoom bands: the finest level the tiles hold from `minZoom` on (tile server rules). */
const BANDS: readonly { minZoom: number; level: Level }[] = [
  { minZoom: 0, level: 2 },
  { minZoom: 9, level: 3 },
  { minZoom: 11, level: 4 },
  { minZoom: 13, level: 5 },
  { minZoom: 14, level: 6 },
]

/** The finest level shown at `zoom` (the level whose areas are filled and labelled). */
export function levelShownAt(zoom: number): Level {
  let level: Level = 2
  for (const band of BANDS) if (zoom >= band.minZoom) level = band.level
  return level
}

/** The zoom range, [min, max), over which `level` is the finest level shown; null if never. */
export function zoomRangeOf(level: Level): { minZoom: number; maxZoom: number } | null {
  const index = BANDS.findIndex((band) => band.level === level)
  const band = BANDS[index]
  if (!band) return null
  return { minZoom: band.minZoom, maxZoom: BANDS[index + 1]?.minZoom ?? 24 }
}

/** The zoom at which an area of `level` is a comfortable size when first flown to. */
export function zoomToShow(level: number): number {
  const range = isLevel(level) ? zoomRangeOf(level) : null
  if (range) return range.minZoom + 0.5
  return level <= 1 ? 8 : 15
}
