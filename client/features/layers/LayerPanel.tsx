import { useMemo, useState } from 'react'
import type { EventPointsState } from '../../hooks/use-event-points.ts'
import { useI18n } from '../../i18n/index.ts'
import type { CategoryNode } from '../../lib/category-selection.ts'
import { LAYER_KINDS, type LayerKind } from '../../lib/layer-enums.ts'
import type { MapLayers } from '../../lib/map-layers.ts'
import type { Theme } from '../../lib/url-state.ts'
import type { LayerContext } from '../../map/layers/layer-definition.ts'
import { LAYER_REGISTRY } from '../../map/layers/layer-registry.ts'
import { PALETTES } from '../../map/palette.ts'
import { LayerFilters } from './LayerFilters.tsx'
import { LayerLegend } from './LayerLegend.tsx'
import type { LayerCounts } from './use-layer-counts.ts'

export interface LayerPanelProps {
  layers: MapLayers
  onChange: (next: MapLayers) => void
  /** The map's zoom (layers say when they need more). */
  zoom: number
  theme: Theme
  categories: readonly CategoryNode[]
  canTags: boolean
  counts: LayerCounts
  points: EventPointsState
  /** Whether the server has a base map configured (GET /api/basemap). */
  basemapConfigured: boolean
  basemapError: string | null
}

/**
 * The layer panel: per layer a switch, the count in view, a legend, and (opened) its opacity and
 * filters. Everything here is state in the URL hash (lib/map-layers.ts).
 */
export function LayerPanel(props: LayerPanelProps) {
  const { layers, onChange, zoom, theme, basemapConfigured, basemapError } = props
  const { t } = useI18n()
  const [collapsed, setCollapsed] = useState(false)
  const [open, setOpen] = useState<LayerKind | null>(null)
  const topCategories = useMemo(() => props.categories.filter((c) => c.level === 1), [props.categories])
  const ctx = useMemo<LayerContext>(
    () => ({
      origin: '',
      theme,
      palette: PALETTES[theme],
      scale: 1,
      layers,
      can: { tags: props.canTags },
      zoom: Math.floor(zoom),
      categoryIndex: new Map(topCategories.map((c, i) => [c.code, i])),
      topCategories,
      selected: null,
      pulse: -1,
      revision: 0,
    }),
    [theme, layers, props.canTags, zoom, topCategories],
  )
  if (collapsed)
    return (
      <button
        type="button"
        className="layer-panel-open"
        data-testid="layer-panel-open"
        onClick={() => setCollapsed(false)}
      >
        {t('layers.expand')}
      </button>
    )
  return (
    <section className="layer-panel" data-testid="layer-panel" aria-label={t('layers.panel')}>
      <header className="layer-panel-header">
        <h2>{t('layers.title')}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label={t('layers.collapse')}
          data-testid="layer-panel-close"
          onClick={() => setCollapsed(true)}
        >
          ×
        </button>
      </header>
      <div className="layer-panel-scroll">
        {[...LAYER_KINDS].reverse().map((kind) => (
          <LayerRow
            key={kind}
            kind={kind}
            ctx={ctx}
            open={open === kind}
            onOpen={() => setOpen(open === kind ? null : kind)}
            {...props}
          />
        ))}
        {basemapConfigured && (
          <label className="layer-basemap">
            <span>{t('layers.basemap')}</span>
            <select
              className="text-input"
              data-testid="layer-basemap"
              value={layers.basemap}
              onChange={(event) =>
                onChange({ ...layers, basemap: event.target.value === 'none' ? 'none' : 'auto' })
              }
            >
              <option value="auto">{t('layers.basemap.auto')}</option>
              <option value="none">{t('layers.basemap.none')}</option>
            </select>
          </label>
        )}
        {basemapError && (
          <p className="form-error" role="alert">
            {t('layers.basemap.unavailable', { message: basemapError })}
          </p>
        )}
      </div>
    </section>
  )
}

interface LayerRowProps extends LayerPanelProps {
  kind: LayerKind
  ctx: LayerContext
  open: boolean
  onOpen: () => void
}

function LayerRow({
  kind,
  ctx,
  open,
  onOpen,
  layers,
  onChange,
  zoom,
  counts,
  points,
  categories,
  canTags,
}: LayerRowProps) {
  const { t, compact, number } = useI18n()
  const definition = LAYER_REGISTRY[kind]
  const on = layers.on[kind]
  const name = t(`layers.kind.${kind}`)
  const count = counts.values?.[kind]
  const hasDetails = true
  const set = (patch: Partial<MapLayers>) => onChange({ ...layers, ...patch })
  return (
    <section className={on ? 'layer-row on' : 'layer-row'} data-testid={`layer-${kind}`} data-on={on}>
      <div className="layer-row-head">
        <label className="switch">
          <input
            type="checkbox"
            checked={on}
            aria-label={t('layers.show', { name })}
            data-testid={`layer-toggle-${kind}`}
            onChange={(event) => set({ on: { ...layers.on, [kind]: event.target.checked } })}
          />
          <span className="switch-track" aria-hidden="true" />
          <span className="layer-name">{name}</span>
        </label>
        {kind !== 'grids' && (
          <span
            className="layer-count"
            data-testid={`layer-count-${kind}`}
            data-value={count ?? ''}
            title={count !== undefined ? t('layers.countOf', { name, count: number(count) }) : undefined}
          >
            {on
              ? count !== undefined
                ? counts.capped[kind]
                  ? t('layers.countCapped', { count: compact(count) })
                  : compact(count)
                : counts.loading
                  ? '…'
                  : t('common.none')
              : ''}
            {on && count !== undefined && <small>{t('layers.inView')}</small>}
          </span>
        )}
        {hasDetails && (
          <button
            type="button"
            className={open ? 'tree-toggle open' : 'tree-toggle'}
            aria-expanded={open}
            aria-label={t('layers.filters')}
            data-testid={`layer-expand-${kind}`}
            onClick={onOpen}
          >
            <svg viewBox="0 0 10 10" aria-hidden="true">
              <path d="M3 2l4 3-4 3" fill="none" stroke="currentColor" strokeWidth="1.6" />
            </svg>
          </button>
        )}
      </div>
      {on && kind === 'grids' && (
        <label className="check layer-option" title={t('layers.grids.gradeHint')}>
          <input
            type="checkbox"
            data-testid="layer-grade"
            checked={layers.grade}
            onChange={(event) => set({ grade: event.target.checked })}
          />
          <span>{t('layers.grids.grade')}</span>
        </label>
      )}
      {on && kind === 'events' && (
        <div className="layer-option">
          <label className="check" title={t('layers.events.pointsHint')}>
            <input
              type="checkbox"
              data-testid="events-points-toggle"
              checked={layers.events.points}
              onChange={(event) => set({ events: { ...layers.events, points: event.target.checked } })}
            />
            <span>{t('layers.events.points')}</span>
          </label>
          {layers.events.points && (
            <span
              className="points-status"
              data-testid="events-points-status"
              data-count={points.points?.count ?? ''}
            >
              {points.error
                ? t('layers.events.pointsError', { message: points.error })
                : points.loading && !points.points
                  ? t('layers.events.pointsLoading')
                  : points.points
                    ? t(points.truncated ? 'layers.events.pointsTruncated' : 'layers.events.pointsCount', {
                        count: compact(points.points.count),
                      })
                    : ''}
            </span>
          )}
        </div>
      )}
      {on && zoom < definition.minZoom && (
        <p className="layer-hint">{t('layers.zoomIn', { zoom: definition.minZoom })}</p>
      )}
      {on && <LayerLegend entries={definition.legend(ctx)} testId={`layer-legend-${kind}`} />}
      {open && hasDetails && (
        <div className="layer-details" data-testid={`layer-details-${kind}`}>
          <label className="filter-group">
            <span className="filter-label">
              <span>{t('layers.opacity')}</span>
              <span className="filter-any">{Math.round(layers.opacity[kind] * 100)}%</span>
            </span>
            <input
              type="range"
              min={0}
              max={100}
              step={5}
              value={Math.round(layers.opacity[kind] * 100)}
              aria-label={t('layers.opacityOf', { name })}
              data-testid={`layer-opacity-${kind}`}
              onChange={(event) =>
                set({ opacity: { ...layers.opacity, [kind]: Number(event.target.value) / 100 } })
              }
            />
          </label>
          <LayerFilters
            kind={kind}
            layers={layers}
            onChange={onChange}
            categories={categories}
            canTags={canTags}
          />
        </div>
      )}
    </section>
  )
}
