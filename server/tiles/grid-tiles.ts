import { gridLevelsForZoom } from '../../db/queries/tiles.queries.ts'

export { encodeTile } from './encode.ts'

/** Parse and check z/x/y; null when out of range. */
export function parseTileAddress(
  zs: string,
  xs: string,
  ys: string,
): { z: number; x: number; y: number } | null {
  if (!/^\d{1,2}$/.test(zs) || !/^\d{1,9}$/.test(xs) || !/^\d{1,9}$/.test(ys)) return null
  const z = Number(zs)
  const x = Number(xs)
  const y = Number(ys)
  if (z > 22 || x >= 2 ** z || y >= 2 ** z) return null
  return { z, x, y }
}

/** `?levels=2,3` — only levels 1–6, validated against the allowlist, never concatenated into SQL. */
export function parseLevels(q: unknown, z: number): number[] | { error: string } {
  if (q === undefined || q === '') return gridLevelsForZoom(z)
  if (typeof q !== 'string' || !/^[1-6](,[1-6]){0,5}$/.test(q))
    return { error: 'levels 须为 1–6 的逗号分隔列表 / levels must be a comma-separated list of 1–6' }
  return [...new Set(q.split(',').map(Number))]
}
