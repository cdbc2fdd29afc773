import { describe, expect, it } from 'vitest'
import { decodeViewState, encodeViewState, type ViewState } from './url-state.ts'

const defaults: ViewState = {
  page: 'map',
  center: [122.1, 37.2],
  zoom: 8,
  grid: null,
  theme: 'dark',
  lang: 'zh-CN',
}
const langs = ['zh-CN', 'en']

describe('encodeViewState', () => {
  it('writes a readable hash', () => {
    const hash = encodeViewState({
      page: 'map',
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
