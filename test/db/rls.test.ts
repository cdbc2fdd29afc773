import { sql } from 'drizzle-orm'
import { beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { withScope } from '../../db/scope.ts'
import type { Area } from '../../server/domain/area.ts'
import { backend, dbDescribe, testDb } from './harness.ts'

/** Tables with area data, and how a row is tied to the grid tree (for the expected counts). */
const OBJECTS: Record<string, string> = {
  grids: `SELECT count(*)::int AS n FROM grids g WHERE g.path LIKE $AREA`,
  grid_history: `SELECT count(*)::int AS n FROM grid_history h JOIN grids g ON g.id = h.grid_id WHERE g.path LIKE $AREA`,
  addresses: `SELECT count(*)::int AS n FROM addresses t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE $AREA`,
  buildings: `SELECT count(*)::int AS n FROM buildings t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE $AREA`,
  compounds: `SELECT count(*)::int AS n FROM compounds t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE $AREA`,
  public_places: `SELECT count(*)::int AS n FROM public_places t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE $AREA`,
  households: `SELECT count(*)::int AS n FROM households t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE $AREA`,
  people: `SELECT count(*)::int AS n FROM people t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE $AREA`,
  things: `SELECT count(*)::int AS n FROM things t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE $AREA`,
  events: `SELECT count(*)::int AS n FROM events t JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE $AREA`,
  event_actions: `SELECT count(*)::int AS n FROM event_actions a JOIN events t ON t.id = a.event_id JOIN grids g ON g.id = t.grid_id WHERE g.path LIKE $AREA`,
}

dbDescribe('row-level security: each area sees exactly its own subtree', () => {
  let d: Database
  const areas: { label: string; area: Area }[] = []
  beforeAll(async () => {
    d = await testDb()
    const pick = async (level: number, n: number) =>
      d.rows<{ id: number; path: string; code: string }>(
        sql`SELECT id, path, code FROM grids WHERE level = ${level} ORDER BY code LIMIT ${n}`,
      )
    areas.push({ label: 'city', area: { gridId: null, path: '/' } })
    for (const [level, n] of [
      [2, 3],
      [3, 2],
      [4, 2],
      [5, 2],
    ] as const) {
      for (const g of await pick(level, n))
        areas.push({ label: `level ${level} ${g.code}`, area: { gridId: Number(g.id), path: g.path } })
    }
  })

  it('matches the expected count for every area × table (the matrix)', async () => {
    let checks = 0
    for (const { label, area } of areas) {
      for (const [table, expectedSql] of Object.entries(OBJECTS)) {
        const [exp] = await d.rows<{ n: number }>(sql.raw(expectedSql.replace('$AREA', `'${area.path}%'`)))
        const [got] = await withScope(d, area, (s) =>
          s.rows<{ n: number }>(sql.raw(`SELECT count(*)::int AS n FROM ${table}`)),
        )
        // The whole city also sees elements outside every grid (none in the demo city).
        expect(Number(got!.n), `${label} × ${table}`).toBe(Number(exp!.n))
        checks++
      }
    }
    expect(checks).toBe(areas.length * Object.keys(OBJECTS).length)
  })

  it('shows nothing when no area is set, or an empty one (a pooled connection after another user)', async () => {
    for (const setting of [null, '']) {
      const counts = await d.db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL ROLE yiwang_app`)
        if (setting !== null) await tx.execute(sql`SELECT set_config('yiwang.area', ${setting}, true)`)
        const res =
          (await tx.execute(sql`SELECT (SELECT count(*) FROM grids)::int AS g, (SELECT count(*) FROM people)::int AS p,
          (SELECT count(*) FROM events)::int AS e, (SELECT count(*) FROM organisations)::int AS o`)) as unknown
        return (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows)[0] as Record<string, number>
      })
      expect(counts).toEqual({ g: 0, p: 0, e: 0, o: 0 })
    }
  })

  it('does not leak an area to the next transaction on a reused pooled connection', async () => {
    const district = areas.find((a) => a.label.startsWith('level 2'))!.area
    // Many scoped transactions at once, then unscoped ones on the same pool: none sees anything.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        withScope(d, i % 2 ? district : { gridId: null, path: '/' }, (s) =>
          s.rows(sql`SELECT count(*) FROM people`),
        ),
      ),
    )
    const leaks = await Promise.all(
      Array.from({ length: 20 }, () =>
        d.db.transaction(async (tx) => {
          await tx.execute(sql`SET LOCAL ROLE yiwang_app`)
          const res = (await tx.execute(sql`SELECT count(*)::int AS n FROM people`)) as unknown
          return Number(
            ((Array.isArray(res) ? res : (res as { rows: unknown[] }).rows)[0] as { n: number }).n,
          )
        }),
      ),
    )
    expect(leaks.every((n) => n === 0)).toBe(true)
    if (backend === 'postgres') {
      const [role] = await d.rows<{ r: string; area: string | null }>(
        sql`SELECT current_user AS r, nullif(current_setting('yiwang.area', true), '') AS area`,
      )
      expect(role!.area).toBeNull()
    }
  })

  it('refuses writing an element outside the area, and moving one out of it', async () => {
    const district = areas.find((a) => a.label.startsWith('level 2'))!.area
    const [outside] = await d.rows<{
      x: number
      y: number
    }>(sql`SELECT ST_X(label_point) AS x, ST_Y(label_point) AS y FROM grids
      WHERE level = 5 AND path NOT LIKE ${`${district.path}%`} ORDER BY id LIMIT 1`)
    const [inside] = await d.rows<{
      x: number
      y: number
    }>(sql`SELECT ST_X(label_point) AS x, ST_Y(label_point) AS y FROM grids
      WHERE level = 5 AND path LIKE ${`${district.path}%`} ORDER BY id LIMIT 1`)
    await expect(
      withScope(d, district, (s) =>
        s.rows(sql`INSERT INTO events (source, external_id, title, reported_at, geom)
        VALUES ('web', 'rls-outside', '外区事件', now(), ST_SetSRID(ST_MakePoint(${outside!.x}, ${outside!.y}), 4326))`),
      ),
    ).rejects.toThrow()
    const [ev] = await withScope(d, district, (s) =>
      s.rows<{ id: number }>(sql`INSERT INTO events (source, external_id, title, reported_at, geom)
        VALUES ('web', 'rls-inside', '本区事件', now(), ST_SetSRID(ST_MakePoint(${inside!.x}, ${inside!.y}), 4326)) RETURNING id`),
    )
    await expect(
      withScope(d, district, (s) =>
        s.rows(
          sql`UPDATE events SET geom = ST_SetSRID(ST_MakePoint(${outside!.x}, ${outside!.y}), 4326) WHERE id = ${ev!.id}`,
        ),
      ),
    ).rejects.toThrow()
    await d.rows(sql`DELETE FROM events WHERE id = ${ev!.id}`)
  })

  it('runs requests as a role that owns nothing and cannot bypass row-level security', async () => {
    const [r] = await withScope(d, { gridId: null, path: '/' }, (s) =>
      s.rows<{
        who: string
        bypass: boolean
        superuser: boolean
        owns: number
      }>(sql`SELECT current_user AS who,
        (SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user) AS bypass,
        (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
        (SELECT count(*)::int FROM pg_class c JOIN pg_roles o ON o.oid = c.relowner WHERE o.rolname = current_user) AS owns`),
    )
    expect(r).toMatchObject({ who: 'yiwang_app', bypass: false, superuser: false, owns: 0 })
    const forced = await d.rows<{
      relname: string
      rls: boolean
      force: boolean
    }>(sql`SELECT relname, relrowsecurity AS rls, relforcerowsecurity AS force
      FROM pg_class WHERE relname IN ('grids', 'people', 'events', 'event_actions', 'organisations', 'things', 'buildings') ORDER BY relname`)
    expect(forced.every((t) => t.rls && t.force)).toBe(true)
  })
})
