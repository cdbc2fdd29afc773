import { describe, expect, it } from 'vitest'
import { keyRange } from '../../db/queries/tile-render.queries.ts'
import { codeList, enumList, FilterError, flag, instant, onlyKnown } from './filters.ts'

describe('tile filters', () => {
  it('parses comma lists against the allowlist, in its order, and refuses the rest', () => {
    const allowed = ['camera', 'hydrant', 'smart_lock'] as const
    expect(enumList({ kind: 'hydrant,camera,hydrant' }, 'kind', allowed)).toEqual(['camera', 'hydrant'])
    expect(enumList({}, 'kind', allowed)).toBeUndefined()
    expect(enumList({ kind: '' }, 'kind', allowed)).toBeUndefined()
    for (const bad of ['camera,', 'CAMERA', "camera' OR '1'='1", 'camera;DROP TABLE things'])
      expect(() => enumList({ kind: bad }, 'kind', allowed), bad).toThrow(FilterError)
    expect(() => enumList({ kind: ['camera', 'hydrant'] }, 'kind', allowed)).toThrow(/once/)
  })

  it('takes codes of one shape only, at most 50', () => {
    const shape = /^[0-9A-Za-z_-]{1,24}$/
    expect(codeList({ category: '0102,01,01' }, 'category', shape)).toEqual(['01', '0102'])
    expect(() => codeList({ category: '01 02' }, 'category', shape)).toThrow(FilterError)
    expect(() => codeList({ category: 'x'.repeat(25) }, 'category', shape)).toThrow(FilterError)
    const many = Array.from({ length: 51 }, (_, i) => `c${i}`).join(',')
    expect(() => codeList({ category: many }, 'category', shape)).toThrow(/50/)
  })

  it('reads days as midnight in China and date-times only with an offset', () => {
    expect(instant({ from: '2026-11-01' }, 'from')).toBe('2026-10-31T16:00:00.000Z')
    expect(instant({ from: '2026-11-01T08:30:00+08:00' }, 'from')).toBe('2026-11-01T00:30:00.000Z')
    expect(instant({ from: '2026-11-01T00:30:00.5Z' }, 'from')).toBe('2026-11-01T00:30:00.500Z')
    for (const bad of ['2026-02-30', '2026-13-01', '2026-11-01T08:00:00', 'yesterday', '1e9', '0'])
      expect(() => instant({ from: bad }, 'from'), bad).toThrow(FilterError)
  })

  it('knows flags and unknown parameters', () => {
    expect(flag({ overdue: '1' }, 'overdue')).toBe(true)
    expect(flag({ overdue: '0' }, 'overdue')).toBe(false)
    expect(() => flag({ overdue: 'true' }, 'overdue')).toThrow(FilterError)
    expect(() => onlyKnown({ kind: 'x', colour: 'red' }, ['kind'])).toThrow(/colour/)
    expect(() => onlyKnown({}, [])).not.toThrow()
  })
})

describe('tile keys', () => {
  it('gives each tile one contiguous key range, nested in its parent’s', () => {
    // 122.2397 E, 37.3806 N: tile_key 2130747489529325 (computed by tile_key() in the database).
    const key = 2130747489529325
    const t14 = { z: 14, x: 13755, y: 6355 }
    const r14 = keyRange(t14)
    expect(key >= r14.lo && key <= r14.hi).toBe(true)
    expect(r14.hi - r14.lo + 1).toBe(4 ** 12)
    const r13 = keyRange({ z: 13, x: t14.x >> 1, y: t14.y >> 1 })
    expect(r13.lo <= r14.lo && r14.hi <= r13.hi).toBe(true)
    const right = keyRange({ z: 14, x: t14.x + 1, y: t14.y })
    expect(right.lo > r14.hi || right.hi < r14.lo).toBe(true)
    expect(keyRange({ z: 0, x: 0, y: 0 })).toEqual({ lo: 0, hi: 2 ** 52 - 1 })
    expect(Number.isSafeInteger(keyRange({ z: 22, x: 2 ** 22 - 1, y: 2 ** 22 - 1 }).hi)).toBe(true)
  })
})
