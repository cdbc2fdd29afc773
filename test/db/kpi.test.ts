import { TRPCError } from '@trpc/server'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { departmentLeague, type KpiRow, kpis } from '../../db/queries/kpi.queries.ts'
import { createContext } from '../../server/context.ts'
import { type Area, WHOLE_CITY } from '../../server/domain/area.ts'
import { kpiRouter } from '../../server/routers/kpi.router.ts'
import { principalFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

/**
 * A hand-made fixture, far away from the seeded city (around 100°E 30°N), so that nothing of the
 * seed counts and every KPI can be computed by hand:
 *
 *   D 990100 (district)  ├─ S1 990101 (street) ─ G1 99010101 (grid)
 *                        └─ S2 990102 (street) ─ G2 99010201 (grid)
 *   X 990200 (another district, outside the caller's area) ─ GX 99020001
 *
 * Departments A (KPI城管局) and B (KPI水务局). The period is March and April 2025, China time:
 * [2025-03-01T00:00+08:00, 2025-05-01T00:00+08:00) = [2025-02-28T16:00Z, 2025-04-30T16:00Z).
 * Limits are 72 working hours where set; times below are UTC.
 */
const H = 3_600_000
const FROM = new Date('2025-02-28T16:00:00Z')
const TO = new Date('2025-04-30T16:00:00Z')

type Grid = 'G1' | 'G2' | 'GX'
interface Ev {
  dept: 'A' | 'B'
  grid: Grid
  status: string
  reported: string
  resolved?: string
  due?: string
  limitH?: number
  usedH?: number
  direct?: boolean
  sat?: 'satisfied' | 'basically_satisfied' | 'unsatisfied'
  followed?: string
  dupOf?: string
}

const EVENTS: Record<string, Ev> = {
  // resolved on time (20 of 72 h), 24 h wall clock, rated satisfied in March
  e1: {
    dept: 'A',
    grid: 'G1',
    status: 'followed_up',
    reported: '2025-03-03T02:00:00Z',
    resolved: '2025-03-04T02:00:00Z',
    due: '2025-03-06T02:00:00Z',
    limitH: 72,
    usedH: 20,
    sat: 'satisfied',
    followed: '2025-03-05T02:00:00Z',
  },
  // resolved LATE (100 of 72 h), 120 h; rated unsatisfied in April (rating counts by followed_up_at)
  e2: {
    dept: 'A',
    grid: 'G1',
    status: 'followed_up',
    reported: '2025-03-10T02:00:00Z',
    resolved: '2025-03-15T02:00:00Z',
    due: '2025-03-13T02:00:00Z',
    limitH: 72,
    usedH: 100,
    sat: 'unsatisfied',
    followed: '2025-04-02T02:00:00Z',
  },
  // first-contact resolution (即接即办), 1 h, archived, satisfied
  e3: {
    dept: 'A',
    grid: 'G2',
    status: 'archived',
    reported: '2025-03-20T00:00:00Z',
    resolved: '2025-03-20T01:00:00Z',
    due: '2025-03-23T00:00:00Z',
    limitH: 72,
    usedH: 1,
    direct: true,
    sat: 'satisfied',
    followed: '2025-03-21T00:00:00Z',
  },
  // no limit_ms but a due time: on time by resolved_at <= due_at; 48 h; basically satisfied
  e4: {
    dept: 'B',
    grid: 'G2',
    status: 'followed_up',
    reported: '2025-04-01T00:00:00Z',
    resolved: '2025-04-03T00:00:00Z',
    due: '2025-04-05T00:00:00Z',
    sat: 'basically_satisfied',
    followed: '2025-04-04T00:00:00Z',
  },
  // no limit_ms, resolved after its due time: LATE; 240 h
  e5: {
    dept: 'B',
    grid: 'G2',
    status: 'resolved',
    reported: '2025-04-10T00:00:00Z',
    resolved: '2025-04-20T00:00:00Z',
    due: '2025-04-15T00:00:00Z',
  },
  // no limit at all: on time; 24 h
  e6: {
    dept: 'B',
    grid: 'G1',
    status: 'resolved',
    reported: '2025-04-12T00:00:00Z',
    resolved: '2025-04-13T00:00:00Z',
  },
  // OPEN OVERDUE at the period end (due 04-20)
  e7: {
    dept: 'A',
    grid: 'G1',
    status: 'in_progress',
    reported: '2025-04-01T00:00:00Z',
    due: '2025-04-20T00:00:00Z',
    limitH: 72,
  },
  // PAUSED (parked, due_at NULL) with more than its limit used: never overdue
  e8: { dept: 'A', grid: 'G2', status: 'parked', reported: '2025-03-25T00:00:00Z', limitH: 72, usedH: 80 },
  // open, not due until after the period: not overdue
  e9: {
    dept: 'B',
    grid: 'G1',
    status: 'dispatched',
    reported: '2025-04-28T00:00:00Z',
    due: '2025-05-05T00:00:00Z',
    limitH: 72,
  },
  // due 03-10, resolved only on 05-10 (after the period): open overdue at the end of March AND of April
  e10: {
    dept: 'B',
    grid: 'G2',
    status: 'resolved',
    reported: '2025-03-05T00:00:00Z',
    resolved: '2025-05-10T00:00:00Z',
    due: '2025-03-10T00:00:00Z',
    limitH: 72,
    usedH: 300,
  },
  // 2025-03-31T17:00Z = 04-01 01:00 China time: an April event; first contact, 1 h
  e11: {
    dept: 'A',
    grid: 'G2',
    status: 'resolved',
    reported: '2025-03-31T17:00:00Z',
    resolved: '2025-03-31T18:00:00Z',
    due: '2025-04-03T00:00:00Z',
    limitH: 72,
    usedH: 1,
    direct: true,
  },
  // DUPLICATE of e1 (merged, archived) — with a resolution, a direct flag and a rating that must not count
  e12: {
    dept: 'A',
    grid: 'G1',
    status: 'archived',
    reported: '2025-03-03T05:00:00Z',
    resolved: '2025-03-03T06:00:00Z',
    direct: true,
    sat: 'satisfied',
    followed: '2025-03-04T00:00:00Z',
    dupOf: 'e1',
  },
  // DUPLICATE of e4
  e13: { dept: 'B', grid: 'G2', status: 'archived', reported: '2025-04-01T03:00:00Z', dupOf: 'e4' },
  // BEFORE the period: 2025-02-28 23:00–23:45 China time
  e14: {
    dept: 'A',
    grid: 'G1',
    status: 'followed_up',
    reported: '2025-02-28T15:00:00Z',
    resolved: '2025-02-28T15:30:00Z',
    sat: 'unsatisfied',
    followed: '2025-02-28T15:45:00Z',
  },
  // AT the exclusive end of the period (05-01 00:00 China time): not counted
  e15: {
    dept: 'B',
    grid: 'G1',
    status: 'resolved',
    reported: '2025-04-30T16:00:00Z',
    resolved: '2025-04-30T17:00:00Z',
  },
  // OUTSIDE the caller's area: resolved and rated, and open overdue
  e16: {
    dept: 'A',
    grid: 'GX',
    status: 'followed_up',
    reported: '2025-03-03T00:00:00Z',
    resolved: '2025-03-04T00:00:00Z',
    sat: 'satisfied',
    followed: '2025-03-05T00:00:00Z',
  },
  e17: {
    dept: 'A',
    grid: 'GX',
    status: 'in_progress',
    reported: '2025-03-03T00:00:00Z',
    due: '2025-03-10T00:00:00Z',
    limitH: 72,
  },
  // received in February, resolved in March: closed in the period, not received in it. Wall clock
  // past its due time, but within its working-time limit (60 of 72 h): on time. 216 h.
  e18: {
    dept: 'B',
    grid: 'G1',
    status: 'resolved',
    reported: '2025-02-21T00:00:00Z',
    resolved: '2025-03-02T00:00:00Z',
    due: '2025-02-26T00:00:00Z',
    limitH: 72,
    usedH: 60,
  },
  // OPEN OVERDUE at the period end (due 04-28)
  e19: {
    dept: 'B',
    grid: 'G1',
    status: 'in_progress',
    reported: '2025-04-25T00:00:00Z',
    due: '2025-04-28T00:00:00Z',
    limitH: 72,
  },
}

/**
 * The expected KPIs, by hand:
 *
 * received (reported in the period): e1–e13, e19 = 14; duplicates e12, e13 → repeat 2/14.
 * closed (resolved in the period, duplicates excluded): e1 e2 e3 e4 e5 e6 e11 e18 = 8;
 *   on time: e1 e3 e4 e6 e11 e18 = 6 (late: e2 by limit, e5 by due time);
 *   open overdue at 04-30T16Z: e7, e10, e19 = 3 (e8 paused, e9 not yet due) → on time 6 / (8 + 3).
 * hours of the closed: e1 24, e2 120, e3 1, e4 48, e5 240, e6 24, e11 1, e18 216
 *   sorted 1 1 24 24 48 120 216 240: mean 674 / 8 = 84.25; p90 at 0.9·7 = 6.3 → 216 + 0.3·24 = 223.2.
 * first contact: e3, e11 → 2 / 8.
 * rated in the period: e1 satisfied, e2 unsatisfied, e3 satisfied, e4 basically → (2 + 1) / 4 = 0.75.
 */
const TOTAL: KpiRow = {
  received: 14,
  duplicates: 2,
  repeatRate: 2 / 14,
  closed: 8,
  closedOnTime: 6,
  openOverdue: 3,
  onTimeRate: 6 / 11,
  closedDirect: 2,
  firstContactRate: 0.25,
  meanHours: 84.25,
  p90Hours: 223.2,
  rated: 4,
  satisfied: 2,
  basicallySatisfied: 1,
  unsatisfied: 1,
  satisfactionRate: 0.75,
}

/**
 * Department A (e1 e2 e3 e7 e8 e11 e12): received 7, dup 1; closed e1 e2 e3 e11 = 4, on time 3,
 *   overdue e7 → 3/5; hours 1 1 24 120: mean 36.5, p90 at 2.7 → 24 + 0.7·96 = 91.2; direct 2/4;
 *   rated e1 s, e2 u, e3 s → 2/3.
 * Department B (e4 e5 e6 e9 e10 e13 e18 e19): received 7 (not e18), dup 1; closed e4 e5 e6 e18 = 4,
 *   on time 3, overdue e10 e19 → 3/6; hours 24 48 216 240: mean 132, p90 216 + 0.7·24 = 232.8;
 *   direct 0/4; rated e4 b → 1/1.
 */
const DEPT_A: KpiRow = {
  received: 7,
  duplicates: 1,
  repeatRate: 1 / 7,
  closed: 4,
  closedOnTime: 3,
  openOverdue: 1,
  onTimeRate: 0.6,
  closedDirect: 2,
  firstContactRate: 0.5,
  meanHours: 36.5,
  p90Hours: 91.2,
  rated: 3,
  satisfied: 2,
  basicallySatisfied: 0,
  unsatisfied: 1,
  satisfactionRate: 2 / 3,
}
const DEPT_B: KpiRow = {
  received: 7,
  duplicates: 1,
  repeatRate: 1 / 7,
  closed: 4,
  closedOnTime: 3,
  openOverdue: 2,
  onTimeRate: 0.5,
  closedDirect: 0,
  firstContactRate: 0,
  meanHours: 132,
  p90Hours: 232.8,
  rated: 1,
  satisfied: 0,
  basicallySatisfied: 1,
  unsatisfied: 0,
  satisfactionRate: 1,
}

/**
 * Street S1 (grid G1: e1 e2 e6 e7 e9 e12 e18 e19): received 7, dup 1; closed e1 e2 e6 e18 = 4,
 *   on time 3, overdue e7 e19 → 3/6; hours 24 24 120 216: mean 96, p90 120 + 0.7·96 = 187.2;
 *   direct 0/4; rated e1 s, e2 u → 1/2.
 * Street S2 (grid G2: e3 e4 e5 e8 e10 e11 e13): received 7, dup 1; closed e3 e4 e5 e11 = 4,
 *   on time 3, overdue e10 → 3/5; hours 1 1 48 240: mean 72.5, p90 48 + 0.7·192 = 182.4;
 *   direct 2/4; rated e3 s, e4 b → 2/2.
 */
const S1: KpiRow = {
  received: 7,
  duplicates: 1,
  repeatRate: 1 / 7,
  closed: 4,
  closedOnTime: 3,
  openOverdue: 2,
  onTimeRate: 0.5,
  closedDirect: 0,
  firstContactRate: 0,
  meanHours: 96,
  p90Hours: 187.2,
  rated: 2,
  satisfied: 1,
  basicallySatisfied: 0,
  unsatisfied: 1,
  satisfactionRate: 0.5,
}
const S2: KpiRow = {
  received: 7,
  duplicates: 1,
  repeatRate: 1 / 7,
  closed: 4,
  closedOnTime: 3,
  openOverdue: 1,
  onTimeRate: 0.6,
  closedDirect: 2,
  firstContactRate: 0.5,
  meanHours: 72.5,
  p90Hours: 182.4,
  rated: 2,
  satisfied: 1,
  basicallySatisfied: 1,
  unsatisfied: 0,
  satisfactionRate: 1,
}

/**
 * March (China time) [02-28T16Z, 03-31T16Z): received e1 e2 e3 e8 e10 e12 = 6, dup 1; closed e1 e2
 *   e3 e18 = 4, on time 3, overdue at 03-31T16Z: e10 → 3/5; hours 1 24 120 216: mean 90.25,
 *   p90 120 + 0.7·96 = 187.2; direct e3 1/4; rated e1 s, e3 s → 2/2.
 * April [03-31T16Z, 04-30T16Z): received e4 e5 e6 e7 e9 e11 e13 e19 = 8, dup 1; closed e4 e5 e6 e11
 *   = 4, on time 3, overdue at 04-30T16Z: e7 e10 e19 → 3/7; hours 1 24 48 240: mean 78.25,
 *   p90 48 + 0.7·192 = 182.4; direct e11 1/4; rated e2 u, e4 b → 1/2.
 * e10 is overdue at the end of both months: the months' openOverdue add up to 4, the total is 3.
 */
const MARCH: KpiRow = {
  received: 6,
  duplicates: 1,
  repeatRate: 1 / 6,
  closed: 4,
  closedOnTime: 3,
  openOverdue: 1,
  onTimeRate: 0.6,
  closedDirect: 1,
  firstContactRate: 0.25,
  meanHours: 90.25,
  p90Hours: 187.2,
  rated: 2,
  satisfied: 2,
  basicallySatisfied: 0,
  unsatisfied: 0,
  satisfactionRate: 1,
}
const APRIL: KpiRow = {
  received: 8,
  duplicates: 1,
  repeatRate: 1 / 8,
  closed: 4,
  closedOnTime: 3,
  openOverdue: 3,
  onTimeRate: 3 / 7,
  closedDirect: 1,
  firstContactRate: 0.25,
  meanHours: 78.25,
  p90Hours: 182.4,
  rated: 2,
  satisfied: 0,
  basicallySatisfied: 1,
  unsatisfied: 1,
  satisfactionRate: 0.5,
}

/** Counts exactly, rates and hours to 9 digits (floating point). */
function expectKpis(actual: KpiRow | undefined, expected: KpiRow, what: string) {
  expect(actual, what).toBeDefined()
  for (const [k, v] of Object.entries(expected) as [keyof KpiRow, number | null][]) {
    const a = actual![k]
    if (v === null || Number.isInteger(v)) expect(a, `${what}: ${k}`).toBe(v)
    else expect(a, `${what}: ${k}`).toBeCloseTo(v, 9)
  }
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'OK'
  } catch (e) {
    return e instanceof TRPCError ? e.code : `THREW ${(e as Error).message}`
  }
}

dbDescribe('closed-loop KPIs and the whistle league', () => {
  let d: Database
  const grid: Record<string, { id: number; path: string; code: string }> = {}
  const dept: Record<'A' | 'B', number> = { A: 0, B: 0 }
  let areaD: Area
  let areaS1: Area

  beforeAll(async () => {
    d = await testDb()
    await cleanup(d)
    const box = (w: number, e: number) => sql`ST_Multi(ST_MakeEnvelope(${w}, 30, ${e}, 31, 4326))`
    const addGrid = async (
      name: string,
      code: string,
      level: number,
      kind: string,
      parent: string | null,
      w: number,
      e: number,
    ) => {
      const [g] = await d.rows<{
        id: number
        path: string
      }>(sql`INSERT INTO grids (code, name, level, kind, parent_id, geom, source)
        VALUES (${code}, ${name}, ${level}, ${kind}, ${parent ? grid[parent]!.id : null}, ${box(w, e)}, 'kpi-test')
        RETURNING id, path`)
      grid[name] = { id: Number(g!.id), path: g!.path, code }
    }
    await addGrid('D', '990100', 2, '区', null, 100, 101)
    await addGrid('S1', '990101', 3, '街道', 'D', 100, 100.5)
    await addGrid('S2', '990102', 3, '街道', 'D', 100.5, 101)
    await addGrid('G1', '99010101', 5, '网格', 'S1', 100, 100.5)
    await addGrid('G2', '99010201', 5, '网格', 'S2', 100.5, 101)
    await addGrid('X', '990200', 2, '区', null, 102, 103)
    await addGrid('GX', '99020001', 5, '网格', 'X', 102, 103)
    areaD = { gridId: grid.D!.id, path: grid.D!.path }
    areaS1 = { gridId: grid.S1!.id, path: grid.S1!.path }
    for (const [k, name] of [
      ['A', 'KPI城管局'],
      ['B', 'KPI水务局'],
    ] as const) {
      const [o] = await d.rows<{
        id: number
      }>(sql`INSERT INTO organisations (kind, name, code, department_kind, area_grid_id)
        VALUES ('department', ${name}, ${`kpi-test-${k}`}, ${name}, ${grid.D!.id}) RETURNING id`)
      dept[k] = Number(o!.id)
    }
    const at = { G1: [100.25, 30.5], G2: [100.75, 30.5], GX: [102.5, 30.5] } as const
    const ts = (v: string | undefined) => (v === undefined ? null : v)
    for (const [id, e] of Object.entries(EVENTS)) {
      const [x, y] = at[e.grid]
      await d.rows(sql`INSERT INTO events (source, external_id, title, reported_at, status, department_id,
          due_at, resolved_at, limit_ms, used_ms, resolved_direct, satisfaction, followed_up_at, geom)
        VALUES ('hotline', ${`kpi-test-${id}`}, ${`KPI ${id}`}, ${e.reported}::timestamptz, ${e.status},
          ${dept[e.dept]}, ${ts(e.due)}::timestamptz, ${ts(e.resolved)}::timestamptz,
          ${e.limitH === undefined ? null : e.limitH * H}::bigint, ${(e.usedH ?? 0) * H}::bigint,
          ${e.direct ?? false}, ${e.sat ?? null}, ${ts(e.followed)}::timestamptz,
          ST_SetSRID(ST_MakePoint(${x}, ${y}), 4326))`)
    }
    for (const [id, e] of Object.entries(EVENTS))
      if (e.dupOf)
        await d.rows(sql`UPDATE events SET duplicate_of = (SELECT id FROM events WHERE source = 'hotline'
          AND external_id = ${`kpi-test-${e.dupOf}`}) WHERE source = 'hotline' AND external_id = ${`kpi-test-${id}`}`)
    // Every event landed in its grid (the placement trigger).
    const placed = await d.rows<{ external_id: string; code: string }>(sql`SELECT e.external_id, g.code
      FROM events e JOIN grids g ON g.id = e.grid_id WHERE e.external_id LIKE 'kpi-test-%'`)
    expect(placed).toHaveLength(Object.keys(EVENTS).length)
    for (const p of placed) expect(p.code).toBe(grid[EVENTS[p.external_id.slice(9)]!.grid]!.code)

    // Whistle sub-tasks (see the league test for the expected table).
    const tasks: [string, 'A' | 'B', string, string, string | null, number | null][] = [
      ['e7', 'A', '2025-04-02T00:00:00Z', '2025-04-05T00:00:00Z', '2025-04-04T00:00:00Z', 5],
      ['e7', 'B', '2025-04-02T00:00:00Z', '2025-04-05T00:00:00Z', '2025-04-07T00:00:00Z', 3],
      ['e10', 'A', '2025-03-06T00:00:00Z', '2025-03-08T00:00:00Z', '2025-03-08T00:00:00Z', 4],
      ['e10', 'B', '2025-03-06T00:00:00Z', '2025-03-08T00:00:00Z', null, null],
      ['e19', 'A', '2025-04-26T00:00:00Z', '2099-01-01T00:00:00Z', null, null],
      ['e14', 'A', '2025-02-28T15:10:00Z', '2025-03-02T00:00:00Z', '2025-02-28T15:20:00Z', 1],
      ['e17', 'B', '2025-03-05T00:00:00Z', '2025-03-08T00:00:00Z', '2025-03-06T00:00:00Z', 1],
    ]
    for (const [ev, k, created, due, reported, score] of tasks)
      await d.rows(sql`INSERT INTO event_tasks (event_id, department_id, status, ask, created_at, due_at, reported_at, score)
        VALUES ((SELECT id FROM events WHERE source = 'hotline' AND external_id = ${`kpi-test-${ev}`}), ${dept[k]},
          ${score !== null ? 'scored' : reported !== null ? 'reported' : 'open'}, 'KPI test', ${created}::timestamptz,
          ${due}::timestamptz, ${reported}::timestamptz, ${score})`)
  })

  afterAll(async () => {
    if (d) await cleanup(d)
  })

  it('computes the total of the period in the caller’s area, exactly as by hand', async () => {
    const r = await kpis(d, areaD, { from: FROM, to: TO, by: 'department' })
    expectKpis(r.total, TOTAL, 'total')
  })

  it('groups by department; the rows add up to the total', async () => {
    const r = await kpis(d, areaD, { from: FROM, to: TO, by: 'department' })
    expect(r.rows.map((x) => x.label)).toEqual(
      ['KPI城管局', 'KPI水务局'].sort((a, b) => a.localeCompare(b, 'zh')),
    )
    expectKpis(
      r.rows.find((x) => x.key === String(dept.A)),
      DEPT_A,
      'A',
    )
    expectKpis(
      r.rows.find((x) => x.key === String(dept.B)),
      DEPT_B,
      'B',
    )
    for (const k of ['received', 'duplicates', 'closed', 'closedOnTime', 'openOverdue', 'rated'] as const)
      expect(
        r.rows.reduce((s, x) => s + x[k], 0),
        k,
      ).toBe(TOTAL[k])
    // One department only: its total is its row.
    const a = await kpis(d, areaD, { from: FROM, to: TO, by: 'department', departmentId: dept.A })
    expectKpis(a.total, DEPT_A, 'departmentId A')
    expect(a.rows.map((x) => x.key)).toEqual([String(dept.A)])
  })

  it('groups by the child areas of the chosen area', async () => {
    const r = await kpis(d, areaD, { from: FROM, to: TO, by: 'area' })
    expect(r.rows.map((x) => [x.key, x.label])).toEqual([
      ['990101', 'S1'],
      ['990102', 'S2'],
    ])
    expectKpis(r.rows[0], S1, 'S1')
    expectKpis(r.rows[1], S2, 'S2')
    // The whole city choosing D sees the same (X's events are not in D).
    const city = await kpis(d, WHOLE_CITY, { from: FROM, to: TO, by: 'area', areaCode: '990100' })
    expectKpis(city.total, TOTAL, 'city → D')
    expect(city.rows.map((x) => x.key)).toEqual(['990101', '990102'])
    // Choosing a street narrows the total to it; its child is the grid.
    const s1 = await kpis(d, areaD, { from: FROM, to: TO, by: 'area', areaCode: '990101' })
    expectKpis(s1.total, S1, 'D → S1')
    expect(s1.rows.map((x) => x.key)).toEqual(['99010101'])
    expectKpis(s1.rows[0], S1, 'S1 → G1')
    // A street caller sees only its street, whatever it asks.
    const street = await kpis(d, areaS1, { from: FROM, to: TO, by: 'department' })
    expectKpis(street.total, S1, 'S1 caller')
    await expect(kpis(d, areaS1, { from: FROM, to: TO, by: 'area', areaCode: '990102' })).rejects.toThrow(
      /990102/,
    )
  })

  it('groups by China-time month, day and week', async () => {
    const m = await kpis(d, areaD, { from: FROM, to: TO, by: 'month' })
    expect(m.rows.map((x) => [x.key, x.label])).toEqual([
      ['2025-03', '2025-03'],
      ['2025-04', '2025-04'],
    ])
    expectKpis(m.rows[0], MARCH, 'March')
    expectKpis(m.rows[1], APRIL, 'April')
    expectKpis(m.total, TOTAL, 'total by month')
    // Open overdue counts at the end of each bucket: e10 in both months.
    expect(m.rows[0]!.openOverdue + m.rows[1]!.openOverdue).toBe(4)

    const days = await kpis(d, areaD, { from: FROM, to: TO, by: 'day' })
    expect(days.rows).toHaveLength(31 + 30)
    expect(days.rows[0]!.key).toBe('2025-03-01')
    expect(days.rows.at(-1)!.key).toBe('2025-04-30')
    const day = (k: string) => days.rows.find((x) => x.key === k)
    // 04-01 China time: e4, e7 (00:00Z = 08:00), e11 (03-31T17:00Z = 01:00), e13.
    expect(day('2025-04-01')!.received).toBe(4)
    expect(day('2025-03-31')!.received).toBe(0)
    expect(day('2025-04-01')!.closed).toBe(1) // e11, resolved 02:00 China time
    expect(days.rows.reduce((s, x) => s + x.received, 0)).toBe(14)
    expect(days.rows.reduce((s, x) => s + x.closed, 0)).toBe(8)

    const weeks = await kpis(d, areaD, { from: FROM, to: TO, by: 'week' })
    // Monday-first weeks meeting 2025-03-01 (a Saturday) … 2025-04-30: 02-24 … 04-28.
    expect(weeks.rows.map((x) => x.key)).toEqual([
      '2025-02-24',
      '2025-03-03',
      '2025-03-10',
      '2025-03-17',
      '2025-03-24',
      '2025-03-31',
      '2025-04-07',
      '2025-04-14',
      '2025-04-21',
      '2025-04-28',
    ])
    expect(weeks.rows[0]!.label).toBe('2025-W09')
    const w14 = weeks.rows.find((x) => x.label === '2025-W14')!
    expect(w14.received).toBe(4) // e4 e7 e11 e13
    expect(weeks.rows.reduce((s, x) => s + x.rated, 0)).toBe(4)
  })

  it('gives null rates and zero counts for an empty period', async () => {
    const r = await kpis(d, areaD, {
      from: new Date('2024-01-01T00:00:00Z'),
      to: new Date('2024-02-01T00:00:00Z'),
      by: 'department',
    })
    expect(r.rows).toEqual([])
    expect(r.total).toEqual({
      received: 0,
      duplicates: 0,
      repeatRate: null,
      closed: 0,
      closedOnTime: 0,
      openOverdue: 0,
      onTimeRate: null,
      closedDirect: 0,
      firstContactRate: null,
      meanHours: null,
      p90Hours: null,
      rated: 0,
      satisfied: 0,
      basicallySatisfied: 0,
      unsatisfied: 0,
      satisfactionRate: null,
    })
  })

  it('ranks the whistle league by mean score', async () => {
    /**
     * Sub-tasks created in the period on events of D (not e14's, created before; not e17's, in X):
     * A: e7 (reported on time, 5), e10 (reported exactly at its deadline: on time, 4), e19 (open,
     *   due 2099) → received 3, reported 2, on time 2, overdue 0, rate 2/2, mean 4.5.
     * B: e7 (reported late, 3), e10 (open, past due) → received 2, reported 1, on time 0,
     *   overdue 1, rate 0/2, mean 3.
     */
    const league = await departmentLeague(d, areaD, { from: FROM, to: TO })
    expect(league).toEqual([
      {
        departmentId: dept.A,
        name: 'KPI城管局',
        received: 3,
        reported: 2,
        reportedOnTime: 2,
        openOverdue: 0,
        onTimeRate: 1,
        scored: 2,
        meanScore: 4.5,
      },
      {
        departmentId: dept.B,
        name: 'KPI水务局',
        received: 2,
        reported: 1,
        reportedOnTime: 0,
        openOverdue: 1,
        onTimeRate: 0,
        scored: 1,
        meanScore: 3,
      },
    ])
  })

  it('serves kpi.summary and kpi.league through tRPC, under row-level security', async () => {
    const caller = (roles: Parameters<typeof principalFor>[0], area: Area) =>
      kpiRouter.createCaller(createContext({ db: d, principal: principalFor(roles, area) }))
    const leader = caller(['district-leader'], areaD)
    const byDept = await leader.summary({ from: FROM.toISOString(), to: TO.toISOString(), by: 'department' })
    expectKpis(byDept.total, TOTAL, 'tRPC total')
    expect(byDept.rows.map((x) => x.label).sort()).toEqual(['KPI城管局', 'KPI水务局'].sort())
    // Dates as China-time days: 2025-03-01 … 2025-05-01 is the same period.
    const byMonth = await leader.summary({ from: '2025-03-01', to: '2025-05-01', by: 'month' })
    expectKpis(byMonth.rows[0], MARCH, 'tRPC March')
    expectKpis(byMonth.rows[1], APRIL, 'tRPC April')
    const street = await caller(['street-leader'], areaS1).summary({
      from: '2025-03-01T00:00:00+08:00',
      to: '2025-05-01T00:00:00+08:00',
      by: 'area',
    })
    expectKpis(street.total, S1, 'tRPC street')
    expect(await leader.league({ from: '2025-03-01', to: '2025-05-01' })).toHaveLength(2)

    // Refusals: outside the area, reversed or too long periods, no permission.
    expect(
      await code(leader.summary({ from: '2025-03-01', to: '2025-05-01', by: 'area', areaCode: '990200' })),
    ).toBe('NOT_FOUND')
    expect(await code(leader.summary({ from: '2025-05-01', to: '2025-03-01', by: 'month' }))).toBe(
      'BAD_REQUEST',
    )
    expect(await code(leader.summary({ from: '2025-03-01', to: '2025-03-01', by: 'month' }))).toBe(
      'BAD_REQUEST',
    )
    expect(await code(leader.summary({ from: '2022-01-01', to: '2025-01-02', by: 'month' }))).toBe(
      'BAD_REQUEST',
    )
    expect(await code(leader.summary({ from: '2022-01-01', to: '2025-01-01', by: 'month' }))).toBe('OK')
    expect(await code(leader.league({ from: '2025-03-01', to: '2029-03-01' }))).toBe('BAD_REQUEST')
    expect(await code(leader.summary({ from: 'yesterday', to: '2025-05-01', by: 'month' }))).toBe(
      'BAD_REQUEST',
    )
    expect(
      await code(caller(['planner'], areaD).summary({ from: '2025-03-01', to: '2025-05-01', by: 'month' })),
    ).toBe('FORBIDDEN')
    const message = await leader
      .summary({ from: '2025-05-01', to: '2025-03-01', by: 'month' })
      .catch((e) => e)
    expect(String((message as Error).message)).toContain('开始时间须早于结束时间 / from must be before to')
  })
})

/** Remove the fixture (also a leftover of an interrupted run). */
async function cleanup(d: Database) {
  await d.rows(sql`DELETE FROM events WHERE source = 'hotline' AND external_id LIKE 'kpi-test-%'`)
  await d.rows(sql`DELETE FROM organisations WHERE code LIKE 'kpi-test-%'`)
  await d.rows(sql`DELETE FROM grids WHERE source = 'kpi-test'`)
}
