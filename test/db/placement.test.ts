import { sql } from 'drizzle-orm'
import { beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { dbDescribe, testDb } from './harness.ts'

const ELEMENT_TABLES = [
  'addresses',
  'buildings',
  'compounds',
  'public_places',
  'households',
  'people',
  'things',
  'events',
] as const

dbDescribe('落图进格: elements are placed in their grid by the database', () => {
  let d: Database
  beforeAll(async () => {
    d = await testDb()
  })

  it.each(ELEMENT_TABLES)('every row of %s has the deepest grid that holds its point', async (table) => {
    const [r] = await d.rows<{ total: number; unplaced: number; wrong: number }>(
      sql.raw(`SELECT count(*)::int AS total,
        count(*) FILTER (WHERE t.grid_id IS NULL)::int AS unplaced,
        count(*) FILTER (WHERE NOT ST_Intersects(g.geom, t.geom) OR g.level < 5)::int AS wrong
        FROM ${table} t LEFT JOIN grids g ON g.id = t.grid_id`),
    )
    expect(Number(r!.total)).toBeGreaterThan(0)
    expect(Number(r!.unplaced)).toBe(0)
    expect(Number(r!.wrong)).toBe(0)
  })

  it('places a new element and moves it to another grid when its location changes', async () => {
    const [a, b] = await d.rows<{ id: number; x: number; y: number }>(
      sql`SELECT id, ST_X(label_point) AS x, ST_Y(label_point) AS y FROM grids WHERE level = 5 ORDER BY id LIMIT 2`,
    )
    const [ev] = await d.rows<{ id: number; grid_id: number }>(sql`
      INSERT INTO events (source, external_id, title, reported_at, geom)
      VALUES ('web', 'placement-test-1', '测试', now(), ST_SetSRID(ST_MakePoint(${a!.x}, ${a!.y}), 4326))
      RETURNING id, grid_id`)
    const first = await d.rows<{ level: number; path: string }>(
      sql`SELECT level, path FROM grids WHERE id = ${ev!.grid_id}`,
    )
    expect(first[0]!.path.startsWith(`/`)).toBe(true)
    expect([Number(a!.id)]).toContain(
      Number(first[0]!.level) === 6
        ? Number(
            (
              await d.rows<{ parent_id: number }>(sql`SELECT parent_id FROM grids WHERE id = ${ev!.grid_id}`)
            )[0]!.parent_id,
          )
        : Number(ev!.grid_id),
    )
    const [moved] = await d.rows<{ grid_id: number }>(sql`
      UPDATE events SET geom = ST_SetSRID(ST_MakePoint(${b!.x}, ${b!.y}), 4326) WHERE id = ${ev!.id} RETURNING grid_id`)
    expect(Number(moved!.grid_id)).not.toBe(Number(ev!.grid_id))
    await d.rows(sql`DELETE FROM events WHERE id = ${ev!.id}`)
  })

  it('ignores a grid_id written by application code', async () => {
    const [g] = await d.rows<{ id: number; x: number; y: number }>(
      sql`SELECT id, ST_X(label_point) AS x, ST_Y(label_point) AS y FROM grids WHERE level = 5 ORDER BY id DESC LIMIT 1`,
    )
    const [city] = await d.rows<{ id: number }>(sql`SELECT id FROM grids WHERE level = 1`)
    const [ev] = await d.rows<{ id: number; grid_id: number }>(sql`
      INSERT INTO events (source, external_id, title, reported_at, geom, grid_id)
      VALUES ('web', 'placement-test-2', '测试', now(), ST_SetSRID(ST_MakePoint(${g!.x}, ${g!.y}), 4326), ${city!.id})
      RETURNING id, grid_id`)
    expect(Number(ev!.grid_id)).not.toBe(Number(city!.id))
    await d.rows(sql`UPDATE events SET grid_id = ${city!.id} WHERE id = ${ev!.id}`)
    const [after] = await d.rows<{ grid_id: number }>(sql`SELECT grid_id FROM events WHERE id = ${ev!.id}`)
    expect(Number(after!.grid_id)).toBe(Number(ev!.grid_id))
    await d.rows(sql`DELETE FROM events WHERE id = ${ev!.id}`)
  })

  it('leaves an element outside the city without a grid', async () => {
    const [ev] = await d.rows<{ id: number; grid_id: number | null }>(sql`
      INSERT INTO events (source, external_id, title, reported_at, geom)
      VALUES ('web', 'placement-test-3', '城外', now(), ST_SetSRID(ST_MakePoint(100, 30), 4326)) RETURNING id, grid_id`)
    expect(ev!.grid_id).toBeNull()
    await d.rows(sql`DELETE FROM events WHERE id = ${ev!.id}`)
  })

  it('stores ID numbers only encrypted, and finds a person by exact ID number through the keyed hash', async () => {
    const [p] = await d.rows<{ id: number; enc: Buffer | Uint8Array | string; masked: string }>(
      sql`SELECT id, id_number_enc AS enc, id_number_masked AS masked FROM people ORDER BY id LIMIT 1`,
    )
    expect(p!.masked).toMatch(/^\d{6}\*{8}[\dX]{4}$/)
    const { createPiiCipher } = await import('../../server/security/pii.ts')
    const cipher = createPiiCipher(Buffer.alloc(32, 7))
    const raw =
      typeof p!.enc === 'string' ? Buffer.from(p!.enc.replace(/^\\x/, ''), 'hex') : Buffer.from(p!.enc)
    const idNumber = cipher.decrypt(raw)
    expect(idNumber).toMatch(/^\d{17}[\dX]$/)
    const hits = await d.rows<{ id: number }>(
      sql`SELECT id FROM people WHERE id_number_hash = ${cipher.lookupHash(idNumber)}`,
    )
    expect(hits.map((h) => Number(h.id))).toContain(Number(p!.id))
    const [plain] = await d.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM people WHERE encode(id_number_enc, 'escape') LIKE ${`%${idNumber.slice(0, 10)}%`}`,
    )
    expect(Number(plain!.n)).toBe(0)
  })

  it('finds a person by exact ID number within the caller’s area only', async () => {
    const { createPiiCipher } = await import('../../server/security/pii.ts')
    const { findPeopleByIdNumber } = await import('../../db/queries/people.queries.ts')
    const { WHOLE_CITY } = await import('../../server/domain/area.ts')
    const cipher = createPiiCipher(Buffer.alloc(32, 7))
    const [p] = await d.rows<{ id: number; enc: Buffer | Uint8Array | string; path: string }>(
      sql`SELECT p.id, p.id_number_enc AS enc, g.path FROM people p JOIN grids g ON g.id = p.grid_id ORDER BY p.id DESC LIMIT 1`,
    )
    const raw =
      typeof p!.enc === 'string' ? Buffer.from(p!.enc.replace(/^\\x/, ''), 'hex') : Buffer.from(p!.enc)
    const idNumber = cipher.decrypt(raw)
    const found = await findPeopleByIdNumber(d, WHOLE_CITY, cipher, idNumber.toLowerCase())
    expect(found.map((f) => f.id)).toContain(Number(p!.id))
    expect(found[0]!.idNumberMasked).toBe(`${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`)
    const districtPath = `/${p!.path.split('/').filter(Boolean).slice(0, 2).join('/')}/`
    expect((await findPeopleByIdNumber(d, { gridId: 1, path: districtPath }, cipher, idNumber)).length).toBe(
      found.length,
    )
    const [other] = await d.rows<{ id: number; path: string }>(
      sql`SELECT id, path FROM grids WHERE level = 2 AND ${districtPath} NOT LIKE path || '%' LIMIT 1`,
    )
    expect(
      await findPeopleByIdNumber(d, { gridId: Number(other!.id), path: other!.path }, cipher, idNumber),
    ).toEqual([])
  })

  it('knows the nine roles of the platform', async () => {
    const roles = await d.rows<{ id: string; name_zh: string }>(
      sql`SELECT id, name_zh FROM roles ORDER BY id`,
    )
    expect(roles.map((r) => r.id)).toEqual([
      'admin',
      'auditor',
      'city-leader',
      'department-handler',
      'dispatcher',
      'district-leader',
      'grid-worker',
      'planner',
      'street-leader',
    ])
  })
})
