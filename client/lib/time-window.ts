/**
 * Days for the events' time slider: `YYYY-MM-DD` strings in China Standard Time (UTC+8, no daylight
 * saving), ranges with an exclusive end, as the tiles' `from`/`to` parameters take them.
 */

export interface DayRange {
  /** First day, inclusive. */
  from: string
  /** Day after the last, exclusive. */
  to: string
}

const DAY_MS = 86_400_000
const CST_MS = 8 * 3_600_000
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

export function isDay(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const m = DAY.exec(value)
  if (!m) return false
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return date.toISOString().slice(0, 10) === value
}

/** Days since 1970-01-01 of a day string. */
function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS)
}

function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10)
}

export function addDays(day: string, days: number): string {
  return dayString(dayNumber(day) + days)
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from)
}

/** The day (in China) of an instant: an ISO date-time, or a day string as is. */
export function chinaDay(iso: string): string | null {
  if (isDay(iso)) return iso
  const ms = Date.parse(iso)
  if (!Number.isFinite(ms)) return null
  return new Date(ms + CST_MS).toISOString().slice(0, 10)
}

/** The slider's extent: from the first event's day to the day after the last one's. */
export function dayExtent(
  extent: { from: string | null; to: string | null } | null | undefined,
): DayRange | null {
  if (!extent?.from || !extent.to) return null
  const from = chinaDay(extent.from)
  const last = chinaDay(extent.to)
  if (!from || !last || last < from) return null
  return { from, to: addDays(last, 1) }
}

/** A window of `days` starting at `start`, kept inside the extent (shorter only if the extent is). */
export function windowAt(extent: DayRange, start: string, days: number): DayRange {
  const total = daysBetween(extent.from, extent.to)
  const length = Math.max(1, Math.min(days, total))
  const offset = Math.max(0, Math.min(daysBetween(extent.from, start), total - length))
  const from = addDays(extent.from, offset)
  return { from, to: addDays(from, length) }
}

/**
 * The next frame of playback: the window moved on by `step` days; after the end of the extent it
 * starts again at the beginning (a loop).
 */
export function nextWindow(extent: DayRange, current: DayRange | null, days: number, step = 1): DayRange {
  if (!current) return windowAt(extent, extent.from, days)
  const length = Math.max(
    1,
    Math.min(daysBetween(current.from, current.to), daysBetween(extent.from, extent.to)),
  )
  const from = addDays(current.from, step)
  if (addDays(from, length) > extent.to) return windowAt(extent, extent.from, length)
  return windowAt(extent, from, length)
}
