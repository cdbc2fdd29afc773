import { describe, expect, it } from 'vitest'
import { DEFAULT_LAYERS, type MapLayers } from './map-layers.ts'
import { decodeViewState, encodeViewState, type ViewState } from './url-state.ts'

const defaults: ViewState = {
  page: 'map',
  center: [122.1, 37.2],
  zoom: 8,
  grid: null,
  feature: null,
  layers: DEFAULT_LAYERS,
  theme: 'dark',
  lang: 'zh-CN',
}
const langs = ['zh-CN', 'en']

describe('encodeViewState', () => {
  it('writes a readable hash', () => {
    const hash = encodeViewState({
      ...defaults,
      center: [122.123456, 37.5],
      zoom: 10.256,
      grid: '371002',
      theme: 'light',
      lang: 'en',
    })
    expect(hash).toBe('#map=10.26/37.5/122.1235&grid=371002&theme=light&lang=en')
  })

  it('leaves out an empty selection', () => {
    expect(encodeViewState(defaults)).toBe('#map=8/37.2/122.1&theme=dark&lang=zh-CN')
  })

  it('keeps more digits when zoomed in', () => {
    const hash = encodeViewState({ ...defaults, center: [122.1234567, 37.7654321], zoom: 17 })
    expect(hash).toContain('map=17/37.765432/122.123457')
  })
})

describe('page', () => {
  it('names a page other than the map first', () => {
    expect(encodeViewState({ ...defaults, page: 'users' })).toBe(
      '#page=users&map=8/37.2/122.1&theme=dark&lang=zh-CN',
    )
  })

  it('reads the page and keeps the map fields', () => {
    const state = decodeViewState('#page=audit&map=12/37.3/122.2&grid=3710&lang=en', defaults, langs)
    expect(state).toMatchObject({ page: 'audit', zoom: 12, center: [122.2, 37.3], grid: '3710', lang: 'en' })
  })

  it('opens the map for an old link without a page or an unknown one', () => {
    expect(decodeViewState('#map=12/37.3/122.2', defaults, langs).page).toBe('map')
    expect(decodeViewState('#page=secrets', defaults, langs).page).toBe('map')
  })
})

describe('decodeViewState', () => {
  it('round-trips what it encodes', () => {
    const state: ViewState = {
      ...defaults,
      page: 'audit',
      center: [122.1235, 37.5],
      zoom: 12.5,
      grid: '371002001001',
      theme: 'light',
      lang: 'en',
    }
    expect(decodeViewState(encodeViewState(state), defaults, langs)).toEqual(state)
  })

  it('gives the defaults for an empty hash', () => {
    expect(decodeViewState('', defaults, langs)).toEqual(defaults)
  })

  it('ignores malformed fields one by one', () => {
    const state = decodeViewState('#map=abc/1/2&grid=<script>&theme=pink&lang=fr', defaults, langs)
    expect(state).toEqual(defaults)
  })

  it('ignores positions off the map and clamps the zoom', () => {
    expect(decodeViewState('#map=5/95/10', defaults, langs).center).toEqual(defaults.center)
    expect(decodeViewState('#map=23/37/122', defaults, langs).zoom).toBe(19)
    expect(decodeViewState('#map=1/37/122', defaults, langs).zoom).toBe(3)
  })

  it('reads a percent-escaped map field too', () => {
    expect(decodeViewState('#map=9%2F37.3%2F122.2', defaults, langs)).toMatchObject({
      zoom: 9,
      center: [122.2, 37.3],
    })
  })
})

describe('the map layers in the hash', () => {
  const layers: MapLayers = {
    on: { grids: true, places: true, people: true, things: false, orgs: false, events: true },
    opacity: { grids: 0.5, places: 1, people: 0.6, things: 1, orgs: 1, events: 0.9 },
    grade: true,
    people: { tag: 'elderly_alone', agg: 'hex' },
    things: { kind: ['camera'], status: ['offline', 'fault'] },
    events: {
      category: ['01', '0203'],
      status: ['received'],
      source: ['hotline', 'grid_patrol'],
      overdue: true,
      agg: 'heat',
      points: true,
    },
    orgs: { kind: [] },
    time: { from: '2026-03-01', to: '2026-03-08' },
    basemap: 'none',
  }
  const full: ViewState = { ...defaults, feature: { kind: 'event', id: 4711 }, layers }

  it('round-trips layers, opacities, filters, time, base map and the picked feature', () => {
    expect(decodeViewState(encodeViewState(full), defaults, langs)).toEqual(full)
  })

  it('reads like a list of settings', () => {
    const hash = encodeViewState(full)
    expect(hash).toContain('feature=event:4711')
    expect(hash).toContain('layers=grids,places,people,events')
    expect(hash).toContain('opacity=grids:50,people:60')
    expect(hash).toContain('things.status=offline,fault')
    expect(hash).toContain('time=2026-03-01/2026-03-08')
    expect(hash).toContain('base=none')
  })

  it('opens an old link with the default layers', () => {
    const state = decodeViewState('#map=12/37.3/122.2&grid=3710&theme=light&lang=en', defaults, langs)
    expect(state.layers).toEqual(DEFAULT_LAYERS)
    expect(state.feature).toBeNull()
  })

  it('can turn every layer off', () => {
    const state = decodeViewState('#layers=', defaults, langs)
    expect(Object.values(state.layers.on).every((on) => !on)).toBe(true)
  })

  it('ignores each malformed layer field on its own', () => {
    const state = decodeViewState(
      '#layers=grids,secret&opacity=events:150,people:40,x:1&things.kind=camera,bomb&things.status=offline' +
        '&events.category=01,%3Cb%3E&events.source=hotline&time=2026-03-08/2026-03-01&base=satellite' +
        '&feature=grid:1&people.tag=vip&people.agg=hex&events.points=yes',
      defaults,
      langs,
    )
    expect(state.layers.on).toEqual(DEFAULT_LAYERS.on)
    expect(state.layers.opacity).toEqual({ ...DEFAULT_LAYERS.opacity, people: 0.4 })
    expect(state.layers.things).toEqual({ kind: [], status: ['offline'] })
    expect(state.layers.events.category).toEqual([])
    expect(state.layers.events.source).toEqual(['hotline'])
    expect(state.layers.events.points).toBe(false)
    expect(state.layers.time).toBeNull()
    expect(state.layers.basemap).toBe('auto')
    expect(state.layers.people).toEqual({ tag: null, agg: 'hex' })
    expect(state.feature).toBeNull()
  })

  it('does not change the defaults it was given', () => {
    const before = structuredClone(DEFAULT_LAYERS)
    decodeViewState('#layers=people&things.kind=camera&opacity=grids:10', defaults, langs)
    expect(DEFAULT_LAYERS).toEqual(before)
  })
})
