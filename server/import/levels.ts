import { GRID_LEVELS } from '../../db/schema/grids.ts'

/** Level names as the CLI takes them, kebab-case, in order 1–6. */
export const LEVEL_NAMES = ['city', 'district', 'street', 'community', 'grid', 'micro-grid'] as const

/** 'district' or '2' → 2; anything else → null. Accepts the schema's names too ('microGrid'). */
export function parseLevel(v: string | number | undefined): number | null {
  if (v === undefined) return null
  const s = String(v).trim().toLowerCase()
  if (/^[1-6]$/.test(s)) return Number(s)
  const i = LEVEL_NAMES.indexOf(s.replace(/[_ ]/g, '-') as (typeof LEVEL_NAMES)[number])
  if (i >= 0) return i + 1
  const byKey = Object.entries(GRID_LEVELS).find(([k]) => k.toLowerCase() === s)
  return byKey ? byKey[1] : null
}

export function levelName(level: number): string {
  return LEVEL_NAMES[level - 1] ?? `level ${level}`
}

/** Kinds within each level, by the name's suffix (环翠区 → 区, 荣成市 → 市); the first is the default. */
const KINDS: Record<number, readonly string[]> = {
  1: ['市', '地区', '州', '盟'],
  2: ['区', '县', '市', '旗'],
  3: ['街道', '镇', '乡'],
  4: ['社区', '村', '居委会', '村委会'],
  5: ['网格'],
  6: ['微网格'],
}

export function kindFor(level: number, name: string | null): string {
  const kinds = KINDS[level] ?? ['网格']
  return kinds.find((k) => name?.endsWith(k)) ?? kinds[0]!
}
