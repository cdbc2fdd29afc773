import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import type { Theme } from '../../lib/url-state.ts'
import { errorMessage, trpc } from '../../trpc.ts'
import { KpiChart } from './KpiChart.tsx'
import {
  type ChartContext,
  type ChartRows,
  groupLabels,
  hoursOption,
  LEAGUE_VISIBLE,
  leagueOption,
  ratesOption,
  sortLeague,
  volumeOption,
} from './kpi-charts.ts'
import {
  formatCount,
  formatRate,
  formatScore,
  headlines,
  isTimeGrouping,
  KPI_GROUPINGS,
  type KpiGrouping,
  type KpiPeriod,
  type KpiSummary,
  type LeagueRow,
  PERIOD_PRESETS,
  periodInput,
  periodProblem,
  presetOf,
  presetPeriod,
} from './kpi-format.ts'
import { type KpiText, useKpiWords } from './kpi-words.ts'

/** KPIs change as events are handled, but not by the second. */
const STALE_MS = 60_000

export interface KpiPageProps {
  /** Colours of the charts; without it, `<html data-theme>` (followed as it changes). */
  theme?: Theme | undefined
  /** Narrow everything to this area (a grid code inside the caller's area); by area its children are the rows. */
  areaCode?: string | undefined
  /** Only events of this department (承办部门). */
  departmentId?: number | undefined
}

function documentTheme(): Theme {
  return typeof document !== 'undefined' && document.documentElement.dataset.theme === 'light'
    ? 'light'
    : 'dark'
}

/** The theme prop, else `<html data-theme>` as it changes. */
function useTheme(prop: Theme | undefined): Theme {
  const [fromDocument, setFromDocument] = useState<Theme>(documentTheme)
  useEffect(() => {
    if (prop) return
    setFromDocument(documentTheme())
    const observer = new MutationObserver(() => setFromDocument(documentTheme()))
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
    return () => observer.disconnect()
  }, [prop])
  return prop ?? fromDocument
}

/**
 * 诉求闭环考核: the KPIs of the closed loop (docs/kpi.md) for a period in China time — headline
 * tiles of the total, charts per department, area or day/week/month, and the whistle league (晒一晒).
 */
export function KpiPage({ theme: themeProp, areaCode, departmentId }: KpiPageProps) {
  const text = useKpiWords()
  const { w } = text
  const { server } = useI18n()
  const theme = useTheme(themeProp)

  const [form, setForm] = useState<KpiPeriod>(() => presetPeriod('last30', new Date()))
  /** The last valid period: what the page shows while the form holds a date being typed. */
  const [period, setPeriod] = useState<KpiPeriod>(form)
  const [by, setBy] = useState<KpiGrouping>('department')
  const problem = periodProblem(form)
  const activePreset = presetOf(form, new Date())

  const change = (next: KpiPeriod) => {
    setForm(next)
    if (periodProblem(next) === null) setPeriod(next)
  }

  const input = periodInput(period)
  const summary = useQuery({
    ...trpc.kpi.summary.queryOptions({
      ...input,
      by,
      ...(areaCode ? { areaCode } : {}),
      ...(departmentId !== undefined ? { departmentId } : {}),
    }),
    staleTime: STALE_MS,
  })
  const league = useQuery({
    ...trpc.kpi.league.queryOptions(input),
    staleTime: STALE_MS,
    placeholderData: keepPreviousData,
  })

  // The figures on screen and the grouping they are for: the previous ones stay while new ones load
  // (placeholder data would pair the new grouping with the old rows).
  const [shown, setShown] = useState<{ by: KpiGrouping; data: KpiSummary } | null>(null)
  if (summary.data && !summary.isPlaceholderData && (shown?.data !== summary.data || shown.by !== by))
    setShown({ by, data: summary.data })

  const updating = summary.isFetching || league.isFetching

  return (
    <main className="admin-page kpi-page" data-testid="kpi-page" data-theme-charts={theme}>
      <div className="admin-scroll kpi-scroll">
        <header className="page-header">
          <div>
            <h1 className="page-title">{w('title')}</h1>
            <p className="page-subtitle">{w('subtitle')}</p>
          </div>
          {updating && shown && (
            <span className="kpi-updating" role="status">
              {w('updating')}
            </span>
          )}
        </header>

        <section className="kpi-controls" aria-label={w('period')}>
          <fieldset className="field kpi-control">
            <legend className="field-label">{w('presets')}</legend>
            <div className="kpi-seg">
              {PERIOD_PRESETS.map((preset) => (
                <button
                  key={preset}
                  type="button"
                  className="kpi-seg-button"
                  data-testid={`kpi-preset-${preset}`}
                  aria-pressed={activePreset === preset}
                  onClick={() => change(presetPeriod(preset, new Date()))}
                >
                  {w(`preset.${preset}`)}
                </button>
              ))}
            </div>
          </fieldset>
          <label className="field kpi-date">
            <span className="field-label">{w('from')}</span>
            <input
              type="date"
              className="text-input"
              data-testid="kpi-from"
              value={form.from}
              max={form.last || undefined}
              onChange={(event) => change({ ...form, from: event.target.value })}
            />
          </label>
          <label className="field kpi-date">
            <span className="field-label">{w('last')}</span>
            <input
              type="date"
              className="text-input"
              data-testid="kpi-last"
              value={form.last}
              min={form.from || undefined}
              onChange={(event) => change({ ...form, last: event.target.value })}
            />
          </label>
          <fieldset className="field kpi-control">
            <legend className="field-label">{w('by')}</legend>
            <div className="kpi-seg">
              {KPI_GROUPINGS.map((grouping) => (
                <button
                  key={grouping}
                  type="button"
                  className="kpi-seg-button"
                  data-testid={`kpi-by-${grouping}`}
                  aria-pressed={by === grouping}
                  onClick={() => setBy(grouping)}
                >
                  {w(`by.${grouping}`)}
                </button>
              ))}
            </div>
          </fieldset>
          {problem && (
            <p className="form-error kpi-problem" role="alert" data-testid="kpi-period-problem">
              {w(`problem.${problem}`)}
            </p>
          )}
        </section>

        {summary.isError && (
          <p className="tree-error kpi-error" role="alert" data-testid="kpi-error">
            {w('error', { message: server(errorMessage(summary.error)) })}
          </p>
        )}
        {!summary.isError && !shown && (
          <p className="tree-note" data-testid="kpi-loading">
            {w('loading')}
          </p>
        )}
        {!summary.isError && shown && (
          <Summary data={shown.data} by={shown.by} theme={theme} text={text} busy={summary.isFetching} />
        )}

        <League
          rows={league.data ?? null}
          error={league.isError ? server(errorMessage(league.error)) : null}
          theme={theme}
          text={text}
          busy={league.isFetching}
        />
      </div>
    </main>
  )
}

function Summary({
  data,
  by,
  theme,
  text,
  busy,
}: {
  data: KpiSummary
  by: KpiGrouping
  theme: Theme
  text: KpiText
  busy: boolean
}) {
  const { w } = text
  const { server } = useI18n()
  const tiles = headlines(data.total, text)
  const chartRows = useMemo<ChartRows>(
    () => ({ rows: data.rows, labels: groupLabels(data.rows, server), by }),
    [data.rows, server, by],
  )
  const context = useCallback((font: number): ChartContext => ({ theme, font, text }), [theme, text])
  const rates = useCallback((font: number) => ratesOption(chartRows, context(font)), [chartRows, context])
  const volume = useCallback((font: number) => volumeOption(chartRows, context(font)), [chartRows, context])
  const hours = useCallback((font: number) => hoursOption(chartRows, context(font)), [chartRows, context])
  const empty = data.rows.length === 0 ? <span className="tree-note">{w('empty')}</span> : undefined

  return (
    <>
      <section className="kpi-tiles" aria-busy={busy}>
        {tiles.map((tile) => (
          <div
            key={tile.name}
            className="kpi-tile"
            data-testid={`kpi-total-${tile.name}`}
            data-value={tile.raw ?? ''}
            title={`${tile.label}: ${tile.value} · ${tile.counts}`}
          >
            <span className="kpi-tile-label">{tile.label}</span>
            <span className="kpi-tile-value">{tile.value}</span>
            <span className="kpi-tile-counts">
              <span className="kpi-tile-ratio">{tile.counts}</span>
              {tile.caption && <span className="kpi-tile-caption">{tile.caption}</span>}
            </span>
          </div>
        ))}
      </section>
      <section className="kpi-charts">
        <KpiChart name="rates" title={w('chart.rates')} build={rates} overlay={empty} busy={busy} />
        <KpiChart
          name="volume"
          title={w('chart.volume')}
          note={isTimeGrouping(by) ? w('chart.volume.bucketNote') : undefined}
          build={volume}
          overlay={empty}
          busy={busy}
        />
        <KpiChart
          name="hours"
          title={`${w('chart.hours')} (${w('hoursUnit')})`}
          build={hours}
          overlay={empty}
          busy={busy}
        />
      </section>
    </>
  )
}

function League({
  rows,
  error,
  theme,
  text,
  busy,
}: {
  rows: readonly LeagueRow[] | null
  error: string | null
  theme: Theme
  text: KpiText
  busy: boolean
}) {
  const { w, lang } = text
  const sorted = useMemo(() => sortLeague(rows ?? []), [rows])
  const build = useCallback(
    (font: number) => leagueOption(sorted, { theme, font, text }),
    [sorted, theme, text],
  )
  const overlay = error ? (
    <span className="tree-error" role="alert" data-testid="kpi-league-error">
      {w('error', { message: error })}
    </span>
  ) : rows === null ? (
    <span className="tree-note">{w('loading')}</span>
  ) : sorted.length === 0 ? (
    <span className="tree-note">{w('league.empty')}</span>
  ) : undefined
  const visible = Math.max(6, Math.min(sorted.length, LEAGUE_VISIBLE))

  return (
    <section className="kpi-league">
      <KpiChart
        name="league"
        title={w('chart.league')}
        note={w('chart.league.note')}
        build={build}
        overlay={overlay}
        busy={busy}
        style={{ height: `${visible * 2.3 + 2}rem` }}
      />
      {!error && sorted.length > 0 && (
        <div className="table-card kpi-league-table">
          <table className="data-table" data-testid="kpi-league-table">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>{w('league.col.department')}</th>
                <th className="num">{w('league.col.received')}</th>
                <th className="num">{w('league.col.reported')}</th>
                <th className="num">{w('league.col.reportedOnTime')}</th>
                <th className="num">{w('league.col.openOverdue')}</th>
                <th className="num">{w('league.col.onTimeRate')}</th>
                <th className="num">{w('league.col.scored')}</th>
                <th className="num">{w('league.col.meanScore')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((row, i) => (
                <tr key={row.departmentId} data-testid="kpi-league-row" data-department={row.departmentId}>
                  <td className="num dim">{i + 1}</td>
                  <td className="kpi-league-name">{row.name}</td>
                  <td className="num">{formatCount(row.received, lang)}</td>
                  <td className="num">{formatCount(row.reported, lang)}</td>
                  <td className="num">{formatCount(row.reportedOnTime, lang)}</td>
                  <td className="num">{formatCount(row.openOverdue, lang)}</td>
                  <td className="num">{formatRate(row.onTimeRate, lang)}</td>
                  <td className="num">{formatCount(row.scored, lang)}</td>
                  <td className="num">{formatScore(row.meanScore, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
