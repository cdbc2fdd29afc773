import { TRPCError } from '@trpc/server'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { routeEvent } from '../../db/queries/loop.queries.ts'
import type { RoleId } from '../../db/schema/access.ts'
import { createContext } from '../../server/context.ts'
import { type Area, WHOLE_CITY } from '../../server/domain/area.ts'
import { appRouter } from '../../server/routers/index.ts'
import { createPiiCipher } from '../../server/security/pii.ts'
import { principalFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

const pii = createPiiCipher(Buffer.alloc(32, 7))

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p
    return { code: 'OK', message: '' }
  } catch (e) {
    if (e instanceof TRPCError) return { code: e.code, message: e.message }
    return { code: 'THREW', message: (e as Error).message }
  }
}

let seq = 0
const ext = () => `LOOP-${process.pid}-${Date.now()}-${++seq}`

dbDescribe('the closed loop: intake, routing, transitions, the whistle', () => {
  let d: Database
  let district: Area
  let otherDistrict: Area
  /** A point in a grid of `district`, and a category the list routes there. */
  let at: { lon: number; lat: number }
  let elsewhere: { lon: number; lat: number }
  let routedCategory: number
  let departments: number[]
  /** Events from here on are this file's: removed at the end (the test city is shared). */
  let firstId = 0
  const caller = (roles: RoleId[], area: Area = WHOLE_CITY) =>
    appRouter.createCaller(createContext({ db: d, principal: principalFor(roles, area), pii }))
  const count = async (q: ReturnType<typeof sql>) => Number((await d.rows<{ n: number }>(q))[0]?.n ?? 0)

  beforeAll(async () => {
    d = await testDb()
    firstId = Number(
      (await d.rows<{ n: number }>(sql`SELECT coalesce(max(id), 0) AS n FROM events`))[0]?.n ?? 0,
    )
    const ds = await d.rows<{ id: number; path: string }>(
      sql`SELECT id, path FROM grids WHERE level = 2 ORDER BY code LIMIT 2`,
    )
    district = { gridId: Number(ds[0]!.id), path: ds[0]!.path }
    otherDistrict = { gridId: Number(ds[1]!.id), path: ds[1]!.path }
    const pt = async (path: string) => {
      const [p] = await d.rows<{ x: number; y: number }>(sql`
        SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y
        FROM grids WHERE level = 5 AND path LIKE ${`${path}%`} ORDER BY code LIMIT 1`)
      return { lon: Number(p!.x), lat: Number(p!.y) }
    }
    at = await pt(district.path)
    elsewhere = await pt(otherDistrict.path)
    const cats = await d.rows<{ id: number }>(sql`SELECT id FROM categories WHERE level = 3 ORDER BY code`)
    for (const c of cats) {
      const r = await routeEvent(d, Number(c.id), at.lon, at.lat)
      if (r.departmentId) {
        routedCategory = Number(c.id)
        break
      }
    }
    expect(routedCategory).toBeGreaterThan(0)
    departments = (
      await d.rows<{ id: number }>(
        sql`SELECT id FROM organisations WHERE kind = 'department' ORDER BY id LIMIT 3`,
      )
    ).map((r) => Number(r.id))
  })

  afterAll(async () => {
    await d.rows(sql`DELETE FROM events WHERE id > ${firstId}`)
  })

  const form = (over: Record<string, unknown> = {}) => ({
    source: 'hotline' as const,
    externalId: ext(),
    categoryId: routedCategory,
    title: '路灯不亮',
    body: '小区门口路灯连续三晚不亮',
    address: null,
    ...at,
    reporterName: '张先生',
    reporterPhone: '13812345678',
    ...over,
  })

  it('takes a request in, places it in its grid and routes it by the responsibility list', async () => {
    const r = await caller(['dispatcher'], district).events.intake(form())
    expect(r?.created).toBe(true)
    expect(r?.route?.departmentId).toBeGreaterThan(0)
    expect(r?.route?.timeLimit).toBeGreaterThan(0)
    const [e] = await d.rows<Record<string, unknown>>(sql`
      SELECT e.status, e.department_id, e.due_at, e.limit_ms, e.grid_id, g.path, e.reporter_phone_masked,
        e.reporter_phone_enc, position('13812345678' in encode(coalesce(e.reporter_phone_enc, ''), 'escape')) AS plain
      FROM events e JOIN grids g ON g.id = e.grid_id WHERE e.id = ${r!.id}`)
    expect(e!.status).toBe('dispatched')
    expect(Number(e!.department_id)).toBe(r!.route!.departmentId)
    expect(e!.due_at).not.toBeNull()
    expect(String(e!.path).startsWith(district.path)).toBe(true)
    // The phone is stored encrypted and masked, never in plain text.
    expect(e!.reporter_phone_masked).toBe('138****5678')
    expect(Number(e!.plain)).toBe(0)
    const timeline = await d.rows<{ action: string }>(
      sql`SELECT action FROM event_actions WHERE event_id = ${r!.id} ORDER BY id`,
    )
    expect(timeline.map((t) => t.action)).toEqual(['receive', 'dispatch'])
  })

  it('routes a grid worker’s report although the levels above its area are hidden from it', async () => {
    const [leaf] = await d.rows<{ id: number; path: string }>(
      sql`SELECT id, path FROM grids WHERE level = 5 AND grid_at(ST_SetSRID(ST_MakePoint(${at.lon}, ${at.lat}), 4326)) = id`,
    )
    const mine: Area = { gridId: Number(leaf!.id), path: leaf!.path }
    const r = await caller(['grid-worker'], mine).events.intake(
      form({ source: 'grid_patrol', reporterName: null, reporterPhone: null }),
    )
    expect(r?.route?.unrouted).toBeNull()
    expect(r?.route?.departmentId).toBeGreaterThan(0)
  })

  it('answers every workbench queue', async () => {
    for (const queue of [
      'to_dispatch',
      'my_todo',
      'nearly_due',
      'overdue',
      'awaiting_follow_up',
      'extensions',
    ] as const) {
      const q = await caller(['dispatcher'], district).events.queue({ queue, limit: 5 })
      expect(q.total, queue).toBeGreaterThanOrEqual(q.items.length)
    }
  })

  it('leaves what the list does not cover in the dispatcher’s queue', async () => {
    const r = await caller(['dispatcher'], district).events.intake(form({ categoryId: null }))
    expect(r?.route?.unrouted).toBe('no_category')
    const q = await caller(['dispatcher'], district).events.queue({ queue: 'to_dispatch', limit: 200 })
    expect(q.items.some((i) => i.id === r!.id)).toBe(true)
  })

  it('stores a repeated submission once (same source and external id)', async () => {
    const input = form()
    const a = await caller(['dispatcher'], district).events.intake(input)
    const b = await caller(['dispatcher'], district).events.intake(input)
    expect(b?.created).toBe(false)
    expect(b?.id).toBe(a?.id)
    expect(
      await count(sql`SELECT count(*)::int AS n FROM events WHERE external_id = ${input.externalId}`),
    ).toBe(1)
  })

  it('stores 50 concurrent duplicate submissions once (one idempotency key)', async () => {
    const key = `idem-${process.pid}-${Date.now()}`
    const before = await count(sql`SELECT count(*)::int AS n FROM events`)
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        caller(['dispatcher'], district).events.intake(form({ externalId: undefined, idempotencyKey: key })),
      ),
    )
    const ids = new Set(results.map((r) => r?.id))
    expect(ids.size).toBe(1)
    expect(results.filter((r) => r?.created).length).toBe(1)
    expect(await count(sql`SELECT count(*)::int AS n FROM events`)).toBe(before + 1)
    const [first] = [...ids]
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM event_actions WHERE event_id = ${first} AND action = 'receive'`,
      ),
    ).toBe(1)
  })

  it('refuses a location outside the caller’s area and stores nothing', async () => {
    const before = await count(sql`SELECT count(*)::int AS n FROM events`)
    const f = await failure(caller(['dispatcher'], district).events.intake(form(elsewhere)))
    expect(f.code).toBe('BAD_REQUEST')
    expect(f.message).toMatch(/辖区|outside your area/)
    expect(await count(sql`SELECT count(*)::int AS n FROM events`)).toBe(before)
  })

  it('runs the whole loop: sign, handle, resolve, follow up, archive — one timeline entry each', async () => {
    const r = await caller(['dispatcher'], district).events.intake(form())
    const id = r!.id
    const handler = caller(['department-handler'], district)
    const dispatcher = caller(['dispatcher'], district)
    let v = (await dispatcher.events.get({ id })).version
    v = (await handler.events.transition({ id, version: v, action: 'sign' }))!.version
    v = (await handler.events.transition({ id, version: v, action: 'start' }))!.version
    v = (await handler.events.transition({ id, version: v, action: 'resolve', result: '已更换灯泡' }))!
      .version
    v = (await dispatcher.events.transition({
      id,
      version: v,
      action: 'follow_up',
      satisfaction: 'satisfied',
    }))!.version
    await dispatcher.events.transition({ id, version: v, action: 'archive' })
    const rows = await d.rows<{ action: string; from_status: string | null; to_status: string | null }>(
      sql`SELECT action, from_status, to_status FROM event_actions WHERE event_id = ${id} ORDER BY id`,
    )
    expect(rows.map((x) => x.action)).toEqual([
      'receive',
      'dispatch',
      'sign',
      'start',
      'resolve',
      'follow_up',
      'archive',
    ])
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.from_status).toBe(rows[i - 1]!.to_status)
    const [e] = await d.rows<Record<string, unknown>>(
      sql`SELECT status, satisfaction, resolved_at, used_ms, limit_ms FROM events WHERE id = ${id}`,
    )
    expect(e!.status).toBe('archived')
    expect(e!.satisfaction).toBe('satisfied')
    expect(e!.resolved_at).not.toBeNull()
    expect(Number(e!.used_ms)).toBeLessThanOrEqual(Number(e!.limit_ms))
    const audited = await count(
      sql`SELECT count(*)::int AS n FROM audit_log WHERE object_type = 'event' AND object_id = ${String(id)}`,
    )
    expect(audited).toBe(6)
  })

  it('refuses an invalid move, naming the current state and the allowed moves', async () => {
    const r = await caller(['dispatcher'], district).events.intake(form())
    const { version } = await caller(['dispatcher'], district).events.get({ id: r!.id })
    const f = await failure(
      caller(['department-handler'], district).events.transition({
        id: r!.id,
        version,
        action: 'follow_up',
        satisfaction: 'satisfied',
      }),
    )
    expect(f.code).not.toBe('OK')
    expect(f.message).toMatch(/已派单|dispatched/)
    expect(f.message).toMatch(/签收|sign/)
  })

  it('lets only one of two concurrent transitions of one event succeed', async () => {
    const r = await caller(['dispatcher'], district).events.intake(form())
    const { version } = await caller(['dispatcher'], district).events.get({ id: r!.id })
    const results = await Promise.all([
      failure(
        caller(['department-handler'], district).events.transition({ id: r!.id, version, action: 'sign' }),
      ),
      failure(
        caller(['department-handler'], district).events.transition({
          id: r!.id,
          version,
          action: 'return',
          reason: '不属于本部门',
        }),
      ),
    ])
    expect(results.filter((x) => x.code === 'OK').length).toBe(1)
    expect(results.filter((x) => x.code === 'CONFLICT').length).toBe(1)
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM event_actions WHERE event_id = ${r!.id} AND action IN ('sign', 'return')`,
      ),
    ).toBe(1)
  })

  it('pauses the clock while returned and runs it on when dispatched again', async () => {
    const r = await caller(['dispatcher'], district).events.intake(form())
    const id = r!.id
    let { version } = await caller(['dispatcher'], district).events.get({ id })
    version = (await caller(['department-handler'], district).events.transition({
      id,
      version,
      action: 'return',
      reason: '非本部门职责',
    }))!.version
    const paused = await caller(['dispatcher'], district).events.get({ id })
    expect(paused.status).toBe('returned')
    expect(paused.paused).toBe(true)
    expect(paused.dueAt).toBeNull()
    const again = await caller(['dispatcher'], district).events.transition({
      id,
      version,
      action: 'dispatch',
      departmentId: departments[1]!,
    })
    expect(again?.to).toBe('dispatched')
    expect(again?.dueAt).not.toBeNull()
  })

  it('blows the whistle to two departments: the event resolves only when both have reported', async () => {
    const r = await caller(['dispatcher'], district).events.intake(form())
    const id = r!.id
    const worker = caller(['grid-worker'], district)
    let { version } = await worker.events.get({ id })
    const w = await worker.events.whistle({
      eventId: id,
      version,
      tasks: [
        { departmentId: departments[0]!, ask: '清理占道堆物', amount: 1, unit: 'working_days' },
        { departmentId: departments[1]!, ask: '现场执法', amount: 4, unit: 'working_hours' },
      ],
    })
    expect(w?.taskIds).toHaveLength(2)
    version = w!.version
    const handler = caller(['department-handler'], district)
    version = (await handler.events.transition({ id, version, action: 'sign' }))!.version
    version = (await handler.events.transition({ id, version, action: 'start' }))!.version
    const refused = await failure(
      handler.events.transition({ id, version, action: 'resolve', result: '已处理' }),
    )
    expect(refused.code).toBe('PRECONDITION_FAILED')
    await handler.events.reportTask({ taskId: w!.taskIds[0]!, report: '已清理' })
    const last = await handler.events.reportTask({ taskId: w!.taskIds[1]!, report: '已执法' })
    expect(last?.openTasks).toBe(0)
    const resolved = await handler.events.transition({
      id,
      version,
      action: 'resolve',
      result: '联合处置完毕',
    })
    expect(resolved?.to).toBe('resolved')
    await worker.events.scoreTask({ taskId: w!.taskIds[0]!, score: 5 })
    await worker.events.scoreTask({ taskId: w!.taskIds[1]!, score: 4 })
    const got = await worker.events.get({ id })
    expect(got.tasks.map((t) => [t.status, t.score])).toEqual([
      ['scored', 5],
      ['scored', 4],
    ])
  })

  it('shows likely duplicates and merges one into the other, keeping its reporter informed', async () => {
    const a = await caller(['dispatcher'], district).events.intake(form({ address: '测试路 1 号' }))
    const b = await caller(['dispatcher'], district).events.intake(form({ address: '测试路 1 号' }))
    expect(b?.duplicates.some((x) => x.id === a!.id && x.sameAddress)).toBe(true)
    const { version } = await caller(['dispatcher'], district).events.get({ id: b!.id })
    await caller(['dispatcher'], district).events.merge({ id: b!.id, version, into: a!.id })
    const [e] = await d.rows<{ duplicate_of: number; status: string }>(
      sql`SELECT duplicate_of, status FROM events WHERE id = ${b!.id}`,
    )
    expect(Number(e!.duplicate_of)).toBe(a!.id)
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM event_actions WHERE event_id = ${a!.id} AND action = 'merged_in'`,
      ),
    ).toBe(1)
  })

  it('imports CSV rows: good ones stored, bad ones reported by line, a second import stores nothing', async () => {
    const [cat] = await d.rows<{ code: string }>(
      sql`SELECT code FROM categories WHERE id = ${routedCategory}`,
    )
    const base = {
      source: 'hotline',
      category_code: cat!.code,
      title: '井盖缺失',
      lon: String(at.lon),
      lat: String(at.lat),
    }
    const tag = `CSV-${process.pid}-${Date.now()}`
    const rows = [
      { line: 2, external_id: `${tag}-1`, ...base },
      { line: 3, external_id: `${tag}-2`, ...base, reported_at: '2026-11-30T08:00:00+08:00' },
      { line: 4, external_id: '', ...base },
      { line: 5, external_id: `${tag}-4`, ...base, category_code: '999999' },
      { line: 6, external_id: `${tag}-5`, ...base, lon: String(at.lat), lat: String(at.lon) },
      { line: 7, external_id: `${tag}-6`, ...base, lon: String(elsewhere.lon), lat: String(elsewhere.lat) },
      { line: 8, external_id: `${tag}-7`, ...base, reporter_phone: '12345' },
    ]
    const before = await count(sql`SELECT count(*)::int AS n FROM events`)
    const { results } = await caller(['dispatcher'], district).events.importRows({ rows })
    const byLine = new Map(results.map((r) => [r.line, r]))
    expect(byLine.get(2)).toMatchObject({ created: true, routed: true })
    expect(byLine.get(3)).toMatchObject({ created: true })
    expect(byLine.get(4)?.error).toMatch(/external_id/)
    expect(byLine.get(5)?.error).toMatch(/999999/)
    expect(byLine.get(6)?.error).toMatch(/swapped|颠倒/)
    expect(byLine.get(7)?.error).toMatch(/outside your area|辖区/)
    expect(byLine.get(8)?.error).toMatch(/phone|电话/)
    expect(await count(sql`SELECT count(*)::int AS n FROM events`)).toBe(before + 2)
    const again = await caller(['dispatcher'], district).events.importRows({ rows: rows.slice(0, 2) })
    expect(again.results.map((r) => r.created)).toEqual([false, false])
    expect(await count(sql`SELECT count(*)::int AS n FROM events`)).toBe(before + 2)
  })

  describe('the working-day calendar', () => {
    it('ships 2026 with its holidays and make-up working days', async () => {
      const days = await caller(['dispatcher']).events.calendar.get({ year: 2026 })
      const byDay = new Map(days.map((x) => [x.day, x.kind]))
      expect(byDay.get('2026-10-07')).toBe('holiday')
      expect(byDay.has('2026-10-08')).toBe(false)
      expect(byDay.get('2026-01-04')).toBe('workday')
      expect(byDay.get('2026-02-14')).toBe('workday')
    })
    it('refuses a day of another year and changes nothing', async () => {
      const before = await caller(['dispatcher']).events.calendar.get({ year: 2026 })
      const f = await failure(
        caller(['admin']).events.calendar.setYear({
          year: 2026,
          days: [{ day: '2027-01-01', kind: 'holiday', name: '元旦' }],
        }),
      )
      expect(f.code).toBe('BAD_REQUEST')
      expect(await caller(['dispatcher']).events.calendar.get({ year: 2026 })).toEqual(before)
    })
  })
})
