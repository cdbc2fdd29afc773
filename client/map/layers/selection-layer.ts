import { GeoJsonLayer } from '@deck.gl/layers'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import type { MapPalette } from '../palette.ts'

export interface SelectionLayerProps {
  /** The selected area's boundary; nothing is drawn without one. */
  geometry: MultiPolygon | Polygon | null
  palette: MapPalette
  /** Line width in CSS pixels. */
  lineWidth?: number
}

const DEFAULTS = { lineWidth: 3 }

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
