import { useMutation } from '@tanstack/react-query'
import Papa from 'papaparse'
import { type ChangeEvent, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { errorMessage, type RouterInputs, type RouterOutputs, trpc } from '../../trpc.ts'

type Row = RouterInputs['events']['importRows']['rows'][number]
type Result = RouterOutputs['events']['importRows']['results'][number]

/** The template's columns (server/loop/import-rows.ts). */
export const CSV_COLUMNS = [
  'external_id',
  'source',
  'category_code',
  'title',
  'body',
  'address',
  'lon',
  'lat',
  'reported_at',
  'priority',
  'reporter_name',
  'reporter_phone',
] as const

/** Rows sent per request: the progress bar moves a chunk at a time. */
export const CHUNK = 100
/** A file is refused above this many rows (split it). */
export const MAX_ROWS = 20_000

/** CSV text → rows with their line numbers (line 1 is the header), or what is wrong with it. */
export function parseCsv(text: string): { rows: Row[] } | { error: string } {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    // Blank lines are kept while numbering (so a row's number is its line in the file, unless a
    // quoted field spans lines) and dropped below.
    skipEmptyLines: false,
    transformHeader: (h) => h.trim().toLowerCase(),
  })
  const fields = parsed.meta.fields ?? []
  const unknown = fields.filter((f) => !(CSV_COLUMNS as readonly string[]).includes(f))
  if (unknown.length) return { error: `unknown columns: ${unknown.join(', ')}` }
  for (const need of ['external_id', 'lon', 'lat', 'title'])
    if (!fields.includes(need)) return { error: `missing column: ${need}` }
  const rows: Row[] = []
  parsed.data.forEach((r, i) => {
    const row: Row = { line: i + 2 }
    let any = false
    for (const c of CSV_COLUMNS) {
      const v = r[c]
      if (v !== undefined && v.trim() !== '') {
        row[c] = String(v).slice(0, c === 'body' ? 5000 : 400)
        any = true
      }
    }
    if (any) rows.push(row)
  })
  if (rows.length > MAX_ROWS) return { error: `more than ${MAX_ROWS} rows` }
  return { rows }
}

/**
 * CSV bulk import (批量导入): the file is read here, sent a chunk at a time with a progress bar,
 * and every row gets its own result — stored, a repeat (already stored: nothing new), or the
 * reason it was refused, by line.
 */
export function CsvImport() {
  const { t } = useI18n()
  const send = useMutation(trpc.events.importRows.mutationOptions())
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null)
  const [results, setResults] = useState<Result[]>([])
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    e.target.value = ''
    if (!file) return
    setError(null)
    setResults([])
    if (file.size > 20 * 2 ** 20) {
      setError(t('csv.tooBig'))
      return
    }
    const parsed = parseCsv(await file.text())
    if ('error' in parsed) {
      setError(`${t('csv.badFile')}: ${parsed.error}`)
      return
    }
    setBusy(true)
    const all: Result[] = []
    setProgress({ done: 0, total: parsed.rows.length })
    try {
      for (let i = 0; i < parsed.rows.length; i += CHUNK) {
        const chunk = parsed.rows.slice(i, i + CHUNK)
        const r = await send.mutateAsync({ rows: chunk })
        all.push(...r.results)
        setResults([...all])
        setProgress({ done: Math.min(parsed.rows.length, i + CHUNK), total: parsed.rows.length })
      }
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const stored = results.filter((r) => r.created).length
  const repeats = results.filter((r) => r.created === false).length
  const failed = results.filter((r) => r.error)
  const template = `data:text/csv;charset=utf-8,${encodeURIComponent(`\uFEFF${CSV_COLUMNS.join(',')}\n`)}`

  return (
    <section className="table-card csv-import" data-testid="csv-import" aria-busy={busy}>
      <h2 className="panel-title">{t('csv.title')}</h2>
      <p className="page-subtitle">{t('csv.hint')}</p>
      <div className="csv-actions">
        <label className="plain-button">
          {t('csv.choose')}
          <input
            type="file"
            accept=".csv,text/csv"
            data-testid="csv-file"
            onChange={onFile}
            disabled={busy}
            hidden
          />
        </label>
        <a className="link-button" href={template} download="yiwang-import-template.csv">
          {t('csv.template')}
        </a>
      </div>
      {progress && (
        <div className="csv-progress">
          <progress data-testid="csv-progress" value={progress.done} max={progress.total} />
          <span>{t('csv.progress', { done: progress.done, total: progress.total })}</span>
        </div>
      )}
      {error && (
        <p className="tree-error" role="alert" data-testid="csv-error">
          {error}
        </p>
      )}
      {results.length > 0 && (
        <p data-testid="csv-summary" data-stored={stored} data-repeats={repeats} data-failed={failed.length}>
          {t('csv.summary', { stored, repeats, failed: failed.length })}
        </p>
      )}
      {failed.length > 0 && (
        <table className="data-table" data-testid="csv-errors">
          <thead>
            <tr>
              <th>{t('csv.line')}</th>
              <th>{t('csv.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {failed.slice(0, 500).map((r) => (
              <tr key={r.line} data-line={r.line}>
                <td className="mono">{r.line}</td>
                <td>{r.error}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
