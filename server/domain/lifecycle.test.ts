import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ROLE_IDS, type RoleId } from '../../db/schema/access.ts'
import { EVENT_STATUSES, type EventStatus, SATISFACTION } from '../../db/schema/events.ts'
import {
  ACTION_LABELS,
  type ActionInput,
  allowedActions,
  CLOSED_STATUSES,
  clockOf,
  type Decision,
  decide,
  EVENT_ACTIONS,
  type EventAction,
  OPEN_STATUSES,
  PAUSED_STATUSES,
  SATISFACTION_LABELS,
  type Satisfaction,
  STATUS_LABELS,
  TRANSITION_EDGES,
  TRANSITIONS,
  type TransitionContext,
} from './lifecycle.ts'

/** An input with every field filled in, so only status, role and conditions decide. */
const full = (action: EventAction): ActionInput => ({
  action,
  reason: '事由',
  result: '已处理',
  satisfaction: 'satisfied',
})

const refusal = (d: Decision) => {
  if (d.ok) throw new Error(`expected a refusal, got ${JSON.stringify(d)}`)
  return d
}

describe('the closed loop', () => {
  it('runs the whole loop, with returns, parking, extensions and a reopening, by the roles that own each step', () => {
    const steps: [ActionInput, RoleId, EventStatus, string][] = [
      [{ action: 'dispatch' }, 'dispatcher', 'dispatched', 'run'],
      [{ action: 'return', reason: '不属于本部门职责' }, 'department-handler', 'returned', 'pause'],
      [{ action: 'comment', reason: '已与部门沟通' }, 'dispatcher', 'returned', 'same'],
      [{ action: 'dispatch' }, 'street-leader', 'dispatched', 'run'],
      [{ action: 'sign' }, 'grid-worker', 'signed', 'same'],
      [{ action: 'start' }, 'grid-worker', 'in_progress', 'same'],
      [{ action: 'supervise', reason: '请加快办理' }, 'city-leader', 'in_progress', 'same'],
      [{ action: 'park', reason: '待财政资金' }, 'district-leader', 'parked', 'pause'],
      [{ action: 'unpark' }, 'dispatcher', 'in_progress', 'run'],
      [
        { action: 'request_extension', reason: '需协调产权单位' },
        'grid-worker',
        'extension_requested',
        'pause',
      ],
      [{ action: 'reject_extension', reason: '时限充足' }, 'city-leader', 'in_progress', 'run'],
      [
        { action: 'request_extension', reason: '材料未到' },
        'department-handler',
        'extension_requested',
        'pause',
      ],
      [{ action: 'approve_extension' }, 'street-leader', 'in_progress', 'run'],
      [{ action: 'resolve', result: '路灯已修复' }, 'department-handler', 'resolved', 'stop'],
      [{ action: 'follow_up', satisfaction: 'unsatisfied' }, 'dispatcher', 'followed_up', 'same'],
      [{ action: 'reopen' }, 'dispatcher', 'dispatched', 'run'],
      [{ action: 'sign' }, 'department-handler', 'signed', 'same'],
      [{ action: 'start' }, 'department-handler', 'in_progress', 'same'],
      [{ action: 'resolve', result: '已更换灯杆' }, 'department-handler', 'resolved', 'stop'],
      [{ action: 'follow_up', satisfaction: 'satisfied' }, 'dispatcher', 'followed_up', 'same'],
      [{ action: 'archive' }, 'admin', 'archived', 'same'],
      [{ action: 'comment', reason: '归档后补记' }, 'grid-worker', 'archived', 'same'],
    ]
    let status: EventStatus = 'received'
    let satisfaction: Satisfaction | null = null
    for (const [input, role, to, clock] of steps) {
      const d = decide(status, input, { role, openTasks: 0, satisfaction })
      expect(d, `${role} ${input.action} from ${status}`).toEqual({ ok: true, to, clock })
      if (input.action === 'follow_up') satisfaction = input.satisfaction ?? null
      status = to
    }
  })

  it('resolves at first contact (即接即办): received → resolved, the clock never having run', () => {
    expect(
      decide('received', { action: 'resolve_direct', result: '已当场解答' }, { role: 'dispatcher' }),
    ).toEqual({ ok: true, to: 'resolved', clock: 'stop' })
    expect(clockOf('received')).toBe('idle')
  })

  it('reopens only after an unsatisfied follow-up, and archives an unsatisfied one only with a reason', () => {
    const dispatcher = (satisfaction: Satisfaction | null): TransitionContext => ({
      role: 'dispatcher',
      satisfaction,
    })
    for (const s of ['satisfied', 'basically_satisfied', null] as const) {
      const d = refusal(decide('followed_up', { action: 'reopen' }, dispatcher(s)))
      expect(d.code).toBe('invalid_transition')
      expect(d.message).toContain('已回访')
      expect(d.message).toContain('归档')
      expect(d.message).toContain('allowed: archive')
      expect(decide('followed_up', { action: 'archive' }, dispatcher(s))).toEqual({
        ok: true,
        to: 'archived',
        clock: 'same',
      })
    }
    const noReason = refusal(decide('followed_up', { action: 'archive' }, dispatcher('unsatisfied')))
    expect(noReason).toMatchObject({ code: 'missing_field', field: 'reason' })
    expect(noReason.message).toContain('不满意')
    expect(
      decide('followed_up', { action: 'archive', reason: '诉求不合理，已解释' }, dispatcher('unsatisfied')),
    ).toMatchObject({ ok: true, to: 'archived' })
    expect(allowedActions('followed_up', 'dispatcher', { satisfaction: 'unsatisfied' })).toEqual([
      'reopen',
      'archive',
      'comment',
    ])
    expect(allowedActions('followed_up', 'dispatcher', { satisfaction: 'satisfied' })).toEqual([
      'archive',
      'comment',
    ])
  })

  it('keeps archived terminal: only comments are taken, and they change nothing', () => {
    for (const role of ROLE_IDS)
      for (const action of EVENT_ACTIONS) {
        const d = decide('archived', full(action), { role, satisfaction: 'unsatisfied' })
        if (d.ok) {
          expect(action).toBe('comment')
          expect(d).toEqual({ ok: true, to: 'archived', clock: 'same' })
        }
      }
    expect(allowedActions('archived', 'dispatcher')).toEqual(['comment'])
  })
})

describe('refusals', () => {
  it('invalid_transition names the current state and the moves allowed from it for this role', () => {
    const d = refusal(decide('signed', { action: 'dispatch' }, { role: 'department-handler' }))
    expect(d.code).toBe('invalid_transition')
    expect(d.message).toBe(
      '当前状态“已签收”不能“派单”；可进行：开始办理、退单 / the event is signed for; it cannot be dispatched; allowed: start, return',
    )
  })

  it('names the moves in general when the role has none from here', () => {
    const d = refusal(decide('signed', { action: 'dispatch' }, { role: 'dispatcher' }))
    expect(d.code).toBe('invalid_transition')
    expect(d.message).toContain('已签收')
    expect(d.message).toContain('其他角色可进行：开始办理、退单')
    expect(d.message).toContain('others may: start, return')
  })

  it('says no moves are left on an archived event', () => {
    const d = refusal(decide('archived', { action: 'reopen' }, { role: 'dispatcher' }))
    expect(d.code).toBe('invalid_transition')
    expect(d.message).toContain('已归档')
    expect(d.message).toContain('no moves are left')
  })

  it('supervision is for open events only', () => {
    for (const s of CLOSED_STATUSES)
      expect(refusal(decide(s, full('supervise'), { role: 'city-leader' })).code).toBe('invalid_transition')
    for (const s of OPEN_STATUSES)
      expect(decide(s, full('supervise'), { role: 'city-leader' })).toEqual({
        ok: true,
        to: s,
        clock: 'same',
      })
  })

  it('forbidden names the roles that may', () => {
    const d = refusal(decide('dispatched', { action: 'sign' }, { role: 'dispatcher' }))
    expect(d.code).toBe('forbidden')
    expect(d.message).toContain('派单员')
    expect(d.message).toContain('网格员')
    expect(d.message).toContain('allowed roles: department-handler, grid-worker')
    expect(refusal(decide('received', full('dispatch'), { role: 'grid-worker' })).code).toBe('forbidden')
    expect(refusal(decide('resolved', full('follow_up'), { role: 'street-leader' })).code).toBe('forbidden')
    expect(refusal(decide('in_progress', full('comment'), { role: 'auditor' })).code).toBe('forbidden')
    expect(refusal(decide('in_progress', full('comment'), { role: 'planner' })).code).toBe('forbidden')
  })

  it('a state error is reported before a role error', () => {
    expect(refusal(decide('archived', full('sign'), { role: 'auditor' })).code).toBe('invalid_transition')
  })

  it('missing_field for each required field, blank text counting as missing', () => {
    const cases: [EventStatus, ActionInput, RoleId, string][] = [
      ['signed', { action: 'return' }, 'department-handler', 'reason'],
      ['dispatched', { action: 'return', reason: '   ' }, 'grid-worker', 'reason'],
      ['in_progress', { action: 'park', reason: '' }, 'dispatcher', 'reason'],
      ['in_progress', { action: 'request_extension' }, 'grid-worker', 'reason'],
      ['extension_requested', { action: 'reject_extension' }, 'dispatcher', 'reason'],
      ['in_progress', { action: 'resolve', result: ' ' }, 'grid-worker', 'result'],
      ['received', { action: 'resolve_direct' }, 'dispatcher', 'result'],
      ['resolved', { action: 'follow_up' }, 'dispatcher', 'satisfaction'],
      [
        'resolved',
        { action: 'follow_up', satisfaction: 'happy' as Satisfaction },
        'dispatcher',
        'satisfaction',
      ],
      ['parked', { action: 'supervise' }, 'street-leader', 'reason'],
      ['received', { action: 'comment', reason: '\n' }, 'admin', 'reason'],
    ]
    for (const [status, input, role, field] of cases) {
      const d = refusal(decide(status, input, { role }))
      expect(d, `${input.action} from ${status}`).toMatchObject({ code: 'missing_field', field })
      expect(d.message).toContain(ACTION_LABELS[input.action].zh)
      expect(d.message).toContain(input.action)
    }
    expect(refusal(decide('resolved', { action: 'follow_up' }, { role: 'dispatcher' })).message).toContain(
      '满意、基本满意、不满意',
    )
  })

  it('open_tasks while joint-dispatch (吹哨) tasks have not reported', () => {
    const d = refusal(
      decide('in_progress', { action: 'resolve', result: '好了' }, { role: 'grid-worker', openTasks: 2 }),
    )
    expect(d.code).toBe('open_tasks')
    expect(d.message).toContain('2 项吹哨任务')
    expect(d.message).toContain('2 joint-dispatch tasks have not reported')
    expect(
      refusal(
        decide('received', { action: 'resolve_direct', result: 'x' }, { role: 'dispatcher', openTasks: 1 }),
      ).code,
    ).toBe('open_tasks')
    // The other moves go on while tasks are open.
    expect(decide('in_progress', full('park'), { role: 'dispatcher', openTasks: 3 }).ok).toBe(true)
    expect(allowedActions('in_progress', 'grid-worker', { openTasks: 1 })).not.toContain('resolve')
    expect(allowedActions('in_progress', 'grid-worker', { openTasks: 0 })).toContain('resolve')
  })

  it('every refusal is bilingual', () => {
    for (const status of EVENT_STATUSES)
      for (const role of ROLE_IDS)
        for (const action of EVENT_ACTIONS) {
          const d = decide(status, { action }, { role, openTasks: 1, satisfaction: null })
          if (!d.ok) expect(d.message).toMatch(/[\u4e00-\u9fff].* \/ [a-z0-9"].*[a-z]/)
        }
  })

  it('refuses an unknown action or status instead of throwing', () => {
    expect(refusal(decide('received', { action: 'delete' as EventAction }, { role: 'admin' })).code).toBe(
      'invalid_transition',
    )
    expect(refusal(decide('lost' as EventStatus, { action: 'comment' }, { role: 'admin' })).code).toBe(
      'invalid_transition',
    )
  })
})

describe('roles', () => {
  const who = (action: EventAction) => [...TRANSITIONS[action].roles].sort()
  it('gives each step to its owners', () => {
    expect(who('dispatch')).toEqual(['city-leader', 'dispatcher', 'district-leader', 'street-leader'])
    for (const a of ['sign', 'start', 'return', 'request_extension', 'resolve'] as const)
      expect(who(a)).toEqual(['department-handler', 'grid-worker'])
    expect(who('park')).toEqual(['dispatcher', 'district-leader', 'street-leader'])
    expect(who('unpark')).toEqual(who('park'))
    expect(who('approve_extension')).toEqual(who('dispatch'))
    expect(who('reject_extension')).toEqual(who('dispatch'))
    for (const a of ['resolve_direct', 'follow_up', 'reopen'] as const) expect(who(a)).toEqual(['dispatcher'])
    expect(who('archive')).toEqual(['admin', 'dispatcher'])
    expect(who('supervise')).toEqual(['city-leader', 'dispatcher', 'district-leader', 'street-leader'])
    expect(who('comment')).toEqual(ROLE_IDS.filter((r) => r !== 'auditor' && r !== 'planner').sort())
  })

  it('auditors and planners only look', () => {
    for (const s of EVENT_STATUSES) {
      expect(allowedActions(s, 'auditor', { satisfaction: 'unsatisfied' })).toEqual([])
      expect(allowedActions(s, 'planner', { satisfaction: 'unsatisfied' })).toEqual([])
    }
  })

  it('allowedActions lists exactly what decide() accepts (with every field filled in)', () => {
    const contexts: Omit<TransitionContext, 'role'>[] = [
      {},
      { openTasks: 0, satisfaction: null },
      { openTasks: 2 },
      ...SATISFACTION.map((satisfaction) => ({ satisfaction })),
    ]
    for (const status of EVENT_STATUSES)
      for (const role of ROLE_IDS)
        for (const c of contexts) {
          const ctx = { ...c, role }
          const accepted = EVENT_ACTIONS.filter((a) => decide(status, full(a), ctx).ok)
          expect(allowedActions(status, role, c), `${role} in ${status} ${JSON.stringify(c)}`).toEqual(
            accepted,
          )
        }
  })
})

describe('the table', () => {
  it('partitions the statuses: open (some paused) and closed', () => {
    expect([...OPEN_STATUSES, ...CLOSED_STATUSES].sort()).toEqual([...EVENT_STATUSES].sort())
    expect(CLOSED_STATUSES).toEqual(['resolved', 'followed_up', 'archived'])
    expect(PAUSED_STATUSES).toEqual(['returned', 'parked', 'extension_requested'])
    for (const s of PAUSED_STATUSES) expect(OPEN_STATUSES).toContain(s)
  })

  it('labels every status, action and satisfaction in both languages', () => {
    expect(Object.keys(STATUS_LABELS).sort()).toEqual([...EVENT_STATUSES].sort())
    expect(Object.keys(ACTION_LABELS).sort()).toEqual([...EVENT_ACTIONS].sort())
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...EVENT_ACTIONS].sort())
    expect(Object.keys(SATISFACTION_LABELS).sort()).toEqual([...SATISFACTION].sort())
    for (const l of [...Object.values(STATUS_LABELS), ...Object.values(ACTION_LABELS)]) {
      expect(l.zh).toMatch(/[\u4e00-\u9fff]/)
      expect(l.en).toMatch(/^[A-Z]/)
    }
    expect(STATUS_LABELS.signed.zh).toBe('已签收')
    expect(ACTION_LABELS.start.zh).toBe('开始办理')
  })

  it('lists its edges with statuses and clock effects', () => {
    expect(TRANSITION_EDGES.length).toBe(EVENT_ACTIONS.reduce((n, a) => n + TRANSITIONS[a].from.length, 0))
    for (const e of TRANSITION_EDGES) {
      expect(EVENT_STATUSES).toContain(e.from)
      expect(EVENT_STATUSES).toContain(e.to)
      const paused = (s: EventStatus) => (PAUSED_STATUSES as readonly string[]).includes(s)
      if (paused(e.to) && !paused(e.from)) expect(e.clock).toBe('pause')
      else if (paused(e.from) && !paused(e.to)) expect(e.clock).toBe('run')
      else if (e.action === 'resolve' || e.action === 'resolve_direct') expect(e.clock).toBe('stop')
      else if (e.from === 'received' && e.action === 'dispatch') expect(e.clock).toBe('run')
      else if (e.action === 'reopen') expect(e.clock).toBe('run')
      else expect(e.clock, `${e.action} from ${e.from}`).toBe('same')
    }
  })

  it('reaches every status from received, and leaves every status but archived', () => {
    const seen = new Set<EventStatus>(['received'])
    for (let grew = true; grew; ) {
      grew = false
      for (const e of TRANSITION_EDGES)
        if (seen.has(e.from) && !seen.has(e.to)) {
          seen.add(e.to)
          grew = true
        }
    }
    expect([...seen].sort()).toEqual([...EVENT_STATUSES].sort())
    for (const s of EVENT_STATUSES) {
      const out = TRANSITION_EDGES.filter((e) => e.from === s && e.to !== s)
      expect(out.length > 0, s).toBe(s !== 'archived')
    }
  })
})

describe('property: random sequences of actions', () => {
  // Half the time the role is one that owns the action, so that sequences get deep into the loop.
  const step = fc.constantFrom(...EVENT_ACTIONS).chain((action) =>
    fc.record({
      action: fc.constant(action),
      role: fc.oneof(fc.constantFrom(...ROLE_IDS), fc.constantFrom(...TRANSITIONS[action].roles)),
      reason: fc.option(fc.constantFrom('事由', '事由', '', ' '), { nil: undefined }),
      result: fc.option(fc.constantFrom('已处理', '已处理', '', '\t'), { nil: undefined }),
      satisfaction: fc.option(fc.constantFrom(...SATISFACTION), { nil: undefined }),
      openTasks: fc.constantFrom(0, 0, 0, 2),
    }),
  )
  interface Step {
    action: EventAction
    role: RoleId
    reason?: string | undefined
    result?: string | undefined
    satisfaction?: Satisfaction | undefined
    openTasks: number
  }
  // The test's own lists, so it does not check the module against itself.
  const PAUSED: readonly EventStatus[] = ['returned', 'parked', 'extension_requested']
  const STOPPED: readonly EventStatus[] = ['resolved', 'followed_up', 'archived']

  interface Entry {
    action: EventAction
    from: EventStatus
    to: EventStatus
    clock: string
  }
  interface State {
    status: EventStatus
    satisfaction: Satisfaction | null
    timeline: Entry[]
  }

  /** The reducer: one timeline entry per accepted action; the follow-up's satisfaction kept. */
  function apply(state: State, st: Step): { state: State; decision: Decision } {
    const input: ActionInput = {
      action: st.action,
      ...(st.reason !== undefined ? { reason: st.reason } : {}),
      ...(st.result !== undefined ? { result: st.result } : {}),
      ...(st.satisfaction !== undefined ? { satisfaction: st.satisfaction } : {}),
    }
    const decision = decide(state.status, input, {
      role: st.role,
      openTasks: st.openTasks,
      satisfaction: state.satisfaction,
    })
    if (!decision.ok) return { state, decision }
    return {
      decision,
      state: {
        status: decision.to,
        satisfaction: st.action === 'follow_up' ? (st.satisfaction ?? null) : state.satisfaction,
        timeline: [
          ...state.timeline,
          { action: st.action, from: state.status, to: decision.to, clock: decision.clock },
        ],
      },
    }
  }

  /** A cheap assertion for the inner loop (expect() per step makes the property slow). */
  function check(cond: boolean, what: string): asserts cond {
    if (!cond) throw new Error(what)
  }
  const CODES = ['invalid_transition', 'forbidden', 'missing_field', 'open_tasks']

  it('keeps the status valid, the timeline contiguous, resolution behind the tasks, archived terminal and the clock in step', () => {
    const reached = new Set<EventStatus>()
    const refused = new Set<string>()
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40, size: 'max' }), (steps) => {
        let state: State = { status: 'received', satisfaction: null, timeline: [] }
        let clock: 'idle' | 'running' | 'paused' | 'stopped' = 'idle'
        let lastPauseOrRun: 'pause' | 'run' | null = null
        for (const st of steps) {
          const before = state
          const { state: after, decision } = apply(state, st)
          const at = `${st.role} ${st.action} from ${before.status}`
          check((EVENT_STATUSES as readonly string[]).includes(after.status), `bad status ${after.status}`)
          if (!decision.ok) {
            refused.add(decision.code)
            check(after.timeline.length === before.timeline.length, `refused ${at} added an entry`)
            check(after.status === before.status, `refused ${at} changed the status`)
            check(CODES.includes(decision.code), `unknown code ${decision.code}`)
            if (decision.code === 'invalid_transition')
              check(
                decision.message.includes(STATUS_LABELS[before.status].zh),
                `message names no state: ${at}`,
              )
          } else {
            check(after.timeline.length === before.timeline.length + 1, `accepted ${at} added no entry`)
            if (after.status === 'resolved' && before.status !== 'resolved')
              check(st.openTasks === 0, `resolved with open tasks: ${at}`)
            if (before.status === 'archived')
              check(st.action === 'comment' && after.status === 'archived', `archived moved: ${at}`)
            // The clock: pause only a running clock, run only one that is not running.
            if (decision.clock === 'pause') {
              check(clock === 'running' && lastPauseOrRun !== 'pause', `pause of a ${clock} clock: ${at}`)
              clock = 'paused'
              lastPauseOrRun = 'pause'
            } else if (decision.clock === 'run') {
              check(clock !== 'running', `run of a running clock: ${at}`)
              clock = 'running'
              lastPauseOrRun = 'run'
            } else if (decision.clock === 'stop') {
              check(clock === 'running' || clock === 'idle', `stop of a ${clock} clock: ${at}`)
              clock = 'stopped'
            }
          }
          state = after
          reached.add(state.status)
          check((clock === 'paused') === PAUSED.includes(state.status), `clock ${clock} in ${state.status}`)
          check((clock === 'stopped') === STOPPED.includes(state.status), `clock ${clock} in ${state.status}`)
          check((clock === 'idle') === (state.status === 'received'), `clock ${clock} in ${state.status}`)
        }
        const t = state.timeline
        if (t.length) expect(t[0]!.from).toBe('received')
        for (let i = 1; i < t.length; i++) expect(t[i]!.from).toBe(t[i - 1]!.to)
        if (t.length) expect(t[t.length - 1]!.to).toBe(state.status)
        // Two pauses always have a run between them.
        const pr = t.map((e) => e.clock).filter((c) => c === 'pause' || c === 'run')
        for (let i = 1; i < pr.length; i++) expect(pr[i] === 'pause' && pr[i - 1] === 'pause').toBe(false)
      }),
      { numRuns: 2000 },
    )
    // The sequences went everywhere and met every kind of refusal.
    expect([...reached].sort()).toEqual([...EVENT_STATUSES].sort())
    expect([...refused].sort()).toEqual([...CODES].sort())
  })

  it('reaches the end of the loop often enough to mean something', () => {
    // Guided sequences: the owner of each move does it with the fields filled in.
    const owner = fc.constantFrom(...EVENT_ACTIONS).map((action) => ({
      action,
      role: TRANSITIONS[action].roles[0]!,
      reason: '事由',
      result: '已处理',
      satisfaction: 'satisfied' as Satisfaction,
      openTasks: 0,
    }))
    let archived = 0
    fc.assert(
      fc.property(fc.array(owner, { minLength: 20, maxLength: 40, size: 'max' }), (steps) => {
        let state: State = { status: 'received', satisfaction: null, timeline: [] }
        for (const st of steps) state = apply(state, st).state
        for (let i = 1; i < state.timeline.length; i++)
          expect(state.timeline[i]!.from).toBe(state.timeline[i - 1]!.to)
        if (state.status === 'archived') archived++
      }),
      { numRuns: 1000 },
    )
    expect(archived).toBeGreaterThan(0)
  })
})
