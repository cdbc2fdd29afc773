import { useI18n } from '../../i18n/index.ts'
import type { CategoryNode } from '../../lib/category-selection.ts'
import {
  AGGREGATIONS,
  type Aggregation,
  EVENT_SOURCES,
  EVENT_STATUSES,
  isOneOf,
  type LayerKind,
  MAP_ORG_KINDS,
  PERSON_TAGS,
  THING_KINDS,
  THING_STATUSES,
} from '../../lib/layer-enums.ts'
import type { MapLayers } from '../../lib/map-layers.ts'
import { enumName } from '../../map/layer-words.ts'
import { CategoryPicker } from './CategoryPicker.tsx'
import { FilterChips } from './FilterChips.tsx'

export interface LayerFiltersProps {
  kind: LayerKind
  layers: MapLayers
  onChange: (next: MapLayers) => void
  categories: readonly CategoryNode[]
  /** The people tag filter is offered only to roles with 'people.tags'. */
  canTags: boolean
}

function AggregationChoice({
  kind,
  value,
  onChange,
}: {
  kind: 'people' | 'events'
  value: Aggregation
  onChange: (next: Aggregation) => void
}) {
  const { t } = useI18n()
  return (
    <fieldset className="filter-group">
      <legend className="filter-label">{t('layers.agg')}</legend>
      <div className="segmented">
        {AGGREGATIONS.map((agg) => (
          <button
            key={agg}
            type="button"
            aria-pressed={value === agg}
            data-testid={`layer-agg-${kind}-${agg}`}
            onClick={() => onChange(agg)}
          >
            {t(`layers.agg.${agg}`)}
          </button>
        ))}
      </div>
    </fieldset>
  )
}

/** The filters of one layer; each change is a new tile URL (the tiles are fetched again). */
export function LayerFilters({ kind, layers, onChange, categories, canTags }: LayerFiltersProps) {
  const i18n = useI18n()
  const { t } = i18n
  const name = (group: string) => (value: string) => enumName(i18n, group, value)
  switch (kind) {
    case 'people':
      return (
        <>
          <AggregationChoice
            kind="people"
            value={layers.people.agg}
            onChange={(agg) => onChange({ ...layers, people: { ...layers.people, agg } })}
          />
          {canTags && (
            <label className="filter-group">
              <span className="filter-label">{t('layers.people.tag')}</span>
              <select
                className="text-input"
                data-testid="filter-people-tag"
                value={layers.people.tag ?? ''}
                onChange={(event) => {
                  const tag = event.target.value
                  onChange({
                    ...layers,
                    people: { ...layers.people, tag: isOneOf(PERSON_TAGS, tag) ? tag : null },
                  })
                }}
              >
                <option value="">{t('layers.any')}</option>
                {PERSON_TAGS.map((tag) => (
                  <option key={tag} value={tag}>
                    {t(`tag.${tag}`)}
                  </option>
                ))}
              </select>
            </label>
          )}
        </>
      )
    case 'things':
      return (
        <>
          <FilterChips
            testId="things-kind"
            label={t('layers.things.kind')}
            values={THING_KINDS}
            selected={layers.things.kind}
            name={name('things.kind')}
            onChange={(kindList) => onChange({ ...layers, things: { ...layers.things, kind: kindList } })}
          />
          <FilterChips
            testId="things-status"
            label={t('layers.things.status')}
            values={THING_STATUSES}
            selected={layers.things.status}
            name={name('things.status')}
            onChange={(status) => onChange({ ...layers, things: { ...layers.things, status } })}
          />
        </>
      )
    case 'events':
      return (
        <>
          {!layers.events.points && (
            <AggregationChoice
              kind="events"
              value={layers.events.agg}
              onChange={(agg) => onChange({ ...layers, events: { ...layers.events, agg } })}
            />
          )}
          <label className="check filter-check">
            <input
              type="checkbox"
              data-testid="filter-events-overdue"
              checked={layers.events.overdue}
              onChange={(event) =>
                onChange({ ...layers, events: { ...layers.events, overdue: event.target.checked } })
              }
            />
            <span>{t('layers.events.overdueOnly')}</span>
          </label>
          {categories.length > 0 && (
            <CategoryPicker
              categories={categories}
              selected={layers.events.category}
              onChange={(category) => onChange({ ...layers, events: { ...layers.events, category } })}
            />
          )}
          <FilterChips
            testId="events-status"
            label={t('layers.events.status')}
            values={EVENT_STATUSES}
            selected={layers.events.status}
            name={name('events.status')}
            onChange={(status) => onChange({ ...layers, events: { ...layers.events, status } })}
          />
          <FilterChips
            testId="events-source"
            label={t('layers.events.source')}
            values={EVENT_SOURCES}
            selected={layers.events.source}
            name={name('events.source')}
            onChange={(source) => onChange({ ...layers, events: { ...layers.events, source } })}
          />
        </>
      )
    case 'orgs':
      return (
        <FilterChips
          testId="orgs-kind"
          label={t('layers.orgs.kind')}
          values={MAP_ORG_KINDS}
          selected={layers.orgs.kind}
          name={name('orgs.kind')}
          onChange={(kindList) => onChange({ ...layers, orgs: { kind: kindList } })}
        />
      )
    case 'grids':
    case 'places':
      return null
  }
}
