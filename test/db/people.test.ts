import { TRPCError } from '@trpc/server'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { listAudit } from '../../db/queries/audit.queries.ts'
import { createServer } from '../../server/app.ts'
import { createContext } from '../../server/context.ts'
import { type Area, WHOLE_CITY } from '../../server/domain/area.ts'
import { csvCell } from '../../server/http/exports.ts'
import { appRouter } from '../../server/routers/index.ts'
import { UNMASK_PER_HOUR } from '../../server/routers/people.router.ts'
import { createPiiCipher } from '../../server/security/pii.ts'
import { bearerFor, principalFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

/** The key the test city is seeded with (db/seed/index.ts without a cipher). */
const pii = createPiiCipher(Buffer.alloc(32, 7))

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'OK'
  } catch (e) {
    return e instanceof TRPCError ? e.code : `THREW ${(e as Error).message}`
  }
}

dbDescribe('people: masked register, tags by role, audited unmasking and exports', () => {
  let d: Database
  let district: Area & { code: string }
  let grid: Area & { code: string }
  let outsider: { id: number }
  let insider: { id: number; id_number_masked: string }
  const caller = (roles: Parameters<typeof principalFor>[0], area: Area = WHOLE_CITY) =>
    appRouter.createCaller(createContext({ db: d, principal: principalFor(roles, area), pii }))

  beforeAll(async () => {
    d = await testDb()
    const [dist] = await d.rows<{ id: number; path: string; code: string }>(
      sql`SELECT id, path, code FROM grids WHERE level = 2 ORDER BY code LIMIT 1`,
    )
    district = { gridId: Number(dist!.id), path: dist!.path, code: dist!.code }
    const [g] = await d.rows<{ id: number; path: string; code: string }>(sql`
      SELECT g.id, g.path, g.code FROM grids g WHERE g.level = 5 AND g.path LIKE ${`${district.path}%`}
        AND EXISTS (SELECT 1 FROM people p WHERE p.grid_id = g.id)
      ORDER BY g.code LIMIT 1`)
    grid = { gridId: Number(g!.id), path: g!.path, code: g!.code }
    const [first] = await d.rows<{ id: number; id_number_masked: string }>(
      sql`SELECT id, id_number_masked FROM people WHERE grid_id = ${grid.gridId} ORDER BY id LIMIT 1`,
    )
    const [other] = await d.rows<{
      id: number
    }>(sql`SELECT p.id FROM people p JOIN grids g ON g.id = p.grid_id
      WHERE g.path NOT LIKE ${`${district.path}%`} ORDER BY p.id LIMIT 1`)
    insider = { ...first!, id: Number(first!.id) }
    outsider = { id: Number(other!.id) }
  })

  it('lists only the caller’s area, masked, with tags only for roles that may see them', async () => {
    const [expected] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM people p
      JOIN grids g ON g.id = p.grid_id WHERE g.path LIKE ${`${grid.path}%`}`)
    const worker = await caller(['grid-worker'], grid).people.list({ limit: 200 })
    expect(worker.total).toBe(Number(expected!.n))
    expect(worker.items.length).toBe(Math.min(200, worker.total))
    for (const p of worker.items) {
      expect(p.idNumberMasked).toMatch(/^\d{6}\*{8}[\dX]{4}$/)
      if (p.phoneMasked) expect(p.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/)
      expect(Array.isArray(p.tags)).toBe(true)
      expect(p.gridCode?.startsWith(grid.code)).toBe(true)
    }
    const dispatcher = await caller(['dispatcher'], grid).people.list({ limit: 5 })
    expect(dispatcher.items.every((p) => p.tags === null)).toBe(true)
    expect(await code(caller(['dispatcher']).people.list({ tag: 'disabled', limit: 5 }))).toBe('FORBIDDEN')
    const tagged = await caller(['street-leader'], district).people.list({ tag: 'elderly_alone', limit: 50 })
    expect(tagged.items.every((p) => p.tags?.includes('elderly_alone'))).toBe(true)
    // Nothing in the payload is an unmasked ID number.
    expect(JSON.stringify(worker)).not.toMatch(/\d{17}[\dX]/)
  })

  it('pages with a cursor and filters by name prefix (wildcards are literal)', async () => {
    const c = caller(['grid-worker'], district)
    const first = await c.people.list({ limit: 10 })
    const second = await c.people.list({ limit: 10, cursor: first.nextCursor! })
    expect(second.items[0]!.id).toBeGreaterThan(first.items[9]!.id)
    const surname = first.items[0]!.name.slice(0, 1)
    const byName = await c.people.list({ name: surname, limit: 200 })
    expect(byName.items.length).toBeGreaterThan(0)
    expect(byName.items.every((p) => p.name.startsWith(surname))).toBe(true)
    expect((await c.people.list({ name: '%', limit: 5 })).total).toBe(0)
    expect((await c.people.list({ name: '_', limit: 5 })).total).toBe(0)
  })

  it('finds a person by exact ID number through the keyed hash, and audits the lookup', async () => {
    const secrets = await caller(['grid-worker'], grid).people.unmask({
      id: insider.id,
      reason: '入户走访核实',
    })
    const found = await caller(['dispatcher'], district).people.list({
      idNumber: secrets.idNumber.toLowerCase(),
    })
    expect(found.items.map((p) => p.id)).toEqual([insider.id])
    const elsewhere = await caller(['dispatcher'], { gridId: 999_999, path: '/0/' }).people.list({
      idNumber: secrets.idNumber,
    })
    expect(elsewhere.total).toBe(0)
    const { items } = await listAudit(d, { action: 'person.search_id', limit: 2 })
    // Newest first: the lookup from outside the area found nothing, the one before found the person.
    expect(items[0]).toMatchObject({ after: { found: 0 } })
    expect(items[1]).toMatchObject({ objectId: String(insider.id), after: { found: 1 } })
    expect(JSON.stringify(items)).not.toContain(secrets.idNumber)
    expect(await code(caller(['dispatcher']).people.list({ idNumber: '12345' }))).toBe('BAD_REQUEST')
  })

  it('shows one person with household and building; NOT_FOUND outside the area', async () => {
    const p = await caller(['grid-worker'], grid).people.get({ id: insider.id })
    expect(p.idNumberMasked).toBe(insider.id_number_masked)
    expect(p.household?.members.some((m) => m.id === insider.id)).toBe(true)
    expect(p.gridPath.map((g) => g.code)).toContain(grid.code)
    expect(await code(caller(['grid-worker'], grid).people.get({ id: outsider.id }))).toBe('NOT_FOUND')
    expect(await code(caller(['department-handler']).people.get({ id: insider.id }))).toBe('FORBIDDEN')
  })

  it('unmasks one person for a stated reason, audited with the reason; refuses without the permission', async () => {
    const worker = caller(['grid-worker'], grid)
    expect(await code(worker.people.unmask({ id: insider.id, reason: '' }))).toBe('BAD_REQUEST')
    const full = await worker.people.unmask({ id: insider.id, reason: '核对低保申请材料' })
    expect(full.idNumber).toMatch(/^\d{17}[\dX]$/)
    expect(`${full.idNumber.slice(0, 6)}********${full.idNumber.slice(-4)}`).toBe(insider.id_number_masked)
    const { items } = await listAudit(d, { action: 'person.unmask', limit: 1 })
    expect(items[0]).toMatchObject({
      objectType: 'person',
      objectId: String(insider.id),
      reason: '核对低保申请材料',
      outcome: 'ok',
    })
    expect(JSON.stringify(items[0])).not.toContain(full.idNumber)
    for (const role of [
      'city-leader',
      'district-leader',
      'dispatcher',
      'planner',
      'auditor',
      'admin',
    ] as const)
      expect(await code(caller([role]).people.unmask({ id: insider.id, reason: '想看看这个人' })), role).toBe(
        'FORBIDDEN',
      )
    expect(await code(worker.people.unmask({ id: outsider.id, reason: '核对信息' }))).toBe('NOT_FOUND')
  })

  it(`refuses more than ${UNMASK_PER_HOUR} unmaskings per user and hour, and records the refusal`, async () => {
    const principal = { ...principalFor(['street-leader'], district), name: `bulk-${Date.now()}` }
    const c = appRouter.createCaller(createContext({ db: d, principal, pii }))
    for (let i = 0; i < UNMASK_PER_HOUR; i++)
      await c.people.unmask({ id: insider.id, reason: '批量核查测试' })
    expect(await code(c.people.unmask({ id: insider.id, reason: '批量核查测试' }))).toBe('TOO_MANY_REQUESTS')
    const { items } = await listAudit(d, { actor: principal.name, limit: 1 })
    expect(items[0]).toMatchObject({ action: 'person.unmask', outcome: 'denied' })
  })

  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    expect(csvCell('张三')).toBe('张三')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`)
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell(-1)).toBe('-1')
    expect(csvCell(null)).toBe('')
  })

  describe('exports over HTTP', () => {
    let app: FastifyInstance
    beforeAll(async () => {
      app = await createServer({ db: () => d, state: () => ({ status: 'ready' }), pii })
    })
    afterAll(async () => {
      await app.close()
    })
    const get = async (url: string, bearer: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: bearer } })

    it('exports the area’s residents masked, with the count audited', async () => {
      const leader = await bearerFor(d, 'street-leader', district.code)
      const res = await get(`/exports/people.csv?gridId=${grid.gridId}`, leader)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/csv/)
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="people-/)
      const lines = res.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n')
      const [expected] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM people p
        JOIN grids g ON g.id = p.grid_id WHERE g.path LIKE ${`${grid.path}%`}`)
      expect(lines.length - 1).toBe(Number(expected!.n))
      expect(lines[0]).toContain('人群标签')
      expect(res.body).not.toMatch(/\d{17}[\dX]/)
      const { items } = await listAudit(d, { action: 'export', limit: 1 })
      expect(items[0]).toMatchObject({
        objectType: 'people',
        after: { rows: Number(expected!.n), format: 'csv' },
      })
    })

    it('exports nothing outside the area, and refuses without both permissions or with bad filters', async () => {
      const leader = await bearerFor(d, 'street-leader', grid.code)
      const [other] = await d.rows<{ id: number }>(
        sql`SELECT id FROM grids WHERE level = 2 AND id <> ${district.gridId} ORDER BY id LIMIT 1`,
      )
      const outside = await get(`/exports/people.csv?gridId=${other!.id}`, leader)
      expect(outside.statusCode).toBe(200)
      expect(
        outside.body
          .replace(/^\uFEFF/, '')
          .trim()
          .split('\r\n'),
      ).toHaveLength(1)
      expect((await get('/exports/people.csv', await bearerFor(d, 'dispatcher'))).statusCode).toBe(403)
      expect((await get('/exports/people.csv', await bearerFor(d, 'planner'))).statusCode).toBe(403)
      const cityLeader = await bearerFor(d, 'city-leader')
      for (const bad of [
        '?idNumber=371002199001011234',
        "?gridId=1' OR '1'='1",
        '?tag=everyone',
        '?name=',
        '?residence=both',
        '?sort=id',
      ]) {
        const r = await get(`/exports/people.csv${bad}`, cityLeader)
        expect(r.statusCode, bad).toBe(400)
        expect(r.json().error).toBe('bad_filter')
      }
      expect((await app.inject({ method: 'GET', url: '/exports/people.csv' })).statusCode).toBe(401)
    })
  })
})
