/**
 * Pure helpers of the KPI page (docs/kpi.md): periods in China time, number formats, the headline
 * tiles (the chart options are in kpi-charts.ts). No React, no DOM, so they run in the unit tests.
 */

import { addDays, isDay } from '../../lib/time-window.ts'
import type { RouterOutputs } from '../../trpc.ts'
import type { KpiText } from './kpi-words.ts'

export type KpiSummary = RouterOutputs['kpi']['summary']
export type KpiTotal = KpiSummary['total']
export type KpiGroupRow = KpiSummary['rows'][number]
export type LeagueRow = RouterOutputs['kpi']['league'][number]

// ---------- period ----------

export const KPI_GROUPINGS = ['department', 'area', 'month', 'week', 'day'] as const
export type KpiGrouping = (typeof KPI_GROUPINGS)[number]

/** Groupings whose rows are time buckets (drawn as lines over time). */
export function isTimeGrouping(by: KpiGrouping): boolean {
  return by === 'day' || by === 'week' || by === 'month'
}

export const PERIOD_PRESETS = ['last30', 'thisMonth', 'lastMonth', 'thisYear'] as const
export type PeriodPreset = (typeof PERIOD_PRESETS)[number]

/** A period as the page shows it: first and last day (both inclusive), `YYYY-MM-DD` China time. */
export interface KpiPeriod {
  from: string
  last: string
}

const CST_MS = 8 * 3_600_000
/** The longest period the server takes (server/routers/kpi.router.ts MAX_SPAN_YEARS). */
export const MAX_SPAN_YEARS = 3

/** Today's date in China (UTC+8, no daylight saving). */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + CST_MS).toISOString().slice(0, 10)
}

/** A preset period, up to and including today (China time); last month is the whole month. */
export function presetPeriod(preset: PeriodPreset, now: Date): KpiPeriod {
  const today = chinaToday(now)
  const monthStart = `${today.slice(0, 8)}01`
  switch (preset) {
    case 'last30':
      return { from: addDays(today, -29), last: today }
    case 'thisMonth':
      return { from: monthStart, last: today }
    case 'lastMonth': {
      const last = addDays(monthStart, -1)
      return { from: `${last.slice(0, 8)}01`, last }
    }
    case 'thisYear':
      return { from: `${today.slice(0, 4)}-01-01`, last: today }
  }
}

/** Which preset `period` is (on `now`), or null for a period of one's own. */
export function presetOf(period: KpiPeriod, now: Date): PeriodPreset | null {
  for (const preset of PERIOD_PRESETS) {
    const p = presetPeriod(preset, now)
    if (p.from === period.from && p.last === period.last) return preset
  }
  return null
}

export type PeriodProblem = 'invalid' | 'order' | 'span'

const chinaMidnight = (day: string) => new Date(`${day}T00:00:00+08:00`)

/** Why the server would refuse `period`, or null: it checks the same (docs/kpi.md). */
export function periodProblem(period: KpiPeriod): PeriodProblem | null {
  if (!isDay(period.from) || !isDay(period.last)) return 'invalid'
  if (period.last < period.from) return 'order'
  // As the router: `to` (the day after the last, exclusive) ≤ from + 3 years, on the UTC instant.
  const limit = chinaMidnight(period.from)
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_SPAN_YEARS)
  if (chinaMidnight(addDays(period.last, 1)).getTime() > limit.getTime()) return 'span'
  return null
}

/** The API's half-open period: dates, which the router reads as midnight China time. */
export function periodInput(period: KpiPeriod): { from: string; to: string } {
  return { from: period.from, to: addDays(period.last, 1) }
}

// ---------- numbers ----------

const formats = new Map<string, Intl.NumberFormat>()
export function format(lang: string, kind: 'percent' | 'count' | 'one' | 'two'): Intl.NumberFormat {
  const key = `${lang}|${kind}`
  let f = formats.get(key)
  if (!f) {
    const digits = kind === 'count' ? 0 : kind === 'two' ? 2 : 1
    f = new Intl.NumberFormat(lang, {
      ...(kind === 'percent' ? { style: 'percent' as const } : {}),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    })
    formats.set(key, f)
  }
  return f
}

/** The dash shown for a rate without a denominator or a time without closed events. */
export const NONE = '—'

/** 0.9684 → "96.8%"; null (no denominator) → "—". */
export function formatRate(rate: number | null | undefined, lang: string): string {
  return rate === null || rate === undefined || !Number.isFinite(rate)
    ? NONE
    : format(lang, 'percent').format(rate)
}

/** 1234 → "1,234". */
export function formatCount(n: number, lang: string): string {
  return format(lang, 'count').format(n)
}

/** Hours with one decimal: 84.25 → "84.3"; null → "—". */
export function formatHours(hours: number | null | undefined, lang: string): string {
  return hours === null || hours === undefined || !Number.isFinite(hours)
    ? NONE
    : format(lang, 'one').format(hours)
}

/** A mean score (1–5) with two decimals; null → "—". */
export function formatScore(score: number | null | undefined, lang: string): string {
  return score === null || score === undefined || !Number.isFinite(score)
    ? NONE
    : format(lang, 'two').format(score)
}

/** "1,234/1,275". */
export function formatRatio(numerator: number, denominator: number, lang: string): string {
  return `${formatCount(numerator, lang)}/${formatCount(denominator, lang)}`
}

/** A rate as a percentage for a chart axis, to one decimal; null stays null (a gap, not 0 %). */
export function percent(rate: number | null): number | null {
  return rate === null || !Number.isFinite(rate) ? null : Math.round(rate * 1000) / 10
}

export function oneDecimal(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value * 10) / 10
}

// ---------- headline tiles ----------

export const HEADLINES = [
  'satisfaction',
  'on-time',
  'mean-hours',
  'p90-hours',
  'first-contact',
  'repeat',
] as const
export type HeadlineName = (typeof HEADLINES)[number]

export interface Headline {
  /** data-testid `kpi-total-<name>`. */
  name: HeadlineName
  label: string
  /** "96.8%", "12.3 小时" or "—". */
  value: string
  /** The counts behind the value: "1,234/1,275", "8 件办结". */
  counts: string
  /** What the counts are: "按时办结 / (办结 + 超期未办结)". */
  caption: string
  /** The raw value (a rate 0–1 or hours), for data attributes; null when there is none. */
  raw: number | null
}

/** The six headline tiles of the period's total. */
export function headlines(total: KpiTotal, text: KpiText): Headline[] {
  const { lang, w } = text
  const hours = (h: number | null) => (h === null ? NONE : w('hours', { value: formatHours(h, lang) }))
  const closedCaption = w('total.hours.caption', { closed: formatCount(total.closed, lang) })
  return [
    {
      name: 'satisfaction',
      label: w('total.satisfaction'),
      value: formatRate(total.satisfactionRate, lang),
      counts: formatRatio(total.satisfied + total.basicallySatisfied, total.rated, lang),
      caption: w('total.satisfaction.caption'),
      raw: total.satisfactionRate,
    },
    {
      name: 'on-time',
      label: w('total.onTime'),
      value: formatRate(total.onTimeRate, lang),
      counts: formatRatio(total.closedOnTime, total.closed + total.openOverdue, lang),
      caption: w('total.onTime.caption'),
      raw: total.onTimeRate,
    },
    {
      name: 'mean-hours',
      label: w('total.meanHours'),
      value: hours(total.meanHours),
      counts: closedCaption,
      caption: '',
      raw: total.meanHours,
    },
    {
      name: 'p90-hours',
      label: w('total.p90Hours'),
      value: hours(total.p90Hours),
      counts: closedCaption,
      caption: '',
      raw: total.p90Hours,
    },
    {
      name: 'first-contact',
      label: w('total.firstContact'),
      value: formatRate(total.firstContactRate, lang),
      counts: formatRatio(total.closedDirect, total.closed, lang),
      caption: w('total.firstContact.caption'),
      raw: total.firstContactRate,
    },
    {
      name: 'repeat',
      label: w('total.repeat'),
      value: formatRate(total.repeatRate, lang),
      counts: formatRatio(total.duplicates, total.received, lang),
      caption: w('total.repeat.caption'),
      raw: total.repeatRate,
    },
  ]
}
