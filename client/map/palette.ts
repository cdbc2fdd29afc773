import type { Theme } from '../lib/url-state.ts'

/** Colours of the map for one theme; the UI's CSS variables carry the same hues. */
export interface MapPalette {
  background: string
  /** Boundary colour and width (px at the zoom the level is the finest shown) per level 1..6. */
  line: Record<1 | 2 | 3 | 4 | 5 | 6, { color: string; width: number; dash?: [number, number] }>
  /** A wide soft line under city and district boundaries. */
  glow: string
  fill: string
  fillHover: string
  label: string
  labelParent: string
  labelHalo: string
  /** deck.gl colours of the selected area, RGBA 0..255. */
  selectedLine: [number, number, number, number]
  selectedFill: [number, number, number, number]
}

export const PALETTES: Record<Theme, MapPalette> = {
  dark: {
    background: '#050d1a',
    line: {
      1: { color: '#7fe7ff', width: 3.2 },
      2: { color: '#45c8f5', width: 2.4 },
      3: { color: '#35a6e4', width: 1.7 },
      4: { color: '#3d8fcb', width: 1.2 },
      5: { color: '#47719a', width: 0.8 },
      6: { color: '#42607f', width: 0.6, dash: [3, 2] },
    },
    glow: 'rgba(69, 200, 245, 0.28)',
    fill: 'rgba(30, 110, 180, 0.10)',
    fillHover: 'rgba(69, 200, 245, 0.22)',
    label: '#d6ecff',
    labelParent: '#8fdcff',
    labelHalo: 'rgba(3, 10, 22, 0.92)',
    selectedLine: [255, 196, 61, 255],
    selectedFill: [255, 196, 61, 46],
  },
  light: {
    background: '#e9eef4',
    line: {
      1: { color: '#0b3d6e', width: 3.2 },
      2: { color: '#1560a8', width: 2.4 },
      3: { color: '#2f7cc4', width: 1.5 },
      4: { color: '#5b93c9', width: 1.1 },
      5: { color: '#7fa6cc', width: 0.8 },
      6: { color: '#94afc9', width: 0.6, dash: [3, 2] },
    },
    glow: 'rgba(21, 96, 168, 0.16)',
    fill: 'rgba(255, 255, 255, 0.55)',
    fillHover: 'rgba(21, 96, 168, 0.14)',
    label: '#17324d',
    labelParent: '#0b3d6e',
    labelHalo: 'rgba(255, 255, 255, 0.95)',
    selectedLine: [214, 69, 0, 255],
    selectedFill: [214, 69, 0, 36],
  },
}
