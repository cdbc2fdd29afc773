/**
 * The workbench's pure rules: its queues, what each action asks for, the transition a filled-in
 * action form becomes, and how much time an event has left. No React, no network: unit-tested.
 */

/** The queues of events.queue, in the workbench's tab order. */
export const QUEUE_NAMES = [
  'to_dispatch',
  'my_todo',
  'nearly_due',
  'overdue',
  'awaiting_follow_up',
  'extensions',
  'supervised',
] as const
export type QueueName = (typeof QUEUE_NAMES)[number]

export function isQueueName(value: unknown): value is QueueName {
  return typeof value === 'string' && (QUEUE_NAMES as readonly string[]).includes(value)
}

/** The actions of the lifecycle the client has words and forms for (server/domain/lifecycle.ts). */
export const KNOWN_ACTIONS = [
  'dispatch',
  'sign',
  'start',
  'return',
  'park',
  'unpark',
  'request_extension',
  'approve_extension',
  'reject_extension',
  'resolve',
  'resolve_direct',
  'follow_up',
  'reopen',
  'archive',
  'supervise',
  'comment',
] as const
export type KnownAction = (typeof KNOWN_ACTIONS)[number]

export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const
export type Satisfaction = (typeof SATISFACTIONS)[number]

export const TIME_UNITS = ['working_hours', 'working_days'] as const
export type TimeUnit = (typeof TIME_UNITS)[number]

type Need = 'required' | 'optional'

/** The fields an action's form shows; an action with none runs on one click. */
export interface ActionFields {
  reason?: Need
  result?: Need
  satisfaction?: Need
  department?: Need
  extension?: Need
}

export const ACTION_FIELDS: Record<KnownAction, ActionFields> = {
  dispatch: { department: 'optional', reason: 'optional' },
  sign: {},
  start: {},
  return: { reason: 'required' },
  park: { reason: 'required' },
  unpark: { reason: 'optional' },
  request_extension: { extension: 'required', reason: 'required' },
  approve_extension: { reason: 'optional' },
  reject_extension: { reason: 'required' },
  resolve: { result: 'required' },
  resolve_direct: { result: 'required' },
  follow_up: { satisfaction: 'required', reason: 'optional' },
  reopen: { reason: 'optional' },
  archive: {},
  supervise: { reason: 'required' },
  comment: { reason: 'required' },
}

export function isKnownAction(action: string): action is KnownAction {
  return (KNOWN_ACTIONS as readonly string[]).includes(action)
}

/** The fields of `action` (an action the client does not know gets a free-text note). */
export function fieldsOf(action: string): ActionFields {
  return isKnownAction(action) ? ACTION_FIELDS[action] : { reason: 'optional' }
}

/** Whether the action needs a form (any field) or runs on one click. */
export function needsForm(action: string): boolean {
  return Object.keys(fieldsOf(action)).length > 0
}

/** Actions that undo or close something: asked about before they run. */
export const DANGER_ACTIONS: readonly string[] = ['return', 'reject_extension', 'reopen', 'archive']

/** What the person typed and picked in an action's form. */
export interface ActionForm {
  reason: string
  result: string
  satisfaction: Satisfaction | ''
  /** A department id as the select holds it ('' for the responsibility list's choice). */
  departmentId: string
  amount: string
  unit: TimeUnit
}

export const EMPTY_ACTION_FORM: ActionForm = {
  reason: '',
  result: '',
  satisfaction: '',
  departmentId: '',
  amount: '2',
  unit: 'working_days',
}

/** The body of events.transition (the server's transitionInput). */
export interface TransitionBody {
  id: number
  version: number
  action: string
  reason?: string
  result?: string
  satisfaction?: Satisfaction
  departmentId?: number
  extension?: { amount: number; unit: TimeUnit }
}

/** Why a form cannot be sent yet (an i18n key under `wb.problem.`), or null. */
export type FormProblem = 'reason' | 'result' | 'satisfaction' | 'department' | 'extension'

/**
 * The transition a filled-in form becomes, always with the version the person saw; or the first
 * field still missing. Only the fields the action takes are sent.
 */
export function buildTransition(
  event: { id: number; version: number },
  action: string,
  form: ActionForm,
): { ok: true; body: TransitionBody } | { ok: false; problem: FormProblem } {
  const f = fieldsOf(action)
  const body: TransitionBody = { id: event.id, version: event.version, action }
  const reason = form.reason.trim()
  const result = form.result.trim()
  if (f.department) {
    const id = Number(form.departmentId)
    if (form.departmentId !== '' && Number.isInteger(id) && id > 0) body.departmentId = id
    else if (f.department === 'required') return { ok: false, problem: 'department' }
  }
  if (f.extension) {
    const amount = Number(form.amount)
    if (!Number.isInteger(amount) || amount < 1 || amount > 60) return { ok: false, problem: 'extension' }
    body.extension = { amount, unit: form.unit }
  }
  if (f.satisfaction) {
    if (form.satisfaction) body.satisfaction = form.satisfaction
    else if (f.satisfaction === 'required') return { ok: false, problem: 'satisfaction' }
  }
  if (f.result) {
    if (result) body.result = result
    else if (f.result === 'required') return { ok: false, problem: 'result' }
  }
  if (f.reason) {
    if (reason) body.reason = reason
    else if (f.reason === 'required') return { ok: false, problem: 'reason' }
  }
  return { ok: true, body }
}

/** How an event stands against its deadline, for the badge: red, amber or plain. */
export type Urgency = 'overdue' | 'near' | 'ok' | 'none'

export interface Remaining {
  urgency: Urgency
  /** Milliseconds left (negative: overdue by), or null without a deadline. */
  ms: number | null
}

/**
 * Time left until `dueAt` at `now`. `near`: the server counts it in its nearly-due queue (past the
 * warning share of its limit), or, when the share is known, used ≥ `warnShare` of the limit.
 */
export function remaining(
  dueAt: string | null,
  now: number,
  opts: { nearlyDue?: boolean; usedMs?: number | null; limitMs?: number | null; warnShare?: number } = {},
): Remaining {
  if (!dueAt) return { urgency: 'none', ms: null }
  const due = Date.parse(dueAt)
  if (Number.isNaN(due)) return { urgency: 'none', ms: null }
  const ms = due - now
  if (ms < 0) return { urgency: 'overdue', ms }
  const share = opts.warnShare ?? 0.8
  const usedShare =
    opts.limitMs && opts.limitMs > 0 && opts.usedMs !== undefined && opts.usedMs !== null
      ? opts.usedMs / opts.limitMs
      : null
  const near = opts.nearlyDue === true || (usedShare !== null && usedShare >= share)
  return { urgency: near ? 'near' : 'ok', ms }
}

/** A duration as whole days, hours and minutes (rounded down to the minute; sign dropped). */
export function durationParts(ms: number): { d: number; h: number; m: number } {
  const minutes = Math.floor(Math.abs(ms) / 60_000)
  return { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60), m: minutes % 60 }
}

/**
 * A fresh idempotency key for one submission of a form: crypto.randomUUID where the page is a
 * secure context, otherwise a v4 UUID from crypto.getRandomValues (available everywhere).
 */
export function newIdempotencyKey(
  c: Pick<Crypto, 'getRandomValues'> & { randomUUID?: () => string } = crypto,
): string {
  if (typeof c.randomUUID === 'function') return c.randomUUID()
  const b = c.getRandomValues(new Uint8Array(16))
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** One department summoned by the whistle, as its form row holds it. */
export interface WhistleRow {
  departmentId: string
  ask: string
  amount: string
  unit: TimeUnit
}

export const EMPTY_WHISTLE_ROW: WhistleRow = { departmentId: '', ask: '', amount: '1', unit: 'working_days' }

export type WhistleProblem = 'department' | 'ask' | 'amount' | 'twice' | 'taken'

/** The body of events.whistle from its rows, or the first row that is not right yet. */
export function buildWhistle(
  event: { id: number; version: number },
  rows: readonly WhistleRow[],
  taken: readonly number[] = [],
):
  | {
      ok: true
      body: {
        eventId: number
        version: number
        tasks: { departmentId: number; ask: string; amount: number; unit: TimeUnit }[]
      }
    }
  | { ok: false; problem: WhistleProblem; row: number } {
  const seen = new Set<number>()
  const tasks: { departmentId: number; ask: string; amount: number; unit: TimeUnit }[] = []
  for (const [row, r] of rows.entries()) {
    const departmentId = Number(r.departmentId)
    if (r.departmentId === '' || !Number.isInteger(departmentId) || departmentId <= 0)
      return { ok: false, problem: 'department', row }
    if (seen.has(departmentId)) return { ok: false, problem: 'twice', row }
    if (taken.includes(departmentId)) return { ok: false, problem: 'taken', row }
    seen.add(departmentId)
    const ask = r.ask.trim()
    if (ask.length < 2 || ask.length > 500) return { ok: false, problem: 'ask', row }
    const amount = Number(r.amount)
    if (!Number.isInteger(amount) || amount < 1 || amount > 60) return { ok: false, problem: 'amount', row }
    tasks.push({ departmentId, ask, amount, unit: r.unit })
  }
  if (!tasks.length) return { ok: false, problem: 'department', row: 0 }
  return { ok: true, body: { eventId: event.id, version: event.version, tasks } }
}
