import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { routeEvent } from '../../db/queries/loop.queries.ts'
import type { RoleId } from '../../db/schema/access.ts'
import { createContext } from '../../server/context.ts'
import { type Area, WHOLE_CITY } from '../../server/domain/area.ts'
import type { LoopDeps } from '../../server/loop/intake.ts'
import { LiveBus, type LiveMessage } from '../../server/loop/live.ts'
import { httpSmsSender, runWatch } from '../../server/loop/watch.ts'
import { loopDeps } from '../../server/routers/events.router.ts'
import { appRouter } from '../../server/routers/index.ts'
import { createPiiCipher } from '../../server/security/pii.ts'
import { principalFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

const pii = createPiiCipher(Buffer.alloc(32, 7))
let seq = 0
const ext = () => `WATCH-${process.pid}-${Date.now()}-${++seq}`
const HOUR = 3_600_000

dbDescribe('the loop watcher: warnings, overdue supervision, reporter notices', () => {
  let d: Database
  let district: Area
  let street: Area
  let at: { lon: number; lat: number }
  let category: number
  let firstId = 0
  const mine: number[] = []
  const caller = (roles: RoleId[], area: Area = WHOLE_CITY) =>
    appRouter.createCaller(createContext({ db: d, principal: principalFor(roles, area), pii }))
  const deps = async (now: Date): Promise<LoopDeps> => ({ ...(await loopDeps.get(d, pii)), now: () => now })

  /** A routed (dispatched, clock running) event of this file, with the reporter's phone if given. */
  async function dispatched(phone: string | null = null): Promise<number> {
    const r = await caller(['dispatcher'], district).events.intake({
      source: 'hotline',
      externalId: ext(),
      categoryId: category,
      title: '路灯不亮',
      body: '晚上整条路都是黑的',
      lon: at.lon,
      lat: at.lat,
      reporterPhone: phone,
    })
    expect(r?.route?.departmentId).toBeTruthy()
    mine.push(r!.id)
    return r!.id
  }
  /** Put the clock of `id` so that `usedShare` of a 10-working-hour limit is gone at `now`. */
  async function setClock(id: number, now: Date, usedShare: number, dueAt: Date) {
    const limit = 10 * HOUR
    await d.rows(sql`UPDATE events SET limit_ms = ${limit}, used_ms = ${Math.round(limit * usedShare)},
      clock_since = ${now.toISOString()}::timestamptz, due_at = ${dueAt.toISOString()}::timestamptz,
      warned_at = NULL, overdue_at = NULL WHERE id = ${id}`)
  }
  const actions = async (id: number, action: string) =>
    d.rows<{ note: string; detail: unknown }>(
      sql`SELECT note, detail FROM event_actions WHERE event_id = ${id} AND action = ${action} ORDER BY id`,
    )

  beforeAll(async () => {
    d = await testDb()
    firstId = Number(
      (await d.rows<{ n: number }>(sql`SELECT coalesce(max(id), 0) AS n FROM events`))[0]?.n ?? 0,
    )
    const [g] = await d.rows<{ id: number; path: string; x: number; y: number }>(sql`
      SELECT id, path, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y
      FROM grids WHERE level = 5 ORDER BY code LIMIT 1`)
    at = { lon: Number(g!.x), lat: Number(g!.y) }
    const parts = g!.path.split('/').filter(Boolean)
    const [dg] = await d.rows<{ id: number; path: string }>(
      sql`SELECT id, path FROM grids WHERE path = ${`/${parts.slice(0, 2).join('/')}/`}`,
    )
    district = { gridId: Number(dg!.id), path: dg!.path }
    const [sg] = await d.rows<{ id: number; path: string }>(
      sql`SELECT id, path FROM grids WHERE path = ${`/${parts.slice(0, 3).join('/')}/`}`,
    )
    street = { gridId: Number(sg!.id), path: sg!.path }
    for (const c of await d.rows<{ id: number }>(
      sql`SELECT id FROM categories WHERE level = 3 ORDER BY code`,
    )) {
      if ((await routeEvent(d, Number(c.id), at.lon, at.lat)).departmentId) {
        category = Number(c.id)
        break
      }
    }
    expect(category).toBeGreaterThan(0)
  })

  afterAll(async () => {
    await d.rows(sql`DELETE FROM events WHERE id > ${firstId}`)
  })

  it('warns a running event past the warning share on the working-day calendar, once per run of its clock', async () => {
    // Now, whatever the hour: the queues compare with the database's now().
    const now = new Date()
    const cal = (await deps(now)).calendar
    const nearly = await dispatched()
    const early = await dispatched()
    // 85% used, 1.5 working hours left; 50% used, 5 working hours left.
    await setClock(nearly, now, 0.85, cal.addWorkingMs(now, 1.5 * HOUR))
    await setClock(early, now, 0.5, cal.addWorkingMs(now, 5 * HOUR))
    const bus = new LiveBus()
    const heard: LiveMessage[] = []
    const ac = new AbortController()
    const listening = (async () => {
      for await (const m of bus.listen(street.path, ac.signal)) heard.push(m)
    })().catch(() => {})
    const r = await runWatch(d, await deps(now), { bus, only: [nearly, early] })
    expect(r.warned).toEqual([nearly])
    expect(r.overdue).toEqual([])
    const [w] = await actions(nearly, 'warn')
    expect(w?.note).toMatch(/80%/)
    expect(await actions(early, 'warn')).toHaveLength(0)
    await new Promise((res) => setTimeout(res, 20))
    ac.abort()
    await listening
    expect(heard.map((m) => [m.eventId, m.action, m.kind])).toEqual([[nearly, 'warn', 'watch']])

    // The next run warns nothing again; the nearly-due queue lists it.
    expect((await runWatch(d, await deps(now), { bus, only: [nearly, early] })).warned).toEqual([])
    expect(await actions(nearly, 'warn')).toHaveLength(1)
    const q = await caller(['district-leader'], district).events.queue({ queue: 'nearly_due', limit: 200 })
    expect(q.items.some((i) => i.id === nearly)).toBe(true)
    expect(q.items.some((i) => i.id === early)).toBe(false)

    // A restarted clock (after a pause) warns again when it is still past the share.
    const later = new Date(now.getTime() + HOUR)
    await d.rows(
      sql`UPDATE events SET clock_since = ${later.toISOString()}::timestamptz WHERE id = ${nearly}`,
    )
    expect((await runWatch(d, await deps(later), { bus, only: [nearly] })).warned).toEqual([nearly])
  })

  it('marks an overdue event once and supervises it one level up; a paused event is never overdue', async () => {
    const now = new Date('2026-06-03T02:00:00Z')
    const late = await dispatched()
    const paused = await dispatched()
    await setClock(late, new Date(now.getTime() - 20 * HOUR), 0.2, new Date(now.getTime() - HOUR))
    await d.rows(
      sql`UPDATE events SET status = 'parked', clock_since = NULL, due_at = NULL WHERE id = ${paused}`,
    )
    const [before] = await d.rows<{ supervisions: number; version: number; handling_level: number }>(
      sql`SELECT supervisions, version, handling_level FROM events WHERE id = ${late}`,
    )
    const r = await runWatch(d, await deps(now), { bus: new LiveBus(), only: [late, paused] })
    expect(r.overdue).toEqual([late])
    const [after] = await d.rows<{ supervisions: number; version: number; overdue_at: string }>(
      sql`SELECT supervisions, version, overdue_at FROM events WHERE id = ${late}`,
    )
    expect(Number(after!.supervisions)).toBe(Number(before!.supervisions) + 1)
    // The watcher changes no state: a person's transition on the version they saw still goes.
    expect(Number(after!.version)).toBe(Number(before!.version))
    expect(new Date(after!.overdue_at).getTime()).toBe(now.getTime())
    const [entry] = await actions(late, 'overdue')
    const level = Math.max(1, Number(before!.handling_level ?? 3) - 1)
    expect((entry!.detail as { escalatedToLevel: number }).escalatedToLevel).toBe(level)
    expect(entry!.note).toMatch(/自动督办/)
    expect((await runWatch(d, await deps(now), { bus: new LiveBus(), only: [late] })).overdue).toEqual([])
    expect(await actions(late, 'overdue')).toHaveLength(1)
    expect(await actions(paused, 'overdue')).toHaveLength(0)

    // The level above sees it in its supervised queue (督办件) and in the overdue one.
    const leader = caller(['district-leader'], district)
    const sup = await leader.events.queue({ queue: 'supervised', limit: 200 })
    expect(sup.items.find((i) => i.id === late)?.supervisions).toBe(Number(after!.supervisions))
    expect(
      (await leader.events.queue({ queue: 'overdue', limit: 200 })).items.some((i) => i.id === late),
    ).toBe(true)
    // One audit record for the run.
    const [audit] = await d.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'event.watch' AND object_id LIKE ${`%${late}%`}`,
    )
    expect(Number(audit!.n)).toBeGreaterThanOrEqual(1)
  })

  it('tells reporters through the SMS gateway: merged duplicates and the resolution, with retries', async () => {
    const received: { to: string; text: string; ref: string }[] = []
    let fail = true
    const gateway: Server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        if (fail) {
          res.statusCode = 503
          res.end('busy')
          return
        }
        received.push(JSON.parse(body))
        res.end('{"ok":true}')
      })
    })
    await new Promise<void>((res) => gateway.listen(0, '127.0.0.1', res))
    const sms = httpSmsSender(`http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`)
    try {
      const main = await dispatched('13800138000')
      const dup = await dispatched('13900139000')
      const anonymous = await dispatched(null)
      const dispatcher = caller(['dispatcher'], district)
      for (const id of [dup, anonymous]) {
        const { version } = await dispatcher.events.get({ id })
        await dispatcher.events.merge({ id, version, into: main })
      }
      const handler = caller(['department-handler'], district)
      let v = (await dispatcher.events.get({ id: main })).version
      v = (await handler.events.transition({ id: main, version: v, action: 'sign' }))!.version
      v = (await handler.events.transition({ id: main, version: v, action: 'start' }))!.version
      await handler.events.transition({ id: main, version: v, action: 'resolve', result: '已修复' })

      const notices = (await dispatcher.events.get({ id: main })).notices
      // merged ×2 (dup, anonymous) + resolved ×3 (main, dup, anonymous)
      expect(notices.map((n) => [n.eventId, n.kind]).sort()).toEqual(
        [
          [dup, 'merged'],
          [anonymous, 'merged'],
          [main, 'resolved'],
          [dup, 'resolved'],
          [anonymous, 'resolved'],
        ].sort(),
      )
      expect(notices.find((n) => n.eventId === dup)?.phoneMasked).toBe('139****9000')

      // The gateway is down: the notices with a phone fail with its answer and stay to be retried.
      const now = new Date()
      const r1 = await runWatch(d, await deps(now), { sms, bus: new LiveBus(), only: mine })
      expect(r1.notices.failed).toBe(3)
      expect(r1.notices.noContact).toBe(2)
      const failed = (await dispatcher.events.get({ id: main })).notices.filter((n) => n.status === 'failed')
      expect(failed).toHaveLength(3)
      expect(failed[0]?.lastError).toMatch(/503/)

      fail = false
      const r2 = await runWatch(d, await deps(now), { sms, bus: new LiveBus(), only: mine })
      expect(r2.notices.sent).toBe(3)
      expect(received.map((m) => m.to).sort()).toEqual(['13800138000', '13900139000', '13900139000'])
      const toDup = received.filter((m) => m.to === '13900139000').map((m) => m.text)
      expect(toDup.some((t) => /合并办理/.test(t))).toBe(true)
      expect(toDup.some((t) => /已办结/.test(t))).toBe(true)
      // No name, phone or handler's text goes into a message.
      for (const m of received) expect(m.text).not.toMatch(/13800138000|13900139000|已修复/)
      const after = (await dispatcher.events.get({ id: main })).notices
      expect(after.filter((n) => n.status === 'sent')).toHaveLength(3)
      expect(after.filter((n) => n.status === 'no_contact')).toHaveLength(2)
      // Sent once: a further run sends nothing.
      expect((await runWatch(d, await deps(now), { sms, bus: new LiveBus(), only: mine })).notices.sent).toBe(
        0,
      )
    } finally {
      await new Promise((res) => gateway.close(res))
    }
  })

  it('without a gateway the notices wait in the outbox', async () => {
    const main = await dispatched('13700137000')
    const dispatcher = caller(['dispatcher'], district)
    const handler = caller(['department-handler'], district)
    let v = (await dispatcher.events.get({ id: main })).version
    v = (await handler.events.transition({ id: main, version: v, action: 'sign' }))!.version
    v = (await handler.events.transition({ id: main, version: v, action: 'start' }))!.version
    await handler.events.transition({ id: main, version: v, action: 'resolve', result: '已处理' })
    const r = await runWatch(d, await deps(new Date()), { sms: null, bus: new LiveBus(), only: [main] })
    expect(r.notices.waiting).toBeGreaterThanOrEqual(1)
    const [n] = (await dispatcher.events.get({ id: main })).notices
    expect(n?.status).toBe('pending')
  })
})
