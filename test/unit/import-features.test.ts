import type { Feature, Polygon } from 'geojson'
import { describe, expect, it } from 'vitest'
import { fromWgs84 } from '../../server/import/datum.ts'
import { checkExtent, prepareFeatures } from '../../server/import/features.ts'

const square = (x: number, y: number, d = 0.01): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
})
const feature = (geometry: unknown, properties: Record<string, unknown> = { adcode: '991', name: 'A' }) =>
  ({ type: 'Feature', properties, geometry }) as Feature
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features })
const wgs = { datum: 'wgs84', codeProp: 'adcode', nameProp: 'name' } as const

describe('coordinate order and extent', () => {
  it('sees [lat, lon] order: the two ranges do not overlap in China', () => {
    expect(checkExtent([[37.5, 122.1]])).toMatchObject({
      swapped: 1,
      outside: 0,
      firstSwapped: [37.5, 122.1],
    })
    expect(checkExtent([[122.1, 37.5]])).toMatchObject({ swapped: 0, outside: 0 })
    expect(checkExtent([[500_000, 4_150_000]])).toMatchObject({ swapped: 0, outside: 1 })
  })

  it('refuses a feature with swapped coordinates, naming it and the place', () => {
    const swapped = square(37.5, 122.1)
    const p = prepareFeatures(
      fc(feature(square(122.1, 37.5)), feature(swapped, { adcode: '992', name: '东山' })),
      wgs,
    )
    expect(p.features.map((f) => f.idx)).toEqual([0])
    expect(p.errors).toHaveLength(1)
    const e = p.errors[0]!
    expect(e).toMatchObject({
      kind: 'swapped-coordinates',
      feature: 1,
      code: '992',
      name: '东山',
      at: [122.1, 37.5],
    })
    expect(e.message).toContain('#1 992 东山')
    expect(e.message).toContain('[lat, lon]')
  })

  it('refuses coordinates outside China (e.g. a projected file)', () => {
    const p = prepareFeatures(fc(feature(square(500_000, 4_150_000, 100))), wgs)
    expect(p.errors).toEqual([
      expect.objectContaining({ kind: 'outside-china', feature: 0, at: [500_000, 4_150_000] }),
    ])
  })
})

describe('structure', () => {
  it('refuses what is not a FeatureCollection, and an empty one', () => {
    expect(prepareFeatures({ type: 'Feature' }, wgs).errors[0]?.kind).toBe('not-geojson')
    expect(prepareFeatures(fc(), wgs).errors[0]?.kind).toBe('empty')
  })

  it('refuses non-polygon features', () => {
    const p = prepareFeatures(fc(feature({ type: 'Point', coordinates: [122.1, 37.5] }), feature(null)), wgs)
    expect(p.errors.map((e) => [e.kind, e.feature])).toEqual([
      ['geometry-type', 0],
      ['geometry-type', 1],
    ])
    expect(p.errors[0]?.message).toContain('has geometry Point')
  })

  it('refuses unclosed and too short rings and malformed coordinates', () => {
    const open = square(122.1, 37.5)
    open.coordinates[0]!.pop()
    const short = {
      type: 'Polygon',
      coordinates: [
        [
          [122.1, 37.5],
          [122.2, 37.5],
          [122.1, 37.5],
        ],
      ],
    }
    const junk = { type: 'Polygon', coordinates: [[[122.1, 'x']]] }
    const p = prepareFeatures(fc(feature(open), feature(short), feature(junk)), wgs)
    expect(p.errors.map((e) => e.kind)).toEqual(['ring-not-closed', 'ring-not-closed', 'coordinates'])
    expect(p.errors[0]).toMatchObject({ at: [122.1, 37.5] })
    expect(p.errors[1]?.message).toContain('only 3 positions')
  })

  it('reports missing codes and names with the property to choose', () => {
    const p = prepareFeatures(fc(feature(square(122.1, 37.5), { id: 7, title: 'x' })), wgs)
    expect(p.errors.map((e) => e.kind)).toEqual(['missing-code', 'missing-name'])
    expect(p.errors[0]?.message).toContain("no 'adcode' property (it has: id, title)")
    expect(p.errors[0]?.message).toContain('--code-prop')
    expect(p.features).toHaveLength(1)
  })

  it('reads codes from another property, and numeric codes as text', () => {
    const p = prepareFeatures(fc(feature(square(122.1, 37.5), { code: 371002, mc: '环翠区' })), {
      ...wgs,
      codeProp: 'code',
      nameProp: 'mc',
    })
    expect(p.errors).toEqual([])
    expect(p.features[0]).toMatchObject({ code: '371002', name: '环翠区' })
  })

  it('reports duplicate codes with both features', () => {
    const p = prepareFeatures(fc(feature(square(122.1, 37.5)), feature(square(122.2, 37.5))), wgs)
    expect(p.errors).toEqual([
      expect.objectContaining({
        kind: 'duplicate-code',
        feature: 1,
        code: '991',
        other: { feature: 0, code: '991' },
      }),
    ])
  })
})

describe('conversion to WGS84', () => {
  it('converts every vertex of a GCJ-02 file and leaves the input alone', () => {
    const truth = square(122.1, 37.5)
    const gcj: Polygon = {
      type: 'Polygon',
      coordinates: [truth.coordinates[0]!.map((p) => fromWgs84(p, 'gcj02'))],
    }
    const input = fc(feature(gcj))
    const before = JSON.stringify(input)
    const p = prepareFeatures(input, { ...wgs, datum: 'gcj02' })
    expect(JSON.stringify(input)).toBe(before)
    const ring = (p.features[0]!.geometry as Polygon).coordinates[0]!
    ring.forEach((q, i) => {
      const t = truth.coordinates[0]![i]!
      expect(Math.abs(q[0]! - t[0]!)).toBeLessThan(2e-6)
      expect(Math.abs(q[1]! - t[1]!)).toBeLessThan(2e-6)
    })
    expect(ring[0]).toEqual(ring.at(-1))
  })
})
