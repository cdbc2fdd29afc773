import { useMutation } from '@tanstack/react-query'
import { type ChangeEvent, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { errorMessage, trpc } from '../../trpc.ts'
import type { CheckContext } from './rule-check.ts'
import { reasonText, warningText } from './rule-words.ts'
import { type CheckedLine, chunks, parseRulesCsv, RULE_COLUMNS } from './rules-csv.ts'

/** Rules sent a request; the server refuses a whole chunk if one line is wrong. */
export const IMPORT_CHUNK = 200
/** Lines of the preview's tables shown at most. */
const SHOWN = 300

const SAMPLE = `\uFEFF${RULE_COLUMNS.join(',')}\r\n010101,城乡建设/市政设施/路灯不亮,3,综合执法队,城建办,3,working_days,《城市道路管理条例》\r\n`

interface Progress {
  done: number
  total: number
  inserted: number
  updated: number
}

/**
 * CSV import of the responsibility list: the file is read and checked here, line by line, and
 * shown before anything is sent (errors by line and reason; warnings); then the valid lines go
 * a chunk at a time with a progress bar. A chunk the server refuses stops the import: the
 * chunks before it are stored, that one and the rest are not.
 */
export function RulesImport({ ctx, onImported }: { ctx: CheckContext; onImported: () => void }) {
  const { t, lang, server, number } = useI18n()
  const sep = lang === 'en' ? '; ' : '；'
  const send = useMutation(trpc.loopAdmin.responsibilities.import.mutationOptions())
  const [file, setFile] = useState<string | null>(null)
  const [lines, setLines] = useState<CheckedLine[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [progress, setProgress] = useState<Progress | null>(null)
  const [busy, setBusy] = useState(false)

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = e.target.files?.[0]
    e.target.value = ''
    if (!chosen) return
    setError(null)
    setLines(null)
    setProgress(null)
    setFile(chosen.name)
    if (chosen.size > 10 * 2 ** 20) return setError(t('loopAdmin.import.tooBig'))
    const parsed = parseRulesCsv(await chosen.text(), ctx)
    if ('error' in parsed) return setError(t('loopAdmin.import.badFile', { reason: parsed.error }))
    setLines(parsed.lines)
  }

  const valid = lines?.filter((l) => l.value) ?? []
  const invalid = lines?.filter((l) => l.reasons.length) ?? []
  const warned = lines?.filter((l) => l.warnings.length) ?? []

  const run = async () => {
    const parts = chunks(valid, IMPORT_CHUNK)
    const p: Progress = { done: 0, total: valid.length, inserted: 0, updated: 0 }
    setProgress({ ...p })
    setBusy(true)
    setError(null)
    try {
      for (const part of parts) {
        try {
          const r = await send.mutateAsync({
            items: part.map((l) => ({ ...l.value!, line: l.line })),
          })
          p.done += part.length
          p.inserted += r.inserted
          p.updated += r.updated
          setProgress({ ...p })
        } catch (err) {
          setError(
            t('loopAdmin.import.refused', {
              from: part[0]?.line ?? 0,
              to: part[part.length - 1]?.line ?? 0,
              done: p.done,
              message: server(errorMessage(err)),
            }),
          )
          break
        }
      }
    } finally {
      setBusy(false)
      if (p.done > 0) onImported()
    }
  }

  const finished = progress !== null && !busy && progress.done === progress.total
  return (
    <section className="table-card la-import" data-testid="rules-import" aria-busy={busy}>
      <h2 className="panel-title">{t('loopAdmin.import.title')}</h2>
      <p className="page-subtitle">{t('loopAdmin.import.hint')}</p>
      <div className="csv-actions">
        <label className="plain-button la-file">
          {t('loopAdmin.import.choose')}
          <input
            type="file"
            accept=".csv,text/csv"
            data-testid="rules-file"
            onChange={onFile}
            disabled={busy}
            hidden
          />
        </label>
        {file && <span className="mono dim">{file}</span>}
        <a
          className="link-button"
          href={`data:text/csv;charset=utf-8,${encodeURIComponent(SAMPLE)}`}
          download="responsibilities-template.csv"
        >
          {t('loopAdmin.import.template')}
        </a>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="rules-import-error">
          {error}
        </p>
      )}
      {lines && (
        <p
          data-testid="rules-preview"
          data-valid={valid.length}
          data-invalid={invalid.length}
          data-warned={warned.length}
        >
          {t('loopAdmin.import.preview', {
            total: number(lines.length),
            valid: number(valid.length),
            invalid: number(invalid.length),
            warned: number(warned.length),
          })}
        </p>
      )}
      {lines && valid.length > 0 && !finished && (
        <div className="la-form-actions la-import-actions">
          <button
            type="button"
            className="primary-button"
            data-testid="rules-import-run"
            disabled={busy}
            onClick={() => void run()}
          >
            {busy ? t('loopAdmin.import.busy') : t('loopAdmin.import.run', { n: number(valid.length) })}
          </button>
          {invalid.length > 0 && <span className="field-note">{t('loopAdmin.import.skipInvalid')}</span>}
        </div>
      )}
      {progress && (
        <div className="csv-progress">
          <progress data-testid="rules-progress" value={progress.done} max={Math.max(1, progress.total)} />
          <span>
            {t('loopAdmin.import.progress', { done: number(progress.done), total: number(progress.total) })}
          </span>
        </div>
      )}
      {finished && progress && (
        <p
          className="page-notice"
          role="status"
          data-testid="rules-import-done"
          data-inserted={progress.inserted}
          data-updated={progress.updated}
        >
          {t('loopAdmin.import.done', {
            inserted: number(progress.inserted),
            updated: number(progress.updated),
          })}
        </p>
      )}
      {invalid.length > 0 && (
        <LineTable
          title={t('loopAdmin.import.errors')}
          lines={invalid}
          text={(l) => l.reasons.map((r) => reasonText(t, r)).join(sep)}
          testId="rules-import-errors"
          danger
        />
      )}
      {warned.length > 0 && (
        <details className="la-details">
          <summary>{t('loopAdmin.import.warnings', { n: number(warned.length) })}</summary>
          <LineTable
            title={t('loopAdmin.import.warningsTitle')}
            lines={warned}
            text={(l) => l.warnings.map((w) => warningText(t, w)).join(sep)}
            testId="rules-import-warnings"
          />
        </details>
      )}
    </section>
  )
}

interface LineTableProps {
  title: string
  lines: readonly CheckedLine[]
  text: (l: CheckedLine) => string
  testId: string
  danger?: boolean
}

function LineTable({ title, lines, text, testId, danger }: LineTableProps) {
  const { t } = useI18n()
  return (
    <div className="la-table-wrap la-lines">
      <table className="data-table" data-testid={testId} aria-label={title}>
        <thead>
          <tr>
            <th>{t('loopAdmin.import.line')}</th>
            <th>{t('loopAdmin.col.category')}</th>
            <th>{danger ? t('loopAdmin.import.reason') : t('loopAdmin.import.warning')}</th>
          </tr>
        </thead>
        <tbody>
          {lines.slice(0, SHOWN).map((l) => (
            <tr key={l.line} data-line={l.line}>
              <td className="mono">{l.line}</td>
              <td className="mono">{l.draft.categoryCode || '—'}</td>
              <td className={danger ? 'la-bad' : 'la-warn'}>{text(l)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length > SHOWN && (
        <p className="field-note">{t('loopAdmin.import.more', { n: lines.length - SHOWN })}</p>
      )}
    </div>
  )
}
