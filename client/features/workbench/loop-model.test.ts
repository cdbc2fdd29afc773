import { describe, expect, it } from 'vitest'
import { en } from '../../i18n/en.ts'
import { zhCN } from '../../i18n/zh-CN.ts'
import { allowedPage, pagesFor } from '../../lib/pages.ts'
import {
  buildTransition,
  buildWhistle,
  durationParts,
  EMPTY_ACTION_FORM,
  EMPTY_WHISTLE_ROW,
  isQueueName,
  KNOWN_ACTIONS,
  needsForm,
  newIdempotencyKey,
  QUEUE_NAMES,
  remaining,
} from './loop-model.ts'

const event = { id: 7, version: 3 }

describe('the transition a form becomes', () => {
  it('sends the version seen and nothing else for a one-click step', () => {
    expect(needsForm('sign')).toBe(false)
    expect(buildTransition(event, 'sign', { ...EMPTY_ACTION_FORM, reason: 'ignored' })).toEqual({
      ok: true,
      body: { id: 7, version: 3, action: 'sign' },
    })
  })

  it('asks for what each action needs, field by field', () => {
    expect(buildTransition(event, 'resolve', EMPTY_ACTION_FORM)).toEqual({ ok: false, problem: 'result' })
    expect(buildTransition(event, 'resolve', { ...EMPTY_ACTION_FORM, result: '  已修复  ' })).toEqual({
      ok: true,
      body: { id: 7, version: 3, action: 'resolve', result: '已修复' },
    })
    expect(buildTransition(event, 'follow_up', EMPTY_ACTION_FORM)).toEqual({
      ok: false,
      problem: 'satisfaction',
    })
    expect(buildTransition(event, 'follow_up', { ...EMPTY_ACTION_FORM, satisfaction: 'satisfied' })).toEqual({
      ok: true,
      body: { id: 7, version: 3, action: 'follow_up', satisfaction: 'satisfied' },
    })
    expect(buildTransition(event, 'return', EMPTY_ACTION_FORM)).toEqual({ ok: false, problem: 'reason' })
  })

  it('dispatches to the chosen department, or leaves the choice to the responsibility list', () => {
    expect(buildTransition(event, 'dispatch', EMPTY_ACTION_FORM)).toEqual({
      ok: true,
      body: { id: 7, version: 3, action: 'dispatch' },
    })
    expect(buildTransition(event, 'dispatch', { ...EMPTY_ACTION_FORM, departmentId: '42' })).toEqual({
      ok: true,
      body: { id: 7, version: 3, action: 'dispatch', departmentId: 42 },
    })
  })

  it('asks for an extension of 1–60 units, with a reason', () => {
    const form = { ...EMPTY_ACTION_FORM, amount: '0', reason: '需要协调' }
    expect(buildTransition(event, 'request_extension', form)).toEqual({ ok: false, problem: 'extension' })
    expect(
      buildTransition(event, 'request_extension', { ...form, amount: '3', unit: 'working_hours' }),
    ).toEqual({
      ok: true,
      body: {
        id: 7,
        version: 3,
        action: 'request_extension',
        extension: { amount: 3, unit: 'working_hours' },
        reason: '需要协调',
      },
    })
  })

  it('gives an unknown action a free note', () => {
    expect(buildTransition(event, 'escalate', { ...EMPTY_ACTION_FORM, reason: 'x' })).toEqual({
      ok: true,
      body: { id: 7, version: 3, action: 'escalate', reason: 'x' },
    })
  })
})

describe('the whistle form', () => {
  const row = (departmentId: string, ask = '清理占道', amount = '1') => ({
    ...EMPTY_WHISTLE_ROW,
    departmentId,
    ask,
    amount,
  })
  it('summons each department once with its task and time limit', () => {
    expect(buildWhistle(event, [row('1'), row('2', '现场执法', '4')])).toEqual({
      ok: true,
      body: {
        eventId: 7,
        version: 3,
        tasks: [
          { departmentId: 1, ask: '清理占道', amount: 1, unit: 'working_days' },
          { departmentId: 2, ask: '现场执法', amount: 4, unit: 'working_days' },
        ],
      },
    })
  })
  it('names the row that is not right', () => {
    expect(buildWhistle(event, [row('1'), row('')])).toEqual({ ok: false, problem: 'department', row: 1 })
    expect(buildWhistle(event, [row('1'), row('1')])).toEqual({ ok: false, problem: 'twice', row: 1 })
    expect(buildWhistle(event, [row('1')], [1])).toEqual({ ok: false, problem: 'taken', row: 0 })
    expect(buildWhistle(event, [row('1', 'x')])).toEqual({ ok: false, problem: 'ask', row: 0 })
    expect(buildWhistle(event, [row('1', '清理', '61')])).toEqual({ ok: false, problem: 'amount', row: 0 })
    expect(buildWhistle(event, [])).toEqual({ ok: false, problem: 'department', row: 0 })
  })
})

describe('time left', () => {
  const now = Date.parse('2026-03-02T10:00:00+08:00')
  it('is red once overdue, amber when nearly due, plain otherwise', () => {
    expect(remaining(null, now)).toEqual({ urgency: 'none', ms: null })
    expect(remaining('2026-03-02T09:00:00+08:00', now)).toEqual({ urgency: 'overdue', ms: -3_600_000 })
    expect(remaining('2026-03-02T11:00:00+08:00', now).urgency).toBe('ok')
    expect(remaining('2026-03-02T11:00:00+08:00', now, { nearlyDue: true }).urgency).toBe('near')
    expect(remaining('2026-03-02T11:00:00+08:00', now, { usedMs: 8, limitMs: 10 }).urgency).toBe('near')
    expect(remaining('2026-03-02T11:00:00+08:00', now, { usedMs: 7, limitMs: 10 }).urgency).toBe('ok')
  })
  it('splits a duration into days, hours and minutes', () => {
    expect(durationParts(-(26 * 60 + 5) * 60_000)).toEqual({ d: 1, h: 2, m: 5 })
    expect(durationParts(59_999)).toEqual({ d: 0, h: 0, m: 0 })
  })
})

describe('idempotency keys', () => {
  it('uses randomUUID where there is one, and makes a v4 UUID otherwise', () => {
    expect(newIdempotencyKey({ randomUUID: () => 'k-1', getRandomValues: (a) => a })).toBe('k-1')
    const fallback = { getRandomValues: crypto.getRandomValues.bind(crypto) }
    const key = newIdempotencyKey(fallback)
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(newIdempotencyKey(fallback)).not.toBe(key)
  })
})

describe('the pages and their words', () => {
  it('offers the workbench to readers of events and intake to writers', () => {
    expect(pagesFor(['events.read'])).toContain('workbench')
    expect(pagesFor(['events.read'])).not.toContain('intake')
    expect(pagesFor(['events.read', 'events.write'])).toEqual(
      expect.arrayContaining(['map', 'workbench', 'intake']),
    )
    expect(pagesFor(['people.read'])).not.toContain('workbench')
    expect(allowedPage('intake', ['events.read'])).toBe('map')
  })

  it('names every queue, action and page in both languages', () => {
    const keys = [
      ...QUEUE_NAMES.flatMap((q) => [`wb.queue.${q}`, `wb.queueHint.${q}`]),
      ...KNOWN_ACTIONS.map((a) => `wb.action.${a}`),
      'nav.workbench',
      'nav.intake',
    ]
    for (const key of keys) {
      expect(zhCN).toHaveProperty([key])
      expect(en).toHaveProperty([key])
    }
    expect(isQueueName('overdue')).toBe(true)
    expect(isQueueName('all')).toBe(false)
  })
})
