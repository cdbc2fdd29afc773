import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type KeyboardEvent, type ReactNode, useRef } from 'react'
import { useDebounced } from '../../hooks/use-debounced.ts'
import { type MessageKey, useI18n } from '../../i18n/index.ts'
import type { FeatureRef } from '../../lib/feature-ref.ts'
import { errorMessage, type RouterOutputs, trpc } from '../../trpc.ts'

const DEBOUNCE_MS = 220

type Results = RouterOutputs['search']['query']
export type GridHit = Results['grids'][number]
type MapHit = Results['hits'][number]
type PersonHit = Results['people'][number]

const HIT_KIND: Record<MapHit['kind'], FeatureRef['kind'] | null> = {
  address: null,
  building: 'building',
  compound: 'compound',
  place: 'place',
  org: 'org',
  event: 'event',
}

interface MapSearchResultsProps {
  query: string
  onSelectGrid: (hit: GridHit) => void
  /** Fly to a place and, when it is an element with a detail panel, open it. */
  onSelectPlace: (center: readonly [number, number], feature: FeatureRef | null) => void
}

/**
 * The one search box's results (一张图搜索): areas, addresses and places, residents (for roles
 * that read the register; shown masked, they lead to their building), events by number, and
 * organisations — each inside the user's area.
 */
export function MapSearchResults({ query, onSelectGrid, onSelectPlace }: MapSearchResultsProps) {
  const { t, kind } = useI18n()
  const q = useDebounced(query.trim(), DEBOUNCE_MS)
  const results = useQuery({
    ...trpc.search.query.queryOptions({ q, limit: 6 }),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
  })
  const listRef = useRef<HTMLDivElement>(null)
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    const hits = [...(listRef.current?.querySelectorAll<HTMLElement>('.search-hit') ?? [])]
    const index = hits.indexOf(document.activeElement as HTMLElement)
    const next = hits[index + (event.key === 'ArrowDown' ? 1 : -1)]
    if (next) {
      event.preventDefault()
      next.focus()
    }
  }
  const r = results.data
  const places = r?.hits.filter((h) => h.kind !== 'event' && h.kind !== 'org') ?? []
  const events = r?.hits.filter((h) => h.kind === 'event') ?? []
  const orgs = r?.hits.filter((h) => h.kind === 'org') ?? []
  const empty = r && !r.grids.length && !r.hits.length && !r.people.length

  const mapHit = (h: MapHit) => (
    <Hit
      key={`${h.kind}-${h.id}`}
      testId={`search-hit-${h.kind}-${h.id}`}
      name={h.label}
      sub={h.detail}
      tag={t(`search.kind.${h.kind}` as MessageKey)}
      onClick={() => {
        const k = HIT_KIND[h.kind]
        onSelectPlace(h.center, k ? { kind: k, id: h.id } : null)
      }}
    />
  )
  const personHit = (p: PersonHit) => (
    <Hit
      key={`person-${p.id}`}
      testId={`search-hit-person-${p.id}`}
      name={p.name}
      sub={[p.idNumberMasked, p.gridName].filter(Boolean).join(' · ')}
      tag={t('search.section.people')}
      onClick={() => onSelectPlace(p.center, p.buildingId ? { kind: 'building', id: p.buildingId } : null)}
    />
  )

  return (
    <section className="search-results" data-testid="map-search-results" aria-label={t('search.results')}>
      {(results.isPending || q !== query.trim()) && !r && <p className="tree-note">{t('tree.loading')}</p>}
      {results.isError && <p className="tree-error">{errorMessage(results.error)}</p>}
      {empty && <p className="tree-note">{t('search.empty')}</p>}
      {r && !empty && (
        // biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move between the result buttons
        <div ref={listRef} onKeyDown={onKeyDown}>
          <Section title={t('search.section.grids')} items={r.grids}>
            {r.grids.map((g) => (
              <Hit
                key={`grid-${g.id}`}
                testId={`grid-search-result-${g.code}`}
                name={g.name}
                sub={`${g.parentName ? `${g.parentName} · ` : ''}${g.code}`}
                tag={kind(g.kind)}
                dot={g.level}
                onClick={() => onSelectGrid(g)}
              />
            ))}
          </Section>
          <Section title={t('search.section.places')} items={places}>
            {places.map(mapHit)}
          </Section>
          <Section title={t('search.section.people')} items={r.people}>
            {r.people.map(personHit)}
          </Section>
          <Section title={t('search.section.events')} items={events}>
            {events.map(mapHit)}
          </Section>
          <Section title={t('search.section.orgs')} items={orgs}>
            {orgs.map(mapHit)}
          </Section>
        </div>
      )}
    </section>
  )
}

function Section({
  title,
  items,
  children,
}: {
  title: string
  items: readonly unknown[]
  children: ReactNode
}) {
  if (!items.length) return null
  return (
    <>
      <h3 className="search-section">{title}</h3>
      <ul>{children}</ul>
    </>
  )
}

function Hit(props: {
  testId: string
  name: string
  sub: string | null
  tag: string
  dot?: number
  onClick: () => void
}) {
  return (
    <li>
      <button type="button" className="search-hit" data-testid={props.testId} onClick={props.onClick}>
        {props.dot !== undefined && <span className={`level-dot level-${props.dot}`} aria-hidden="true" />}
        <span className="search-hit-main">
          <span className="search-hit-name">{props.name}</span>
          {props.sub && <span className="search-hit-sub">{props.sub}</span>}
        </span>
        <span className="tree-kind">{props.tag}</span>
      </button>
    </li>
  )
}
