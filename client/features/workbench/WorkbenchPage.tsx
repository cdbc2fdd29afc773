import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query'
import { type FormEvent, useMemo, useState } from 'react'
import { useLiveEvents } from '../../hooks/use-live.ts'
import { type MessageKey, useI18n } from '../../i18n/index.ts'
import type { Theme } from '../../lib/url-state.ts'
import { errorMessage, type RouterOutputs, trpc } from '../../trpc.ts'
import { useSession } from '../auth/session.ts'
import { CLOSED, EventView } from './EventView.tsx'
import { LiveStatus } from './LiveStatus.tsx'
import { QUEUE_NAMES, type QueueName } from './loop-model.ts'
import { RemainingBadge } from './RemainingBadge.tsx'

type QueueItem = RouterOutputs['events']['queue']['items'][number]

const LIST_LIMIT = 100
/** How many of the nearly-due queue are fetched to colour badges amber in every tab. */
const NEARLY_DUE_LIMIT = 200
/**
 * Live updates (events.live) refetch the queues as events change; this slow poll is only a
 * safety net for a connection that is silently dead.
 */
const REFRESH_MS = 120_000

interface WorkbenchPageProps {
  theme: Theme
  /** The event open on the page (URL `feature=event:<id>`), or none. */
  eventId: number | null
  onOpenEvent: (id: number | null) => void
}

/** The queue a role starts with: what it usually acts on first. */
function firstQueue(roles: readonly string[]): QueueName {
  if (roles.includes('dispatcher')) return 'to_dispatch'
  if (roles.includes('department-handler')) return 'my_todo'
  return 'nearly_due'
}

/**
 * 工作台: the closed loop's queues (to dispatch, my department's to-do, nearly due, overdue,
 * awaiting follow-up, extension requests) with their counts, one list, and the open event.
 */
export function WorkbenchPage({ theme, eventId, onOpenEvent }: WorkbenchPageProps) {
  const { t, server, number } = useI18n()
  const { me } = useSession()
  const [queue, setQueue] = useState<QueueName>(() => firstQueue(me.roles))
  const [openId, setOpenId] = useState('')
  const live = useLiveEvents()

  const counts = useQueries({
    queries: QUEUE_NAMES.map((name) => ({
      ...trpc.events.queue.queryOptions({ queue: name, limit: name === 'nearly_due' ? NEARLY_DUE_LIMIT : 1 }),
      staleTime: 0,
      refetchInterval: REFRESH_MS,
    })),
  })
  const nearlyDue = counts[QUEUE_NAMES.indexOf('nearly_due')]?.data
  const nearlyDueIds = useMemo(() => new Set((nearlyDue?.items ?? []).map((item) => item.id)), [nearlyDue])
  const list = useQuery({
    ...trpc.events.queue.queryOptions({ queue, limit: LIST_LIMIT }),
    staleTime: 0,
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  })
  const items = list.data?.items ?? []
  const shown = list.data && !list.isPlaceholderData ? list.data : null

  const openById = (event: FormEvent) => {
    event.preventDefault()
    const id = Number(openId.trim().replace(/^#/, ''))
    if (Number.isInteger(id) && id > 0) onOpenEvent(id)
  }

  return (
    <main className="admin-page workbench" data-testid="workbench" data-open={eventId ?? ''}>
      <div className="admin-scroll workbench-scroll">
        <header className="page-header">
          <div>
            <h1 className="page-title">{t('wb.title')}</h1>
            <p className="page-subtitle">{t('wb.subtitle')}</p>
          </div>
          <form className="page-actions wb-open" onSubmit={openById}>
            <LiveStatus status={live.status} lastAt={live.last?.at ?? null} />
            <label className="field">
              <span className="field-label">{t('wb.openById')}</span>
              <input
                className="text-input mono"
                inputMode="numeric"
                value={openId}
                placeholder={t('wb.openByIdHint')}
                data-testid="wb-open-id"
                onChange={(event) => setOpenId(event.target.value)}
              />
            </label>
            <button type="submit" className="plain-button" data-testid="wb-open">
              {t('wb.open')}
            </button>
          </form>
        </header>

        <div className="wb-tabs" role="tablist" aria-label={t('wb.queues')}>
          {QUEUE_NAMES.map((name, i) => {
            const count = counts[i]
            const total = count?.data?.total
            const failed = count?.isError === true && total === undefined
            return (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={queue === name}
                className={`wb-tab wb-tab-${name}`}
                data-testid={`queue-${name}`}
                data-count={failed ? 'error' : (total ?? '')}
                title={failed ? t('common.error', { message: server(errorMessage(count.error)) }) : undefined}
                onClick={() => setQueue(name)}
              >
                <span className="wb-tab-name">{t(`wb.queue.${name}` as MessageKey)}</span>
                <span className={failed ? 'wb-tab-count wb-tab-failed' : 'wb-tab-count'}>
                  {failed ? '!' : total === undefined ? '…' : number(total)}
                </span>
              </button>
            )
          })}
        </div>

        <div className={eventId === null ? 'wb-body' : 'wb-body wb-body-open'}>
          <section
            className="table-card wb-list"
            aria-busy={list.isFetching}
            data-testid="queue-list"
            data-queue={queue}
          >
            <p className="wb-list-hint">
              {t(`wb.queueHint.${queue}` as MessageKey)}
              {shown && shown.total > items.length && (
                <span className="dim">
                  {' '}
                  {t('wb.firstOf', { n: items.length, total: number(shown.total) })}
                </span>
              )}
            </p>
            {list.isPending && <p className="tree-note">{t('common.loading')}</p>}
            {list.isError && (
              <p className="tree-error" role="alert">
                {t('common.error', { message: server(errorMessage(list.error)) })}
              </p>
            )}
            {list.data && items.length === 0 && (
              <p className="tree-note" data-testid="queue-empty">
                {t('wb.empty')}
              </p>
            )}
            {items.length > 0 && (
              <div className="wb-table-wrap">
                <table className="data-table wb-table">
                  <thead>
                    <tr>
                      <th>{t('wb.col.externalId')}</th>
                      <th>{t('wb.col.title')}</th>
                      <th className="wb-col-wide">{t('wb.col.category')}</th>
                      <th className="wb-col-wide">{t('wb.col.grid')}</th>
                      <th className="wb-col-wide">{t('wb.col.department')}</th>
                      <th>{t('wb.col.status')}</th>
                      <th>{t('wb.col.due')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((item) => (
                      <QueueRow
                        key={item.id}
                        item={item}
                        selected={item.id === eventId}
                        nearlyDue={queue === 'nearly_due' || nearlyDueIds.has(item.id)}
                        onOpen={() => onOpenEvent(item.id)}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          {eventId !== null && (
            <EventView
              key={eventId}
              id={eventId}
              theme={theme}
              onClose={() => onOpenEvent(null)}
              onOpen={onOpenEvent}
            />
          )}
        </div>
      </div>
    </main>
  )
}

function QueueRow({
  item,
  selected,
  nearlyDue,
  onOpen,
}: {
  item: QueueItem
  selected: boolean
  nearlyDue: boolean
  onOpen: () => void
}) {
  const { t, dateTime } = useI18n()
  const category = item.category?.split('/') ?? []
  return (
    <tr
      className={selected ? 'row-selected wb-row' : 'wb-row'}
      data-testid={`queue-item-${item.id}`}
      data-status={item.status}
      onClick={onOpen}
    >
      <td className="mono nowrap">{item.externalId}</td>
      <td className="wb-cell-title">
        <button
          type="button"
          className="link-button"
          onClick={(event) => {
            event.stopPropagation()
            onOpen()
          }}
        >
          {item.title}
        </button>
        {item.openTasks > 0 && (
          <span className="chip wb-chip-tasks">{t('wb.openTasks', { n: item.openTasks })}</span>
        )}
        {item.supervisions > 0 && !CLOSED.includes(item.status) && (
          <span className="chip chip-danger" data-testid={`queue-supervised-${item.id}`}>
            {t('wb.supervisedChip', { n: item.supervisions })}
          </span>
        )}
      </td>
      <td className="cell-clip wb-col-wide" title={category.join(' › ')}>
        {category[category.length - 1] ?? t('common.none')}
      </td>
      <td className="cell-clip wb-col-wide">{item.gridName ?? t('common.none')}</td>
      <td className="cell-clip wb-col-wide">{item.department ?? t('common.none')}</td>
      <td className="nowrap">{t(`enum.eventStatus.${item.status}` as MessageKey)}</td>
      <td className="nowrap wb-cell-due">
        {item.dueAt && <time dateTime={item.dueAt}>{dateTime(item.dueAt)}</time>}
        {/* Once resolved the deadline is history: no countdown. */}
        {!CLOSED.includes(item.status) && (
          <RemainingBadge dueAt={item.dueAt} nearlyDue={nearlyDue} testId={`queue-due-${item.id}`} />
        )}
      </td>
    </tr>
  )
}
