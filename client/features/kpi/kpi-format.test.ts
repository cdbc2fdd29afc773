import { describe, expect, it } from 'vitest'
import {
  type ChartContext,
  type ChartRows,
  chartFontSize,
  escapeHtml,
  hoursOption,
  type KpiChartOption,
  leagueOption,
  ratesOption,
  sortLeague,
  volumeOption,
} from './kpi-charts.ts'
import {
  chinaToday,
  formatCount,
  formatHours,
  formatRate,
  formatRatio,
  formatScore,
  HEADLINES,
  headlines,
  type KpiGroupRow,
  type KpiTotal,
  type LeagueRow,
  percent,
  periodInput,
  periodProblem,
  presetOf,
  presetPeriod,
} from './kpi-format.ts'
import { KPI_WORDS, kpiText } from './kpi-words.ts'

/** The district totals of test/db/kpi.test.ts for March–April 2025 (docs/kpi.md). */
const FIXTURE_TOTAL: KpiTotal = {
  received: 14,
  duplicates: 2,
  repeatRate: 2 / 14,
  closed: 8,
  closedOnTime: 6,
  openOverdue: 3,
  onTimeRate: 6 / 11,
  closedDirect: 2,
  firstContactRate: 2 / 8,
  meanHours: 84.25,
  p90Hours: 223.2,
  rated: 4,
  satisfied: 2,
  basicallySatisfied: 1,
  unsatisfied: 1,
  satisfactionRate: 0.75,
}

const EMPTY_TOTAL: KpiTotal = {
  received: 0,
  duplicates: 0,
  repeatRate: null,
  closed: 0,
  closedOnTime: 0,
  openOverdue: 0,
  onTimeRate: null,
  closedDirect: 0,
  firstContactRate: null,
  meanHours: null,
  p90Hours: null,
  rated: 0,
  satisfied: 0,
  basicallySatisfied: 0,
  unsatisfied: 0,
  satisfactionRate: null,
}

function row(key: string, label: string, over: Partial<KpiTotal> = {}): KpiGroupRow {
  return { key, label, ...FIXTURE_TOTAL, ...over }
}

const zh = kpiText('zh-CN')
const en = kpiText('en')
const ctx = (over: Partial<ChartContext> = {}): ChartContext => ({
  theme: 'dark',
  font: 14,
  text: zh,
  ...over,
})

interface SeriesLike {
  type: string
  name: string
  data: unknown[]
}
const seriesOf = (option: KpiChartOption) => option.series as SeriesLike[]
const axis = (value: unknown) => value as { type: string; data?: string[]; max?: number; inverse?: boolean }
const tooltipFormatter = (option: KpiChartOption) =>
  (option.tooltip as { formatter: (params: unknown) => string }).formatter

describe('periods in China time', () => {
  it('takes the date in UTC+8', () => {
    expect(chinaToday(new Date('2025-03-31T15:59:59Z'))).toBe('2025-03-31')
    expect(chinaToday(new Date('2025-03-31T16:00:00Z'))).toBe('2025-04-01')
  })

  it('builds the presets up to today, the China-time day', () => {
    // 00:30 on 1 April in Beijing, still 31 March in UTC.
    const now = new Date('2025-03-31T16:30:00Z')
    expect(presetPeriod('last30', now)).toEqual({ from: '2025-03-03', last: '2025-04-01' })
    expect(presetPeriod('thisMonth', now)).toEqual({ from: '2025-04-01', last: '2025-04-01' })
    expect(presetPeriod('lastMonth', now)).toEqual({ from: '2025-03-01', last: '2025-03-31' })
    expect(presetPeriod('thisYear', now)).toEqual({ from: '2025-01-01', last: '2025-04-01' })
  })

  it('crosses year ends and leap days', () => {
    expect(presetPeriod('lastMonth', new Date('2025-01-15T04:00:00Z'))).toEqual({
      from: '2024-12-01',
      last: '2024-12-31',
    })
    expect(presetPeriod('lastMonth', new Date('2024-03-10T04:00:00Z'))).toEqual({
      from: '2024-02-01',
      last: '2024-02-29',
    })
    expect(presetPeriod('last30', new Date('2024-03-01T04:00:00Z'))).toEqual({
      from: '2024-02-01',
      last: '2024-03-01',
    })
  })

  it('recognises a preset and a period of one’s own', () => {
    const now = new Date('2025-04-15T04:00:00Z')
    expect(presetOf(presetPeriod('lastMonth', now), now)).toBe('lastMonth')
    expect(presetOf({ from: '2025-04-02', last: '2025-04-15' }, now)).toBeNull()
  })

  it('turns the inclusive last day into the exclusive end the API takes', () => {
    expect(periodInput({ from: '2025-03-01', last: '2025-04-30' })).toEqual({
      from: '2025-03-01',
      to: '2025-05-01',
    })
  })

  it('refuses what the server refuses', () => {
    expect(periodProblem({ from: '2025-03-01', last: '2025-03-01' })).toBeNull()
    expect(periodProblem({ from: '2025-02-30', last: '2025-03-01' })).toBe('invalid')
    expect(periodProblem({ from: '', last: '2025-03-01' })).toBe('invalid')
    expect(periodProblem({ from: '2025-03-02', last: '2025-03-01' })).toBe('order')
    // to ≤ from + 3 years: 2022-01-01 … 2024-12-31 is exactly three years.
    expect(periodProblem({ from: '2022-01-01', last: '2024-12-31' })).toBeNull()
    expect(periodProblem({ from: '2022-01-01', last: '2025-01-01' })).toBe('span')
  })
})

describe('number formats', () => {
  it('shows rates as percentages with one decimal, none as a dash', () => {
    expect(formatRate(0.9684, 'zh-CN')).toBe('96.8%')
    expect(formatRate(0.9684, 'en')).toBe('96.8%')
    expect(formatRate(1, 'en')).toBe('100.0%')
    expect(formatRate(0, 'en')).toBe('0.0%')
    expect(formatRate(6 / 11, 'zh-CN')).toBe('54.5%')
    expect(formatRate(null, 'zh-CN')).toBe('—')
    expect(formatRate(Number.NaN, 'en')).toBe('—')
  })

  it('groups counts and keeps one decimal of hours, two of scores', () => {
    expect(formatCount(1234, 'zh-CN')).toBe('1,234')
    expect(formatRatio(1234, 1275, 'en')).toBe('1,234/1,275')
    expect(formatHours(84.25, 'en')).toBe('84.3')
    expect(formatHours(null, 'en')).toBe('—')
    expect(formatScore(4.666, 'zh-CN')).toBe('4.67')
    expect(formatScore(null, 'zh-CN')).toBe('—')
  })

  it('puts rates on a percent axis, null as a gap', () => {
    expect(percent(0.9684)).toBe(96.8)
    expect(percent(6 / 11)).toBe(54.5)
    expect(percent(null)).toBeNull()
  })
})

describe('headline tiles', () => {
  it('show the fixture’s totals with the counts behind them', () => {
    const tiles = headlines(FIXTURE_TOTAL, zh)
    expect(tiles.map((t) => t.name)).toEqual([...HEADLINES])
    const by = Object.fromEntries(tiles.map((t) => [t.name, t]))
    expect(by.satisfaction).toMatchObject({ label: '满意率', value: '75.0%', counts: '3/4' })
    expect(by['on-time']).toMatchObject({ value: '54.5%', counts: '6/11' })
    expect(by['mean-hours']).toMatchObject({ value: '84.3 小时', counts: '8 件办结' })
    expect(by['p90-hours']).toMatchObject({ value: '223.2 小时' })
    expect(by['first-contact']).toMatchObject({ value: '25.0%', counts: '2/8' })
    expect(by.repeat).toMatchObject({ value: '14.3%', counts: '2/14', raw: 2 / 14 })
  })

  it('show a dash without a denominator, in English too', () => {
    const tiles = headlines(EMPTY_TOTAL, en)
    for (const tile of tiles) expect(tile.value).toBe('—')
    expect(tiles.find((t) => t.name === 'on-time')?.counts).toBe('0/0')
    expect(tiles.find((t) => t.name === 'mean-hours')?.counts).toBe('0 closed')
  })
})

describe('words', () => {
  it('has every word in both languages', () => {
    expect(Object.keys(KPI_WORDS.en).sort()).toEqual(Object.keys(KPI_WORDS['zh-CN']).sort())
    for (const words of [KPI_WORDS.en, KPI_WORDS['zh-CN']])
      for (const value of Object.values(words)) expect(value.trim()).not.toBe('')
  })
})

describe('chart options', () => {
  const departments: ChartRows = {
    by: 'department',
    rows: [
      row('1', '城管局', { onTimeRate: 0.5, satisfactionRate: null }),
      row('2', '水务局', { onTimeRate: 1, satisfactionRate: 0.9684 }),
    ],
    labels: ['城管局', '水务局'],
  }

  it('draws on-time and satisfaction rates as two bar series on a percent axis', () => {
    const option = ratesOption(departments, ctx())
    const series = seriesOf(option)
    expect(series.map((s) => s.type)).toEqual(['bar', 'bar'])
    expect(series.map((s) => s.name)).toEqual(['按时办结率', '满意率'])
    expect(series[0]?.data).toEqual([50, 100])
    expect(series[1]?.data).toEqual([null, 96.8])
    expect(axis(option.xAxis).data).toEqual(['城管局', '水务局'])
    expect(axis(option.yAxis).max).toBe(100)
    expect(option.dataZoom).toBeUndefined()
  })

  it('lists counts in the tooltip and escapes names from the database', () => {
    const option = ratesOption(
      { by: 'department', rows: [row('9', '<b>x</b>')], labels: ['<b>x</b>'] },
      ctx({ text: en }),
    )
    const html = tooltipFormatter(option)([{ dataIndex: 0 }])
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;')
    expect(html).not.toContain('<b>x</b>')
    expect(html).toContain('54.5% · 6/11')
    expect(html).toContain('75.0% · 3/4')
    expect(escapeHtml(`a&"'`)).toBe('a&amp;&quot;&#39;')
  })

  it('draws volumes as bars per department and lines over time', () => {
    const bars = volumeOption(departments, ctx())
    expect(seriesOf(bars).map((s) => s.type)).toEqual(['bar', 'bar', 'bar'])
    expect(seriesOf(bars).map((s) => s.name)).toEqual(['受理量', '办结量', '超期未办结'])
    expect(seriesOf(bars)[2]?.data).toEqual([3, 3])

    const months: ChartRows = {
      by: 'month',
      rows: [row('2025-03', '2025-03', { received: 9 }), row('2025-04', '2025-04', { received: 5 })],
      labels: ['2025-03', '2025-04'],
    }
    const lines = volumeOption(months, ctx({ theme: 'light' }))
    expect(seriesOf(lines).map((s) => s.type)).toEqual(['line', 'line', 'line'])
    expect(seriesOf(lines)[0]?.data).toEqual([9, 5])
    expect(axis(lines.xAxis).data).toEqual(['2025-03', '2025-04'])
    expect(hoursOption(months, ctx()).series).toHaveLength(2)
  })

  it('draws mean and p90 hours to one decimal, none as a gap', () => {
    const option = hoursOption(
      {
        by: 'area',
        rows: [row('a', 'A'), row('b', 'B', { closed: 0, meanHours: null, p90Hours: null })],
        labels: ['A', 'B'],
      },
      ctx(),
    )
    expect(seriesOf(option).map((s) => s.data)).toEqual([
      [84.3, null],
      [223.2, null],
    ])
  })

  it('zooms when there are many groups', () => {
    const many = Array.from({ length: 40 }, (_, i) => row(String(i), `部门${i}`))
    const option = ratesOption({ by: 'department', rows: many, labels: many.map((r) => r.label) }, ctx())
    expect(option.dataZoom).toHaveLength(2)
    const days = Array.from({ length: 40 }, (_, i) => row(String(i), String(i)))
    expect(
      volumeOption({ by: 'day', rows: days, labels: days.map((r) => r.key) }, ctx()).dataZoom,
    ).toBeUndefined()
  })

  const league: LeagueRow[] = [
    leagueRow('乙局', 2, { meanScore: 4.5, onTimeRate: 0.5 }),
    leagueRow('甲局', 1, { meanScore: null, onTimeRate: 1 }),
    leagueRow('丙局', 3, { meanScore: 4.5, onTimeRate: 0.9 }),
  ]

  it('sorts the league best first and labels the bars with the on-time rate', () => {
    expect(sortLeague(league).map((r) => r.name)).toEqual(['丙局', '乙局', '甲局'])
    const option = leagueOption(league, ctx())
    const y = axis(option.yAxis)
    expect(y.type).toBe('category')
    expect(y.inverse).toBe(true)
    expect(y.data).toEqual(['丙局', '乙局', '甲局'])
    expect(axis(option.xAxis).max).toBe(5)
    const [bars] = seriesOf(option) as (SeriesLike & {
      label: { formatter: (p: { dataIndex: number }) => string }
    })[]
    expect(bars?.data).toEqual([4.5, 4.5, 0])
    expect(bars?.label.formatter({ dataIndex: 0 })).toBe('4.50 · 按时 90.0%')
    expect(bars?.label.formatter({ dataIndex: 2 })).toBe('— · 按时 100.0%')
  })
})

describe('chart font size', () => {
  it('grows with the screen and fits the container', () => {
    // 3840 px wide: the app's rem is about 22 px; a half-width chart.
    expect(chartFontSize(1800, 22)).toBe(20)
    // A narrow container keeps labels from overflowing.
    expect(chartFontSize(400, 22)).toBe(12)
    expect(chartFontSize(200, 14)).toBe(11)
    expect(chartFontSize(900, 14)).toBe(13)
  })
})

function leagueRow(name: string, departmentId: number, over: Partial<LeagueRow>): LeagueRow {
  return {
    departmentId,
    name,
    received: 4,
    reported: 3,
    reportedOnTime: 2,
    openOverdue: 1,
    onTimeRate: 0.5,
    scored: 2,
    meanScore: 4,
    ...over,
  }
}
