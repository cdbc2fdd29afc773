import type { EventSource } from '../schema/events.ts'
import { makeRingSampler } from './orgs-util.ts'
import type { Rng } from './rng.ts'
import type { SeededCategory } from './taxonomy.ts'
import type { SeededGrid } from './types.ts'

/** The shape of the generated event history: channel mix, weekly and daily rhythms, hotspots. */

/** A place where one kind of request grows over the last weeks (for 未诉先办 to find). */
export interface Hotspot {
  theme: string
  leafGridId: number
  center: [number, number]
  categoryIds: number[]
  /** Day index (0 = first day of the window) from which it grows. */
  startDay: number
  neighbourIds: number[]
}

export const HOUR = 3_600_000
export const DAY = 24 * HOUR
/** China Standard Time, no daylight saving. */
export const CST = 8 * HOUR

export const SOURCE_SHARE: Readonly<Record<Exclude<EventSource, 'open311'>, number>> = {
  hotline: 0.6,
  grid_patrol: 0.25,
  police_110: 0.04,
  sensor: 0.03,
  dispute: 0.05,
  web: 0.03,
}
export type Src = keyof typeof SOURCE_SHARE
export const SOURCES = Object.keys(SOURCE_SHARE) as Src[]

/** Weekly rhythm, Monday first. */
export const WEEK: Record<Src, readonly number[]> = {
  hotline: [1.12, 1.08, 1.05, 1.04, 1, 0.72, 0.66],
  grid_patrol: [1.2, 1.2, 1.2, 1.2, 1.15, 0.45, 0.35],
  police_110: [0.95, 0.95, 0.95, 1, 1.1, 1.25, 1.2],
  sensor: [1, 1, 1, 1, 1, 1, 1],
  dispute: [1.15, 1.1, 1.1, 1.1, 1.05, 0.6, 0.5],
  web: [1.05, 1, 1, 1, 0.95, 0.95, 1],
}

/** Daily rhythm, hour 0 first: peaks at 9–11 and 14–17, quiet at night. */
export const DAYTIME = [
  0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.6, 1.2, 1.9, 2, 1.6, 0.9, 1.1, 1.7, 1.8, 1.7, 1.3, 0.9, 0.8,
  0.75, 0.6, 0.4, 0.25,
]
/** Noise and the like: evenings and nights. */
export const NIGHT = [
  1.2, 0.8, 0.5, 0.3, 0.2, 0.2, 0.4, 0.6, 0.6, 0.5, 0.5, 0.5, 0.6, 0.6, 0.5, 0.5, 0.5, 0.6, 0.8, 1.2, 1.7,
  2.3, 2.6, 2,
]
const OFFICE = [
  0, 0, 0, 0, 0, 0, 0.05, 0.2, 1, 2.2, 2.4, 1.6, 0.3, 0.5, 1.9, 2.1, 1.8, 0.8, 0.2, 0.1, 0.05, 0, 0, 0,
]
const EVENING = [
  0.9, 0.6, 0.4, 0.3, 0.2, 0.2, 0.3, 0.5, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 1, 1.2, 1.5, 1.7, 1.7,
  1.5, 1.2,
]
const FLAT = Array.from({ length: 24 }, () => 1)
const WEB = [
  0.3, 0.2, 0.1, 0.05, 0.05, 0.1, 0.3, 0.6, 0.9, 1.1, 1.1, 1, 0.9, 1, 1.1, 1.1, 1, 1, 1.1, 1.3, 1.6, 1.7, 1.4,
  0.8,
]
export const HOURS: Record<Src, readonly number[]> = {
  hotline: DAYTIME,
  grid_patrol: OFFICE,
  police_110: EVENING,
  sensor: FLAT,
  dispute: OFFICE,
  web: WEB,
}

const HOTSPOT_THEMES: readonly { theme: string; paths: readonly string[] }[] = [
  {
    theme: '工地夜间施工',
    paths: ['城乡建设/建筑施工/夜间施工扰民', '城乡建设/建筑施工/施工扬尘', '城乡建设/建筑施工/渣土车撒漏'],
  },
  {
    theme: '夜市占道与油烟',
    paths: ['城乡建设/市容秩序/占道经营', '环境保护/大气污染/露天烧烤', '环境保护/大气污染/餐饮油烟'],
  },
  {
    theme: '小区物业矛盾',
    paths: ['住房保障/物业管理/物业服务差', '住房保障/物业管理/物业收费纠纷', '住房保障/物业管理/电梯停运'],
  },
  { theme: '企业欠薪', paths: ['劳动和社会保障/劳动关系/拖欠工资', '劳动和社会保障/劳动关系/未缴社保'] },
  { theme: '垃圾清运', paths: ['城乡建设/环境卫生/垃圾清运不及时', '城乡建设/环境卫生/建筑垃圾乱倒'] },
  {
    theme: '商业噪音',
    paths: [
      '环境保护/噪声污染/商铺音响噪音',
      '环境保护/噪声污染/娱乐场所噪音',
      '环境保护/噪声污染/广场舞噪音',
    ],
  },
  {
    theme: '停车秩序',
    paths: ['交通运输/道路交通管理/违章停车', '交通运输/停车管理/停车难', '公安政法/消防安全/占用消防通道'],
  },
  { theme: '预付卡跑路', paths: ['市场监管/消费维权/预付卡退费难', '市场监管/消费维权/虚假宣传'] },
  { theme: '排水不畅', paths: ['水电气暖/排水/下水道堵塞', '水电气暖/排水/污水外溢'] },
]
export const HOTSPOT_SHARE = 0.06

/** Cumulative weights with a binary-search draw. */
export class Sampler {
  private readonly cum: Float64Array
  readonly total: number
  constructor(weights: ArrayLike<number>) {
    this.cum = new Float64Array(weights.length)
    let t = 0
    for (let i = 0; i < weights.length; i++) this.cum[i] = t += Math.max(0, weights[i] as number)
    this.total = t
  }
  draw(rng: Rng): number {
    const r = rng.next() * this.total
    let lo = 0
    let hi = this.cum.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.cum[mid] as number) <= r) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/** Local (CST) calendar facts of an instant: day number, weekday (0 = Monday), hour, month (0-based). */
export function local(t: number) {
  const ms = t + CST
  const day = Math.floor(ms / DAY)
  const d = new Date(day * DAY)
  return { day, dow: (day + 3) % 7, hour: (ms - day * DAY) / HOUR, month: d.getUTCMonth(), date: d }
}

/** Start of the local day numbered `day` (days since 1970-01-01 CST). */
export const dayStart = (day: number) => day * DAY - CST

export const EXTERNAL_PREFIX: Record<Src, string> = {
  hotline: '12345',
  grid_patrol: 'WG',
  police_110: '110',
  sensor: 'IOT',
  dispute: 'MD',
  web: 'WEB',
}

/** Choose 4–8 hotspots in the more urban grids, each growing from a start day to now. */
export function planHotspots(
  rng: Rng,
  leafGrids: readonly SeededGrid[],
  categories: readonly SeededCategory[],
  days: number,
): Hotspot[] {
  if (!leafGrids.length) return []
  const byPath = new Map(categories.map((c) => [c.pathName, c.id]))
  const ranked = [...leafGrids].sort((a, b) => b.urban - a.urban || a.id - b.id)
  const pool = ranked.slice(0, Math.max(1, Math.ceil(ranked.length * 0.3)))
  const themes = [...HOTSPOT_THEMES]
  const k = Math.min(rng.int(4, 8), pool.length, themes.length)
  const out: Hotspot[] = []
  for (let i = 0; i < k; i++) {
    const g = pool.splice(rng.int(0, pool.length - 1), 1)[0] as SeededGrid
    const t = themes.splice(rng.int(0, themes.length - 1), 1)[0] as (typeof HOTSPOT_THEMES)[number]
    const categoryIds = t.paths.map((p) => byPath.get(p)).filter((id): id is number => id !== undefined)
    if (!categoryIds.length) continue
    const d2 = (o: SeededGrid) => (o.centroid[0] - g.centroid[0]) ** 2 + (o.centroid[1] - g.centroid[1]) ** 2
    const neighbourIds = leafGrids
      .filter((o) => o.id !== g.id)
      .sort((a, b) => d2(a) - d2(b))
      .slice(0, 4)
      .map((o) => o.id)
    out.push({
      theme: t.theme,
      leafGridId: g.id,
      center: makeRingSampler(g.ring)(rng),
      categoryIds,
      startDay: Math.max(0, days - rng.int(21, 63)),
      neighbourIds,
    })
  }
  return out
}
