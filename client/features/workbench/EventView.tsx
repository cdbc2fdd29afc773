import { useQuery } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { ConfirmButton } from '../../components/ConfirmButton.tsx'
import { type MessageKey, useI18n } from '../../i18n/index.ts'
import type { Theme } from '../../lib/url-state.ts'
import { errorMessage, type RouterOutputs, trpc, trpcClient } from '../../trpc.ts'
import { EventPhotos } from '../attachments/EventPhotos.tsx'
import { useSession } from '../auth/session.ts'
import { ActionBar } from './ActionBar.tsx'
import { labelOf } from './labels.ts'
import { MiniMap } from './MiniMap.tsx'
import { NoticesCard } from './NoticesCard.tsx'
import { RemainingBadge } from './RemainingBadge.tsx'
import { TaskList } from './TaskList.tsx'
import { type LoopError, useLoopMutation } from './use-loop-mutation.ts'
import { WhistleForm } from './WhistleForm.tsx'

export type LoopEvent = RouterOutputs['events']['get']
type Detail = Extract<RouterOutputs['feature']['get'], { kind: 'event' }>
type T = ReturnType<typeof useI18n>['t']

export const CLOSED = ['resolved', 'followed_up', 'archived']
const WHISTLE_ROLES = ['grid-worker', 'street-leader', 'dispatcher']

interface EventViewProps {
  id: number
  theme: Theme
  onClose: () => void
  /** Open another event (a duplicate). */
  onOpen: (id: number) => void
}

/**
 * One event on the workbench: where (a small map), what and how long is left, the steps the
 * server allows this user now (each with the fields it needs), the whistle's sub-tasks, likely
 * duplicates, and the timeline. Every step sends the version shown; a refusal is shown plainly.
 */
export function EventView({ id, theme, onClose, onOpen }: EventViewProps) {
  const { t, server, dateTime } = useI18n()
  const { me } = useSession()
  const loop = useQuery({ ...trpc.events.get.queryOptions({ id }), staleTime: 0 })
  const detail = useQuery({ ...trpc.feature.get.queryOptions({ kind: 'event', id }), staleTime: 0 })
  const m = useLoopMutation(id)
  const e = loop.data
  const d = detail.data?.kind === 'event' ? (detail.data as Detail) : null
  const closed = e ? CLOSED.includes(String(e.status)) : false
  const canWhistle = me.roles.some((r) => WHISTLE_ROLES.includes(r))
  const canMerge = me.roles.includes('dispatcher')
  const status = e ? String(e.status) : (d?.status ?? '')

  return (
    <section
      className="table-card wb-event"
      data-testid="event-view"
      data-id={id}
      data-status={status}
      data-version={e?.version ?? ''}
      aria-busy={loop.isFetching || m.pending}
      aria-label={t('wb.event')}
    >
      <header className="detail-header">
        <span className="detail-eyebrow">
          {t('wb.event')} <span className="mono">#{id}</span>
          {d && <span className="mono"> · {d.externalId}</span>}
        </span>
        <button
          type="button"
          className="icon-button"
          aria-label={t('common.close')}
          data-testid="event-close"
          onClick={onClose}
        >
          ×
        </button>
      </header>
      {loop.isPending && <p className="tree-note">{t('common.loading')}</p>}
      {loop.isError && (
        <p className="tree-error" role="alert" data-testid="event-load-error">
          {t('common.error', { message: server(errorMessage(loop.error)) })}
        </p>
      )}
      {e && (
        <>
          <h2 className="detail-name wb-event-title" data-testid="event-title">
            {e.title}
          </h2>
          <p className="feature-badges">
            <span className={`status status-${closed ? 'ok' : 'off'}`} data-testid="event-status">
              {labelOf(t, 'enum.eventStatus', status)}
            </span>
            {!closed && (
              <RemainingBadge
                dueAt={e.dueAt}
                usedMs={e.usedMs}
                limitMs={e.limitMs}
                paused={e.paused}
                testId="event-due"
              />
            )}
            {d && <span className="chip">{labelOf(t, 'enum.eventSource', d.source)}</span>}
            {d && <span className="chip">{t('feature.priority', { n: d.priority })}</span>}
            {e.supervisions > 0 && (
              <span className="chip chip-danger">{t('wb.supervised', { n: e.supervisions })}</span>
            )}
            {e.duplicateOf !== null && (
              <button
                type="button"
                className="chip wb-chip-link"
                onClick={() => onOpen(Number(e.duplicateOf))}
              >
                {t('wb.duplicateOf', { id: Number(e.duplicateOf) })}
              </button>
            )}
          </p>

          <EventAlert error={m.error} notice={m.notice} onDismiss={m.clear} />

          <div className="wb-event-grid">
            <div className="wb-event-main">
              <ActionBar event={e} pending={m.pending} run={m.run} />
              <Facts
                rows={[
                  [t('wb.col.category'), d?.category.length ? d.category.join(' › ') : t('wb.noCategory')],
                  [t('feature.address'), d?.address ?? null],
                  [t('feature.reported'), d ? dateTime(d.reportedAt) : null],
                  [t('feature.department'), e.department ?? t('wb.noDepartment')],
                  [
                    t('wb.level'),
                    e.handlingLevel ? labelOf(t, 'wb.levelName', String(e.handlingLevel)) : null,
                  ],
                  [t('feature.due'), e.dueAt ? dateTime(e.dueAt) : null],
                  [t('wb.reporterPhone'), e.reporterPhone],
                  [
                    t('feature.satisfaction'),
                    e.satisfaction ? labelOf(t, 'enum.satisfaction', e.satisfaction) : null,
                  ],
                ]}
              />
              {d?.body && <p className="feature-text">{d.body}</p>}
              <EventPhotos eventId={id} archived={status === 'archived'} />

              <section className="wb-section" data-testid="event-tasks" aria-label={t('wb.tasks')}>
                <h3 className="card-title small">{t('wb.tasks')}</h3>
                {e.tasks.length === 0 && <p className="tree-note">{t('wb.noTasks')}</p>}
                {e.tasks.length > 0 && <TaskList tasks={e.tasks} pending={m.pending} run={m.run} />}
                {canWhistle && !closed && (
                  <WhistleForm
                    event={e}
                    pending={m.pending}
                    run={m.run}
                    taken={e.tasks.map((task) => task.departmentId)}
                  />
                )}
              </section>

              {!closed && (
                <section
                  className="wb-section"
                  data-testid="event-duplicates"
                  aria-label={t('wb.duplicates')}
                >
                  <h3 className="card-title small">{t('wb.duplicates')}</h3>
                  {e.duplicates.length === 0 && <p className="tree-note">{t('wb.noDuplicates')}</p>}
                  {e.duplicates.length > 0 && (
                    <ul className="wb-duplicates">
                      {e.duplicates.map((dup) => (
                        <li key={dup.id} data-testid={`duplicate-${dup.id}`}>
                          <button type="button" className="link-button" onClick={() => onOpen(dup.id)}>
                            <span className="mono">#{dup.id}</span> {dup.title}
                          </button>
                          <span className="dim">
                            {' · '}
                            {labelOf(t, 'enum.eventStatus', dup.status)} · {dateTime(dup.reportedAt)} ·{' '}
                            {dup.sameAddress ? t('wb.sameAddress') : t('wb.metres', { n: dup.metres })}
                          </span>
                          {canMerge && (
                            <ConfirmButton
                              label={t('wb.merge')}
                              question={t('wb.mergeQuestion', { id: dup.id })}
                              testId={`merge-${dup.id}`}
                              disabled={m.pending}
                              onConfirm={() =>
                                void m.run(
                                  () =>
                                    trpcClient.events.merge.mutate({ id, version: e.version, into: dup.id }),
                                  t('wb.merged', { id: dup.id }),
                                )
                              }
                            />
                          )}
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              )}
              {e.notices.length > 0 && <NoticesCard eventId={id} notices={e.notices} onOpen={onOpen} />}
            </div>

            <div className="wb-event-side">
              <MiniMap
                theme={theme}
                marker={e.center}
                zoom={16}
                label={t('wb.map')}
                testId="event-map"
                className="wb-event-map"
              />
              <h3 className="card-title small">{t('feature.timeline', { n: d?.timeline.length ?? 0 })}</h3>
              {detail.isError && (
                <p className="tree-error" role="alert">
                  {t('common.error', { message: server(errorMessage(detail.error)) })}
                </p>
              )}
              {d && (
                <ol className="timeline wb-timeline" data-testid="event-timeline">
                  {d.timeline.map((a) => (
                    <li key={a.id} data-action={a.action}>
                      <time dateTime={a.at}>{dateTime(a.at)}</time>
                      <span className="timeline-what">
                        {timelineLabel(t, a.action, a.fromStatus, a.toStatus)}
                        {a.org && <span className="dim"> · {a.org}</span>}
                      </span>
                      {a.note && <span className="timeline-note">{server(a.note)}</span>}
                    </li>
                  ))}
                </ol>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  )
}

/** A timeline step: the action's name, then the state it led to when it changed one. */
function timelineLabel(t: T, action: string, fromStatus: string | null, toStatus: string | null): string {
  const name = labelOf(t, 'wb.action', action)
  return toStatus && toStatus !== fromStatus ? `${name} → ${labelOf(t, 'enum.eventStatus', toStatus)}` : name
}

const ERROR_TITLES: Record<string, MessageKey> = {
  CONFLICT: 'wb.error.CONFLICT',
  FORBIDDEN: 'wb.error.FORBIDDEN',
  PRECONDITION_FAILED: 'wb.error.PRECONDITION_FAILED',
  BAD_REQUEST: 'wb.error.BAD_REQUEST',
  NOT_FOUND: 'wb.error.NOT_FOUND',
}

/** The outcome of the last step: a clear alert for a refusal, a quiet notice for a success. */
export function EventAlert({
  error,
  notice,
  onDismiss,
}: {
  error: LoopError | null
  notice: string | null
  onDismiss: () => void
}) {
  const { t, server } = useI18n()
  if (error)
    return (
      <div className="wb-alert wb-alert-error" role="alert" data-testid="event-error" data-code={error.code}>
        <div>
          <strong>{t(ERROR_TITLES[error.code] ?? 'wb.error.other')}</strong>
          <p>{server(error.message)}</p>
        </div>
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onDismiss}>
          ×
        </button>
      </div>
    )
  if (notice)
    return (
      <div className="wb-alert wb-alert-ok" role="status" data-testid="event-notice">
        <span>{notice}</span>
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onDismiss}>
          ×
        </button>
      </div>
    )
  return null
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="detail-facts wb-facts">
      {rows
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd title={typeof v === 'string' ? v : undefined}>{v}</dd>
          </div>
        ))}
    </dl>
  )
}
