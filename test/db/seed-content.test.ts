import { type SQL, sql } from 'drizzle-orm'
import { beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { dbDescribe, testDb } from './harness.ts'

let d: Database
const one = async <T = Record<string, number>>(q: SQL) => (await d.rows<T>(q))[0] as T

dbDescribe('seeded content: taxonomy, organisations, events', () => {
  beforeAll(async () => {
    d = await testDb()
  })

  it('stores the 3-level taxonomy with resolved parents', async () => {
    const levels = await d.rows<{ level: number; n: number }>(
      sql`select level, count(*)::int as n from categories group by level order by level`,
    )
    expect(levels.map((l) => l.level)).toEqual([1, 2, 3])
    expect(levels[0]!.n).toBe(15)
    expect(levels[1]!.n).toBeGreaterThanOrEqual(60)
    expect(levels[2]!.n).toBeGreaterThanOrEqual(250)
    const bad = await one(sql`
      select count(*)::int as n from categories c left join categories p on p.id = c.parent_id
      where (c.level = 1) <> (c.parent_id is null) or (c.level > 1 and (p.level <> c.level - 1 or c.path_name <> p.path_name || '/' || c.name))`)
    expect(bad.n).toBe(0)
  })

  it('has a responsibility item for every level-3 category and area level', async () => {
    const r = await one(sql`
      select count(*)::int as n,
             count(*) filter (where c.id is null or c.level <> 3)::int as orphan,
             count(distinct r.category_id)::int as cats
      from responsibilities r left join categories c on c.id = r.category_id`)
    const leaves = await one<{ n: number }>(sql`select count(*)::int as n from categories where level = 3`)
    expect(r.orphan).toBe(0)
    expect(r.cats).toBe(leaves.n)
    expect(r.n).toBe(leaves.n * 3)
  })

  it('has departments for the city, districts and streets, and placed organisations', async () => {
    const areas = await d.rows<{ level: number; n: number }>(sql`
      select g.level, count(*)::int as n from organisations o join grids g on g.id = o.area_grid_id
      where o.kind = 'department' group by g.level order by g.level`)
    expect(areas.map((a) => a.level)).toEqual([1, 2, 3])
    const kinds = await d.rows<{ kind: string }>(sql`select distinct kind from organisations order by kind`)
    expect(kinds.map((k) => k.kind)).toEqual([
      'department',
      'enterprise',
      'owners_committee',
      'party',
      'property_company',
      'social',
    ])
    const ent = await one(sql`
      select count(*)::int as n, count(grid_id)::int as placed,
             count(*) filter (where credit_rating in ('A','B','C','D') and length(code) = 18)::int as rated
      from organisations where kind = 'enterprise'`)
    expect(ent.n).toBeGreaterThan(0)
    expect(ent.placed).toBe(ent.n)
    expect(ent.rated).toBe(ent.n)
    const hotline = await one(sql`select count(*)::int as n from organisations where code like 'DEPT-RX-%'`)
    expect(hotline.n).toBe(1)
  })

  it('places every event in a grid and routes dispatched events to a department', async () => {
    const e = await one(sql`
      select count(*)::int as n,
             count(*) filter (where grid_id is null)::int as unplaced,
             count(*) filter (where due_at <= reported_at)::int as bad_due,
             count(*) filter (where resolved_at is not null and resolved_at < reported_at)::int as bad_resolved,
             count(*) filter (where (satisfaction is not null) <> (status in ('followed_up', 'archived')))::int as bad_sat
      from events`)
    expect(e.n).toBeGreaterThan(0)
    expect(e.unplaced).toBe(0)
    expect(e.bad_due).toBe(0)
    expect(e.bad_resolved).toBe(0)
    expect(e.bad_sat).toBe(0)
    const leaf = await one(
      sql`select count(*)::int as n from events e join grids g on g.id = e.grid_id where g.level < 5`,
    )
    expect(leaf.n).toBe(0)
    const routing = await one(sql`
      select count(*) filter (where e.department_id is null)::int as unrouted,
             count(*) filter (where o.kind <> 'department')::int as not_dept
      from events e left join organisations o on o.id = e.department_id
      where exists (select 1 from event_actions a where a.event_id = e.id and a.action = 'dispatch')`)
    expect(routing.unrouted).toBe(0)
    expect(routing.not_dept).toBe(0)
  })

  it('keeps each timeline ordered, chained and ending at the event status', async () => {
    const t = await one(sql`
      with a as (
        select a.*, lag(a.to_status) over w as prev_to, lag(a.at) over w as prev_at,
               row_number() over w as k, count(*) over (partition by a.event_id) as n
        from event_actions a window w as (partition by a.event_id order by a.at, a.id)
      )
      select count(*) filter (where k = 1 and (action <> 'receive' or from_status is not null))::int as bad_start,
             count(*) filter (where k > 1 and (from_status is distinct from prev_to or at < prev_at))::int as bad_chain,
             count(*) filter (where k = n and to_status <> e.status)::int as bad_end,
             count(distinct a.event_id)::int as with_timeline
      from a join events e on e.id = a.event_id`)
    const events = await one(sql`select count(*)::int as n from events`)
    expect(t.bad_start).toBe(0)
    expect(t.bad_chain).toBe(0)
    expect(t.bad_end).toBe(0)
    expect(t.with_timeline).toBe(events.n)
  })

  it('left the id sequences past the explicitly loaded ids', async () => {
    for (const table of ['categories', 'organisations', 'events', 'event_actions']) {
      const r = await one<{ ok: boolean }>(
        sql.raw(`select (select last_value from ${table}_id_seq) >= (select max(id) from ${table}) as ok`),
      )
      expect(r.ok, table).toBe(true)
    }
  })

  it('gives every department its kind, and every lead department of the list exists in the city', async () => {
    const r = await one<{ missing: number; unmatched: number }>(sql`
      select (select count(*)::int from organisations where kind = 'department' and department_kind is null) as missing,
             (select count(distinct r.lead_department)::int from responsibilities r
               where not exists (select 1 from organisations o where o.kind = 'department' and o.department_kind = r.lead_department)) as unmatched`)
    expect(r.missing).toBe(0)
    expect(r.unmatched).toBe(0)
  })
})
