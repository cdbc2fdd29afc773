import { TRPCError } from '@trpc/server'
import { sql } from 'drizzle-orm'
import { beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { listAudit } from '../../db/queries/audit.queries.ts'
import { createContext } from '../../server/context.ts'
import { type Area, WHOLE_CITY } from '../../server/domain/area.ts'
import { appRouter } from '../../server/routers/index.ts'
import { createPiiCipher } from '../../server/security/pii.ts'
import { principalFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

const pii = createPiiCipher(Buffer.alloc(32, 7))

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'OK'
  } catch (e) {
    return e instanceof TRPCError ? e.code : `THREW ${(e as Error).message}`
  }
}

dbDescribe('feature details, map search and map meta', () => {
  let d: Database
  let district: Area & { code: string }
  /** One element of each kind inside the district, and one outside it. */
  const inside: Record<string, number> = {}
  const outside: Record<string, number> = {}
  const caller = (roles: Parameters<typeof principalFor>[0], area: Area = WHOLE_CITY) =>
    appRouter.createCaller(createContext({ db: d, principal: principalFor(roles, area), pii }))

  beforeAll(async () => {
    d = await testDb()
    const [g] = await d.rows<{ id: number; path: string; code: string }>(
      sql`SELECT id, path, code FROM grids WHERE level = 2 ORDER BY code LIMIT 1`,
    )
    district = { gridId: Number(g!.id), path: g!.path, code: g!.code }
    const tables: Record<string, string> = {
      event: 'events',
      building: 'buildings',
      compound: 'compounds',
      place: 'public_places',
      thing: 'things',
      org: 'organisations',
    }
    for (const [kind, table] of Object.entries(tables)) {
      for (const [target, op] of [
        [inside, 'LIKE'],
        [outside, 'NOT LIKE'],
      ] as const) {
        const [r] = await d.rows<{ id: number }>(
          sql.raw(`SELECT t.id FROM ${table} t JOIN grids g ON g.id = t.grid_id
            WHERE g.path ${op} '${district.path}%' ORDER BY t.id LIMIT 1`),
        )
        if (r) target[kind] = Number(r.id)
      }
    }
  })

  it('shows each kind of element in the area, with its grid chain; NOT_FOUND outside', async () => {
    const leader = caller(['district-leader'], district)
    for (const [kind, id] of Object.entries(inside)) {
      const f = await leader.feature.get({ kind: kind as never, id })
      expect(f.kind).toBe(kind)
      expect(f.id).toBe(id)
      expect(f.grids[0]?.code, kind).toBe(district.code)
    }
    for (const [kind, id] of Object.entries(outside))
      expect(await code(leader.feature.get({ kind: kind as never, id })), kind).toBe('NOT_FOUND')
  })

  it('gives an event its category path, due state and whole timeline', async () => {
    const e = await caller(['dispatcher']).feature.get({ kind: 'event', id: inside.event! })
    if (e.kind !== 'event') throw new Error('not an event')
    const [n] = await d.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event_actions WHERE event_id = ${inside.event!}`,
    )
    expect(e.timeline.length).toBe(Number(n!.n))
    expect(e.category.length).toBe(3)
    expect(typeof e.overdue).toBe('boolean')
    // Events need events.read: a planner sees the map but not event details.
    expect(await code(caller(['planner']).feature.get({ kind: 'event', id: inside.event! }))).toBe(
      'FORBIDDEN',
    )
  })

  it('lists a building’s households only for roles that read the people register', async () => {
    const [b] = await d.rows<{ id: number }>(
      sql`SELECT b.id FROM buildings b WHERE EXISTS (SELECT 1 FROM households h WHERE h.building_id = b.id)
        ORDER BY b.id LIMIT 1`,
    )
    const worker = await caller(['street-leader']).feature.get({ kind: 'building', id: Number(b!.id) })
    const planner = await caller(['planner']).feature.get({ kind: 'building', id: Number(b!.id) })
    if (worker.kind !== 'building' || planner.kind !== 'building') throw new Error('not a building')
    expect(worker.households.length).toBeGreaterThan(0)
    expect(worker.residents).toBeGreaterThan(0)
    expect(planner.households).toEqual([])
    expect(planner.events).toEqual([])
    expect(JSON.stringify(worker)).not.toMatch(/\d{17}[\dX]/)
  })

  it('searches grids, addresses, buildings and events by number, inside the area only', async () => {
    const [addr] = await d.rows<{
      full_text: string
      id: number
    }>(sql`SELECT a.id, a.full_text FROM addresses a
      JOIN grids g ON g.id = a.grid_id WHERE g.path LIKE ${`${district.path}%`} ORDER BY a.id LIMIT 1`)
    const road = addr!.full_text.slice(-8)
    const res = await caller(['city-leader']).search.query({ q: road })
    expect(res.hits.some((h) => h.kind === 'address' && h.id === Number(addr!.id))).toBe(true)
    for (const h of res.hits) expect(h.center.every(Number.isFinite)).toBe(true)
    const byNumber = await caller(['dispatcher'], district).search.query({ q: String(inside.event) })
    expect(byNumber.hits.some((h) => h.kind === 'event' && h.id === inside.event)).toBe(true)
    const notHere = await caller(['dispatcher'], district).search.query({ q: String(outside.event) })
    expect(notHere.hits.some((h) => h.kind === 'event')).toBe(false)
    const grids = await caller(['city-leader']).search.query({ q: district.code })
    expect(grids.grids[0]?.code).toBe(district.code)
    // Wildcards are literal, hostile text finds nothing and breaks nothing.
    for (const q of ['%%', '__', "' OR 1=1 --"])
      expect((await caller(['city-leader']).search.query({ q })).hits).toEqual([])
  })

  it('finds residents by name or exact ID number for the people register’s roles, audited', async () => {
    const [p] = await d.rows<{ id: number; name: string }>(
      sql`SELECT p.id, p.name FROM people p WHERE length(p.name) BETWEEN 2 AND 3 ORDER BY p.id LIMIT 1`,
    )
    const byName = await caller(['grid-worker']).search.query({ q: p!.name })
    expect(byName.people.some((x) => x.id === Number(p!.id))).toBe(true)
    expect(byName.people.every((x) => x.idNumberMasked.includes('*'))).toBe(true)
    const planner = await caller(['planner']).search.query({ q: p!.name })
    expect(planner.people).toEqual([])
    const full = await caller(['grid-worker']).people.unmask({ id: Number(p!.id), reason: '搜索测试核对' })
    const byId = await caller(['dispatcher']).search.query({ q: full.idNumber })
    expect(byId.people.map((x) => x.id)).toEqual([Number(p!.id)])
    const { items } = await listAudit(d, { action: 'person.search_id', limit: 1 })
    expect(items[0]).toMatchObject({ objectId: String(p!.id), after: { via: 'search', found: 1 } })
  })

  it('describes the taxonomy, the events’ time extent and the enums for the layer panel', async () => {
    const meta = await caller(['city-leader']).map.meta()
    expect(meta.categories.filter((c) => c.level === 1).length).toBeGreaterThan(5)
    expect(meta.categories.every((c) => c.level === 1 || c.parentCode !== null)).toBe(true)
    expect(new Date(meta.events.from!).getTime()).toBeLessThan(new Date(meta.events.to!).getTime())
    expect(meta.enums.personTags.length).toBe(8)
    expect((await caller(['dispatcher']).map.meta()).enums.personTags).toEqual([])
    expect(meta.enums.orgKinds).not.toContain('department')
  })
})
