import { describe, expect, it } from 'vitest'
import { countsFilters, DEFAULT_LAYERS, type MapLayers, pointsUrl, tileQuery, tileUrl } from './map-layers.ts'

const origin = 'http://127.0.0.1:3000'
const can = { tags: true }

function withEvents(patch: Partial<MapLayers['events']>, time: MapLayers['time'] = null): MapLayers {
  return { ...DEFAULT_LAYERS, events: { ...DEFAULT_LAYERS.events, ...patch }, time }
}

describe('tile URLs carry the filters', () => {
  it('leave the query out without filters', () => {
    expect(tileUrl(origin, 'events', DEFAULT_LAYERS, can)).toBe(`${origin}/tiles/events/{z}/{x}/{y}.mvt`)
  })

  it('name every events filter as the contract does', () => {
    const layers = withEvents(
      { category: ['01', '0203'], status: ['received', 'dispatched'], source: ['hotline'], overdue: true },
      { from: '2026-03-01', to: '2026-03-08' },
    )
    expect(tileQuery('events', layers, can)).toBe(
      'category=01,0203&status=received,dispatched&source=hotline&from=2026-03-01&to=2026-03-08&overdue=1',
    )
  })

  it('change when a filter changes, so that the tiles are fetched again', () => {
    const a = tileUrl(origin, 'things', DEFAULT_LAYERS, can)
    const b = tileUrl(
      origin,
      'things',
      { ...DEFAULT_LAYERS, things: { kind: ['camera'], status: ['offline'] } },
      can,
    )
    expect(b).toBe(`${origin}/tiles/things/{z}/{x}/{y}.mvt?kind=camera&status=offline`)
    expect(a).not.toBe(b)
  })

  it('ask for the people tag only where the role may see tags', () => {
    const layers: MapLayers = { ...DEFAULT_LAYERS, people: { tag: 'disabled', agg: 'heat' } }
    expect(tileQuery('people', layers, { tags: true })).toBe('tag=disabled')
    expect(tileQuery('people', layers, { tags: false })).toBe('')
  })

  it('give the points endpoint the events filters', () => {
    expect(pointsUrl(withEvents({ source: ['sensor'] }))).toBe('/points/events.bin?source=sensor')
    expect(pointsUrl(DEFAULT_LAYERS)).toBe('/points/events.bin')
  })
})

describe('countsFilters', () => {
  it('asks for the layers that are on, with their filters', () => {
    const layers: MapLayers = {
      ...withEvents({ source: ['hotline'], overdue: true }, { from: '2026-03-01', to: '2026-03-08' }),
      on: { ...DEFAULT_LAYERS.on, people: true, orgs: true },
      people: { tag: 'elderly', agg: 'heat' },
    }
    expect(countsFilters(layers, can)).toEqual({
      people: { tag: 'elderly' },
      events: { source: ['hotline'], from: '2026-03-01', to: '2026-03-08', overdue: true },
      orgs: {},
    })
    expect(countsFilters(layers, { tags: false }).people).toEqual({})
  })
})
