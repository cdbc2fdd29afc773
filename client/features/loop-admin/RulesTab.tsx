import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Fragment, useEffect, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { errorMessage, trpc } from '../../trpc.ts'
import { RuleForm } from './RuleForm.tsx'
import { RuleLine } from './RuleLine.tsx'
import { RulesImport } from './RulesImport.tsx'
import { AREA_LEVELS, type AreaLevel } from './rule-check.ts'
import { levelText, type RuleRow, useRuleContext } from './rule-words.ts'
import { rulesToCsv } from './rules-csv.ts'

export const PAGE_SIZE = 50
/** Rules fetched a request for the export. */
const EXPORT_PAGE = 5000
const COLUMNS = 7

/** Download `text` as a file. */
function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * The responsibility list (责任清单): filter by category text, level and department kind, a page
 * at a time; add, edit in place and delete rules; CSV export of the whole list and import.
 */
export function RulesTab() {
  const { t, server, number } = useI18n()
  const queryClient = useQueryClient()
  const { ctx, categories, kinds, error: contextError } = useRuleContext()
  const [text, setText] = useState('')
  const [q, setQ] = useState('')
  const [level, setLevel] = useState<AreaLevel | null>(null)
  const [kind, setKind] = useState('')
  const [offset, setOffset] = useState(0)
  const [editing, setEditing] = useState<number | 'new' | null>(null)
  const [importing, setImporting] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [exporting, setExporting] = useState(false)

  // The text filter applies once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(text.trim())
      setOffset(0)
    }, 300)
    return () => clearTimeout(timer)
  }, [text])

  const filter = {
    ...(q ? { q } : {}),
    ...(level ? { areaLevel: level } : {}),
    ...(kind ? { departmentKind: kind } : {}),
  }
  const list = useQuery({
    ...trpc.loopAdmin.responsibilities.list.queryOptions({ ...filter, offset, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  })
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.loopAdmin.responsibilities.list.pathKey() })
  const remove = useMutation(
    trpc.loopAdmin.responsibilities.delete.mutationOptions({
      onSuccess: () => {
        setNotice(t('loopAdmin.rules.deleted'))
        void refresh()
      },
    }),
  )

  const exportAll = async () => {
    setExporting(true)
    setNotice(null)
    try {
      const rows: RuleRow[] = []
      for (let at = 0; ; at += EXPORT_PAGE) {
        const page = await queryClient.fetchQuery(
          trpc.loopAdmin.responsibilities.list.queryOptions({ offset: at, limit: EXPORT_PAGE }),
        )
        rows.push(...page.items)
        if (rows.length >= page.total || page.items.length === 0) break
      }
      download(`responsibilities-${new Date().toISOString().slice(0, 10)}.csv`, rulesToCsv(rows))
      setNotice(t('loopAdmin.export.done', { n: rows.length }))
    } catch (e) {
      setNotice(server(errorMessage(e)))
    } finally {
      setExporting(false)
    }
  }

  const total = list.data?.total ?? 0
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  const page = Math.floor(offset / PAGE_SIZE) + 1

  return (
    <section className="la-section" data-testid="rules-tab">
      <form className="filter-bar la-filter" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span className="field-label">{t('loopAdmin.filter.text')}</span>
          <input
            type="search"
            className="text-input"
            value={text}
            maxLength={100}
            placeholder={t('loopAdmin.filter.textHint')}
            data-testid="rules-filter-text"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('loopAdmin.col.level')}</span>
          <select
            className="text-input"
            value={level ?? ''}
            data-testid="rules-filter-level"
            onChange={(e) => {
              setLevel(e.target.value ? (Number(e.target.value) as AreaLevel) : null)
              setOffset(0)
            }}
          >
            <option value="">{t('loopAdmin.filter.all')}</option>
            {AREA_LEVELS.map((l) => (
              <option key={l} value={l}>
                {levelText(t, l)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('loopAdmin.filter.kind')}</span>
          <select
            className="text-input"
            value={kind}
            data-testid="rules-filter-kind"
            onChange={(e) => {
              setKind(e.target.value)
              setOffset(0)
            }}
          >
            <option value="">{t('loopAdmin.filter.all')}</option>
            {kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.kind}
              </option>
            ))}
          </select>
        </label>
        <div className="filter-actions la-toolbar">
          <button
            type="button"
            className="primary-button"
            data-testid="rule-add"
            disabled={!ctx || editing === 'new'}
            onClick={() => {
              setNotice(null)
              setEditing('new')
            }}
          >
            + {t('loopAdmin.rules.add')}
          </button>
          <button
            type="button"
            className="plain-button"
            data-testid="rules-import-open"
            aria-expanded={importing}
            onClick={() => {
              setNotice(null)
              setImporting(!importing)
            }}
          >
            {t('loopAdmin.import.open')}
          </button>
          <button
            type="button"
            className="plain-button"
            data-testid="rules-export"
            disabled={exporting}
            onClick={() => void exportAll()}
          >
            {exporting ? t('loopAdmin.export.busy') : t('loopAdmin.export.button')}
          </button>
        </div>
      </form>

      {contextError && (
        <p className="form-error" role="alert">
          {t('common.error', { message: server(errorMessage(contextError)) })}
        </p>
      )}
      {notice && (
        <p className="page-notice" role="status" data-testid="rules-notice">
          {notice}
        </p>
      )}
      {remove.isError && (
        <p className="form-error" role="alert" data-testid="rules-error">
          {server(errorMessage(remove.error))}
        </p>
      )}
      {importing && ctx && <RulesImport ctx={ctx} onImported={() => void refresh()} />}
      {editing === 'new' && ctx && (
        <div className="table-card la-new">
          <h2 className="panel-title">{t('loopAdmin.rules.addTitle')}</h2>
          <RuleForm
            rule={null}
            ctx={ctx}
            categories={categories}
            kinds={kinds}
            onCancel={() => setEditing(null)}
            onSaved={(r) => {
              setEditing(null)
              setNotice(
                t('loopAdmin.rules.added', { code: r.categoryCode, level: levelText(t, r.areaLevel) }),
              )
              void refresh()
            }}
          />
        </div>
      )}

      <div className="table-card" aria-busy={list.isFetching}>
        <div className="card-header">
          <span className="page-count" data-testid="rules-total" data-total={total}>
            {t('loopAdmin.rules.count', { n: number(total) })}
          </span>
        </div>
        {list.isPending && <p className="tree-note">{t('common.loading')}</p>}
        {list.isError && (
          <p className="tree-error" role="alert">
            {t('common.error', { message: server(errorMessage(list.error)) })}
          </p>
        )}
        {list.data?.items.length === 0 && <p className="tree-note">{t('loopAdmin.rules.empty')}</p>}
        {list.data && list.data.items.length > 0 && (
          <div className="la-table-wrap">
            <table className="data-table la-rules" data-testid="rules-table">
              <thead>
                <tr>
                  <th>{t('loopAdmin.col.category')}</th>
                  <th>{t('loopAdmin.col.level')}</th>
                  <th>{t('loopAdmin.col.lead')}</th>
                  <th>{t('loopAdmin.col.co')}</th>
                  <th>{t('loopAdmin.col.limit')}</th>
                  <th>{t('loopAdmin.col.basis')}</th>
                  <th className="col-actions">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((r) => (
                  <Fragment key={r.id}>
                    {editing === r.id && ctx ? (
                      <tr className="la-edit-row" data-testid="rule-row" data-id={r.id}>
                        <td colSpan={COLUMNS}>
                          <RuleForm
                            rule={r}
                            ctx={ctx}
                            categories={categories}
                            kinds={kinds}
                            onCancel={() => setEditing(null)}
                            onSaved={(saved) => {
                              setEditing(null)
                              setNotice(
                                t('loopAdmin.rules.saved', {
                                  code: saved.categoryCode,
                                  level: levelText(t, saved.areaLevel),
                                }),
                              )
                              void refresh()
                            }}
                          />
                        </td>
                      </tr>
                    ) : (
                      <RuleLine
                        rule={r}
                        ctx={ctx}
                        kinds={kinds}
                        onEdit={() => {
                          setNotice(null)
                          setEditing(r.id)
                        }}
                        onDelete={() => remove.mutate({ id: r.id })}
                        deleting={remove.isPending && remove.variables?.id === r.id}
                      />
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <footer className="pager" data-testid="rules-pager">
          <button type="button" className="plain-button" disabled={offset === 0} onClick={() => setOffset(0)}>
            {t('loopAdmin.pager.first')}
          </button>
          <button
            type="button"
            className="plain-button"
            data-testid="rules-prev"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
          >
            ‹ {t('loopAdmin.pager.prev')}
          </button>
          <span className="pager-page" data-testid="rules-page">
            {t('loopAdmin.pager.page', { page, pages })}
          </span>
          <button
            type="button"
            className="plain-button"
            data-testid="rules-next"
            disabled={page >= pages || list.isPlaceholderData}
            onClick={() => setOffset(offset + PAGE_SIZE)}
          >
            {t('loopAdmin.pager.next')} ›
          </button>
        </footer>
      </div>
    </section>
  )
}
