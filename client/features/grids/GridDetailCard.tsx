import { type MessageKey, useI18n } from '../../i18n/index.ts'
import { areaKm2 } from '../../lib/format.ts'
import type { GridDetail } from '../../trpc.ts'

const COUNTS = ['people', 'places', 'things', 'events', 'orgs'] as const

export interface GridDetailCardProps {
  detail: GridDetail | undefined
  loading: boolean
  error: string | null
  onClose: () => void
  /** Selects an ancestor from the breadcrumb. */
  onSelectCode: (code: string) => void
  /** Opens the residents register for this area (only for roles that may read it). */
  onViewPeople?: (() => void) | undefined
}

/** A small card about the selected area: what it is, where it sits, how big, what it holds. */
export function GridDetailCard({
  detail,
  loading,
  error,
  onClose,
  onSelectCode,
  onViewPeople,
}: GridDetailCardProps) {
  const { t, kind, level, number, compact } = useI18n()
  return (
    <section
      className="detail-card"
      data-testid="grid-detail"
      aria-label={t('detail.title')}
      aria-busy={loading}
    >
      <header className="detail-header">
        <span className="detail-eyebrow">{t('detail.title')}</span>
        <button type="button" className="icon-button" aria-label={t('detail.close')} onClick={onClose}>
          ×
        </button>
      </header>
      {error && (
        <p className="tree-error" role="alert">
          {t('detail.error', { message: error })}
        </p>
      )}
      {!detail && loading && <p className="tree-note">{t('detail.loading')}</p>}
      {detail && (
        <>
          <h2 className="detail-name" data-testid="grid-detail-name">
            {detail.name}
            <span className={`detail-kind level-bg-${detail.level}`}>{kind(detail.kind)}</span>
          </h2>
          {detail.ancestors.length > 0 && (
            <nav className="detail-path" aria-label={t('detail.path')}>
              {detail.ancestors.map((ancestor) => (
                <button
                  key={ancestor.id}
                  type="button"
                  className="link-button"
                  onClick={() => onSelectCode(ancestor.code)}
                >
                  {ancestor.name}
                </button>
              ))}
            </nav>
          )}
          <dl className="detail-facts">
            <div>
              <dt>{t('detail.code')}</dt>
              <dd className="mono" data-testid="grid-detail-code">
                {detail.code}
              </dd>
            </div>
            <div>
              <dt>{t('detail.level')}</dt>
              <dd>{level(detail.level)}</dd>
            </div>
            <div>
              <dt>{t('detail.area')}</dt>
              <dd data-testid="grid-detail-area">
                {(() => {
                  const { value, digits } = areaKm2(detail.areaM2)
                  return t('detail.areaValue', { value: number(value, digits) })
                })()}
              </dd>
            </div>
            <div>
              <dt>{t('detail.version')}</dt>
              <dd>v{detail.version}</dd>
            </div>
          </dl>
          <ul className="detail-counts" aria-label={t('detail.counts')}>
            {COUNTS.map((key) => (
              <li
                key={key}
                data-testid={`grid-detail-count-${key}`}
                data-value={detail.counts[key]}
                title={`${t(`detail.counts.${key}.long` as MessageKey)}: ${number(detail.counts[key])}`}
              >
                <span className="count-value">{compact(detail.counts[key])}</span>
                <span className="count-label">{t(`detail.counts.${key}` as MessageKey)}</span>
              </li>
            ))}
          </ul>
          {onViewPeople && (
            <button
              type="button"
              className="plain-button detail-people"
              data-testid="grid-detail-people"
              onClick={onViewPeople}
            >
              {t('detail.viewPeople')} ›
            </button>
          )}
        </>
      )}
    </section>
  )
}
