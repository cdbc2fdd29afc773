import gcoord from 'gcoord'
import type { Position } from 'geojson'

/**
 * Datums an import file may be in. Storage is WGS84 (EPSG:4326; CGCS2000 within centimetres).
 * GCJ-02 ("Mars coordinates": AMap, Tencent, DataV) and BD-09 (Baidu) are converted on import.
 */
export const DATUMS = ['gcj02', 'wgs84', 'bd09'] as const
export type Datum = (typeof DATUMS)[number]

export function isDatum(v: unknown): v is Datum {
  return typeof v === 'string' && (DATUMS as readonly string[]).includes(v)
}

/** The message for a missing or unknown datum: we never guess which one a file is in. */
export function datumProblem(v: unknown): string {
  const allowed = DATUMS.join(', ')
  if (v === undefined || v === null || v === '') {
    return `the file's datum is not declared: pass --datum with one of ${allowed} (GeoJSON from AMap, Tencent or DataV is gcj02, from Baidu bd09, from GPS, OSM or Tianditu wgs84)`
  }
  return `unknown datum '${String(v)}': --datum must be one of ${allowed}`
}

const FROM = { gcj02: gcoord.GCJ02, bd09: gcoord.BD09, wgs84: gcoord.WGS84 } as const

/**
 * One position to WGS84 lon/lat. gcoord inverts GCJ-02 iteratively to 1e-6° (≈0.1 m);
 * BD-09 goes through GCJ-02. A third value (height) is dropped.
 */
export function toWgs84(p: Position, datum: Datum): [number, number] {
  const xy: [number, number] = [p[0]!, p[1]!]
  if (datum === 'wgs84') return xy
  const [lon, lat] = gcoord.transform(xy, FROM[datum], gcoord.WGS84)
  return [lon, lat]
}

/** The reverse, for tests and for exporting to AMap/Baidu base maps. */
export function fromWgs84(p: Position, datum: Datum): [number, number] {
  const xy: [number, number] = [p[0]!, p[1]!]
  if (datum === 'wgs84') return xy
  const [lon, lat] = gcoord.transform(xy, gcoord.WGS84, FROM[datum])
  return [lon, lat]
}
