/**
 * Allowlist parsers for tile filters (docs/layers.md "Filters"): each query parameter is parsed
 * into a typed value or refused with a FilterError (→ 400 bad_filter). Nothing a client sends
 * reaches SQL except as one of these values, and then only as a parameter.
 */
export class FilterError extends Error {}

export type Query = Readonly<Record<string, unknown>>

/** Refuse parameters the layer does not know. */
export function onlyKnown(q: Query, known: readonly string[]) {
  for (const k of Object.keys(q)) {
    if (!known.includes(k)) {
      const list = known.length ? known.join(', ') : '—'
      throw new FilterError(
        `未知的筛选参数 "${short(k)}" / unknown filter "${short(k)}" (this layer takes: ${list})`,
      )
    }
  }
}

/** One value of a parameter: undefined when absent or empty; refused when repeated. */
export function single(q: Query, name: string): string | undefined {
  const v = q[name]
  if (v === undefined || v === '') return undefined
  if (typeof v !== 'string')
    throw new FilterError(`${name} 只能出现一次 / ${name} must be given once, as text`)
  return v
}

/** A comma list of allowed values, deduplicated and in the allowlist's order. */
export function enumList<T extends string>(q: Query, name: string, allowed: readonly T[]): T[] | undefined {
  const v = single(q, name)
  if (v === undefined) return undefined
  const parts = v.split(',')
  for (const p of parts) {
    if (!(allowed as readonly string[]).includes(p))
      throw new FilterError(
        `${name} 的取值无效 "${short(p)}" / ${name}: "${short(p)}" is not one of ${allowed.join(', ')}`,
      )
  }
  return allowed.filter((a) => parts.includes(a))
}

/** One allowed value. */
export function enumOne<T extends string>(q: Query, name: string, allowed: readonly T[]): T | undefined {
  const v = single(q, name)
  if (v === undefined) return undefined
  if (!(allowed as readonly string[]).includes(v))
    throw new FilterError(
      `${name} 的取值无效 "${short(v)}" / ${name}: "${short(v)}" is not one of ${allowed.join(', ')}`,
    )
  return v as T
}

/** A comma list of codes of a given shape (at most `max`), deduplicated and sorted. */
export function codeList(q: Query, name: string, shape: RegExp, max = 50): string[] | undefined {
  const v = single(q, name)
  if (v === undefined) return undefined
  const parts = v.split(',')
  if (parts.length > max) throw new FilterError(`${name}: 最多 ${max} 项 / at most ${max} values`)
  for (const p of parts)
    if (!shape.test(p))
      throw new FilterError(`${name} 的取值无效 "${short(p)}" / ${name}: "${short(p)}" is not a code`)
  return [...new Set(parts)].sort()
}

/** `1` (or `0`) → a flag. */
export function flag(q: Query, name: string): boolean | undefined {
  const v = single(q, name)
  if (v === undefined) return undefined
  if (v !== '1' && v !== '0') throw new FilterError(`${name} 须为 1 或 0 / ${name} must be 1 or 0`)
  return v === '1'
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * An ISO 8601 date (`2026-11-01`, midnight in China Standard Time, UTC+8: the city's day) or a
 * date-time with an offset (`2026-11-01T08:00:00+08:00`, `…Z`) → the instant as an ISO string.
 */
export function instant(q: Query, name: string): string | undefined {
  const v = single(q, name)
  if (v === undefined) return undefined
  const m = DATE.exec(v) ?? DATE_TIME.exec(v)
  const text = DATE.test(v) ? `${v}T00:00:00+08:00` : v
  const t = m ? Date.parse(text) : Number.NaN
  // Date.parse rolls 2026-02-30 over to March: check the calendar date survived.
  const [, y, mo, d] = m ?? []
  const calendar = m ? new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))) : null
  if (
    !m ||
    !Number.isFinite(t) ||
    calendar?.getUTCMonth() !== Number(mo) - 1 ||
    calendar?.getUTCDate() !== Number(d) ||
    Number(y) < 1900 ||
    Number(y) > 2999
  )
    throw new FilterError(
      `${name} 须为 ISO 8601 日期或带时区的时间 / ${name} must be an ISO 8601 date (2026-11-01) or date-time with offset (2026-11-01T08:00:00+08:00)`,
    )
  return new Date(t).toISOString()
}

/** For messages: a hostile value shortened and without control characters. */
function short(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?')
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean
}
