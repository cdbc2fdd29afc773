import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ROLE_IDS } from '../../db/schema/access.ts'
import { EVENT_STATUSES, type EventStatus, SATISFACTION } from '../../db/schema/events.ts'
import {
  type ActionInput,
  allowedActions,
  CLOSED_STATUSES,
  decide,
  EVENT_ACTIONS,
  MOVES,
  type Satisfaction,
} from './lifecycle.ts'

describe('the lifecycle of a request', () => {
  it('runs the whole loop with the roles that own each step', () => {
    const steps: [ActionInput, (typeof ROLE_IDS)[number], EventStatus][] = [
      [{ action: 'dispatch' }, 'dispatcher', 'dispatched'],
      [{ action: 'sign' }, 'department-handler', 'signed'],
      [{ action: 'start' }, 'department-handler', 'in_progress'],
      [
        { action: 'request_extension', reason: '需协调产权单位' },
        'department-handler',
        'extension_requested',
      ],
      [{ action: 'approve_extension' }, 'street-leader', 'in_progress'],
      [{ action: 'resolve', result: '已修复' }, 'department-handler', 'resolved'],
      [{ action: 'follow_up', satisfaction: 'unsatisfied' }, 'dispatcher', 'followed_up'],
    ]
    let s: EventStatus = 'received'
    for (const [input, role, to] of steps) {
      const d = decide(s, input, { role })
      expect(d, `${input.action} from ${s}`).toMatchObject({ ok: true, to })
      s = to
    }
    // Unsatisfied: reopened, not archived.
    expect(decide(s, { action: 'archive' }, { role: 'dispatcher', satisfaction: 'unsatisfied' }).ok).toBe(
      false,
    )
    expect(
      decide(s, { action: 'reopen' }, { role: 'dispatcher', satisfaction: 'unsatisfied' }),
    ).toMatchObject({
      ok: true,
      to: 'dispatched',
      clock: 'run',
    })
    expect(decide(s, { action: 'reopen' }, { role: 'dispatcher', satisfaction: 'satisfied' }).ok).toBe(false)
    expect(decide(s, { action: 'archive' }, { role: 'dispatcher', satisfaction: 'satisfied' })).toMatchObject(
      {
        ok: true,
        to: 'archived',
      },
    )
  })

  it('names the current state and the allowed moves when a move is invalid', () => {
    const d = decide('signed', { action: 'dispatch' }, { role: 'department-handler' })
    expect(d.ok).toBe(false)
    if (d.ok) return
    expect(d.code).toBe('invalid_transition')
    expect(d.message).toContain('已签收')
    expect(d.message).toContain('开始办理')
    expect(d.message).toContain('退单')
    expect(d.message).toContain('signed for')
  })

  it('refuses the wrong role, missing fields and open whistle tasks with their own codes', () => {
    expect(decide('dispatched', { action: 'sign' }, { role: 'dispatcher' })).toMatchObject({
      ok: false,
      code: 'forbidden',
    })
    expect(decide('signed', { action: 'return' }, { role: 'department-handler' })).toMatchObject({
      ok: false,
      code: 'missing_field',
    })
    expect(decide('resolved', { action: 'follow_up' }, { role: 'dispatcher' })).toMatchObject({
      ok: false,
      code: 'missing_field',
    })
    expect(
      decide('in_progress', { action: 'resolve', result: '好了' }, { role: 'grid-worker', openTasks: 2 }),
    ).toMatchObject({
      ok: false,
      code: 'open_tasks',
    })
    expect(decide('in_progress', { action: 'resolve', result: ' ' }, { role: 'grid-worker' })).toMatchObject({
      ok: false,
      code: 'missing_field',
    })
  })

  it('pauses the clock when returned, parked or awaiting an extension, and stops it at resolution', () => {
    expect(decide('dispatched', { action: 'return', reason: 'x' }, { role: 'grid-worker' })).toMatchObject({
      clock: 'pause',
    })
    expect(decide('in_progress', { action: 'park', reason: 'x' }, { role: 'dispatcher' })).toMatchObject({
      clock: 'pause',
    })
    expect(decide('parked', { action: 'unpark' }, { role: 'dispatcher' })).toMatchObject({ clock: 'run' })
    expect(decide('in_progress', { action: 'resolve', result: 'x' }, { role: 'grid-worker' })).toMatchObject({
      clock: 'stop',
    })
  })

  it('lists for each role only the moves decide() accepts', () => {
    for (const s of EVENT_STATUSES)
      for (const role of ROLE_IDS)
        for (const a of allowedActions(s, role)) {
          const d = decide(s, { action: a, reason: 'r', result: 'r', satisfaction: 'satisfied' }, { role })
          expect(d.ok, `${role} ${a} from ${s}`).toBe(true)
        }
    expect(allowedActions('archived', 'dispatcher')).toEqual(['comment'])
    expect(allowedActions('received', 'auditor')).toEqual([])
  })

  it('property: random sequences never reach an invalid state nor lose a timeline entry', () => {
    const step = fc.record({
      action: fc.constantFrom(...EVENT_ACTIONS),
      role: fc.constantFrom(...ROLE_IDS),
      reason: fc.option(fc.constantFrom('事由', '', ' '), { nil: undefined }),
      result: fc.option(fc.constantFrom('已处理', ''), { nil: undefined }),
      satisfaction: fc.option(fc.constantFrom(...SATISFACTION), { nil: undefined }),
      openTasks: fc.constantFrom(0, 0, 0, 1),
    })
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let status: EventStatus = 'received'
        let satisfaction: Satisfaction | null = null
        let paused = false
        const timeline: { from: EventStatus; to: EventStatus }[] = []
        for (const st of steps) {
          const before = timeline.length
          const input: ActionInput = {
            action: st.action,
            ...(st.reason !== undefined ? { reason: st.reason } : {}),
            ...(st.result !== undefined ? { result: st.result } : {}),
            ...(st.satisfaction !== undefined ? { satisfaction: st.satisfaction } : {}),
          }
          const d = decide(status, input, { role: st.role, openTasks: st.openTasks, satisfaction })
          if (d.ok) {
            timeline.push({ from: status, to: d.to })
            if (d.to === 'resolved') expect(st.openTasks).toBe(0)
            if (d.clock === 'pause') {
              expect(paused).toBe(false)
              paused = true
            }
            if (d.clock === 'run' && paused) paused = false
            if (status === 'archived') expect(d.to).toBe('archived')
            if (st.action === 'follow_up') satisfaction = st.satisfaction ?? null
            if (st.action === 'reopen') satisfaction = null
            status = d.to
            expect(timeline.length).toBe(before + 1)
          } else {
            expect(timeline.length).toBe(before)
            expect(d.message.length).toBeGreaterThan(10)
          }
          expect(EVENT_STATUSES).toContain(status)
          // Paused exactly in the paused states.
          expect(paused).toBe(
            status === 'returned' || status === 'parked' || status === 'extension_requested',
          )
        }
        for (let i = 1; i < timeline.length; i++) expect(timeline[i]!.from).toBe(timeline[i - 1]!.to)
        if ((CLOSED_STATUSES as readonly string[]).includes(status)) expect(paused).toBe(false)
      }),
      { numRuns: 2000 },
    )
  })

  it('keeps the table consistent: every action has one move, every target is a status', () => {
    expect(new Set(MOVES.map((m) => m.action)).size).toBe(EVENT_ACTIONS.length)
    for (const m of MOVES) if (m.to !== 'same') expect(EVENT_STATUSES).toContain(m.to)
  })
})
