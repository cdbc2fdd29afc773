import type { Theme } from '../lib/url-state.ts'

/** RGB 0..255; deck.gl takes arrays, MapLibre and the legend CSS strings (`css`). */
export type Rgb = readonly [number, number, number]
export type Rgba = readonly [number, number, number, number]

/** A CSS colour; RGBA colours carry their own alpha (0..255) unless one is given. */
export const css = ([r, g, b, a]: Rgb | Rgba, alpha?: number): string =>
  `rgba(${r}, ${g}, ${b}, ${alpha ?? (a === undefined ? 1 : Math.round((a / 255) * 1000) / 1000)})`

/** 五色管理: 1 red (worst) … 5 green, the same on both themes. */
export const GRADE_COLOURS: Record<1 | 2 | 3 | 4 | 5, Rgb> = {
  1: [232, 59, 59],
  2: [247, 142, 30],
  3: [242, 208, 36],
  4: [45, 140, 240],
  5: [46, 178, 96],
}

/**
 * Level-1 event categories, by their order in map.meta (15 in the seeded taxonomy); beyond the
 * list the colours repeat. Distinct on dark and on light ground.
 */
export const CATEGORY_COLOURS: readonly Rgb[] = [
  [64, 196, 255],
  [255, 171, 64],
  [105, 240, 174],
  [255, 110, 150],
  [179, 136, 255],
  [255, 235, 59],
  [0, 229, 200],
  [255, 128, 90],
  [140, 200, 75],
  [240, 98, 222],
  [120, 160, 255],
  [215, 185, 130],
  [77, 208, 225],
  [255, 200, 170],
  [170, 190, 205],
]
export const NO_CATEGORY_COLOUR: Rgb = [150, 160, 175]

export const categoryColour = (index: number): Rgb =>
  index < 0 ? NO_CATEGORY_COLOUR : (CATEGORY_COLOURS[index % CATEGORY_COLOURS.length] ?? NO_CATEGORY_COLOUR)

/** Overdue events: a red ring (and a slow pulse where motion is welcome). */
export const OVERDUE: Rgb = [255, 45, 45]

export const THING_KIND_COLOURS: Record<string, Rgb> = {
  camera: [64, 196, 255],
  smart_lock: [179, 136, 255],
  smoke_detector: [255, 171, 64],
  hydrant: [255, 90, 90],
  manhole_sensor: [160, 170, 190],
  water_level_sensor: [0, 200, 230],
  air_quality_sensor: [105, 220, 150],
  charging_pile: [240, 220, 80],
}

/** Offline and faulty things stand out; online ones stay quiet. */
export const THING_STATUS_COLOURS: Record<string, Rgb> = {
  online: [46, 178, 96],
  offline: [255, 60, 60],
  fault: [255, 140, 0],
  maintenance: [180, 180, 190],
}

export const ORG_KIND_COLOURS: Record<string, Rgb> = {
  party: [230, 40, 40],
  social: [255, 171, 64],
  enterprise: [64, 196, 255],
  property_company: [105, 220, 150],
  owners_committee: [179, 136, 255],
}

export const BUILDING_USE_COLOURS: Record<Theme, Record<string, Rgb>> = {
  dark: {
    residential: [58, 96, 140],
    commercial: [140, 92, 60],
    office: [80, 88, 150],
    mixed: [100, 90, 130],
    industrial: [110, 100, 80],
    public: [60, 130, 110],
  },
  light: {
    residential: [196, 212, 232],
    commercial: [240, 208, 178],
    office: [206, 206, 238],
    mixed: [220, 206, 228],
    industrial: [222, 214, 196],
    public: [190, 226, 210],
  },
}

export const PUBLIC_PLACE_COLOUR: Record<Theme, Rgb> = { dark: [255, 214, 102], light: [196, 110, 0] }
export const COMPOUND_COLOUR: Record<Theme, Rgb> = { dark: [120, 200, 255], light: [40, 110, 180] }

/** Heat-map ramps, transparent at the low end so the map shows through. */
export const HEAT_RAMPS: Record<'events' | 'people', readonly Rgba[]> = {
  events: [
    [255, 200, 60, 0],
    [255, 200, 60, 110],
    [255, 150, 40, 170],
    [255, 90, 30, 210],
    [240, 40, 40, 235],
    [255, 235, 235, 255],
  ],
  people: [
    [40, 120, 255, 0],
    [40, 120, 255, 100],
    [40, 180, 255, 160],
    [60, 230, 230, 200],
    [200, 255, 220, 230],
    [255, 255, 255, 255],
  ],
}

/** Hexagon colour ranges, light to dense; sparse hexagons stay see-through. */
export const HEX_RAMPS: Record<'events' | 'people', readonly Rgba[]> = {
  events: [
    [255, 237, 160, 70],
    [254, 217, 118, 110],
    [254, 178, 76, 150],
    [253, 141, 60, 185],
    [240, 59, 32, 215],
    [189, 0, 38, 235],
  ],
  people: [
    [199, 233, 180, 70],
    [127, 205, 187, 110],
    [65, 182, 196, 150],
    [29, 145, 192, 185],
    [34, 94, 168, 215],
    [12, 44, 132, 235],
  ],
}
