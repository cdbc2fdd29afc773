import type { MultiPolygon, Polygon, Position } from 'geojson'
import { type Datum, toWgs84 } from './datum.ts'
import { featureLabel, fmtPoint, type ImportError } from './report.ts'

/**
 * The pure half of the import: read the FeatureCollection, check its structure, its coordinate
 * order and extent, and its codes and names, and convert it to WGS84. The spatial checks (validity,
 * overlaps, gaps) run in PostGIS afterwards, on the features that pass here.
 */

/** A generous box around China (the one gcoord uses): GCJ-02/BD-09 are defined only inside it. */
export const CHINA = { minLon: 72.004, maxLon: 137.8347, minLat: 0.8293, maxLat: 55.8271 } as const

export interface PreparedFeature {
  idx: number
  code: string | null
  name: string | null
  /** In WGS84. */
  geometry: Polygon | MultiPolygon
  /** A point of the feature (first vertex), WGS84, for messages. */
  at: [number, number]
}

export interface Prepared {
  features: PreparedFeature[]
  /** How many features the file has (including those that failed). */
  count: number
  errors: ImportError[]
}

const inChina = (x: number, y: number) =>
  x >= CHINA.minLon && x <= CHINA.maxLon && y >= CHINA.minLat && y <= CHINA.maxLat

/** How the positions of one geometry sit against China's extent. Lon and lat ranges do not overlap. */
export function checkExtent(positions: readonly Position[]) {
  let swapped = 0
  let outside = 0
  let firstSwapped: [number, number] | undefined
  let firstOutside: [number, number] | undefined
  for (const p of positions) {
    const x = p[0]!
    const y = p[1]!
    if (inChina(x, y)) continue
    if (inChina(y, x)) {
      swapped++
      firstSwapped ??= [x, y]
    } else {
      outside++
      firstOutside ??= [x, y]
    }
  }
  return { total: positions.length, swapped, firstSwapped, outside, firstOutside }
}

const isPosition = (p: unknown): p is Position =>
  Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1])

/** The rings of a Polygon or MultiPolygon, or a reason why its coordinates are malformed. */
function ringsOf(type: 'Polygon' | 'MultiPolygon', coords: unknown): Position[][] | string {
  if (!Array.isArray(coords) || coords.length === 0) return 'has no coordinates'
  const polygons = type === 'Polygon' ? [coords] : coords
  const rings: Position[][] = []
  for (const poly of polygons) {
    if (!Array.isArray(poly) || poly.length === 0) return 'has a polygon without rings'
    for (const ring of poly) {
      if (!Array.isArray(ring) || !ring.every(isPosition))
        return 'has a ring that is not a list of [lon, lat]'
      rings.push(ring)
    }
  }
  return rings
}

function propText(props: Record<string, unknown> | null | undefined, key: string): string | null {
  const v = props?.[key]
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  if (typeof v === 'string' && v.trim() !== '') return v.trim()
  return null
}

export interface PrepareOptions {
  datum: Datum
  codeProp: string
  nameProp: string
}

export function prepareFeatures(input: unknown, opts: PrepareOptions): Prepared {
  const errors: ImportError[] = []
  const fc = input as { type?: unknown; features?: unknown } | null
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    const message =
      'the file is not a GeoJSON FeatureCollection ({"type":"FeatureCollection","features":[…]})'
    return { features: [], count: 0, errors: [{ kind: 'not-geojson', feature: null, message }] }
  }
  const list = fc.features as unknown[]
  if (list.length === 0) {
    return {
      features: [],
      count: 0,
      errors: [{ kind: 'empty', feature: null, message: 'the file has no features' }],
    }
  }
  const features: PreparedFeature[] = []
  const firstByCode = new Map<string, number>()
  list.forEach((raw, idx) => {
    const f = raw as { type?: unknown; geometry?: { type?: unknown; coordinates?: unknown } | null } | null
    const props = (raw as { properties?: Record<string, unknown> | null } | null)?.properties
    const code = propText(props, opts.codeProp)
    const name = propText(props, opts.nameProp)
    const label = featureLabel(idx, code, name)
    const err = (e: Omit<ImportError, 'feature' | 'code' | 'name'>) =>
      errors.push({ feature: idx, code: code ?? undefined, name: name ?? undefined, ...e })
    const gtype = f?.geometry?.type
    if (f?.type !== 'Feature' || (gtype !== 'Polygon' && gtype !== 'MultiPolygon')) {
      const what =
        f?.type !== 'Feature' ? 'is not a GeoJSON Feature' : `has geometry ${String(gtype ?? 'null')}`
      err({
        kind: 'geometry-type',
        message: `feature ${label} ${what}; only Polygon and MultiPolygon areas can be grids`,
      })
      return
    }
    const rings = ringsOf(gtype, f.geometry?.coordinates)
    if (typeof rings === 'string') {
      err({ kind: 'coordinates', message: `feature ${label} ${rings}` })
      return
    }
    const ext = checkExtent(rings.flat())
    if (ext.swapped > 0 && ext.firstSwapped) {
      const p = ext.firstSwapped
      err({
        kind: 'swapped-coordinates',
        at: [p[1], p[0]],
        message: `feature ${label}: ${ext.swapped} of ${ext.total} positions are in [lat, lon] order (first: [${fmtPoint(p)}]); GeoJSON wants [lon, lat] — swap them in the file`,
      })
    }
    if (ext.outside > 0 && ext.firstOutside) {
      err({
        kind: 'outside-china',
        at: ext.firstOutside,
        message: `feature ${label}: ${ext.outside} of ${ext.total} positions lie outside China's extent (first: [${fmtPoint(ext.firstOutside)}]); is the file projected (metres) rather than lon/lat?`,
      })
    }
    if (ext.swapped > 0 || ext.outside > 0) return
    const open = rings.find((r) => r.length < 4 || r[0]![0] !== r.at(-1)![0] || r[0]![1] !== r.at(-1)![1])
    if (open) {
      const first = toWgs84(open[0]!, opts.datum)
      const why = open.length < 4 ? `has only ${open.length} positions (a ring needs 4)` : 'is not closed'
      err({ kind: 'ring-not-closed', at: first, message: `feature ${label}: a ring ${why}` })
      return
    }
    const geometry = convertGeometry(
      { type: gtype, coordinates: f.geometry?.coordinates } as Polygon | MultiPolygon,
      opts.datum,
    )
    const at = firstPosition(geometry)
    if (!code)
      err({
        kind: 'missing-code',
        at,
        message: `feature ${label} has no '${opts.codeProp}' property (${have(props)}); choose the property with --code-prop`,
      })
    if (!name)
      err({
        kind: 'missing-name',
        at,
        message: `feature ${label} has no '${opts.nameProp}' property (${have(props)}); choose the property with --name-prop`,
      })
    if (code) {
      const first = firstByCode.get(code)
      if (first === undefined) firstByCode.set(code, idx)
      else
        err({
          kind: 'duplicate-code',
          at,
          other: { feature: first, code },
          message: `feature ${label} has the same code as feature #${first}`,
        })
    }
    features.push({ idx, code, name, geometry, at })
  })
  return { features, count: list.length, errors }
}

function have(props: Record<string, unknown> | null | undefined): string {
  const keys = Object.keys(props ?? {})
  return keys.length ? `it has: ${keys.slice(0, 12).join(', ')}` : 'it has no properties'
}

/** A new geometry in WGS84; the input is not changed. Shared vertices stay shared (same input, same output). */
export function convertGeometry(g: Polygon | MultiPolygon, datum: Datum): Polygon | MultiPolygon {
  const ring = (r: Position[]) => r.map((p) => toWgs84(p, datum))
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: g.coordinates.map(ring) }
  return { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map(ring)) }
}

function firstPosition(g: Polygon | MultiPolygon): [number, number] {
  const p = g.type === 'Polygon' ? g.coordinates[0]![0]! : g.coordinates[0]![0]![0]!
  return [p[0]!, p[1]!]
}
