import { sql } from 'drizzle-orm'
import { customType } from 'drizzle-orm/pg-core'
import type { Geometry } from 'geojson'
import wkx from 'wkx'

/**
 * PostGIS geometry column in EPSG:4326 (WGS84 / CGCS2000).
 * Drizzle's built-in `geometry` only handles points; this one takes any GeoJSON geometry.
 * Values go in as GeoJSON through ST_GeomFromGeoJSON and come out of EWKB as GeoJSON.
 */
export type GeometryKind =
  | 'Point'
  | 'MultiPoint'
  | 'LineString'
  | 'MultiLineString'
  | 'Polygon'
  | 'MultiPolygon'

export const geometry = <G extends Geometry = Geometry>(name: string, kind: GeometryKind) =>
  customType<{ data: G; driverData: string; config: { kind: GeometryKind } }>({
    dataType() {
      return `geometry(${kind},4326)`
    },
    toDriver(value) {
      return sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(value)}),4326)` as unknown as string
    },
    fromDriver(value) {
      return ewkbHexToGeoJSON(value) as G
    },
  })(name, { kind })

export function ewkbHexToGeoJSON(hex: string): Geometry {
  return wkx.Geometry.parse(Buffer.from(hex, 'hex')).toGeoJSON() as Geometry
}
