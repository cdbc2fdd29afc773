import type { Scale, ScaleName } from './types.ts'

/**
 * test: a tiny city for the test suite; demo: the default of `npm start` on PGlite;
 * city: a full prefecture-level city for real PostGIS and benchmarks.
 */
export const SCALES: Record<ScaleName, Scale> = {
  test: {
    name: 'test',
    districts: 3,
    streetsPerDistrict: 3,
    gridsPerCommunity: 4,
    grids: 110,
    microGridShare: 0.1,
    residents: 3_000,
    minBuildings: 400,
    things: 300,
    events: 2_000,
    eventDays: 180,
  },
  demo: {
    name: 'demo',
    districts: 7,
    streetsPerDistrict: 30,
    gridsPerCommunity: 5,
    grids: 2_300,
    microGridShare: 0.03,
    residents: 100_000,
    minBuildings: 12_000,
    things: 8_000,
    events: 50_000,
    eventDays: 180,
  },
  city: {
    name: 'city',
    districts: 7,
    streetsPerDistrict: 30,
    gridsPerCommunity: 7.5,
    grids: 21_000,
    microGridShare: 0.03,
    residents: 3_000_000,
    minBuildings: 1_000_000,
    things: 200_000,
    events: 5_000_000,
    eventDays: 180,
  },
}

export function scaleByName(name: string): Scale {
  const s = SCALES[name as ScaleName]
  if (!s) throw new Error(`unknown seed scale "${name}": use one of ${Object.keys(SCALES).join(', ')}`)
  return s
}
