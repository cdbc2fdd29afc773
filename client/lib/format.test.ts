import { describe, expect, it } from 'vitest'
import { areaKm2 } from './format.ts'

describe('areaKm2', () => {
  it('rounds large areas to whole square kilometres', () => {
    expect(areaKm2(5_797_430_000)).toEqual({ value: 5797, digits: 0 })
  })

  it('keeps more digits for small areas', () => {
    expect(areaKm2(12_345_678)).toEqual({ value: 12.35, digits: 2 })
    expect(areaKm2(123_456)).toEqual({ value: 0.123, digits: 3 })
    expect(areaKm2(1_234)).toEqual({ value: 0.0012, digits: 4 })
  })
})
