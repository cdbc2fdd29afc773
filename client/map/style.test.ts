// The style spec's validator comes with maplibre-gl (its own dependency).
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec'
import { describe, expect, it } from 'vitest'
import { LEVELS } from '../lib/levels.ts'
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

  it('adds a raster base map only when one is configured', () => {
    expect(buildStyle({ theme: 'dark', origin }).sources.basemap).toBeUndefined()
    const style = buildStyle({ theme: 'dark', origin, basemapTiles: 'http://127.0.0.1:8080/{z}/{x}/{y}.png' })
    expect(style.sources.basemap).toMatchObject({ type: 'raster' })
    expect(style.layers[1]?.id).toBe('basemap')
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
