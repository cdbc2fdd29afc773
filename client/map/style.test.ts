// The style spec's validator comes with maplibre-gl (its own dependency).
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec'
import { describe, expect, it } from 'vitest'
import { LEVELS } from '../lib/levels.ts'
import { DEFAULT_LAYERS, type MapLayers } from '../lib/map-layers.ts'
import { fillLayerId, lineLayerId } from './layers/grid-boundary-layer.ts'
import { labelLayerId } from './layers/grid-label-layer.ts'
import { buildStyle } from './style.ts'

const origin = 'http://127.0.0.1:3000'

describe('buildStyle', () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`is a valid style in the ${theme} theme`, () => {
      expect(validateStyleMin(buildStyle({ theme, origin }))).toEqual([])
    })
  }

  it('needs nothing from outside the app: no glyphs, no sprite, tiles from its own origin', () => {
    const style = buildStyle({ theme: 'dark', origin })
    expect(style.glyphs).toBeUndefined()
    expect(style.sprite).toBeUndefined()
    const urls = JSON.stringify(style.sources).match(/https?:\/\/[^"/]+/g) ?? []
    expect(urls.every((url) => url === origin)).toBe(true)
  })

  it('adds a raster base map only when one is configured, and not when it is switched off', () => {
    expect(buildStyle({ theme: 'dark', origin }).sources.basemap).toBeUndefined()
    const basemap = {
      kind: 'raster' as const,
      tiles: ['http://127.0.0.1:8080/{z}/{x}/{y}.png'],
      tileSize: 256,
    }
    const style = buildStyle({ theme: 'dark', origin, basemap })
    expect(style.sources.basemap).toMatchObject({ type: 'raster' })
    expect(style.layers[1]?.id).toBe('basemap')
    const off = buildStyle({ theme: 'dark', origin, basemap, layers: { ...DEFAULT_LAYERS, basemap: 'none' } })
    expect(off.sources.basemap).toBeUndefined()
  })

  it("puts 天地图's annotation over the boundaries and under the app's labels", () => {
    const basemap = {
      kind: 'raster' as const,
      tiles: ['https://t0.x/{z}'],
      labels: ['https://t0.y/{z}'],
      tileSize: 256,
    }
    const ids = buildStyle({ theme: 'light', origin, basemap }).layers.map((layer) => layer.id)
    expect(ids.indexOf('basemap-labels')).toBeGreaterThan(ids.indexOf(lineLayerId(2)))
    expect(ids.indexOf('basemap-labels')).toBeLessThan(ids.indexOf(labelLayerId(2)))
  })

  it('takes a configured vector style without its glyphs, its labels in local fonts', () => {
    const basemap = {
      kind: 'style' as const,
      style: {
        version: 8 as const,
        glyphs: 'http://10.0.0.1/fonts/{fontstack}/{range}.pbf',
        sources: { osm: { type: 'vector' as const, tiles: ['http://10.0.0.1/t/{z}/{x}/{y}.pbf'] } },
        layers: [
          { id: 'water', type: 'fill' as const, source: 'osm', 'source-layer': 'water' },
          {
            id: 'names',
            type: 'symbol' as const,
            source: 'osm',
            'source-layer': 'place',
            layout: { 'text-field': '{name}', 'text-font': ['Open Sans Regular'] },
          },
        ],
      },
    }
    const style = buildStyle({ theme: 'dark', origin, basemap })
    expect(style.glyphs).toBeUndefined()
    expect(validateStyleMin(style)).toEqual([])
    const names = style.layers.find((layer) => layer.id === 'basemap-names')
    expect(names?.type === 'symbol' && names.layout?.['text-font']).toContain('Noto Sans CJK SC')
    expect(style.sources['basemap-osm']).toBeDefined()
  })

  it('draws vector base tiles (a local PMTiles file) with its own plain style', () => {
    const basemap = {
      kind: 'vector' as const,
      url: 'pmtiles://http://127.0.0.1:3000/basemap/basemap.pmtiles',
    }
    for (const theme of ['dark', 'light'] as const) {
      const style = buildStyle({ theme, origin, basemap })
      expect(validateStyleMin(style)).toEqual([])
      expect(style.layers.some((layer) => layer.id === 'basemap-water')).toBe(true)
    }
  })

  it('is valid with every layer on, every filter set and the five colours', () => {
    const layers: MapLayers = {
      ...DEFAULT_LAYERS,
      on: { grids: true, places: true, people: true, things: true, orgs: true, events: true },
      grade: true,
      things: { kind: ['camera'], status: ['offline'] },
      time: { from: '2026-01-01', to: '2026-01-08' },
    }
    for (const theme of ['dark', 'light'] as const) {
      const style = buildStyle({ theme, origin, layers, scale: 1.5 })
      expect(validateStyleMin(style)).toEqual([])
      expect(style.sources.places).toMatchObject({ tiles: [`${origin}/tiles/places/{z}/{x}/{y}.mvt`] })
    }
    const fill = buildStyle({ theme: 'dark', origin, layers }).layers.find((l) => l.id === fillLayerId(5))
    expect(JSON.stringify(fill?.type === 'fill' && fill.paint?.['fill-color'])).toContain('grade')
  })

  it('leaves out a layer that is off', () => {
    const layers: MapLayers = { ...DEFAULT_LAYERS, on: { ...DEFAULT_LAYERS.on, grids: false } }
    const style = buildStyle({ theme: 'dark', origin, layers })
    expect(style.sources.grids).toBeUndefined()
    expect(style.layers.map((layer) => layer.id)).toEqual(['background'])
  })

  it('has a boundary and a label layer for every level, labels on top', () => {
    const ids = buildStyle({ theme: 'dark', origin }).layers.map((layer) => layer.id)
    for (const level of LEVELS) {
      expect(ids).toContain(lineLayerId(level))
      expect(ids).toContain(labelLayerId(level))
    }
    expect(ids).toContain(fillLayerId(6))
    const lastLine = Math.max(...LEVELS.map((level) => ids.indexOf(lineLayerId(level))))
    const firstLabel = Math.min(...LEVELS.map((level) => ids.indexOf(labelLayerId(level))))
    expect(firstLabel).toBeGreaterThan(lastLine)
  })

  it('scales label sizes for large screens', () => {
    const size = (scale: number) => {
      const layer = buildStyle({ theme: 'dark', origin, scale }).layers.find((l) => l.id === labelLayerId(2))
      return layer?.type === 'symbol' ? layer.layout?.['text-size'] : undefined
    }
    expect(size(1)).toBe(17)
    expect(size(1.5)).toBe(26)
  })
})
