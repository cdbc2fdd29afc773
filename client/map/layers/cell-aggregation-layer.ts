import { HeatmapLayer, HexagonLayer } from '@deck.gl/aggregation-layers'
import { CompositeLayer, type DefaultProps, type Layer, type UpdateParameters } from '@deck.gl/core'
import { MVTLayer, type _Tile2DHeader as Tile2DHeader } from '@deck.gl/geo-layers'
import type { Aggregation } from '../../lib/layer-enums.ts'
import type { Rgba } from '../layer-colours.ts'
import { type Cell, cellsOfTiles, mvtProps } from './tile-source.ts'

export interface CellAggregationLayerProps {
  /** Tile URL template of the layer (with its filters). */
  data: string
  sourceLayer: string
  /** A second count of the cells shown in the tooltip (`overdue`, `offline`). */
  extraProperty: string | null
  aggregation: Aggregation
  minZoom: number
  maxZoom: number
  /** The map's zoom, floored: hexagons are sized to it. */
  zoom: number
  heatRamp: readonly Rgba[]
  hexRamp: readonly Rgba[]
  /** UI scale on big screens. */
  scale: number
}

const defaultProps: DefaultProps<CellAggregationLayerProps> = {
  data: '',
  sourceLayer: '',
  extraProperty: null,
  aggregation: 'heat',
  minZoom: 8,
  maxZoom: 13,
  zoom: 10,
  heatRamp: { type: 'array', value: [] },
  hexRamp: { type: 'array', value: [] },
  scale: 1,
}

const contentIds = new WeakMap<object, number>()
let nextContentId = 1
/** A number per loaded tile content, so that a reloaded tile (new filters) counts as new. */
function contentId(content: unknown): number {
  if (!content || typeof content !== 'object') return 0
  let id = contentIds.get(content)
  if (id === undefined) {
    id = nextContentId++
    contentIds.set(content, id)
  }
  return id
}

/** Metres across which one hexagon gathers cells: about two and a half cells (1/64 tile) wide. */
export function hexRadius(zoom: number): number {
  return 1_250_000 / 2 ** Math.max(0, zoom)
}

/**
 * Aggregated cells (docs/layers.md "Cells") drawn as one heat map or one hexagon layer over all
 * tiles in view, weighted by the cells' `n`: the tiles are loaded by an MVTLayer that draws
 * nothing itself, and each time the view's tiles are loaded their cells are gathered.
 */
export class CellAggregationLayer extends CompositeLayer<CellAggregationLayerProps> {
  static override layerName = 'CellAggregationLayer'
  static override defaultProps = defaultProps

  declare state: { cells: Cell[]; key: string }

  override initializeState(): void {
    this.state = { cells: [], key: '' }
  }

  override updateState({ props, oldProps }: UpdateParameters<this>): void {
    // The cells of the old filters stay drawn until the new tiles are in: no blank flash.
    if (props.data !== oldProps.data || props.sourceLayer !== oldProps.sourceLayer) this.setState({ key: '' })
  }

  private gather(tiles: Tile2DHeader[]): void {
    const key = tiles.map((tile) => `${tile.id}:${contentId(tile.content)}`).join(',')
    if (key === this.state.key) return
    const cells = cellsOfTiles(tiles, this.props.sourceLayer, this.props.extraProperty)
    // Called while deck.gl updates the tile layer: a state change now would be cleared with this
    // update's flags, so it is made right after it (and renderLayers runs again).
    queueMicrotask(() => {
      if (this.internalState) this.setState({ key, cells })
    })
  }

  override renderLayers(): Layer[] {
    const { data, sourceLayer, aggregation, minZoom, maxZoom, zoom, heatRamp, hexRamp, scale } = this.props
    const { cells } = this.state
    const tiles = new MVTLayer(
      this.getSubLayerProps({
        id: 'tiles',
        data,
        ...mvtProps([sourceLayer], { min: minZoom, max: maxZoom }),
        pickable: false,
        renderSubLayers: () => null,
        onViewportLoad: (loaded: Tile2DHeader[]) => this.gather(loaded),
      }),
    )
    if (!cells.length) return [tiles]
    const shape =
      aggregation === 'heat'
        ? new HeatmapLayer<Cell>(
            this.getSubLayerProps({
              id: 'heat',
              data: cells,
              getPosition: (c: Cell) => c.position,
              getWeight: (c: Cell) => c.n,
              radiusPixels: Math.round(26 * scale),
              intensity: 1.2,
              threshold: 0.04,
              colorRange: heatRamp.map((c) => [...c]),
              aggregation: 'SUM',
              pickable: false,
            }),
          )
        : new HexagonLayer<Cell>(
            this.getSubLayerProps({
              id: 'hex',
              data: cells,
              getPosition: (c: Cell) => c.position,
              getColorWeight: (c: Cell) => c.n,
              colorAggregation: 'SUM',
              getElevationWeight: (c: Cell) => c.extra,
              elevationAggregation: 'SUM',
              radius: hexRadius(zoom),
              coverage: 0.86,
              extruded: false,
              // Linear classes: the few dense places stand out (quantiles would paint a sixth red).
              colorScaleType: 'quantize',
              upperPercentile: 99,
              colorRange: hexRamp.map((c) => [...c]),
              gpuAggregation: false,
              pickable: true,
              autoHighlight: true,
              highlightColor: [255, 255, 255, 90],
            }),
          )
    return [tiles, shape]
  }
}
