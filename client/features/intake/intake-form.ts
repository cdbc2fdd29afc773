/**
 * The intake form's pure rules (受理 / 网格员上报): what the fields hold, what must be right before
 * sending, and the body of events.intake they become. Mirrors server/loop/intake.ts's checks so
 * the person learns of a mistake before the round trip; the server checks again.
 */

/** The sources a person enters by hand (the others arrive through their gateways). */
export const MANUAL_SOURCES = ['hotline', 'web', 'police_110', 'dispute', 'grid_patrol'] as const
export type ManualSource = (typeof MANUAL_SOURCES)[number]

export const PRIORITIES = [1, 2, 3, 4] as const

export interface IntakeForm {
  source: ManualSource
  /** The category's id as the picker holds it ('' for none: left for the dispatcher). */
  categoryId: string
  title: string
  body: string
  address: string
  lon: string
  lat: string
  priority: string
  reporterName: string
  reporterPhone: string
}

export function emptyIntakeForm(source: ManualSource): IntakeForm {
  return {
    source,
    categoryId: '',
    title: '',
    body: '',
    address: '',
    lon: '',
    lat: '',
    priority: '3',
    reporterName: '',
    reporterPhone: '',
  }
}

/** The body of events.intake (the server's intakeInput). */
export interface IntakeBody {
  source: ManualSource
  idempotencyKey: string
  categoryId: number | null
  title: string
  body: string
  address: string | null
  lon: number
  lat: number
  priority: number
  reporterName: string | null
  reporterPhone: string | null
}

export type IntakeProblem = 'title' | 'location' | 'lon' | 'lat' | 'phone' | 'priority'

/** Mainland mobile (optionally +86) or a landline with its area code, as the server accepts. */
const PHONE = /^(\+?86)?1\d{10}$|^0\d{2,3}-?\d{7,8}$/

/** The bounds the server accepts for a location (China). */
export const LON_RANGE = [73, 136] as const
export const LAT_RANGE = [3, 54] as const

export function parseCoordinate(text: string): number | null {
  const s = text.trim()
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null
  const n = Number(s)
  return Number.isFinite(n) ? n : null
}

/** A coordinate written as the form shows it: 6 decimals (about 10 cm). */
export function formatCoordinate(value: number): string {
  return value.toFixed(6)
}

/** The problems of the form, each once, in the order of the fields. */
export function intakeProblems(form: IntakeForm): IntakeProblem[] {
  const out: IntakeProblem[] = []
  if (form.title.trim().length < 2) out.push('title')
  const lon = parseCoordinate(form.lon)
  const lat = parseCoordinate(form.lat)
  if (form.lon.trim() === '' && form.lat.trim() === '') out.push('location')
  else {
    if (lon === null || lon < LON_RANGE[0] || lon > LON_RANGE[1]) out.push('lon')
    if (lat === null || lat < LAT_RANGE[0] || lat > LAT_RANGE[1]) out.push('lat')
  }
  const phone = form.reporterPhone.trim()
  if (phone && !PHONE.test(phone.replace(/\s+/g, ''))) out.push('phone')
  const priority = Number(form.priority)
  if (!(PRIORITIES as readonly number[]).includes(priority)) out.push('priority')
  return out
}

/** The body to send, or the problems still there. `withReporter`: the form shows the reporter's fields. */
export function buildIntake(
  form: IntakeForm,
  idempotencyKey: string,
  withReporter: boolean,
): { ok: true; body: IntakeBody } | { ok: false; problems: IntakeProblem[] } {
  const problems = intakeProblems(withReporter ? form : { ...form, reporterPhone: '' })
  if (problems.length) return { ok: false, problems }
  const categoryId = Number(form.categoryId)
  const text = (s: string) => (s.trim() === '' ? null : s.trim())
  return {
    ok: true,
    body: {
      source: form.source,
      idempotencyKey,
      categoryId:
        form.categoryId !== '' && Number.isInteger(categoryId) && categoryId > 0 ? categoryId : null,
      title: form.title.trim(),
      body: form.body.trim(),
      address: text(form.address),
      lon: parseCoordinate(form.lon) as number,
      lat: parseCoordinate(form.lat) as number,
      priority: Number(form.priority),
      reporterName: withReporter ? text(form.reporterName) : null,
      reporterPhone: withReporter ? (text(form.reporterPhone)?.replace(/\s+/g, '') ?? null) : null,
    },
  }
}
