/**
 * Working-day calendar and time-limit clock (办理时限) for citizen requests.
 *
 * Chinese government practice counts time limits in working time: statutory holidays (法定节假日)
 * are off even on weekdays, and some weekend days become make-up working days (调休上班).
 * This module is pure and dependency-free:
 * - all day arithmetic uses China Standard Time (CST), a fixed UTC+8 with no DST;
 * - days are 'YYYY-MM-DD' strings in CST, instants are `Date`s;
 * - working time is counted in milliseconds inside the daily working periods (上班时段).
 */

/** A day whose status differs from the normal week (Mon–Fri working, Sat/Sun off). */
export interface CalendarDay {
  /** 'YYYY-MM-DD' in CST. */
  day: string
  /** 'holiday': a weekday that is off (放假); 'workday': a weekend day that is worked (调休上班). */
  kind: 'holiday' | 'workday'
  /** The festival the day belongs to, e.g. '春节'. */
  name: string
}

/** The daily working periods, as 'HH:MM' CST wall-clock times, each [start, end). */
export interface WorkingHours {
  periods: readonly (readonly [string, string])[]
}

/** 09:00–12:00 and 13:30–17:30: seven working hours a day. */
export const DEFAULT_WORKING_HOURS: WorkingHours = {
  periods: [
    ['09:00', '12:00'],
    ['13:30', '17:30'],
  ],
}

/** How a time limit is expressed: 工作小时 or 工作日 (one working day = the day's full working hours). */
export type LimitUnit = 'working_hours' | 'working_days'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS
/** CST is UTC+8 all year round. */
const CST_OFFSET_MS = 8 * HOUR_MS

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME_RE = /^(\d{2}):(\d{2})$/

/** Days since 1970-01-01 (CST) of a valid 'YYYY-MM-DD', or null when the string is not a real date. */
function parseDay(day: string): number | null {
  const m = DAY_RE.exec(day)
  if (!m) return null
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  const ms = Date.UTC(y, mo - 1, d)
  const back = new Date(ms)
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null
  return ms / DAY_MS
}

function dayIndexOrThrow(day: string): number {
  const index = parseDay(day)
  if (index === null) throw new Error(`Invalid day '${day}': expected a real date as 'YYYY-MM-DD'`)
  return index
}

/** Minutes since midnight of 'HH:MM' (00:00–24:00), or null when malformed. */
function parseTime(time: string): number | null {
  const m = TIME_RE.exec(time)
  if (!m) return null
  const h = Number(m[1])
  const min = Number(m[2])
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null
  return h * 60 + min
}

/** Index of the CST day containing the instant `ms`. */
function dayIndexOf(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS)
}

/** The instant (epoch ms) of CST midnight starting day `index`. */
function dayStartMs(index: number): number {
  return index * DAY_MS - CST_OFFSET_MS
}

/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
function weekdayOf(index: number): number {
  return (((index + 4) % 7) + 7) % 7
}

function isWeekend(index: number): boolean {
  const w = weekdayOf(index)
  return w === 0 || w === 6
}

function dayString(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10)
}

/** The CST day ('YYYY-MM-DD') containing an instant. */
export function toCstDay(instant: Date): string {
  return dayString(dayIndexOf(msOf(instant, 'instant')))
}

/** The instant of CST wall-clock `time` ('HH:MM', default midnight) on `day` ('YYYY-MM-DD'). */
export function atCst(day: string, time = '00:00'): Date {
  const minutes = parseTime(time)
  if (minutes === null) throw new Error(`Invalid time '${time}': expected 'HH:MM'`)
  return new Date(dayStartMs(dayIndexOrThrow(day)) + minutes * MINUTE_MS)
}

function msOf(instant: Date, what: string): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN
  if (!Number.isFinite(ms)) throw new Error(`Invalid ${what}: not a valid Date`)
  return ms
}

function checkAmount(amount: number, what = 'amount'): void {
  if (!Number.isFinite(amount) || amount < 0) {
    throw new Error(`Invalid ${what} ${amount}: expected a finite number ≥ 0`)
  }
}

/** Number of Mon–Fri days in the day-index range [a, b). */
function weekdaysInRange(a: number, b: number): number {
  if (b <= a) return 0
  const span = b - a
  let count = Math.floor(span / 7) * 5
  for (let i = a + span - (span % 7); i < b; i++) if (!isWeekend(i)) count++
  return count
}

/** Period offsets from CST midnight, in ms, [start, end). */
interface Period {
  start: number
  end: number
}

/**
 * A working-day calendar: the normal week plus the listed deviations, with daily working periods.
 *
 * Entries that do not change anything (a 'holiday' on a Saturday or Sunday, e.g. the weekend inside
 * 春节, or a 'workday' on a weekday) are accepted and harmless; the shipped data lists only the
 * deviations. Days outside the listed years simply follow the week — check `covers(day)` when a
 * limit runs into a year whose arrangement is not loaded yet.
 */
export class WorkCalendar {
  readonly #entries = new Map<number, CalendarDay>()
  /** Day indices of real deviations, sorted, with +1 (extra working day) or −1 (weekday off). */
  readonly #devDays: number[] = []
  /** #devPrefix[i] = sum of the first i deviation deltas. */
  readonly #devPrefix: number[] = [0]
  readonly #periods: readonly Period[]
  readonly #years: readonly number[]
  /** Working ms in one working day. */
  readonly dailyWorkingMs: number

  constructor(days: readonly CalendarDay[], hours: WorkingHours = DEFAULT_WORKING_HOURS) {
    this.#periods = validateHours(hours)
    this.dailyWorkingMs = this.#periods.reduce((sum, p) => sum + p.end - p.start, 0)

    const years = new Set<number>()
    const deviations: { index: number; delta: number }[] = []
    days.forEach((entry, i) => {
      const label = `calendar entry #${i} (${JSON.stringify(entry)})`
      if (typeof entry !== 'object' || entry === null) throw new Error(`Invalid ${label}: not an object`)
      const index = typeof entry.day === 'string' ? parseDay(entry.day) : null
      if (index === null) throw new Error(`Invalid ${label}: day must be a real date as 'YYYY-MM-DD'`)
      if (entry.kind !== 'holiday' && entry.kind !== 'workday') {
        throw new Error(`Invalid ${label}: kind must be 'holiday' or 'workday'`)
      }
      if (typeof entry.name !== 'string' || entry.name.trim() === '') {
        throw new Error(`Invalid ${label}: name must be a non-empty string`)
      }
      if (this.#entries.has(index)) throw new Error(`Duplicate ${label}: day ${entry.day} is listed twice`)
      this.#entries.set(index, { day: entry.day, kind: entry.kind, name: entry.name })
      years.add(Number(entry.day.slice(0, 4)))
      const weekend = isWeekend(index)
      if (entry.kind === 'holiday' && !weekend) deviations.push({ index, delta: -1 })
      if (entry.kind === 'workday' && weekend) deviations.push({ index, delta: 1 })
    })
    deviations.sort((x, y) => x.index - y.index)
    for (const d of deviations) {
      this.#devDays.push(d.index)
      this.#devPrefix.push((this.#devPrefix[this.#devPrefix.length - 1] ?? 0) + d.delta)
    }
    this.#years = [...years].sort((x, y) => x - y)
  }

  /** The years ('YYYY') that have at least one entry, ascending. */
  years(): number[] {
    return [...this.#years]
  }

  /** Whether the year of `day` has entries, i.e. its holiday arrangement is loaded. */
  covers(day: string): boolean {
    dayIndexOrThrow(day)
    return this.#years.includes(Number(day.slice(0, 4)))
  }

  /** The entry listed for `day`, if any (including harmless redundant entries). */
  entry(day: string): CalendarDay | undefined {
    return this.#entries.get(dayIndexOrThrow(day))
  }

  /** Whether `day` ('YYYY-MM-DD', CST) is a working day. */
  isWorkingDay(day: string): boolean {
    return this.#isWorkingIndex(dayIndexOrThrow(day))
  }

  #isWorkingIndex(index: number): boolean {
    const entry = this.#entries.get(index)
    if (entry) return entry.kind === 'workday'
    return !isWeekend(index)
  }

  /** Number of deviation days with index < `index` (binary search). */
  #devBefore(index: number): number {
    let lo = 0
    let hi = this.#devDays.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.#devDays[mid] ?? 0) < index) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Number of working days in the day-index range [a, b), in O(log n). */
  #workingDaysInRange(a: number, b: number): number {
    if (b <= a) return 0
    const shift = (this.#devPrefix[this.#devBefore(b)] ?? 0) - (this.#devPrefix[this.#devBefore(a)] ?? 0)
    return weekdaysInRange(a, b) + shift
  }

  /** Working ms of day `index` before the instant `ms` (which lies on that day). */
  #workedBefore(index: number, ms: number): number {
    if (!this.#isWorkingIndex(index)) return 0
    const offset = ms - dayStartMs(index)
    let sum = 0
    for (const p of this.#periods) sum += Math.min(Math.max(offset - p.start, 0), p.end - p.start)
    return sum
  }

  /** Working time (ms) inside [from, to); 0 when `to` ≤ `from`. Whole days are counted arithmetically. */
  workingMsBetween(from: Date, to: Date): number {
    const a = msOf(from, 'from')
    const b = msOf(to, 'to')
    if (b <= a) return 0
    const da = dayIndexOf(a)
    const db = dayIndexOf(b)
    return (
      this.#workingDaysInRange(da, db) * this.dailyWorkingMs -
      this.#workedBefore(da, a) +
      this.#workedBefore(db, b)
    )
  }

  /** A limit expressed in `unit`, as working ms (rounded to the millisecond). */
  limitMs(amount: number, unit: LimitUnit): number {
    checkAmount(amount)
    if (unit === 'working_hours') return Math.round(amount * HOUR_MS)
    if (unit === 'working_days') return Math.round(amount * this.dailyWorkingMs)
    throw new Error(`Invalid unit '${String(unit)}': expected 'working_hours' or 'working_days'`)
  }

  /**
   * The earliest instant at which `amount` of working time has elapsed since `start`.
   *
   * Time outside the working periods does not count, so a start at night, at lunch (午休) or on a
   * day off counts from the next period's start. A limit that ends exactly at the end of a period
   * ends there (1 working day from Tue 09:00 is Tue 17:30, not Wed 09:00); 2 working days from
   * Tue 10:00 is Thu 10:00. An amount of 0 returns `start`. Steps day by day, whole days at once.
   */
  addWorking(start: Date, amount: number, unit: LimitUnit): Date {
    return this.addWorkingMs(start, this.limitMs(amount, unit))
  }

  /** `addWorking` with the amount given directly in working ms. */
  addWorkingMs(start: Date, amountMs: number): Date {
    const startMs = msOf(start, 'start')
    checkAmount(amountMs, 'working ms')
    let remaining = amountMs
    if (remaining <= 0) return new Date(startMs)
    let index = dayIndexOf(startMs)
    let from = startMs
    // Terminates: the periods are non-empty and all but finitely many weekdays are working days.
    for (;;) {
      if (this.#isWorkingIndex(index)) {
        const base = dayStartMs(index)
        if (from === base && remaining > this.dailyWorkingMs) {
          remaining -= this.dailyWorkingMs
        } else {
          for (const p of this.#periods) {
            const pEnd = base + p.end
            if (pEnd <= from) continue
            const pFrom = Math.max(base + p.start, from)
            const available = pEnd - pFrom
            if (remaining <= available) return new Date(pFrom + remaining)
            remaining -= available
          }
        }
      }
      index++
      from = dayStartMs(index)
    }
  }
}

function validateHours(hours: WorkingHours): Period[] {
  if (!hours || !Array.isArray(hours.periods) || hours.periods.length === 0) {
    throw new Error('Invalid working hours: at least one period is required')
  }
  const periods: Period[] = []
  hours.periods.forEach((pair, i) => {
    const label = `working period #${i} (${JSON.stringify(pair)})`
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new Error(`Invalid ${label}: expected ['HH:MM', 'HH:MM']`)
    const [a, b] = pair
    const start = typeof a === 'string' ? parseTime(a) : null
    const end = typeof b === 'string' ? parseTime(b) : null
    if (start === null || end === null)
      throw new Error(`Invalid ${label}: times must be 'HH:MM' (00:00–24:00)`)
    if (start >= end) throw new Error(`Invalid ${label}: start must be before end`)
    const prev = periods[periods.length - 1]
    if (prev && start * MINUTE_MS < prev.end) {
      throw new Error(`Invalid ${label}: periods must be sorted and must not overlap`)
    }
    periods.push({ start: start * MINUTE_MS, end: end * MINUTE_MS })
  })
  return periods
}

/**
 * A pause of the clock (暂停计时): the event parked (挂账), returned (退单), or awaiting approval of
 * an extension (延期审批). `to` null = still paused.
 */
export interface Pause {
  from: Date
  to: Date | null
}

/** An approved extension (延期) of the time limit. */
export interface Extension {
  amount: number
  unit: LimitUnit
}

export interface ClockArgs {
  /** When the clock started (e.g. 受理/派单 time). */
  start: Date
  /** The time limit (办理时限). Must be > 0. */
  amount: number
  unit: LimitUnit
  pauses: readonly Pause[]
  now: Date
  /** Share of the limit from which the state is 'warning' (预警); default 0.8, in (0, 1]. */
  warnShare?: number
  /** Approved extensions; they add to the limit. */
  extensions?: readonly Extension[]
}

export interface ClockState {
  /** Working ms used: working time from start to now minus working time inside pauses. */
  usedMs: number
  /** The limit plus approved extensions, in working ms. */
  limitMs: number
  /** usedMs / limitMs (may exceed 1). */
  share: number
  /**
   * The instant the limit is (or, when overdue, was) reached given the pauses so far;
   * null while paused, since the deadline is then unknown.
   */
  dueAt: Date | null
  /** 'paused' wins over the other states; see `overdue` for a paused clock that is already late. */
  state: 'running' | 'warning' | 'overdue' | 'paused'
  /** usedMs > limitMs (超时), also while paused. */
  overdue: boolean
  /** Working ms (not wall-clock) inside the merged, clipped pauses. */
  pausedMs: number
}

/**
 * The state of a time-limit clock at `now`.
 *
 * Pauses are clipped to [start, now] and merged (they may overlap); a pause starting after `now`
 * is ignored. The clock is paused when a pause covers `now` (open, or closing after `now`).
 * State: 'paused' while paused; else 'overdue' when usedMs > limitMs; else 'warning' when
 * share ≥ warnShare; else 'running'. Using exactly the limit is not yet overdue.
 */
export function clockState(cal: WorkCalendar, args: ClockArgs): ClockState {
  const startMs = msOf(args.start, 'start')
  const nowMs = msOf(args.now, 'now')
  const warnShare = args.warnShare ?? 0.8
  if (!Number.isFinite(warnShare) || warnShare <= 0 || warnShare > 1) {
    throw new Error(`Invalid warnShare ${warnShare}: expected a number in (0, 1]`)
  }
  if (!(args.amount > 0)) throw new Error(`Invalid amount ${args.amount}: the time limit must be > 0`)
  let limit = cal.limitMs(args.amount, args.unit)
  for (const [i, ext] of (args.extensions ?? []).entries()) {
    checkAmount(ext.amount, `extension #${i} amount`)
    limit += cal.limitMs(ext.amount, ext.unit)
  }

  // Clip to [start, now], drop empty ones, merge overlaps.
  let paused = false
  const clipped: [number, number][] = []
  for (const [i, pause] of args.pauses.entries()) {
    const from = msOf(pause.from, `pause #${i} from`)
    const to = pause.to === null ? null : msOf(pause.to, `pause #${i} to`)
    if (to !== null && to < from) throw new Error(`Invalid pause #${i}: 'to' is before 'from'`)
    if (from <= nowMs && (to === null || to > nowMs)) paused = true
    const a = Math.max(from, startMs)
    const b = Math.min(to ?? nowMs, nowMs)
    if (b > a) clipped.push([a, b])
  }
  clipped.sort((x, y) => x[0] - y[0])
  const merged: [number, number][] = []
  for (const [a, b] of clipped) {
    const last = merged[merged.length - 1]
    if (last && a <= last[1]) last[1] = Math.max(last[1], b)
    else merged.push([a, b])
  }

  const span = (a: number, b: number) => cal.workingMsBetween(new Date(a), new Date(b))
  const pausedMs = merged.reduce((sum, [a, b]) => sum + span(a, b), 0)
  const usedMs = Math.max(span(startMs, nowMs) - pausedMs, 0)
  const share = usedMs / limit
  const overdue = usedMs > limit

  let dueAt: Date | null = null
  if (!paused) {
    // Walk the running segments between pauses until the limit is used up.
    let remaining = limit
    let cursor = startMs
    for (const [a, b] of merged) {
      const worked = span(cursor, a)
      if (remaining <= worked) break
      remaining -= worked
      cursor = Math.max(cursor, b)
    }
    dueAt = cal.addWorkingMs(new Date(cursor), remaining)
  }

  const state = paused ? 'paused' : overdue ? 'overdue' : share >= warnShare ? 'warning' : 'running'
  return { usedMs, limitMs: limit, share, dueAt, state, overdue, pausedMs }
}
