import { describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { DATUMS, datumProblem, fromWgs84, isDatum, toWgs84 } from '../../server/import/datum.ts'
import { importGrids } from '../../server/import/import-grids.ts'

/** Points around Weihai (WGS84): 环翠 old town, 文登, 成山头 (the eastern tip), 乳山 coast. */
const WEIHAI: [number, number][] = [
  [122.12, 37.5],
  [122.05, 37.2],
  [122.7, 37.4],
  [121.54, 36.9],
]

const metres = (a: [number, number], b: [number, number]) => {
  const dx = (a[0] - b[0]) * 111_320 * Math.cos((a[1] * Math.PI) / 180)
  const dy = (a[1] - b[1]) * 110_574
  return Math.hypot(dx, dy)
}

describe('datum conversion', () => {
  it('GCJ-02 near Weihai is offset about +0.005° lon and +0.001° lat (≈ 450 m east, 110 m north)', () => {
    const [lon, lat] = fromWgs84([122.12, 37.5], 'gcj02')
    expect(lon - 122.12).toBeGreaterThan(0.0045)
    expect(lon - 122.12).toBeLessThan(0.0055)
    expect(lat - 37.5).toBeGreaterThan(0.0007)
    expect(lat - 37.5).toBeLessThan(0.0013)
  })

  it('GCJ-02 → WGS84 undoes WGS84 → GCJ-02 to within 0.2 m', () => {
    for (const p of WEIHAI) {
      const gcj = fromWgs84(p, 'gcj02')
      expect(metres(gcj, p)).toBeGreaterThan(300)
      expect(metres(toWgs84(gcj, 'gcj02'), p)).toBeLessThan(0.2)
    }
  })

  it('BD-09 → WGS84 undoes WGS84 → BD-09 to within 0.2 m', () => {
    for (const p of WEIHAI) {
      const bd = fromWgs84(p, 'bd09')
      expect(metres(bd, p)).toBeGreaterThan(1000)
      expect(metres(toWgs84(bd, 'bd09'), p)).toBeLessThan(0.2)
    }
  })

  it('leaves WGS84 as it is and drops a height', () => {
    expect(toWgs84([122.12, 37.5, 30], 'wgs84')).toEqual([122.12, 37.5])
  })
})

describe('a missing datum', () => {
  it('is never guessed: the message names --datum and the allowed values', () => {
    expect(DATUMS).toEqual(['gcj02', 'wgs84', 'bd09'])
    expect(isDatum(undefined)).toBe(false)
    expect(isDatum('WGS84')).toBe(false)
    const msg = datumProblem(undefined)
    expect(msg).toContain('--datum')
    expect(msg).toContain('gcj02, wgs84, bd09')
    expect(datumProblem('gcj')).toContain("unknown datum 'gcj'")
  })

  it('stops importGrids before it touches the database', async () => {
    const untouchable = new Proxy({} as Database, {
      get() {
        throw new Error('the database was used')
      },
    })
    const fc = { type: 'FeatureCollection', features: [] }
    const report = await importGrids(untouchable, fc, { datum: undefined as never, level: 2 })
    expect(report.ok).toBe(false)
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'datum', feature: null })])
    expect(report.errors[0]?.message).toContain('--datum')
  })
})
