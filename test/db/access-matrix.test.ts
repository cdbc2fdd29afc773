import { TRPCError } from '@trpc/server'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { ROLE_IDS, type RoleId } from '../../db/schema/access.ts'
import { createServer } from '../../server/app.ts'
import { createContext } from '../../server/context.ts'
import type { Area } from '../../server/domain/area.ts'
import { appRouter } from '../../server/routers/index.ts'
import { type Permission, ROLE_PERMISSIONS } from '../../server/security/permissions.ts'
import { createPiiCipher } from '../../server/security/pii.ts'
import { bearerFor, principalFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

const pii = createPiiCipher(Buffer.alloc(32, 7))

interface MatrixArea {
  label: string
  code: string | null
  area: Area
  /** What the owner (outside row-level security) counts in this area. */
  people: number
  grids: number
}

type Outcome = string

/**
 * The role × area × object matrix: every role, at every level of area, against every kind of
 * object, through the real entry points (tRPC callers, HTTP tiles and exports) — that is, through
 * the application role with row-level security, on pooled connections used by many callers at
 * once. Allowed calls must return exactly the area's share; others must be refused.
 */
dbDescribe('access matrix: role × area × object', () => {
  let d: Database
  let app: FastifyInstance
  const areas: MatrixArea[] = []
  let outsideGrid: { id: number; code: string }
  let outsidePerson: number

  beforeAll(async () => {
    d = await testDb()
    app = await createServer({ db: () => d, state: () => ({ status: 'ready' }), pii })
    const count = async (path: string) => {
      const [r] = await d.rows<{ p: number; g: number }>(sql`SELECT
        (SELECT count(*)::int FROM people p JOIN grids g ON g.id = p.grid_id WHERE g.path LIKE ${`${path}%`}) AS p,
        (SELECT count(*)::int FROM grids g WHERE g.path LIKE ${`${path}%`}) AS g`)
      return { people: Number(r!.p), grids: Number(r!.g) }
    }
    areas.push({ label: 'city', code: null, area: { gridId: null, path: '/' }, ...(await count('/')) })
    // One district, a street in it, a grid in that street: nested, so outsiders are known at each level.
    let parent = '/'
    for (const level of [2, 3, 5]) {
      const [g] = await d.rows<{
        id: number
        path: string
        code: string
      }>(sql`SELECT id, path, code FROM grids
        WHERE level = ${level} AND path LIKE ${`${parent}%`}
          AND EXISTS (SELECT 1 FROM people p JOIN grids c ON c.id = p.grid_id WHERE c.path LIKE grids.path || '%')
        ORDER BY code LIMIT 1`)
      parent = g!.path
      areas.push({
        label: `level ${level} ${g!.code}`,
        code: g!.code,
        area: { gridId: Number(g!.id), path: g!.path },
        ...(await count(g!.path)),
      })
    }
    const district = areas[1]!.area.path
    const [og] = await d.rows<{ id: number; code: string }>(
      sql`SELECT id, code FROM grids WHERE level = 5 AND path NOT LIKE ${`${district}%`} ORDER BY id LIMIT 1`,
    )
    outsideGrid = { id: Number(og!.id), code: og!.code }
    const [op] = await d.rows<{ id: number }>(sql`SELECT p.id FROM people p JOIN grids g ON g.id = p.grid_id
      WHERE g.path NOT LIKE ${`${district}%`} ORDER BY p.id LIMIT 1`)
    outsidePerson = Number(op!.id)
  })
  afterAll(async () => {
    await app.close()
  })

  it('gives each role exactly its area’s share of every object, and refuses the rest', async () => {
    const results: { cell: string; got: Outcome; want: Outcome }[] = []
    const run = async (role: RoleId, a: MatrixArea) => {
      const has = (p: Permission) => ROLE_PERMISSIONS[role].includes(p)
      const c = appRouter.createCaller(createContext({ db: d, principal: principalFor([role], a.area), pii }))
      const outcome = async (f: () => Promise<Outcome>): Promise<Outcome> => {
        try {
          return await f()
        } catch (e) {
          return e instanceof TRPCError ? e.code : `THREW ${(e as Error).message}`
        }
      }
      const cell = (object: string, got: Outcome, want: Outcome) =>
        results.push({ cell: `${role} @ ${a.label} × ${object}`, got, want })
      const inArea = a.code === null ? () => true : (code: string) => code.startsWith(a.code!)

      cell(
        'grid.children',
        await outcome(async () => {
          const roots = await c.grid.children({ parentId: null })
          return roots.length > 0 && roots.every((r) => inArea(r.code)) ? 'OK' : `LEAK ${roots.length}`
        }),
        has('map.read') ? 'OK' : 'FORBIDDEN',
      )
      cell(
        'grid.search',
        await outcome(async () => {
          const hits = await c.grid.search({ q: '', limit: 100 })
          return hits.every((h) => inArea(h.code)) ? 'OK' : 'LEAK'
        }),
        has('map.read') ? 'OK' : 'FORBIDDEN',
      )
      cell(
        'grid.get (outside)',
        await outcome(async () => ((await c.grid.get({ id: outsideGrid.id })) ? 'OK' : 'NONE')),
        !has('map.read') ? 'FORBIDDEN' : a.code === null ? 'OK' : 'NOT_FOUND',
      )
      cell(
        'grid.get (own, counts)',
        await outcome(async () => {
          if (a.area.gridId === null) return 'OK'
          const g = await c.grid.get({ id: a.area.gridId })
          return g.counts.people === a.people ? 'OK' : `COUNT ${g.counts.people} ≠ ${a.people}`
        }),
        has('map.read') ? 'OK' : 'FORBIDDEN',
      )
      cell(
        'people.list',
        await outcome(async () => {
          const page = await c.people.list({ limit: 200 })
          const want = Math.min(a.people, 10_000)
          if (page.total !== want) return `COUNT ${page.total} ≠ ${want}`
          if (page.items.some((p) => !inArea(p.gridCode ?? ''))) return 'LEAK'
          return page.items.every((p) => (p.tags === null) === !has('people.tags')) ? 'OK' : 'TAGS'
        }),
        has('people.read') ? 'OK' : 'FORBIDDEN',
      )
      cell(
        'people.get (outside)',
        await outcome(async () => ((await c.people.get({ id: outsidePerson })) ? 'OK' : 'NONE')),
        !has('people.read') ? 'FORBIDDEN' : a.code === null ? 'OK' : 'NOT_FOUND',
      )
      cell(
        'people.unmask (outside)',
        await outcome(async () => {
          await c.people.unmask({ id: outsidePerson, reason: '权限矩阵测试' })
          return 'OK'
        }),
        !has('people.unmask') ? 'FORBIDDEN' : a.code === null ? 'OK' : 'NOT_FOUND',
      )
      cell(
        'users.list',
        await outcome(async () => {
          await c.users.list()
          return 'OK'
        }),
        has('users.manage') ? 'OK' : 'FORBIDDEN',
      )
      cell(
        'audit.list',
        await outcome(async () => {
          await c.audit.list({ limit: 1 })
          return 'OK'
        }),
        has('audit.read') ? 'OK' : 'FORBIDDEN',
      )

      // HTTP: a real token of this role and area.
      const bearer = await bearerFor(d, role, a.code)
      const tile = await app.inject({
        method: 'GET',
        url: `/tiles/grids/8/214/99.mvt?levels=5`,
        headers: { authorization: bearer },
      })
      cell(
        'tiles',
        tile.statusCode === 204 ? '200' : String(tile.statusCode),
        has('map.read') ? '200' : '403',
      )
      // From an address of its own: the export rate limit (30/min per address) is not under test here.
      const exp = await app.inject({
        method: 'GET',
        url: '/exports/people.csv',
        headers: { authorization: bearer },
        remoteAddress: `10.9.${ROLE_IDS.indexOf(role)}.${areas.indexOf(a) + 1}`,
      })
      const rows = exp.statusCode === 200 ? exp.body.trim().split('\r\n').length - 1 : -1
      cell(
        'exports/people.csv',
        exp.statusCode === 200
          ? rows === a.people
            ? '200'
            : `ROWS ${rows} ≠ ${a.people}`
          : String(exp.statusCode),
        has('export') && has('people.read') ? '200' : '403',
      )
    }
    // All cells at once: many callers interleave on the pool, as in production.
    await Promise.all(ROLE_IDS.flatMap((role) => areas.map((a) => run(role, a))))
    const wrong = results
      .filter((r) => r.got !== r.want)
      .map((r) => `${r.cell}: got ${r.got}, want ${r.want}`)
    expect(wrong).toEqual([])
    expect(results.length).toBe(ROLE_IDS.length * areas.length * 11)
    process.stderr.write(
      `[access matrix] ${ROLE_IDS.length} roles × ${areas.length} areas × 11 objects = ${results.length} cells, all as expected\n`,
    )
  }, 120_000)
})
