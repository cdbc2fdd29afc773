import { LEVELS } from '../../lib/levels.ts'
import { GRADE_COLOURS } from '../layer-colours.ts'
import { FILL_LAYER_IDS, GRID_SOURCE, gridBoundaryLayers } from './grid-boundary-layer.ts'
import { gridLabelLayers } from './grid-label-layer.ts'
import type { LayerContext, LayerDefinition, StylePart } from './layer-definition.ts'

/** Grid tiles hold data up to z16; MapLibre over-zooms beyond. */
export const GRID_TILES_MAX_ZOOM = 16

export interface GridsLayerProps {
  /** 五色管理 fill by `grade`. */
  grade: boolean
  opacity: number
}

export const GRIDS_DEFAULTS: GridsLayerProps = { grade: false, opacity: 1 }

function gridsStyle(ctx: LayerContext): StylePart {
  const props: GridsLayerProps = {
    ...GRIDS_DEFAULTS,
    grade: ctx.layers.grade,
    opacity: ctx.layers.opacity.grids,
  }
  const boundaries = gridBoundaryLayers(ctx.palette, ctx.scale, { ...props, dark: ctx.theme === 'dark' })
  return {
    sources: {
      [GRID_SOURCE]: {
        type: 'vector',
        tiles: [`${ctx.origin}/tiles/grids/{z}/{x}/{y}.mvt`],
        minzoom: 0,
        maxzoom: GRID_TILES_MAX_ZOOM,
        // Feature ids for hover state; the tiles carry the area id as a property.
        promoteId: 'id',
      },
    },
    layers: [
      ...boundaries.map((layer) => ({
        slot: layer.type === 'fill' ? ('fill' as const) : ('line' as const),
        layer,
      })),
      ...gridLabelLayers(ctx.palette, ctx.scale, props.opacity).map((layer) => ({
        slot: 'label' as const,
        layer,
      })),
    ],
  }
}

/** Grid boundaries by level with their names, optionally filled by the five-colour grade. */
export const gridsLayer: LayerDefinition = {
  kind: 'grids',
  minZoom: 0,
  style: gridsStyle,
  // Grid picking stays with MapView's own grid pick (onPick), not onPickFeature.
  pickable: () => [...FILL_LAYER_IDS],
  legend: (ctx) =>
    ctx.layers.grade
      ? ([1, 2, 3, 4, 5] as const).map((g) => ({
          swatch: 'fill' as const,
          colour: GRADE_COLOURS[g],
          label: { key: `layers.grids.grade.${g}` as const },
        }))
      : LEVELS.slice(1, 5).map((level) => {
          const hex = ctx.palette.line[level].color
          const rgb = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [
            number,
            number,
            number,
          ]
          return { swatch: 'line' as const, colour: rgb, label: { key: `level.${level}` as const } }
        }),
  describe: (_sourceLayer, p, words) => ({
    ref: null,
    title: String(p.name ?? ''),
    detail:
      p.grade !== undefined && p.grade !== null
        ? `${words.name('kind', p.kind)} · ${words.t('layers.grids.gradeOf', { grade: words.name('grids.grade', p.grade) })}`
        : words.name('kind', p.kind),
  }),
}
