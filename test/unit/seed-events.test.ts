import { beforeAll, describe, expect, it } from 'vitest'
import type { EventStatus } from '../../db/schema/events.ts'
import {
  clockOf,
  type EventsContext,
  eventHotspots,
  type GeneratedAction,
  type GeneratedEvent,
  generateEvents,
} from '../../db/seed/events.ts'
import { addWorkingDays } from '../../db/seed/events-lifecycle.ts'
import { departmentsOf, planOrganisations } from '../../db/seed/orgs.ts'
import { planResponsibilities } from '../../db/seed/responsibilities.ts'
import { createRng } from '../../db/seed/rng.ts'
import { planCategories } from '../../db/seed/taxonomy.ts'
import type { Scale, SeededGrid } from '../../db/seed/types.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const NOW = new Date('2026-04-15T10:30:00+08:00')
const DAYS = 120
const N = 24_000

/** A small city of square grids: 2 districts × 3 streets × 2 communities × 4 grids, urban in the west. */
function syntheticCity() {
  const g = (
    id: number,
    level: number,
    code: string,
    name: string,
    path: string,
    ring: [number, number][] = [],
  ) => ({
    id,
    level,
    code,
    name,
    path: `${path}${id}/`,
    ring,
    centroid: ring.length
      ? ([ring[0]![0] + 0.005, ring[0]![1] + 0.005] as [number, number])
      : ([0, 0] as [number, number]),
    urban: 0.5,
  })
  const city = g(1, 1, '371000000000', '威海市', '/')
  const districts: SeededGrid[] = []
  const streets: SeededGrid[] = []
  const communities: SeededGrid[] = []
  const leafGrids: SeededGrid[] = []
  let id = 2
  for (let di = 0; di < 2; di++) {
    const d = g(id++, 2, `37100${2 + di}000000`, di ? '文登区' : '环翠区', city.path)
    districts.push(d)
    for (let si = 0; si < 3; si++) {
      const s = g(
        id++,
        3,
        `${d.code.slice(0, 6)}00${si + 1}000`,
        ['鲸园街道', '竹岛街道', '张村镇'][si]!,
        d.path,
      )
      streets.push(s)
      for (let ci = 0; ci < 2; ci++) {
        const c = g(id++, 4, `${s.code.slice(0, 9)}00${ci + 1}`, `${['海港', '望岛'][ci]}社区`, s.path)
        communities.push(c)
        for (let gi = 0; gi < 4; gi++) {
          const x = 122 + (di * 6 + si * 2 + ci) * 0.01
          const y = 37.4 + gi * 0.01
          const ring: [number, number][] = [
            [x, y],
            [x + 0.01, y],
            [x + 0.01, y + 0.01],
            [x, y + 0.01],
            [x, y],
          ]
          const leaf = g(
            id++,
            5,
            `${c.code}${String(gi + 1).padStart(3, '0')}`,
            `第${gi + 1}网格`,
            c.path,
            ring,
          )
          leaf.urban = Math.max(0.02, 1 - Math.hypot(x - 122.02, y - 37.42) * 10)
          leafGrids.push(leaf)
        }
      }
    }
  }
  return { city, districts, streets, communities, leafGrids }
}

function context(seed: number, events = N): EventsContext {
  const c = syntheticCity()
  const rng = createRng(seed)
  const categories = planCategories()
  const scale = { residents: 3000, events, eventDays: DAYS } as Scale
  const orgs = planOrganisations({ rng, scale, ...c }, c.communities)
  return {
    rng,
    scale,
    now: NOW,
    leafGrids: c.leafGrids,
    districts: c.districts,
    streets: c.streets,
    categories,
    departments: departmentsOf(orgs),
    responsibilities: planResponsibilities(categories),
  }
}

/** Local (China) weekday 0 = Monday and hour of an instant. */
const cst = (t: number) => new Date(t + 8 * HOUR)
const dow = (t: number) => (cst(t).getUTCDay() + 6) % 7
const hour = (t: number) => cst(t).getUTCHours()

let ctx: EventsContext
let events: GeneratedEvent[]
let actions: GeneratedAction[]
let batches = 0

beforeAll(() => {
  ctx = context(7)
  events = []
  actions = []
  for (const b of generateEvents(ctx, { batchSize: 5000 })) {
    batches++
    events.push(...b.events)
    actions.push(...b.actions)
  }
})

describe('event generator', () => {
  it('makes exactly scale.events events, in time order, in batches, over the window', () => {
    expect(events).toHaveLength(N)
    expect(batches).toBeGreaterThan(3)
    expect(events.every((e, i) => e.seq === i)).toBe(true)
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.reportedAt).toBeGreaterThanOrEqual(events[i - 1]!.reportedAt)
    expect(events.at(-1)!.reportedAt).toBeLessThan(NOW.getTime())
    expect(events[0]!.reportedAt).toBeGreaterThan(NOW.getTime() - (DAYS + 1) * DAY)
  })

  it('mixes the sources like a city platform and keeps external ids unique per source', () => {
    const share = (s: string) => events.filter((e) => e.source === s).length / N
    expect(share('hotline')).toBeGreaterThan(0.55)
    expect(share('hotline')).toBeLessThan(0.7)
    expect(share('grid_patrol')).toBeGreaterThan(0.2)
    expect(share('grid_patrol')).toBeLessThan(0.32)
    for (const s of ['police_110', 'sensor', 'dispute', 'web']) expect(share(s)).toBeGreaterThan(0.01)
    const ids = new Set(events.map((e) => `${e.source}|${e.externalId}`))
    expect(ids.size).toBe(N)
    expect(events.find((e) => e.source === 'hotline')!.externalId).toMatch(/^12345-20\d{6}-\d{6}$/)
  })

  it('has a weekly rhythm: fewer hotline calls and patrol reports at the weekend', () => {
    for (const src of ['hotline', 'grid_patrol']) {
      const perDow = Array.from({ length: 7 }, () => 0)
      for (const e of events) if (e.source === src) perDow[dow(e.reportedAt)]!++
      const weekday = perDow.slice(0, 5).reduce((a, b) => a + b, 0) / 5
      const weekend = (perDow[5]! + perDow[6]!) / 2
      expect(weekday, src).toBeGreaterThan(1.2 * weekend)
    }
  })

  it('has a daily rhythm: peaks in office hours, night calls mostly about noise', () => {
    const hotline = events.filter((e) => e.source === 'hotline')
    const at = (hs: number[], list: GeneratedEvent[]) =>
      list.filter((e) => hs.includes(hour(e.reportedAt))).length
    expect(at([9, 10], hotline)).toBeGreaterThan(8 * at([2, 3], hotline))
    expect(at([14, 15, 16], hotline)).toBeGreaterThan(at([12], hotline) * 3)
    const patrol = events.filter((e) => e.source === 'grid_patrol')
    expect(at([0, 1, 2, 3, 4], patrol)).toBeLessThan(patrol.length * 0.01)
    const nightCats = new Set(ctx.categories.filter((c) => c.leaf?.night).map((c) => c.id))
    const late = hotline.filter((e) => [22, 23, 0].includes(hour(e.reportedAt)))
    const noiseShareLate = late.filter((e) => nightCats.has(e.categoryId)).length / late.length
    const noiseShareAll = hotline.filter((e) => nightCats.has(e.categoryId)).length / hotline.length
    expect(noiseShareLate).toBeGreaterThan(2 * noiseShareAll)
  })

  it('grows 4–8 hotspots over the last weeks', () => {
    const hotspots = eventHotspots(ctx)
    expect(hotspots.length).toBeGreaterThanOrEqual(4)
    expect(hotspots.length).toBeLessThanOrEqual(8)
    const start = NOW.getTime() - DAYS * DAY
    for (const [i, h] of hotspots.entries()) {
      const inSpot = events.filter(
        (e) => e.leafGridId === h.leafGridId && h.categoryIds.includes(e.categoryId),
      )
      const first = inSpot.filter((e) => e.reportedAt < start + 14 * DAY).length
      const last = inSpot.filter((e) => e.reportedAt >= NOW.getTime() - 14 * DAY).length
      expect(last, h.theme).toBeGreaterThan(2 * first + 5)
      expect(events.some((e) => e.hotspot === i)).toBe(true)
    }
  })

  it('puts every event inside its grid and routes it to a department of its area', () => {
    const grids = new Map(ctx.leafGrids.map((g) => [g.id, g]))
    const depts = new Map(ctx.departments.map((d) => [d.id, d]))
    for (const e of events) {
      const [x0, y0] = grids.get(e.leafGridId)!.ring[0]!
      expect(e.lon > x0 && e.lon < x0 + 0.01 && e.lat > y0 && e.lat < y0 + 0.01).toBe(true)
      if (e.departmentId === null) continue
      const d = depts.get(e.departmentId)!
      const path = grids.get(e.leafGridId)!.path
      expect(d.areaLevel === 1 || path.includes(`/${d.areaGridId}/`)).toBe(true)
    }
    const routed = events.filter((e) => e.departmentId !== null)
    expect(routed.length / N).toBeGreaterThan(0.7)
    const street = routed.filter((e) => depts.get(e.departmentId!)!.areaLevel === 3).length
    expect(street / routed.length).toBeGreaterThan(0.4)
  })

  it('keeps status consistent with age, and the timeline with the status', () => {
    const now = NOW.getTime()
    const byEvent = new Map<number, GeneratedAction[]>()
    for (const a of actions) {
      const list = byEvent.get(a.eventSeq) ?? []
      if (!list.length) byEvent.set(a.eventSeq, list)
      list.push(a)
    }
    const closed = new Set<EventStatus>(['followed_up', 'archived'])
    const old = events.filter((e) => e.reportedAt < now - 45 * DAY)
    expect(old.filter((e) => closed.has(e.status)).length / old.length).toBeGreaterThan(0.95)
    const fresh = events.filter((e) => e.reportedAt > now - 6 * HOUR)
    expect(fresh.length).toBeGreaterThan(10)
    expect(fresh.filter((e) => e.status === 'archived')).toHaveLength(0)
    const open = events.filter((e) => !['resolved', 'followed_up', 'archived'].includes(e.status))
    expect(open.length).toBeGreaterThan(20)
    const statuses = new Set(events.map((e) => e.status))
    for (const s of [
      'received',
      'signed',
      'in_progress',
      'parked',
      'resolved',
      'followed_up',
      'archived',
    ] as const)
      expect(statuses.has(s), s).toBe(true)
    expect(open.some((e) => e.dueAt < now)).toBe(true) // a few overdue

    const bad: string[] = []
    const check = (ok: boolean, what: string, e: GeneratedEvent) => {
      if (!ok && bad.length < 10) bad.push(`${e.externalId} ${e.status}: ${what}`)
    }
    for (const e of events) {
      const tl = byEvent.get(e.seq) ?? []
      const first = tl[0]
      check(
        first?.action === 'receive' && first.fromStatus === null && first.at === e.reportedAt,
        'starts with receive',
        e,
      )
      for (let i = 1; i < tl.length; i++) {
        check(tl[i]!.at > tl[i - 1]!.at, 'ordered in time', e)
        check(tl[i]!.fromStatus === tl[i - 1]!.toStatus, 'chained statuses', e)
      }
      const last = tl.at(-1)
      check(
        last?.toStatus === e.status && last.at === e.updatedAt && last.at <= now,
        'ends at the status, by now',
        e,
      )
      check(e.dueAt > e.reportedAt, 'due after reported', e)
      // The clock as the loop keeps it: running → started, with a deadline; paused → no deadline;
      // never dispatched → no limit.
      const clock = clockOf(e)
      const running = ['dispatched', 'signed', 'in_progress'].includes(e.status)
      const paused = ['returned', 'parked', 'extension_requested'].includes(e.status)
      check(running === (clock.clockSince !== null), 'clock runs iff running', e)
      if (running) check(clock.dueAt !== null && (clock.limitMs ?? 0) > 0, 'running: due and limit', e)
      if (paused) check(clock.dueAt === null && (clock.limitMs ?? 0) > 0, 'paused: no deadline', e)
      if (e.status === 'received')
        check(clock.dueAt === null && clock.limitMs === null, 'received: no clock', e)
      check(clock.usedMs >= 0 && clock.usedMs <= 2 * (clock.limitMs ?? 0), 'used in range', e)
      check(
        (e.departmentId !== null) === tl.some((a) => a.action === 'dispatch'),
        'department iff dispatched',
        e,
      )
      check((e.resolvedAt !== null) === tl.some((a) => a.action === 'resolve'), 'resolvedAt iff resolved', e)
      check(e.resolvedAt === null || e.resolvedAt > e.reportedAt, 'resolved after reported', e)
      check((e.satisfaction !== null) === closed.has(e.status), 'rated iff followed up', e)
    }
    expect(bad).toEqual([])
  })

  it('rates about 90% of followed-up requests satisfied', () => {
    const rated = events.filter((e) => e.satisfaction !== null)
    const rate = (s: string) => rated.filter((e) => e.satisfaction === s).length / rated.length
    expect(rate('satisfied')).toBeGreaterThan(0.86)
    expect(rate('satisfied')).toBeLessThan(0.94)
    expect(rate('basically_satisfied')).toBeGreaterThan(0.04)
    expect(rate('unsatisfied')).toBeGreaterThan(0.01)
    expect(rate('unsatisfied')).toBeLessThan(0.06)
  })

  it('writes natural titles and bodies from the templates', () => {
    for (const e of events.slice(0, 2000)) {
      expect(e.title).not.toMatch(/[{}]/)
      expect(e.body).not.toMatch(/[{}]/)
      expect(e.address).toMatch(/^(环翠区|文登区)(鲸园街道|竹岛街道|张村镇)/)
    }
    const e = events.find((x) => x.source === 'hotline')!
    expect(e.body).toMatch(/^市民来电/)
  })

  it('is deterministic for a seed and differs between seeds', () => {
    const first = (seed: number) => generateEvents(context(seed, 3000), { batchSize: 1000 }).next().value!
    const a = first(11)
    const b = first(11)
    const c = first(12)
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
    expect(JSON.stringify(a.events.slice(0, 50))).not.toBe(JSON.stringify(c.events.slice(0, 50)))
  })
})

describe('working days', () => {
  it('skip the weekend', () => {
    const fri = new Date('2026-04-17T10:00:00+08:00').getTime()
    expect(new Date(addWorkingDays(fri, 1)).toISOString()).toBe('2026-04-20T02:00:00.000Z') // Monday
    expect(new Date(addWorkingDays(fri, 5)).toISOString()).toBe('2026-04-24T02:00:00.000Z')
  })
})
