import { useQuery } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { type MessageKey, useI18n } from '../../i18n/index.ts'
import { type FeatureRef, featureTitleKey } from '../../lib/feature-ref.ts'
import { errorMessage, type RouterOutputs, trpc } from '../../trpc.ts'

type Detail = RouterOutputs['feature']['get']
type EventDetail = Extract<Detail, { kind: 'event' }>
type BuildingDetail = Extract<Detail, { kind: 'building' }>

interface FeaturePanelProps {
  feature: FeatureRef
  onClose: () => void
  /** Open another element (an event of a building, the building of a compound …). */
  onOpen: (feature: FeatureRef) => void
  /** Select a grid of the element's chain on the map. */
  onSelectGrid: (code: string) => void
}

/** The detail panel of a clicked map feature (要素详情): what it is, where, and what relates to it. */
export function FeaturePanel({ feature, onClose, onOpen, onSelectGrid }: FeaturePanelProps) {
  const { t, server } = useI18n()
  const q = useQuery(trpc.feature.get.queryOptions(feature))
  const d = q.data
  return (
    <section
      className="detail-card feature-panel"
      data-testid="feature-panel"
      data-kind={feature.kind}
      data-id={feature.id}
      aria-label={t(featureTitleKey(feature.kind))}
      aria-busy={q.isFetching}
    >
      <header className="detail-header">
        <span className="detail-eyebrow">{t(featureTitleKey(feature.kind))}</span>
        <button type="button" className="icon-button" aria-label={t('detail.close')} onClick={onClose}>
          ×
        </button>
      </header>
      {q.isPending && <p className="tree-note">{t('common.loading')}</p>}
      {q.isError && (
        <p className="tree-error" role="alert">
          {t('common.error', { message: server(errorMessage(q.error)) })}
        </p>
      )}
      {d && (
        <div className="feature-body">
          <h2 className="detail-name" data-testid="feature-name">
            {d.kind === 'event' ? d.title : d.name}
          </h2>
          {d.grids.length > 0 && (
            <nav className="detail-path" aria-label={t('detail.path')}>
              {d.grids.map((g) => (
                <button key={g.id} type="button" className="link-button" onClick={() => onSelectGrid(g.code)}>
                  {g.name}
                </button>
              ))}
            </nav>
          )}
          {d.kind === 'event' && <EventBody d={d} />}
          {d.kind === 'building' && <BuildingBody d={d} onOpen={onOpen} />}
          {d.kind === 'compound' && (
            <Facts
              rows={[
                [t('feature.buildings'), String(d.buildings)],
                [t('feature.residents'), String(d.residents)],
                [t('feature.propertyCompany'), d.propertyCompany],
              ]}
            />
          )}
          {d.kind === 'place' && (
            <Facts
              rows={[
                [t('feature.placeKind'), enumLabel(t, 'place', d.placeKind)],
                [t('feature.address'), d.address],
              ]}
            />
          )}
          {d.kind === 'thing' && (
            <Facts
              rows={[
                [t('feature.code'), d.code],
                [t('feature.thingKind'), enumLabel(t, 'thing', d.thingKind)],
                [
                  t('feature.status'),
                  <span key="s" className={`status status-${d.status === 'online' ? 'ok' : 'bad'}`}>
                    {enumLabel(t, 'thingStatus', d.status)}
                  </span>,
                ],
                [t('feature.lastSeen'), d.lastSeenAt ? <When key="l" at={d.lastSeenAt} /> : null],
                [t('feature.owner'), d.owner],
              ]}
            />
          )}
          {d.kind === 'org' && (
            <Facts
              rows={[
                [t('feature.orgKind'), enumLabel(t, 'org', d.orgKind)],
                [t('feature.code'), d.code],
                [t('feature.credit'), d.creditRating],
                [t('feature.parent'), d.parent],
                [t('feature.phone'), d.phone],
              ]}
            />
          )}
        </div>
      )}
    </section>
  )
}

type T = ReturnType<typeof useI18n>['t']

/** The label of an enum value (event status, thing kind …), or the value itself when unknown. */
function enumLabel(t: T, group: string, value: string): string {
  const key = `enum.${group}.${value}` as MessageKey
  const s = t(key)
  return s === key ? value : s
}

function When({ at }: { at: string }) {
  const { dateTime } = useI18n()
  return <time dateTime={at}>{dateTime(at)}</time>
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="detail-facts feature-facts">
      {rows
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  )
}

function EventBody({ d }: { d: EventDetail }) {
  const { t } = useI18n()
  const open = !['resolved', 'followed_up', 'archived'].includes(d.status)
  return (
    <>
      <p className="feature-badges">
        <span
          className={`status status-${open ? (d.overdue ? 'bad' : 'off') : 'ok'}`}
          data-testid="feature-status"
        >
          {enumLabel(t, 'eventStatus', d.status)}
        </span>
        {d.overdue && (
          <span className="chip chip-danger" data-testid="feature-overdue">
            {t('feature.overdue')}
          </span>
        )}
        <span className="chip">{enumLabel(t, 'eventSource', d.source)}</span>
        <span className="chip">{t('feature.priority', { n: d.priority })}</span>
      </p>
      {d.category.length > 0 && <p className="feature-category">{d.category.join(' › ')}</p>}
      <Facts
        rows={[
          [t('feature.externalId'), <span key="x" className="mono">{`#${d.id} · ${d.externalId}`}</span>],
          [t('feature.reported'), <When key="r" at={d.reportedAt} />],
          [t('feature.due'), d.dueAt ? <When key="d" at={d.dueAt} /> : null],
          [t('feature.resolved'), d.resolvedAt ? <When key="v" at={d.resolvedAt} /> : null],
          [t('feature.department'), d.department],
          [t('feature.address'), d.address],
          [t('feature.satisfaction'), d.satisfaction ? enumLabel(t, 'satisfaction', d.satisfaction) : null],
        ]}
      />
      {d.body && <p className="feature-text">{d.body}</p>}
      <h3 className="card-title small">{t('feature.timeline', { n: d.timeline.length })}</h3>
      <ol className="timeline" data-testid="feature-timeline">
        {d.timeline.map((a) => (
          <li key={a.id}>
            <When at={a.at} />
            <span className="timeline-what">
              {a.toStatus ? enumLabel(t, 'eventStatus', a.toStatus) : a.action}
              {a.org && <span className="dim"> · {a.org}</span>}
            </span>
            {a.note && <span className="timeline-note">{a.note}</span>}
          </li>
        ))}
      </ol>
    </>
  )
}

function BuildingBody({ d, onOpen }: { d: BuildingDetail; onOpen: (f: FeatureRef) => void }) {
  const { t } = useI18n()
  return (
    <>
      <Facts
        rows={[
          [t('feature.use'), enumLabel(t, 'buildingUse', d.use)],
          [t('feature.floors'), String(d.floors)],
          [t('feature.address'), d.address],
          [
            t('feature.compound'),
            d.compound ? (
              <button
                key="c"
                type="button"
                className="link-button"
                onClick={() => d.compound && onOpen({ kind: 'compound', id: d.compound.id })}
              >
                {d.compound.name}
              </button>
            ) : null,
          ],
          [t('feature.residents'), String(d.residents)],
        ]}
      />
      {d.households.length > 0 && (
        <details className="feature-list">
          <summary>{t('feature.households', { n: d.households.length })}</summary>
          <ul>
            {d.households.map((h) => (
              <li key={h.id}>
                {h.room} <span className="dim">· {t('feature.householdSize', { n: h.size })}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      <h3 className="card-title small">{t('feature.nearEvents', { n: d.eventsTotal })}</h3>
      <ul className="feature-events" data-testid="feature-events">
        {d.events.map((e) => (
          <li key={e.id}>
            <button type="button" className="link-button" onClick={() => onOpen({ kind: 'event', id: e.id })}>
              {e.title}
            </button>
            <span className="dim">
              {' '}
              · {enumLabel(t, 'eventStatus', e.status)}
              {e.overdue ? ` · ${t('feature.overdue')}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </>
  )
}
