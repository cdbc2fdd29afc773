import { TRPCError } from '@trpc/server'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/client.ts'
import {
  addAction,
  calendarRows,
  likelyDuplicates,
  lockEvent,
  QUEUES,
  queueItems,
  updateEvent,
} from '../../db/queries/loop.queries.ts'
import { noticeMerged, noticesAbout } from '../../db/queries/notices.queries.ts'
import { actorFields, actorOf } from '../auth/audit.ts'
import { httpOf, MSG_UNAUTHORIZED, principalOf, requirePermission } from '../auth/procedures.ts'
import type { Context } from '../context.ts'
import { allowedActions, CLOSED_STATUSES } from '../domain/lifecycle.ts'
import { loopDepsCache } from '../loop/deps.ts'
import { importRow, importRows } from '../loop/import-rows.ts'
import { IntakeError, intake, intakeInput } from '../loop/intake.ts'
import { type LiveMessage, liveBus } from '../loop/live.ts'
import { TransitionError, transition, transitionInput } from '../loop/transitions.ts'
import { blowWhistle, reportTask, scoreTask, whistleInput } from '../loop/whistle.ts'
import type { Principal } from '../security/principal.ts'
import { publicProcedure, router } from '../trpc.ts'

/** One cache of the calendar and settings per process; edits invalidate it. */
export const loopDeps = loopDepsCache()

const reader = requirePermission('events.read')
const writer = requirePermission('events.write')
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

type Ctx = Context & { principal: Principal; db: Database }

function toTrpc(e: unknown): never {
  if (e instanceof TransitionError) {
    const code =
      e.code === 'not_found'
        ? 'NOT_FOUND'
        : e.code === 'conflict'
          ? 'CONFLICT'
          : e.code === 'forbidden'
            ? 'FORBIDDEN'
            : e.code === 'missing_field'
              ? 'BAD_REQUEST'
              : 'PRECONDITION_FAILED'
    throw new TRPCError({ code, message: e.message, cause: e })
  }
  if (e instanceof IntakeError) throw new TRPCError({ code: 'BAD_REQUEST', message: e.message, cause: e })
  throw e
}

async function audit(ctx: Ctx, action: string, objectId: number, after: unknown) {
  await ctx.audit({
    ...actorFields(actorOf(ctx.principal, httpOf(ctx)?.req.ip)),
    action,
    objectType: 'event',
    objectId: String(objectId),
    after,
  })
}

/** Tell open clients once the transaction has committed. */
async function announce(ctx: Ctx, m: Omit<LiveMessage, 'sentAt' | 'at' | 'gridPath' | 'status'>) {
  const [r] = await ctx.db.rows<{ path: string | null; status: string }>(
    sql`SELECT g.path, e.status FROM events e LEFT JOIN grids g ON g.id = e.grid_id WHERE e.id = ${m.eventId}`,
  )
  const msg = { ...m, gridPath: r?.path ?? null, status: r?.status ?? null }
  ctx.afterCommit(() => liveBus.publish(msg))
}

/** The caller's department (users.org_id), for "my department's to-do". */
async function orgOf(ctx: Ctx): Promise<number | null> {
  if (ctx.principal.kind !== 'user') return null
  const [r] = await ctx.db.rows<{ org_id: number | null }>(
    sql`SELECT org_id FROM users WHERE id = ${ctx.principal.id}`,
  )
  return r?.org_id == null ? null : Number(r.org_id)
}

/**
 * The closed loop of citizen requests over tRPC: intake, the workbench queues, every transition,
 * the whistle, duplicates and merging, the calendar and the responsibility list.
 */
export const eventsRouter = router({
  /**
   * Live (SSE): new events and every transition inside the caller's area, as they commit. The
   * client's link reconnects by itself after a network drop and then refetches what it shows.
   */
  live: publicProcedure.subscription(async function* ({ ctx, signal }) {
    const p = principalOf(ctx)
    if (!p) throw new TRPCError({ code: 'UNAUTHORIZED', message: MSG_UNAUTHORIZED })
    if (!p.permissions.has('events.read'))
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: '没有权限：需要 "events.read" / Forbidden: this needs "events.read"',
      })
    yield { kind: 'hello' as const, at: new Date().toISOString(), sentAt: Date.now() }
    for await (const m of liveBus.listen(p.area.path, signal)) yield m
  }),

  intake: writer.input(intakeInput).mutation(async ({ ctx, input }) => {
    try {
      const deps = await loopDeps.get(ctx.db, ctx.pii)
      const r = await intake(ctx.db, ctx.principal, input, deps)
      if (r.created) {
        await audit(ctx, 'event.intake', r.id, {
          source: input.source,
          routed: r.route?.departmentId ?? null,
          unrouted: r.route?.unrouted ?? null,
        })
        const m = {
          kind: 'intake' as const,
          eventId: r.id,
          action: 'receive',
          gridPath: r.route?.gridPath ?? null,
          status: r.route?.departmentId ? 'dispatched' : 'received',
        }
        ctx.afterCommit(() => liveBus.publish(m))
      }
      return r
    } catch (e) {
      toTrpc(e)
    }
  }),

  /** CSV bulk import: one chunk of rows (≤ 200); a result per row, errors by line. */
  importRows: writer
    .input(z.object({ rows: z.array(importRow).min(1).max(200) }).strict())
    .mutation(async ({ ctx, input }) => {
      const deps = await loopDeps.get(ctx.db, ctx.pii)
      const results = await importRows(ctx.db, ctx.principal, input.rows, deps)
      const created = results.filter((r) => r.created)
      if (created.length)
        await ctx.audit({
          ...actorFields(actorOf(ctx.principal, httpOf(ctx)?.req.ip)),
          action: 'event.import',
          objectType: 'event',
          objectId: created.map((r) => r.id).join(','),
          after: {
            rows: input.rows.length,
            created: created.length,
            failed: results.filter((r) => r.error).length,
          },
        })
      return { results }
    }),

  queue: reader
    .input(z.object({ queue: z.enum(QUEUES), limit: z.number().int().min(1).max(200).default(50) }).strict())
    .query(async ({ ctx, input }) => {
      const deps = await loopDeps.get(ctx.db, ctx.pii)
      return queueItems(ctx.db, ctx.area, input.queue, {
        orgId: await orgOf(ctx),
        limit: input.limit,
        warnShare: deps.settings.warnShare,
      })
    }),

  /** The state of one event for the workbench: version, allowed actions, sub-tasks, duplicates. */
  get: reader.input(z.object({ id }).strict()).query(async ({ ctx, input }) => {
    const [e] = await ctx.db.rows<Record<string, unknown>>(sql`
      SELECT e.id, e.version, e.status, e.title, e.category_id, e.address, e.reported_at, e.due_at,
        e.limit_ms, e.used_ms, e.clock_since, e.satisfaction, e.supervisions, e.duplicate_of,
        e.department_id, o.name AS department, e.handling_level, e.reporter_phone_masked,
        ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat
      FROM events e LEFT JOIN organisations o ON o.id = e.department_id WHERE e.id = ${input.id}`)
    if (!e) throw new TRPCError({ code: 'NOT_FOUND', message: `没有事件 ${input.id} / no event ${input.id}` })
    const tasks = await ctx.db.rows<Record<string, unknown>>(sql`
      SELECT t.id, t.department_id, o.name AS department, t.status, t.ask, t.due_at, t.reported_at, t.report, t.score
      FROM event_tasks t JOIN organisations o ON o.id = t.department_id WHERE t.event_id = ${input.id} ORDER BY t.id`)
    const status = e.status as Parameters<typeof allowedActions>[0]
    const openTasks = tasks.filter((t) => t.status === 'open').length
    const actions = [
      ...new Set(
        ctx.principal.roles.flatMap((role) =>
          allowedActions(status, role, {
            openTasks,
            satisfaction:
              (e.satisfaction as 'satisfied' | 'basically_satisfied' | 'unsatisfied' | null) ?? null,
          }),
        ),
      ),
    ]
    const deps = await loopDeps.get(ctx.db, ctx.pii)
    const duplicates = (CLOSED_STATUSES as readonly string[]).includes(String(e.status))
      ? []
      : await likelyDuplicates(ctx.db, ctx.area, {
          excludeId: input.id,
          categoryId: e.category_id == null ? null : Number(e.category_id),
          lon: Number(e.lon),
          lat: Number(e.lat),
          address: (e.address as string | null) ?? null,
          at: new Date(e.reported_at as string),
          metres: deps.settings.duplicateMetres,
          days: deps.settings.duplicateDays,
          limit: 10,
        })
    return {
      id: Number(e.id),
      version: Number(e.version),
      status,
      title: String(e.title),
      department: (e.department as string | null) ?? null,
      departmentId: e.department_id == null ? null : Number(e.department_id),
      handlingLevel: e.handling_level == null ? null : Number(e.handling_level),
      dueAt: e.due_at ? new Date(e.due_at as string).toISOString() : null,
      limitMs: e.limit_ms == null ? null : Number(e.limit_ms),
      usedMs:
        Number(e.used_ms ?? 0) +
        (e.clock_since ? deps.calendar.workingMsBetween(new Date(e.clock_since as string), new Date()) : 0),
      paused: e.clock_since == null && !(CLOSED_STATUSES as readonly string[]).includes(String(e.status)),
      satisfaction: (e.satisfaction as string | null) ?? null,
      supervisions: Number(e.supervisions ?? 0),
      duplicateOf: e.duplicate_of == null ? null : Number(e.duplicate_of),
      reporterPhone: (e.reporter_phone_masked as string | null) ?? null,
      center: [Number(e.lon), Number(e.lat)] as [number, number],
      actions,
      tasks: tasks.map((t) => ({
        id: Number(t.id),
        departmentId: Number(t.department_id),
        department: String(t.department),
        status: String(t.status),
        ask: String(t.ask),
        dueAt: new Date(t.due_at as string).toISOString(),
        reportedAt: t.reported_at ? new Date(t.reported_at as string).toISOString() : null,
        report: (t.report as string | null) ?? null,
        score: t.score == null ? null : Number(t.score),
      })),
      duplicates,
      notices: await noticesAbout(ctx.db, input.id),
    }
  }),

  transition: writer.input(transitionInput).mutation(async ({ ctx, input }) => {
    try {
      const deps = await loopDeps.get(ctx.db, ctx.pii)
      const r = await transition(ctx.db, ctx.principal, input, deps)
      await audit(ctx, `event.${input.action}`, r.id, { from: r.from, to: r.to, version: r.version })
      await announce(ctx, { kind: 'transition', eventId: r.id, action: input.action })
      return r
    } catch (e) {
      toTrpc(e)
    }
  }),

  whistle: writer.input(whistleInput).mutation(async ({ ctx, input }) => {
    try {
      const r = await blowWhistle(ctx.db, ctx.principal, input, await loopDeps.get(ctx.db, ctx.pii))
      await audit(ctx, 'event.whistle', input.eventId, {
        departments: input.tasks.map((t) => t.departmentId),
      })
      await announce(ctx, { kind: 'whistle', eventId: input.eventId, action: 'whistle' })
      return r
    } catch (e) {
      toTrpc(e)
    }
  }),

  reportTask: writer
    .input(z.object({ taskId: id, report: z.string().trim().min(2).max(2000) }).strict())
    .mutation(async ({ ctx, input }) => {
      try {
        return await reportTask(ctx.db, ctx.principal, input, await loopDeps.get(ctx.db, ctx.pii))
      } catch (e) {
        toTrpc(e)
      }
    }),

  scoreTask: writer
    .input(z.object({ taskId: id, score: z.number().int().min(1).max(5) }).strict())
    .mutation(async ({ ctx, input }) => {
      try {
        await scoreTask(ctx.db, ctx.principal, input, await loopDeps.get(ctx.db, ctx.pii))
        return { ok: true }
      } catch (e) {
        toTrpc(e)
      }
    }),

  /** Merge a duplicate into the event it repeats: it closes there, its reporter is kept informed. */
  merge: writer
    .input(z.object({ id, version: z.number().int().min(0), into: id }).strict())
    .mutation(async ({ ctx, input }) => {
      if (!ctx.principal.roles.includes('dispatcher'))
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: '只有调度员可以合并 / only dispatchers merge duplicates',
        })
      if (input.id === input.into)
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: '不能与自身合并 / an event cannot merge into itself',
        })
      const dup = await lockEvent(ctx.db, input.id)
      const main = await lockEvent(ctx.db, input.into)
      if (!dup || !main)
        throw new TRPCError({ code: 'NOT_FOUND', message: '事件不存在 / no such event in your area' })
      if (main.duplicateOf !== null)
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `事件 ${main.id} 本身是重复件 / ${main.id} is itself a duplicate`,
        })
      if (dup.version !== input.version)
        throw new TRPCError({
          code: 'CONFLICT',
          message: `事件 ${dup.id} 已被他人更新 / ${dup.id} was changed meanwhile`,
        })
      const version = await updateEvent(ctx.db, dup.id, dup.version, {
        duplicateOf: main.id,
        status: 'archived',
        clockSince: null,
        dueAt: null,
      })
      if (version === null) throw new TRPCError({ code: 'CONFLICT', message: 'changed meanwhile' })
      const now = new Date()
      const actor = ctx.principal.kind === 'user' ? ctx.principal.id : null
      await addAction(ctx.db, {
        eventId: dup.id,
        at: now,
        action: 'merge',
        fromStatus: dup.status,
        toStatus: 'archived',
        actorUserId: actor,
        actorOrgId: null,
        note: `并入 ${main.id} / merged into ${main.id}`,
        detail: { into: main.id },
      })
      await addAction(ctx.db, {
        eventId: main.id,
        at: now,
        action: 'merged_in',
        fromStatus: null,
        toStatus: null,
        actorUserId: actor,
        actorOrgId: null,
        note: `重复件 ${dup.id}（${dup.externalId}）并入，办结时一并告知其诉求人 / duplicate ${dup.id} merged in; its reporter is informed with this one`,
        detail: { duplicate: dup.id, externalId: dup.externalId },
      })
      await noticeMerged(ctx.db, dup.id, main.id)
      await audit(ctx as Ctx, 'event.merge', dup.id, { into: main.id })
      await announce(ctx as Ctx, { kind: 'merge', eventId: main.id, action: 'merged_in' })
      return { id: dup.id, into: main.id, version }
    }),

  calendar: router({
    get: reader
      .input(z.object({ year: z.number().int().min(2000).max(2100) }).strict())
      .query(async ({ ctx, input }) =>
        (await calendarRows(ctx.db)).filter((r) => r.day.startsWith(`${input.year}-`)),
      ),
    /** Replace a year's exception days (holidays on weekdays, make-up working days on weekends). */
    setYear: requirePermission('users.manage')
      .input(
        z
          .object({
            year: z.number().int().min(2000).max(2100),
            days: z
              .array(
                z
                  .object({
                    day: z.iso.date(),
                    kind: z.enum(['holiday', 'workday']),
                    name: z.string().trim().min(1).max(40),
                  })
                  .strict(),
              )
              .max(120),
          })
          .strict(),
      )
      .mutation(async ({ ctx, input }) => {
        const wrong = input.days.find((d) => !d.day.startsWith(`${input.year}-`))
        if (wrong)
          throw new TRPCError({
            code: 'BAD_REQUEST',
            message: `${wrong.day} 不在 ${input.year} 年 / ${wrong.day} is not in ${input.year}`,
          })
        const seen = new Set<string>()
        for (const d of input.days) {
          if (seen.has(d.day))
            throw new TRPCError({ code: 'BAD_REQUEST', message: `${d.day} 重复 / ${d.day} is listed twice` })
          seen.add(d.day)
        }
        await ctx.db.rows(
          sql`DELETE FROM calendar_days WHERE day >= ${`${input.year}-01-01`}::date AND day <= ${`${input.year}-12-31`}::date`,
        )
        if (input.days.length)
          await ctx.db.rows(
            sql`INSERT INTO calendar_days (day, kind, name) VALUES ${sql.join(
              input.days.map((d) => sql`(${d.day}::date, ${d.kind}, ${d.name})`),
              sql`, `,
            )}`,
          )
        loopDeps.invalidate()
        await ctx.audit({
          ...actorFields(actorOf(ctx.principal, httpOf(ctx)?.req.ip)),
          action: 'calendar.set_year',
          objectType: 'calendar',
          objectId: String(input.year),
          after: { days: input.days.length },
        })
        return { year: input.year, days: input.days.length }
      }),
  }),
})
