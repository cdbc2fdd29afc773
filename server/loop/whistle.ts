import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/client.ts'
import { addAction, lockEvent, updateEvent } from '../../db/queries/loop.queries.ts'
import { CLOSED_STATUSES } from '../domain/lifecycle.ts'
import type { Principal } from '../security/principal.ts'
import type { LoopDeps } from './intake.ts'
import { TransitionError } from './transitions.ts'

/** 吹哨: summon several departments to one event, each with its own ask and deadline. */
export const whistleInput = z
  .object({
    eventId: z.number().int().positive(),
    version: z.number().int().min(0),
    tasks: z
      .array(
        z
          .object({
            departmentId: z.number().int().positive(),
            ask: z.string().trim().min(2).max(500),
            amount: z.number().int().min(1).max(60),
            unit: z.enum(['working_hours', 'working_days']),
          })
          .strict(),
      )
      .min(1)
      .max(12)
      .refine(
        (ts) => new Set(ts.map((t) => t.departmentId)).size === ts.length,
        '同一部门只能吹哨一次 / each department is summoned once',
      ),
  })
  .strict()

const actorId = (p: Principal) => (p.kind === 'user' ? p.id : null)

/** Blow the whistle: one open sub-task per department; the event cannot resolve until all report. */
export async function blowWhistle(
  d: Database,
  principal: Principal,
  raw: z.input<typeof whistleInput>,
  deps: LoopDeps,
): Promise<{ taskIds: number[]; version: number }> {
  const input = whistleInput.parse(raw)
  const now = deps.now?.() ?? new Date()
  if (!principal.roles.some((r) => r === 'grid-worker' || r === 'street-leader' || r === 'dispatcher'))
    throw new TransitionError(
      'forbidden',
      '只有网格员、街道或调度员可以吹哨 / only grid workers, street leaders and dispatchers blow the whistle',
    )
  const row = await lockEvent(d, input.eventId)
  if (!row)
    throw new TransitionError(
      'not_found',
      `没有编号为 ${input.eventId} 的事件 / no event ${input.eventId} in your area`,
    )
  if (row.version !== input.version)
    throw new TransitionError(
      'conflict',
      `事件 ${row.id} 已被他人更新，请刷新 / event ${row.id} was changed meanwhile: reload`,
    )
  if ((CLOSED_STATUSES as readonly string[]).includes(row.status))
    throw new TransitionError('invalid_transition', `事件已办结，不能吹哨 / the event is closed: no whistle`)
  const ids: number[] = []
  for (const t of input.tasks) {
    const [dep] = await d.rows<{ id: number }>(
      sql`SELECT id FROM organisations WHERE id = ${t.departmentId} AND kind = 'department'`,
    )
    if (!dep)
      throw new TransitionError(
        'missing_field',
        `部门 ${t.departmentId} 不存在 / no department ${t.departmentId}`,
      )
    const due = deps.calendar.addWorking(now, t.amount, t.unit)
    const [r] = await d.rows<{ id: number }>(sql`
      INSERT INTO event_tasks (event_id, department_id, ask, created_at, created_by, due_at)
      VALUES (${row.id}, ${t.departmentId}, ${t.ask}, ${now.toISOString()}, ${actorId(principal)}, ${due.toISOString()})
      ON CONFLICT (event_id, department_id) DO NOTHING RETURNING id`)
    if (!r)
      throw new TransitionError(
        'invalid_transition',
        `部门 ${t.departmentId} 已被召集 / department ${t.departmentId} was already summoned`,
      )
    ids.push(Number(r.id))
  }
  const version = await updateEvent(d, row.id, row.version, {})
  if (version === null)
    throw new TransitionError('conflict', `事件 ${row.id} 已被他人更新 / changed meanwhile`)
  await addAction(d, {
    eventId: row.id,
    at: now,
    action: 'whistle',
    fromStatus: row.status,
    toStatus: row.status,
    actorUserId: actorId(principal),
    actorOrgId: null,
    note: null,
    detail: { tasks: input.tasks.map((t, i) => ({ id: ids[i], ...t })) },
  })
  return { taskIds: ids, version }
}

/** A summoned department reports back on its sub-task (报到/反馈). */
export async function reportTask(
  d: Database,
  principal: Principal,
  input: { taskId: number; report: string },
  deps: LoopDeps,
): Promise<{ openTasks: number }> {
  const now = deps.now?.() ?? new Date()
  if (
    !principal.roles.some((r) => r === 'department-handler' || r === 'grid-worker' || r === 'street-leader')
  )
    throw new TransitionError('forbidden', '只有被召集部门可以反馈 / only the summoned department reports')
  const [t] = await d.rows<{ id: number; event_id: number; status: string; department_id: number }>(sql`
    SELECT id, event_id, status, department_id FROM event_tasks WHERE id = ${input.taskId} FOR UPDATE`)
  if (!t) throw new TransitionError('not_found', `没有子任务 ${input.taskId} / no sub-task ${input.taskId}`)
  if (t.status !== 'open')
    throw new TransitionError(
      'invalid_transition',
      `子任务 ${t.id} 已反馈 / sub-task ${t.id} was already reported`,
    )
  await d.rows(sql`UPDATE event_tasks SET status = 'reported', reported_at = ${now.toISOString()}, report = ${input.report}
    WHERE id = ${t.id}`)
  await addAction(d, {
    eventId: Number(t.event_id),
    at: now,
    action: 'task_report',
    fromStatus: null,
    toStatus: null,
    actorUserId: actorId(principal),
    actorOrgId: Number(t.department_id),
    note: input.report,
    detail: { taskId: Number(t.id) },
  })
  const [n] = await d.rows<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM event_tasks WHERE event_id = ${t.event_id} AND status = 'open'`,
  )
  return { openTasks: Number(n?.n ?? 0) }
}

/** The whistle-blower scores a department's response, 1–5 (晒一晒). */
export async function scoreTask(
  d: Database,
  principal: Principal,
  input: { taskId: number; score: number },
  deps: LoopDeps,
): Promise<void> {
  const now = deps.now?.() ?? new Date()
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5)
    throw new TransitionError('missing_field', '评分为 1–5 / a score is 1–5')
  const [t] = await d.rows<{
    id: number
    event_id: number
    status: string
    created_by: number | null
    department_id: number
  }>(sql`
    SELECT id, event_id, status, created_by, department_id FROM event_tasks WHERE id = ${input.taskId} FOR UPDATE`)
  if (!t) throw new TransitionError('not_found', `没有子任务 ${input.taskId} / no sub-task ${input.taskId}`)
  if (t.created_by !== null && Number(t.created_by) !== actorId(principal))
    throw new TransitionError('forbidden', '只有吹哨人可以评分 / only who blew the whistle scores')
  if (t.status !== 'reported')
    throw new TransitionError(
      'invalid_transition',
      `子任务 ${t.id} 尚未反馈或已评分 / sub-task ${t.id} is not awaiting a score`,
    )
  await d.rows(sql`UPDATE event_tasks SET status = 'scored', score = ${input.score}, scored_at = ${now.toISOString()}
    WHERE id = ${t.id}`)
  await addAction(d, {
    eventId: Number(t.event_id),
    at: now,
    action: 'task_score',
    fromStatus: null,
    toStatus: null,
    actorUserId: actorId(principal),
    actorOrgId: Number(t.department_id),
    note: null,
    detail: { taskId: Number(t.id), score: input.score },
  })
}
