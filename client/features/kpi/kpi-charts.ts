/**
 * The ECharts options of the KPI page, built from the rows (docs/kpi.md). No React, no DOM, no
 * ECharts runtime (types only), so they run in the unit tests.
 */

import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts'
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import type { Theme } from '../../lib/url-state.ts'
import {
  format,
  formatCount,
  formatHours,
  formatRate,
  formatRatio,
  formatScore,
  isTimeGrouping,
  type KpiGrouping,
  type KpiGroupRow,
  type LeagueRow,
  NONE,
  oneDecimal,
  percent,
} from './kpi-format.ts'
import type { KpiText } from './kpi-words.ts'

export type KpiChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
>

// ---------- chart options ----------

/** Chart colours per theme, after the app's CSS variables (client/styles/app.css). */
export const CHART_PALETTES = {
  dark: {
    text: '#dcecfb',
    dim: '#8ba7c4',
    line: 'rgba(86, 160, 220, 0.16)',
    axis: 'rgba(86, 180, 240, 0.45)',
    tooltip: 'rgba(7, 20, 39, 0.96)',
    blue: '#45c8f5',
    green: '#4fd69c',
    amber: '#ffc43d',
    red: '#ff7a6b',
  },
  light: {
    text: '#17324d',
    dim: '#4e6680',
    line: 'rgba(23, 50, 77, 0.1)',
    axis: 'rgba(21, 96, 168, 0.35)',
    tooltip: 'rgba(255, 255, 255, 0.97)',
    blue: '#1560a8',
    green: '#1e8a5a',
    amber: '#d64500',
    red: '#c0392b',
  },
} as const satisfies Record<Theme, Record<string, string>>

/** The app's font stack (--font-sans in app.css): a canvas takes no `inherit`. */
export const CHART_FONT =
  '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "Hiragino Sans GB", "Noto Sans SC", system-ui, sans-serif'

export interface ChartContext {
  theme: Theme
  /** Base font size in CSS pixels (chartFontSize of the container). */
  font: number
  text: KpiText
}

/**
 * The charts' base font size: the app's rem (which grows with the viewport) scaled down a little,
 * but never more than the container's width allows, and at least 11 px.
 */
export function chartFontSize(containerWidth: number, remPx: number): number {
  const byRem = remPx * 0.9
  const byWidth = containerWidth / 34
  return Math.round(Math.max(11, Math.min(byRem, byWidth, 32)))
}

/** Text for HTML (ECharts tooltips are HTML: names come from the database). */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}

/** Categories beyond which a chart gets a zoom slider (time buckets; departments and areas). */
const ZOOM_AFTER = { time: 92, category: 16 } as const

function base(ctx: ChartContext, legend: string[]): KpiChartOption {
  const p = CHART_PALETTES[ctx.theme]
  const f = ctx.font
  return {
    backgroundColor: 'transparent',
    animationDuration: 400,
    textStyle: { color: p.text, fontSize: f, fontFamily: CHART_FONT },
    legend: {
      data: legend,
      top: 0,
      left: 'center',
      itemWidth: Math.round(f * 1.4),
      itemHeight: Math.round(f * 0.8),
      itemGap: Math.round(f * 1.2),
      textStyle: { color: p.dim, fontSize: f },
    },
    tooltip: {
      trigger: 'axis',
      confine: true,
      axisPointer: { type: 'shadow' },
      backgroundColor: p.tooltip,
      borderColor: p.axis,
      padding: [Math.round(f * 0.5), Math.round(f * 0.7)],
      textStyle: { color: p.text, fontSize: f },
    },
  }
}

interface AxisLook {
  labels: string[]
  time: boolean
}

function categoryAxis(ctx: ChartContext, look: AxisLook) {
  const p = CHART_PALETTES[ctx.theme]
  const f = ctx.font
  const many = look.labels.length > 6
  return {
    type: 'category' as const,
    data: look.labels,
    boundaryGap: !look.time,
    axisLine: { lineStyle: { color: p.axis } },
    axisTick: { alignWithLabel: true, lineStyle: { color: p.axis } },
    axisLabel: {
      color: p.dim,
      fontSize: Math.round(f * 0.9),
      hideOverlap: true,
      // Department and area names are long: tilt and cut them (the tooltip has them whole).
      ...(look.time
        ? {}
        : { rotate: many ? 30 : 0, width: f * (many ? 8 : 10), overflow: 'truncate' as const }),
    },
  }
}

function valueAxis(ctx: ChartContext, extra: { name?: string; percent?: boolean; max?: number }) {
  const p = CHART_PALETTES[ctx.theme]
  const f = ctx.font
  return {
    type: 'value' as const,
    min: 0,
    ...(extra.percent ? { max: 100 } : extra.max !== undefined ? { max: extra.max } : {}),
    ...(extra.name ? { name: extra.name } : {}),
    nameTextStyle: { color: p.dim, fontSize: Math.round(f * 0.85) },
    axisLabel: {
      color: p.dim,
      fontSize: Math.round(f * 0.85),
      ...(extra.percent ? { formatter: '{value}%' } : {}),
    },
    splitLine: { lineStyle: { color: p.line } },
  }
}

function grid(ctx: ChartContext, zoom: boolean, horizontal = false): GridComponentOption {
  const f = ctx.font
  return {
    top: f * 3.2,
    left: f * 0.6,
    right: horizontal ? f * 1.5 : f * 1.2,
    bottom: zoom ? f * 3.6 : f * 0.6,
    // Axis labels inside the chart (ECharts 6: outerBounds, the successor of containLabel).
    outerBoundsMode: 'same',
    outerBoundsContain: 'axisLabel',
  }
}

function dataZoom(ctx: ChartContext, count: number, visible: number): DataZoomComponentOption[] {
  const f = ctx.font
  const p = CHART_PALETTES[ctx.theme]
  const end = Math.min(100, Math.max(1, (visible / count) * 100))
  return [
    { type: 'inside', start: 0, end },
    {
      type: 'slider',
      start: 0,
      end,
      height: f * 1.5,
      bottom: f * 0.5,
      borderColor: p.axis,
      textStyle: { color: p.dim, fontSize: Math.round(f * 0.8) },
    },
  ]
}

interface TooltipLine {
  color: string
  name: string
  value: string
}

function tooltipHtml(title: string, lines: TooltipLine[]): string {
  const rows = lines.map(
    (l) =>
      `<div style="display:flex;gap:1.2em;justify-content:space-between"><span><span style="display:inline-block;width:0.7em;height:0.7em;border-radius:50%;margin-right:0.4em;background:${l.color}"></span>${escapeHtml(l.name)}</span><b>${escapeHtml(l.value)}</b></div>`,
  )
  return `<div style="font-weight:600;margin-bottom:0.3em">${escapeHtml(title)}</div>${rows.join('')}`
}

/** The data index an axis tooltip is about. */
function tooltipIndex(params: unknown): number {
  const first: unknown = Array.isArray(params) ? params[0] : params
  const index = (first as { dataIndex?: unknown } | undefined)?.dataIndex
  return typeof index === 'number' ? index : -1
}

/** Rows with their labels in the reader's language (the server's are bilingual for some keys). */
export interface ChartRows {
  rows: readonly KpiGroupRow[]
  /** Labels to show, one per row. */
  labels: readonly string[]
  by: KpiGrouping
}

/** Bars per group of the on-time rate and the satisfaction rate, on a 0–100 % axis. */
export function ratesOption(data: ChartRows, ctx: ChartContext): KpiChartOption {
  const { w, lang } = ctx.text
  const p = CHART_PALETTES[ctx.theme]
  const f = ctx.font
  const time = isTimeGrouping(data.by)
  const n = data.rows.length
  const zoom = n > (time ? ZOOM_AFTER.time : ZOOM_AFTER.category)
  const onTime = w('series.onTimeRate')
  const satisfaction = w('series.satisfactionRate')
  // Values over the bars while there is room for them; the tooltip has them anyway.
  const showLabels = n <= 8
  const label = {
    show: showLabels,
    position: 'top' as const,
    color: p.dim,
    fontSize: Math.round(f * 0.8),
    formatter: (params: { value?: unknown }) =>
      typeof params.value === 'number' ? `${format(lang, 'one').format(params.value)}%` : '',
  }
  const option = base(ctx, [onTime, satisfaction])
  return {
    ...option,
    tooltip: {
      ...option.tooltip,
      formatter: (params: unknown) => {
        const row = data.rows[tooltipIndex(params)]
        if (!row) return ''
        return tooltipHtml(data.labels[tooltipIndex(params)] ?? row.label, [
          {
            color: p.blue,
            name: onTime,
            value: `${formatRate(row.onTimeRate, lang)} · ${formatRatio(row.closedOnTime, row.closed + row.openOverdue, lang)}`,
          },
          {
            color: p.green,
            name: satisfaction,
            value: `${formatRate(row.satisfactionRate, lang)} · ${formatRatio(row.satisfied + row.basicallySatisfied, row.rated, lang)}`,
          },
        ])
      },
    },
    grid: grid(ctx, zoom),
    xAxis: categoryAxis(ctx, { labels: [...data.labels], time }),
    yAxis: valueAxis(ctx, { percent: true }),
    ...(zoom ? { dataZoom: dataZoom(ctx, n, time ? 60 : 12) } : {}),
    series: [
      {
        type: 'bar',
        name: onTime,
        data: data.rows.map((r) => percent(r.onTimeRate)),
        itemStyle: { color: p.blue, borderRadius: [f * 0.2, f * 0.2, 0, 0] },
        barMaxWidth: f * 2.5,
        label,
        labelLayout: { hideOverlap: true },
      },
      {
        type: 'bar',
        name: satisfaction,
        data: data.rows.map((r) => percent(r.satisfactionRate)),
        itemStyle: { color: p.green, borderRadius: [f * 0.2, f * 0.2, 0, 0] },
        barMaxWidth: f * 2.5,
        label,
        labelLayout: { hideOverlap: true },
      },
    ],
  }
}

/**
 * One series per name over the groups: lines when the groups are time buckets, bars (at most
 * `barWidth` font sizes wide) per department or area.
 */
function groupSeries(
  names: readonly string[],
  values: readonly (readonly (number | null)[])[],
  colors: readonly string[],
  o: { time: boolean; n: number; f: number; barWidth: number },
): (BarSeriesOption | LineSeriesOption)[] {
  const { f } = o
  return names.map((name, i): BarSeriesOption | LineSeriesOption =>
    o.time
      ? {
          type: 'line',
          name,
          data: [...(values[i] ?? [])],
          showSymbol: o.n <= 62,
          symbolSize: f * 0.45,
          lineStyle: { width: Math.max(1.5, f * 0.14), color: colors[i] },
          itemStyle: { color: colors[i] },
        }
      : {
          type: 'bar',
          name,
          data: [...(values[i] ?? [])],
          itemStyle: { color: colors[i], borderRadius: [f * 0.2, f * 0.2, 0, 0] },
          barMaxWidth: f * o.barWidth,
        },
  )
}

/** Received, closed and open overdue per group: bars per department or area, lines over time. */
export function volumeOption(data: ChartRows, ctx: ChartContext): KpiChartOption {
  const { w, lang } = ctx.text
  const p = CHART_PALETTES[ctx.theme]
  const f = ctx.font
  const time = isTimeGrouping(data.by)
  const n = data.rows.length
  const zoom = n > (time ? ZOOM_AFTER.time : ZOOM_AFTER.category)
  const names = [w('series.received'), w('series.closed'), w('series.openOverdue')] as const
  const colors = [p.blue, p.green, p.red] as const
  const values = [
    data.rows.map((r) => r.received),
    data.rows.map((r) => r.closed),
    data.rows.map((r) => r.openOverdue),
  ] as const
  const option = base(ctx, [...names])
  const series = groupSeries(names, values, colors, { time, n, f, barWidth: 2.2 })
  return {
    ...option,
    tooltip: {
      ...option.tooltip,
      ...(time ? { axisPointer: { type: 'line' } } : {}),
      formatter: (params: unknown) => {
        const i = tooltipIndex(params)
        const row = data.rows[i]
        if (!row) return ''
        return tooltipHtml(data.labels[i] ?? row.label, [
          { color: colors[0], name: names[0], value: formatCount(row.received, lang) },
          { color: colors[1], name: names[1], value: formatCount(row.closed, lang) },
          { color: colors[2], name: names[2], value: formatCount(row.openOverdue, lang) },
        ])
      },
    },
    grid: grid(ctx, zoom),
    xAxis: categoryAxis(ctx, { labels: [...data.labels], time }),
    yAxis: { ...valueAxis(ctx, {}), minInterval: 1 },
    ...(zoom ? { dataZoom: dataZoom(ctx, n, time ? 60 : 12) } : {}),
    series,
  }
}

/** Mean and 90th-percentile handling hours per group (lines over time). */
export function hoursOption(data: ChartRows, ctx: ChartContext): KpiChartOption {
  const { w, lang } = ctx.text
  const p = CHART_PALETTES[ctx.theme]
  const f = ctx.font
  const time = isTimeGrouping(data.by)
  const n = data.rows.length
  const zoom = n > (time ? ZOOM_AFTER.time : ZOOM_AFTER.category)
  const names = [w('series.meanHours'), w('series.p90Hours')] as const
  const colors = [p.blue, p.amber] as const
  const values = [
    data.rows.map((r) => oneDecimal(r.meanHours)),
    data.rows.map((r) => oneDecimal(r.p90Hours)),
  ] as const
  const option = base(ctx, [...names])
  const series = groupSeries(names, values, colors, { time, n, f, barWidth: 2.5 })
  return {
    ...option,
    tooltip: {
      ...option.tooltip,
      ...(time ? { axisPointer: { type: 'line' } } : {}),
      formatter: (params: unknown) => {
        const i = tooltipIndex(params)
        const row = data.rows[i]
        if (!row) return ''
        const hours = (h: number | null) => (h === null ? NONE : w('hours', { value: formatHours(h, lang) }))
        return tooltipHtml(data.labels[i] ?? row.label, [
          { color: colors[0], name: names[0], value: hours(row.meanHours) },
          { color: colors[1], name: names[1], value: hours(row.p90Hours) },
          { color: 'transparent', name: w('series.closed'), value: formatCount(row.closed, lang) },
        ])
      },
    },
    grid: grid(ctx, zoom),
    xAxis: categoryAxis(ctx, { labels: [...data.labels], time }),
    yAxis: valueAxis(ctx, { name: w('hoursUnit') }),
    ...(zoom ? { dataZoom: dataZoom(ctx, n, time ? 60 : 12) } : {}),
    series,
  }
}

/** The league best first, as the server orders it: mean score, on-time rate, more tasks, name. */
export function sortLeague(rows: readonly LeagueRow[]): LeagueRow[] {
  return [...rows].sort(
    (a, b) =>
      (b.meanScore ?? -1) - (a.meanScore ?? -1) ||
      (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) ||
      b.received - a.received ||
      a.name.localeCompare(b.name, 'zh'),
  )
}

/** Departments shown at once in the league chart before it scrolls. */
export const LEAGUE_VISIBLE = 14

/** The whistle league: horizontal bars of mean score (best on top), the on-time rate as labels. */
export function leagueOption(league: readonly LeagueRow[], ctx: ChartContext): KpiChartOption {
  const { w, lang } = ctx.text
  const p = CHART_PALETTES[ctx.theme]
  const f = ctx.font
  const rows = sortLeague(league)
  const n = rows.length
  const zoom = n > LEAGUE_VISIBLE
  const name = w('series.meanScore')
  const option = base(ctx, [name])
  const end = zoom ? (LEAGUE_VISIBLE / n) * 100 : 100
  return {
    ...option,
    legend: { ...option.legend, show: false },
    tooltip: {
      ...option.tooltip,
      formatter: (params: unknown) => {
        const row = rows[tooltipIndex(params)]
        if (!row) return ''
        return tooltipHtml(row.name, [
          {
            color: p.amber,
            name,
            value: `${formatScore(row.meanScore, lang)} · ${formatCount(row.scored, lang)}`,
          },
          {
            color: p.blue,
            name: w('league.onTime'),
            value: `${formatRate(row.onTimeRate, lang)} · ${formatRatio(row.reportedOnTime, row.reported + row.openOverdue, lang)}`,
          },
          { color: 'transparent', name: w('league.col.received'), value: formatCount(row.received, lang) },
        ])
      },
    },
    grid: {
      top: f * 0.8,
      left: f * 0.6,
      // Room for the labels at the bars' ends ("4.67 · 按时 92.3%").
      right: f * (zoom ? 12 : 10.5),
      bottom: f * 0.6,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: valueAxis(ctx, { max: 5 }),
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.name),
      axisLine: { lineStyle: { color: p.axis } },
      axisTick: { show: false },
      axisLabel: {
        color: p.text,
        fontSize: Math.round(f * 0.9),
        width: f * 9,
        overflow: 'truncate',
      },
    },
    ...(zoom
      ? {
          dataZoom: [
            { type: 'inside', yAxisIndex: 0, start: 0, end, zoomOnMouseWheel: false, moveOnMouseWheel: true },
            {
              type: 'slider',
              yAxisIndex: 0,
              start: 0,
              end,
              width: f * 1.2,
              right: f * 0.3,
              showDetail: false,
              borderColor: p.axis,
            },
          ],
        }
      : {}),
    series: [
      {
        type: 'bar',
        name,
        // A department not yet scored gets an empty bar, so that its label (on-time rate) still shows.
        data: rows.map((r) => r.meanScore ?? 0),
        itemStyle: { color: p.amber, borderRadius: [0, f * 0.2, f * 0.2, 0] },
        barMaxWidth: f * 1.6,
        label: {
          show: true,
          position: 'right',
          color: p.dim,
          fontSize: Math.round(f * 0.85),
          formatter: (params: { dataIndex?: number }) => {
            const row = rows[params.dataIndex ?? -1]
            return row
              ? w('league.label', {
                  score: formatScore(row.meanScore, lang),
                  rate: formatRate(row.onTimeRate, lang),
                })
              : ''
          },
        },
      },
    ],
  }
}

/** The rows' labels in the reader's language (`localise`: the i18n's `server`, for bilingual labels). */
export function groupLabels(rows: readonly KpiGroupRow[], localise: (label: string) => string): string[] {
  return rows.map((r) => localise(r.label))
}
