import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/client.ts'
import {
  addAction,
  type LoopPatch,
  type LoopRow,
  lockEvent,
  routeEvent,
  updateEvent,
} from '../../db/queries/loop.queries.ts'
import { noticeResolved } from '../../db/queries/notices.queries.ts'
import { type EventStatus, SATISFACTION } from '../../db/schema/events.ts'
import type { WorkCalendar } from '../domain/calendar.ts'
import { decide, EVENT_ACTIONS, type EventAction, STATUS_LABELS } from '../domain/lifecycle.ts'
import type { Principal } from '../security/principal.ts'
import type { LoopDeps } from './intake.ts'

const UNIT = z.enum(['working_hours', 'working_days'])

/** One action on an event, as a client sends it. */
export const transitionInput = z
  .object({
    id: z.number().int().positive(),
    /** The version the client saw: a transition on a stale view is refused (concurrent edits). */
    version: z.number().int().min(0),
    action: z.enum(EVENT_ACTIONS),
    reason: z.string().trim().max(1000).optional(),
    result: z.string().trim().max(4000).optional(),
    satisfaction: z.enum(SATISFACTION).optional(),
    /** dispatch: the department to send it to (default: the responsibility list's). */
    departmentId: z.number().int().positive().optional(),
    /** request_extension: how much more time. */
    extension: z
      .object({ amount: z.number().int().min(1).max(60), unit: UNIT })
      .strict()
      .optional(),
  })
  .strict()
export type TransitionInput = z.input<typeof transitionInput>

export class TransitionError extends Error {
  constructor(
    readonly code:
      | 'not_found'
      | 'conflict'
      | 'invalid_transition'
      | 'forbidden'
      | 'missing_field'
      | 'open_tasks',
    message: string,
  ) {
    super(message)
  }
}

export interface TransitionResult {
  id: number
  from: EventStatus
  to: EventStatus
  version: number
  dueAt: string | null
  actionId: number
}

/** Working time run since the clock last started. */
const ran = (cal: WorkCalendar, row: LoopRow, now: Date) =>
  row.clockSince ? cal.workingMsBetween(row.clockSince, now) : 0

/** The due time when the clock runs from `now` with `usedMs` of `limitMs` gone. */
const dueFrom = (cal: WorkCalendar, now: Date, limitMs: number | null, usedMs: number) =>
  limitMs === null ? null : cal.addWorkingMs(now, Math.max(0, limitMs - usedMs))

/**
 * One step of the closed loop. The event row is locked and its version checked, so of two
 * concurrent transitions one wins and the other is refused with `conflict`; the lifecycle
 * (server/domain/lifecycle.ts) says whether the move is allowed for this role and this state;
 * the clock pauses while the event is returned, parked or awaiting an extension, and stops at
 * resolution. Every accepted step is one timeline entry (the caller writes the audit record).
 */
export async function transition(
  d: Database,
  principal: Principal,
  raw: TransitionInput,
  deps: LoopDeps,
): Promise<TransitionResult> {
  const input = transitionInput.parse(raw)
  const now = deps.now?.() ?? new Date()
  const cal = deps.calendar
  const row = await lockEvent(d, input.id)
  if (!row)
    throw new TransitionError(
      'not_found',
      `没有编号为 ${input.id} 的事件 / no event ${input.id} in your area`,
    )
  if (row.version !== input.version)
    throw new TransitionError(
      'conflict',
      `事件 ${row.id} 已被他人更新（您看到的是第 ${input.version} 版，现为第 ${row.version} 版，状态“${STATUS_LABELS[row.status].zh}”），请刷新后再试 / event ${row.id} was changed meanwhile (you saw version ${input.version}, it is now ${row.version}, ${STATUS_LABELS[row.status].en}): reload and try again`,
    )

  // The first of the caller's roles that may make the move decides; otherwise the refusal of the
  // first role explains why.
  let decision: ReturnType<typeof decide> | null = null
  for (const role of principal.roles) {
    const dcs = decide(
      row.status,
      {
        action: input.action,
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
        ...(input.result !== undefined ? { result: input.result } : {}),
        ...(input.satisfaction !== undefined ? { satisfaction: input.satisfaction } : {}),
      },
      { role, openTasks: row.openTasks, satisfaction: row.satisfaction },
    )
    if (dcs.ok || !decision) decision = dcs
    if (dcs.ok) break
  }
  if (!decision)
    throw new TransitionError('forbidden', '您没有可办理事件的角色 / none of your roles may act on events')
  if (!decision.ok) throw new TransitionError(decision.code, decision.message)
  const to = decision.to

  const patch: LoopPatch = { status: to }
  const detail: Record<string, unknown> = {}
  if (decision.clock === 'pause') {
    patch.usedMs = row.usedMs + ran(cal, row, now)
    patch.clockSince = null
    patch.dueAt = null
  } else if (decision.clock === 'stop') {
    patch.usedMs = row.usedMs + ran(cal, row, now)
    patch.clockSince = null
  }

  switch (input.action as EventAction) {
    case 'dispatch': {
      let departmentId = input.departmentId ?? row.departmentId
      let limitMs = row.limitMs
      if (!input.departmentId || limitMs === null) {
        const at = await d.rows<{ x: number; y: number }>(
          sql`SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM events WHERE id = ${row.id}`,
        )
        const p = at[0]
        const route = p ? await routeEvent(d, row.categoryId, Number(p.x), Number(p.y)) : null
        if (route?.departmentId && !input.departmentId) {
          departmentId = route.departmentId
          patch.coDepartmentIds = route.coDepartmentIds
          patch.handlingLevel = route.handlingLevel
        }
        if (limitMs === null && route?.timeLimit && route.timeLimitUnit)
          limitMs = cal.limitMs(route.timeLimit, route.timeLimitUnit)
      }
      if (!departmentId)
        throw new TransitionError(
          'missing_field',
          '责任清单未覆盖此事件，请选择承办部门 / the responsibility list does not cover this event: choose a department',
        )
      await assertDepartment(d, departmentId)
      patch.departmentId = departmentId
      patch.limitMs = limitMs
      // From received the clock starts; after a return or a reopening it runs on.
      const used = row.status === 'received' ? 0 : row.usedMs + ran(cal, row, now)
      patch.usedMs = used
      patch.clockSince = now
      patch.dueAt = dueFrom(cal, now, limitMs, used)
      detail.departmentId = departmentId
      break
    }
    case 'request_extension': {
      if (!input.extension)
        throw new TransitionError(
          'missing_field',
          '延期申请须写明延长多少时间 / an extension request needs the time asked for',
        )
      detail.extension = input.extension
      break
    }
    case 'approve_extension': {
      const asked = await lastExtensionAsked(d, row.id)
      const add = asked ? cal.limitMs(asked.amount, asked.unit) : 0
      patch.limitMs = (row.limitMs ?? 0) + add
      detail.extension = asked
      break
    }
    case 'resolve':
    case 'resolve_direct':
      patch.resolvedAt = now
      patch.resolvedDirect = input.action === 'resolve_direct'
      detail.result = input.result ?? null
      break
    case 'follow_up':
      patch.satisfaction = input.satisfaction ?? null
      patch.followedUpAt = now
      detail.satisfaction = input.satisfaction
      break
    case 'reopen':
      patch.resolvedAt = null
      patch.clockSince = now
      patch.dueAt = dueFrom(cal, now, row.limitMs, row.usedMs)
      detail.previousSatisfaction = row.satisfaction
      break
    case 'supervise': {
      // 督办: each supervision escalates one level up (street → district → city).
      const level = Math.max(1, (row.handlingLevel ?? 3) - row.supervisions - 1)
      patch.supervisions = row.supervisions + 1
      detail.escalatedToLevel = level
      break
    }
    default:
      break
  }
  // Leaving a paused state: the clock runs again from now with what is left.
  if (decision.clock === 'run' && input.action !== 'dispatch') {
    patch.clockSince = now
    patch.dueAt = dueFrom(cal, now, patch.limitMs ?? row.limitMs, row.usedMs)
  }

  const version = await updateEvent(d, row.id, row.version, patch)
  if (version === null)
    throw new TransitionError(
      'conflict',
      `事件 ${row.id} 已被他人更新 / event ${row.id} was changed meanwhile`,
    )
  const actionId = await addAction(d, {
    eventId: row.id,
    at: now,
    action: input.action,
    fromStatus: row.status,
    toStatus: to,
    actorUserId: principal.kind === 'user' ? principal.id : null,
    actorOrgId: patch.departmentId ?? null,
    note: input.reason ?? input.result ?? null,
    detail: Object.keys(detail).length ? detail : null,
  })
  // 告知: the reporter, and those of the duplicates merged into it, hear it is resolved.
  if (to === 'resolved') await noticeResolved(d, row.id)
  const dueAt = patch.dueAt === undefined ? row.dueAt : patch.dueAt
  return { id: row.id, from: row.status, to, version, dueAt: dueAt?.toISOString() ?? null, actionId }
}

async function assertDepartment(d: Database, id: number) {
  const [r] = await d.rows<{ id: number }>(
    sql`SELECT id FROM organisations WHERE id = ${id} AND kind = 'department'`,
  )
  if (!r)
    throw new TransitionError(
      'missing_field',
      `部门 ${id} 不存在或不可见 / department ${id} does not exist in your area`,
    )
}

async function lastExtensionAsked(
  d: Database,
  eventId: number,
): Promise<{ amount: number; unit: 'working_hours' | 'working_days' } | null> {
  const [r] = await d.rows<{ detail: unknown }>(sql`
    SELECT detail FROM event_actions WHERE event_id = ${eventId} AND action = 'request_extension'
    ORDER BY at DESC, id DESC LIMIT 1`)
  const v = typeof r?.detail === 'string' ? JSON.parse(r.detail) : r?.detail
  const ext = (v as { extension?: { amount: number; unit: 'working_hours' | 'working_days' } } | null)
    ?.extension
  return ext ?? null
}
