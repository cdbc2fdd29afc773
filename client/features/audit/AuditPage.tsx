import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type FormEvent, Fragment, useState } from 'react'
import { type MessageKey, useI18n } from '../../i18n/index.ts'
import {
  type AuditFilterForm,
  auditFilterProblem,
  auditListInput,
  EMPTY_AUDIT_FILTER,
} from '../../lib/audit-filter.ts'
import { errorMessage, type RouterOutputs, trpc } from '../../trpc.ts'

const PAGE_SIZE = 50

type AuditRecord = RouterOutputs['audit']['list']['items'][number]

/** The audit trail for auditors ('audit.read'): filter, page through, verify the hash chain. */
export function AuditPage() {
  const { t, server, number } = useI18n()
  const [form, setForm] = useState<AuditFilterForm>(EMPTY_AUDIT_FILTER)
  const [applied, setApplied] = useState<AuditFilterForm>(EMPTY_AUDIT_FILTER)
  /** Cursors of the pages seen: [undefined] is the newest page; the last one is shown. */
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined])
  const [open, setOpen] = useState<number | null>(null)
  const cursor = cursors[cursors.length - 1]
  const problem = auditFilterProblem(form)

  const list = useQuery({
    ...trpc.audit.list.queryOptions({
      ...auditListInput(applied),
      ...(cursor !== undefined ? { cursor } : {}),
      limit: PAGE_SIZE,
    }),
    // New records arrive all the time; the trail is read fresh.
    staleTime: 0,
    placeholderData: keepPreviousData,
  })
  const verify = useQuery({ ...trpc.audit.verify.queryOptions({}), enabled: false, staleTime: 0, gcTime: 0 })

  const apply = (event: FormEvent) => {
    event.preventDefault()
    if (problem) return
    setApplied(form)
    setCursors([undefined])
    setOpen(null)
  }
  const clear = () => {
    setForm(EMPTY_AUDIT_FILTER)
    setApplied(EMPTY_AUDIT_FILTER)
    setCursors([undefined])
    setOpen(null)
  }
  const field = (key: keyof AuditFilterForm) => ({
    value: form[key],
    onChange: (event: { target: { value: string } }) =>
      setForm((current) => ({ ...current, [key]: event.target.value })),
  })
  const nextCursor = list.data?.nextCursor ?? null

  return (
    <main className="admin-page" data-testid="audit-log">
      <div className="admin-scroll">
        <header className="page-header">
          <div>
            <h1 className="page-title">{t('audit.title')}</h1>
            <p className="page-subtitle">{t('audit.subtitle')}</p>
          </div>
          <div className="page-actions">
            <button
              type="button"
              className="primary-button"
              data-testid="audit-verify"
              disabled={verify.isFetching}
              onClick={() => void verify.refetch()}
            >
              <ShieldIcon />
              {verify.isFetching ? t('audit.verifying') : t('audit.verify')}
            </button>
          </div>
        </header>

        {!verify.isFetching && (verify.data || verify.isError) && (
          <div
            className={verify.data?.ok ? 'verify-result verify-ok' : 'verify-result verify-bad'}
            data-testid="audit-verify-result"
            data-ok={verify.data?.ok ?? false}
            role="status"
          >
            {verify.isError && t('audit.verifyFailed', { message: server(errorMessage(verify.error)) })}
            {verify.data?.ok && (
              <>
                {t('audit.verifyOk', { records: number(verify.data.records) })}
                {verify.data.firstId !== undefined && verify.data.lastId !== undefined && (
                  <span className="dim">
                    {' '}
                    {t('audit.verifyRange', { first: verify.data.firstId, last: verify.data.lastId })}
                  </span>
                )}
              </>
            )}
            {verify.data && !verify.data.ok && (
              <span data-testid="audit-verify-broken">
                {t('audit.verifyBroken', {
                  id: verify.data.firstBroken?.id ?? '?',
                  reason: verify.data.firstBroken?.reason ?? '',
                  records: number(verify.data.records),
                })}
              </span>
            )}
          </div>
        )}

        <form className="filter-bar" data-testid="audit-filter" onSubmit={apply} noValidate>
          <label className="field">
            <span className="field-label">{t('audit.from')}</span>
            <input type="datetime-local" className="text-input" data-testid="audit-from" {...field('from')} />
          </label>
          <label className="field">
            <span className="field-label">{t('audit.to')}</span>
            <input type="datetime-local" className="text-input" data-testid="audit-to" {...field('to')} />
          </label>
          <label className="field">
            <span className="field-label">{t('audit.actor')}</span>
            <input
              type="text"
              className="text-input"
              data-testid="audit-actor"
              maxLength={200}
              spellCheck={false}
              {...field('actor')}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('audit.action')}</span>
            <input
              type="text"
              className="text-input mono"
              data-testid="audit-action"
              placeholder={t('audit.actionHint')}
              maxLength={200}
              spellCheck={false}
              {...field('action')}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('audit.objectType')}</span>
            <input
              type="text"
              className="text-input mono"
              data-testid="audit-object-type"
              maxLength={200}
              spellCheck={false}
              {...field('objectType')}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('audit.objectId')}</span>
            <input
              type="text"
              className="text-input mono"
              data-testid="audit-object-id"
              maxLength={200}
              spellCheck={false}
              {...field('objectId')}
            />
          </label>
          <div className="filter-actions">
            <button
              type="submit"
              className="primary-button"
              data-testid="audit-apply"
              disabled={problem !== null}
            >
              {t('audit.apply')}
            </button>
            <button type="button" className="plain-button" data-testid="audit-reset" onClick={clear}>
              {t('audit.reset')}
            </button>
          </div>
          {problem && (
            <p className="form-error filter-problem" role="alert">
              {t('audit.orderProblem')}
            </p>
          )}
        </form>

        <section className="table-card" aria-busy={list.isFetching}>
          {list.isPending && <p className="tree-note">{t('common.loading')}</p>}
          {list.isError && (
            <p className="tree-error" role="alert" data-testid="audit-error">
              {t('common.error', { message: server(errorMessage(list.error)) })}
            </p>
          )}
          {list.data?.items.length === 0 && <p className="tree-note">{t('audit.empty')}</p>}
          {list.data && list.data.items.length > 0 && (
            <AuditTable
              records={list.data.items}
              open={open}
              onToggle={(id) => setOpen(open === id ? null : id)}
            />
          )}
          <footer className="pager" data-testid="audit-pager">
            <button
              type="button"
              className="plain-button"
              data-testid="audit-first"
              disabled={cursors.length === 1}
              onClick={() => setCursors([undefined])}
            >
              {t('audit.first')}
            </button>
            <button
              type="button"
              className="plain-button"
              data-testid="audit-newer"
              disabled={cursors.length === 1}
              onClick={() => setCursors((current) => current.slice(0, -1))}
            >
              ‹ {t('audit.newer')}
            </button>
            <span className="pager-page" data-testid="audit-page">
              {t('audit.page', { page: cursors.length })}
            </span>
            <button
              type="button"
              className="plain-button"
              data-testid="audit-older"
              disabled={nextCursor === null || list.isPlaceholderData}
              onClick={() => nextCursor !== null && setCursors((current) => [...current, nextCursor])}
            >
              {t('audit.older')} ›
            </button>
          </footer>
        </section>
      </div>
    </main>
  )
}

function AuditTable({
  records,
  open,
  onToggle,
}: {
  records: readonly AuditRecord[]
  open: number | null
  onToggle: (id: number) => void
}) {
  const { t, dateTime } = useI18n()
  return (
    <table className="data-table" data-testid="audit-table">
      <thead>
        <tr>
          <th>#</th>
          <th>{t('audit.col.time')}</th>
          <th>{t('audit.col.actor')}</th>
          <th>{t('audit.col.action')}</th>
          <th>{t('audit.col.object')}</th>
          <th>{t('audit.col.outcome')}</th>
          <th>{t('audit.col.ip')}</th>
          <th>{t('audit.col.reason')}</th>
          <th className="col-actions" />
        </tr>
      </thead>
      <tbody>
        {records.map((record) => (
          <Fragment key={record.id}>
            <tr data-testid="audit-row" data-id={record.id} data-action={record.action}>
              <td className="mono dim">{record.id}</td>
              <td className="nowrap" title={record.at}>
                {dateTime(record.at)}
              </td>
              <td>{record.actorName}</td>
              <td className="mono">{record.action}</td>
              <td className="mono">
                {record.objectType ?? ''}
                {record.objectId ? <span className="dim"> {record.objectId}</span> : null}
              </td>
              <td>
                <span className={`status status-${record.outcome === 'ok' ? 'ok' : 'bad'}`}>
                  {t(`audit.outcome.${record.outcome}` as MessageKey)}
                </span>
              </td>
              <td className="mono dim">{record.ip ?? ''}</td>
              <td className="cell-clip" title={record.reason ?? undefined}>
                {record.reason ?? ''}
              </td>
              <td className="col-actions">
                <button
                  type="button"
                  className="plain-button"
                  aria-expanded={open === record.id}
                  data-testid="audit-details"
                  onClick={() => onToggle(record.id)}
                >
                  {t('audit.details')}
                </button>
              </td>
            </tr>
            {open === record.id && (
              <tr className="detail-row" data-testid="audit-detail">
                <td colSpan={9}>
                  <div className="audit-detail">
                    <div>
                      <h3>{t('audit.before')}</h3>
                      <pre className="mono">{json(record.before)}</pre>
                    </div>
                    <div>
                      <h3>{t('audit.after')}</h3>
                      <pre className="mono">{json(record.after)}</pre>
                    </div>
                    <p className="mono dim audit-hash">
                      {t('audit.hash')}: {record.hash}
                    </p>
                  </div>
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  )
}

function json(value: unknown): string {
  if (value === null || value === undefined) return '—'
  return JSON.stringify(value, null, 2)
}

function ShieldIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="icon">
      <path
        d="M12 3 4.5 6v5.5c0 4.6 3.2 8.3 7.5 9.5 4.3-1.2 7.5-4.9 7.5-9.5V6Z M8.5 12l2.5 2.5 4.5-5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  )
}
