import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { Feature, Geometry, MultiPolygon, Polygon } from 'geojson'
import type { MapPalette } from '../palette.ts'

export interface SelectionLayerProps {
  /** The selected area's boundary; nothing is drawn without one. */
  geometry: MultiPolygon | Polygon | null
  palette: MapPalette
  /** Line width in CSS pixels. */
  lineWidth?: number
  /** A picked feature's geometry (from feature.get): ringed when a point, outlined otherwise. */
  feature?: Geometry | null
}

const DEFAULTS = { lineWidth: 3 }

/** The picked feature, wherever its layer is drawn (or not): a ring around it, over everything. */
export function createFeatureSelectionLayers(props: SelectionLayerProps): Layer[] {
  const { feature, palette, lineWidth } = { ...DEFAULTS, ...props }
  if (!feature) return []
  const [r, g, b] = palette.selectedLine
  return [
    new GeoJsonLayer({
      id: 'selection-feature',
      data: [{ type: 'Feature', geometry: feature, properties: {} }],
      filled: true,
      stroked: true,
      pointType: 'circle',
      pointRadiusUnits: 'pixels',
      getPointRadius: lineWidth * 4,
      lineWidthUnits: 'pixels',
      getLineWidth: lineWidth,
      getLineColor: palette.selectedLine,
      getFillColor: feature.type === 'Point' ? [r, g, b, 40] : palette.selectedFill,
      lineJointRounded: true,
    }),
  ]
}

/**
 * The selected area, drawn by deck.gl over the tiled boundaries: a soft wide halo, a translucent
 * fill and a crisp outline. Works at any zoom, including where the tiles hold other levels.
 */
export function createSelectionLayers(props: SelectionLayerProps): GeoJsonLayer[] {
  const { geometry, palette, lineWidth } = { ...DEFAULTS, ...props }
  if (!geometry) return []
  const data: Feature[] = [{ type: 'Feature', geometry, properties: {} }]
  const [r, g, b] = palette.selectedLine
  return [
    new GeoJsonLayer({
      id: 'selection-halo',
      data,
      filled: false,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: lineWidth * 4,
      getLineColor: [r, g, b, 70],
      lineJointRounded: true,
    }),
    new GeoJsonLayer({
      id: 'selection',
      data,
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: lineWidth,
      getLineColor: palette.selectedLine,
      getFillColor: palette.selectedFill,
      lineJointRounded: true,
    }),
  ]
}
