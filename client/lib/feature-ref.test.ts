import { describe, expect, it } from 'vitest'
import { FEATURE_KINDS as SERVER_KINDS } from '../../server/routers/feature.router.ts'
import { decodeFeatureRef, encodeFeatureRef, FEATURE_KINDS, featureOfTile } from './feature-ref.ts'

describe('feature references', () => {
  it('maps each source layer of the tiles onto the element it shows', () => {
    expect(featureOfTile('events', { id: 7 })).toEqual({ kind: 'event', id: 7 })
    expect(featureOfTile('people_buildings', { building_id: 9, n: 12 })).toEqual({ kind: 'building', id: 9 })
    expect(featureOfTile('building_points', { id: 3 })).toEqual({ kind: 'building', id: 3 })
    expect(featureOfTile('camera_coverage', { id: 4 })).toEqual({ kind: 'thing', id: 4 })
    expect(featureOfTile('public_places', { id: 5 })).toEqual({ kind: 'place', id: 5 })
  })

  it('has no element for cells, grids or bad ids', () => {
    expect(featureOfTile('event_cells', { n: 40 })).toBeNull()
    expect(featureOfTile('grids', { id: 1 })).toBeNull()
    expect(featureOfTile('events', { id: 'x' })).toBeNull()
    expect(featureOfTile('events', { id: -1 })).toBeNull()
  })

  it('round-trips through the URL and ignores malformed values', () => {
    expect(decodeFeatureRef(encodeFeatureRef({ kind: 'thing', id: 42 }))).toEqual({ kind: 'thing', id: 42 })
    for (const bad of [null, '', 'person:1', 'event:', 'event:0', 'event:1e3', 'event:1;drop'])
      expect(decodeFeatureRef(bad)).toBeNull()
  })

  it('knows the same kinds as the server', () => {
    expect([...FEATURE_KINDS]).toEqual([...SERVER_KINDS])
  })
})
