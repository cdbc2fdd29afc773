import type { Layer } from '@deck.gl/core'
import { MVTLayer } from '@deck.gl/geo-layers'
import { featureOfTile } from '../../lib/feature-ref.ts'
import { MAP_ORG_KINDS } from '../../lib/layer-enums.ts'
import { tileUrl } from '../../lib/map-layers.ts'
import { ORG_KIND_COLOURS, type Rgba } from '../layer-colours.ts'
import { type LayerContext, type LayerDefinition, px } from './layer-definition.ts'
import type { TileFeature } from './tile-source.ts'
import { mvtProps } from './tile-source.ts'

export const ORGS_MIN_ZOOM = 13

export interface OrgsLayerProps {
  opacity: number
  radius: number
}
export const ORGS_DEFAULTS: OrgsLayerProps = { opacity: 1, radius: 4 }

/** Organisations (组织) by kind from z13: party, social organisations, enterprises, property companies, owners' committees. */
function orgsDeck(ctx: LayerContext): Layer[] {
  const props: OrgsLayerProps = { ...ORGS_DEFAULTS, opacity: ctx.layers.opacity.orgs }
  const selected = ctx.selected?.kind === 'org' ? ctx.selected.id : null
  const edge: Rgba = ctx.theme === 'dark' ? [255, 255, 255, 220] : [20, 40, 60, 200]
  return [
    new MVTLayer<Record<string, unknown>>({
      id: 'orgs-tiles',
      data: tileUrl(ctx.origin, 'orgs', ctx.layers, ctx.can),
      ...mvtProps(['orgs'], { min: ORGS_MIN_ZOOM }),
      opacity: props.opacity,
      pointType: 'circle',
      pointRadiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      stroked: true,
      getFillColor: ((f: TileFeature): Rgba => [
        ...(ORG_KIND_COLOURS[String(f.properties.kind)] ?? [200, 200, 200]),
        240,
      ]) as never,
      getLineColor: edge,
      getLineWidth: px(ctx, 1.5),
      getPointRadius: px(ctx, props.radius),
      updateTriggers: { getLineColor: ctx.theme },
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 255, 255, 110],
      uniqueIdProperty: 'id',
      highlightedFeatureId: selected,
    }),
  ]
}

export const orgsLayer: LayerDefinition = {
  kind: 'orgs',
  minZoom: ORGS_MIN_ZOOM,
  deck: orgsDeck,
  legend: () =>
    MAP_ORG_KINDS.map((kind) => ({
      swatch: 'dot' as const,
      colour: ORG_KIND_COLOURS[kind] ?? [200, 200, 200],
      label: { key: `enum.org.${kind}` as const },
    })),
  describe: (sourceLayer, p, words) => {
    return {
      ref: featureOfTile(sourceLayer, p),
      title: String(p.name ?? ''),
      detail: words.name('orgs.kind', p.kind),
    }
  },
}
