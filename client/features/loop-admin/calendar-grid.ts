/**
 * The working-day calendar of one year (工作日历) as the editor shows it: the exception days
 * (statutory holidays on weekdays, make-up working days 调休 on weekends), a month grid of the
 * year with Monday first, and the checks made before saving. Dates are 'YYYY-MM-DD' strings and
 * all arithmetic is in UTC, so the browser's time zone never moves a day.
 */

export type DayKind = 'holiday' | 'workday'

export interface ExceptionDay {
  day: string
  kind: DayKind
  name: string
}

/** How one day of the grid stands. */
export type DayState =
  | 'work' // a weekday, worked
  | 'weekend' // Saturday or Sunday, off
  | 'holiday' // an exception: off on a weekday
  | 'makeup' // an exception: worked on a weekend (调休)
  | 'noop' // an exception that changes nothing (a holiday on a weekend, a workday on a weekday)

/** The most exception days a year may have (events.calendar.setYear). */
export const MAX_DAYS = 120
export const NAME_MAX = 40

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/

/** The UTC date of an ISO day, or null when it is not a real date. */
export function parseDay(day: string): Date | null {
  const m = ISO.exec(day)
  if (!m) return null
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return date.toISOString().slice(0, 10) === day ? date : null
}

export const isoDay = (year: number, month: number, day: number) =>
  new Date(Date.UTC(year, month, day)).toISOString().slice(0, 10)

/** 0 Monday … 6 Sunday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6

export function weekday(day: string): Weekday {
  const date = parseDay(day)
  if (!date) throw new Error(`not a date: ${day}`)
  return ((date.getUTCDay() + 6) % 7) as Weekday
}

export const isWeekend = (day: string) => weekday(day) >= 5

/** Whether an exception day changes nothing: a holiday that is a weekend anyway, a workday that is a weekday. */
export const isNoOp = (d: Pick<ExceptionDay, 'day' | 'kind'>) =>
  parseDay(d.day) !== null && (d.kind === 'holiday') === isWeekend(d.day)

export function dayState(day: string, exception: ExceptionDay | undefined): DayState {
  const weekend = isWeekend(day)
  if (!exception) return weekend ? 'weekend' : 'work'
  if (isNoOp(exception)) return 'noop'
  return exception.kind === 'holiday' ? 'holiday' : 'makeup'
}

/** Whether a day in this state is worked. */
export const isWorked = (s: DayState, day: string) =>
  s === 'work' || s === 'makeup' || (s === 'noop' && !isWeekend(day))

/**
 * One month as weeks of seven cells, Monday first; cells outside the month are null.
 * `month` is 0–11.
 */
export function monthWeeks(year: number, month: number): (string | null)[][] {
  const first = isoDay(year, month, 1)
  const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const cells: (string | null)[] = Array.from({ length: weekday(first) }, () => null)
  for (let d = 1; d <= days; d++) cells.push(isoDay(year, month, d))
  while (cells.length % 7) cells.push(null)
  const weeks: (string | null)[][] = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return weeks
}

/** Working and days off of the year with these exceptions. */
export function yearCounts(year: number, days: readonly ExceptionDay[]): { worked: number; off: number } {
  const byDay = new Map(days.map((d) => [d.day, d]))
  let worked = 0
  let off = 0
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10)
    if (isWorked(dayState(day, byDay.get(day)), day)) worked++
    else off++
  }
  return { worked, off }
}

/** What stops a year from being saved, by index in the list. */
export type DayProblem =
  | { index: number; code: 'badDate' }
  | { index: number; code: 'otherYear' }
  | { index: number; code: 'repeat'; first: number }
  | { index: number; code: 'noName' }
  | { index: number; code: 'nameTooLong' }

export function checkDays(year: number, days: readonly ExceptionDay[]): DayProblem[] {
  const out: DayProblem[] = []
  const seen = new Map<string, number>()
  days.forEach((d, index) => {
    if (!parseDay(d.day)) out.push({ index, code: 'badDate' })
    else if (!d.day.startsWith(`${year}-`)) out.push({ index, code: 'otherYear' })
    else {
      const first = seen.get(d.day)
      if (first !== undefined) out.push({ index, code: 'repeat', first })
      else seen.set(d.day, index)
    }
    if (!d.name.trim()) out.push({ index, code: 'noName' })
    else if (d.name.trim().length > NAME_MAX) out.push({ index, code: 'nameTooLong' })
  })
  return out
}

/** The days in date order, names trimmed: what `events.calendar.setYear` is sent. */
export const sortedDays = (days: readonly ExceptionDay[]): ExceptionDay[] =>
  days.map((d) => ({ ...d, name: d.name.trim() })).sort((a, b) => a.day.localeCompare(b.day))

/**
 * A click on a day of the grid: an exception there is removed; otherwise one is added that
 * turns the day around (a weekday becomes a holiday, a weekend day a make-up working day).
 */
export function toggleDay(days: readonly ExceptionDay[], day: string, name = ''): ExceptionDay[] {
  if (days.some((d) => d.day === day)) return days.filter((d) => d.day !== day)
  return [...days, { day, kind: isWeekend(day) ? ('workday' as const) : ('holiday' as const), name }].sort(
    (a, b) => a.day.localeCompare(b.day),
  )
}
