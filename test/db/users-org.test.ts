import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TRPCError } from '@trpc/server'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import type { RoleId } from '../../db/schema/access.ts'
import { AccessError, type AdminContext, createUser, updateUser } from '../../server/auth/admin.ts'
import type { AuditEntry } from '../../server/auth/audit.ts'
import { DEMO_FILE, ensureDemoAccounts } from '../../server/auth/demo.ts'
import { dummyVerify, type Hasher, hashPassword, verifyPassword } from '../../server/auth/password.ts'
import { createContext } from '../../server/context.ts'
import { type Area, WHOLE_CITY } from '../../server/domain/area.ts'
import { appRouter } from '../../server/routers/index.ts'
import { createPiiCipher } from '../../server/security/pii.ts'
import { principalFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

const pii = createPiiCipher(Buffer.alloc(32, 7))
/** A real but cheap scrypt, so that creating users costs little. */
const hasher: Hasher = {
  hash: (p) => hashPassword(p, { ln: 10, r: 8, p: 1 }),
  verify: verifyPassword,
  dummy: dummyVerify,
}

interface Dept {
  id: number
  code: string
  name: string
  path: string
}

/** An AccessError as a plain object (an Error's message does not take part in toMatchObject). */
function plain(e: unknown): { code: string; message: string } {
  if (e instanceof AccessError) return { code: e.code, message: e.message }
  throw e
}

async function trpcCode(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'OK'
  } catch (e) {
    if (e instanceof TRPCError) return e.code
    throw e
  }
}

dbDescribe('users and their department (users.org_id): admin, me, my_todo, demo', () => {
  let d: Database
  const audits: AuditEntry[] = []
  const admin: AdminContext = {
    actor: { name: 'test-admin' },
    audit: async (e) => {
      audits.push(e)
    },
    deps: { hasher },
  }
  const prefix = `uorg-${process.pid}-`
  let n = 0
  const uname = () => `${prefix}${++n}`
  let districtA: Area & { code: string }
  let districtB: Area & { code: string }
  /** A department inside district A with open events dispatched to it; another in A; one in B. */
  let busy: Dept
  let other: Dept
  let deptB: Dept
  let cityDept: Dept
  let party: { id: number; code: string }

  const orgIdOf = async (id: number) =>
    (await d.rows<{ org_id: number | null }>(sql`SELECT org_id FROM users WHERE id = ${id}`))[0]?.org_id ??
    null
  const userCaller = (roles: RoleId[], area: Area, user: { id: number; username: string }) =>
    appRouter.createCaller(
      createContext({
        db: d,
        principal: { ...principalFor(roles, area), id: user.id, name: user.username },
        pii,
      }),
    )
  /** The open events dispatched to a department or with an open sub-task of it (what my_todo counts). */
  const todoOf = async (orgId: number, path = '/') =>
    (
      await d.rows<{ id: number }>(sql`
        SELECT e.id FROM events e JOIN grids g ON g.id = e.grid_id
        WHERE g.path LIKE ${`${path}%`} AND e.duplicate_of IS NULL AND e.status IN ('dispatched', 'signed', 'in_progress')
          AND (e.department_id = ${orgId} OR EXISTS (SELECT 1 FROM event_tasks t
               WHERE t.event_id = e.id AND t.department_id = ${orgId} AND t.status = 'open'))
        ORDER BY e.id`)
    ).map((r) => Number(r.id))

  beforeAll(async () => {
    d = await testDb()
    const ds = await d.rows<{ id: number; path: string; code: string }>(
      sql`SELECT id, path, code FROM grids WHERE level = 2 ORDER BY code LIMIT 2`,
    )
    districtA = { gridId: Number(ds[0]!.id), path: ds[0]!.path, code: ds[0]!.code }
    districtB = { gridId: Number(ds[1]!.id), path: ds[1]!.path, code: ds[1]!.code }
    const depts = (path: string, order = sql`o.id`) =>
      d.rows<Dept>(sql`
        SELECT o.id, o.code, o.name, g.path FROM organisations o JOIN grids g ON g.id = o.area_grid_id
        LEFT JOIN LATERAL (SELECT count(*)::int AS n FROM events e WHERE e.department_id = o.id
          AND e.duplicate_of IS NULL AND e.status IN ('dispatched', 'signed', 'in_progress')) x ON true
        WHERE o.kind = 'department' AND g.path LIKE ${`${path}%`} AND g.level > 1 ORDER BY ${order}`)
    const inA = await depts(districtA.path, sql`x.n DESC, o.id`)
    busy = { ...inA[0]!, id: Number(inA[0]!.id) }
    other = { ...inA[inA.length - 1]!, id: Number(inA[inA.length - 1]!.id) }
    const inB = await depts(districtB.path)
    deptB = { ...inB[0]!, id: Number(inB[0]!.id) }
    const [c] = await d.rows<Dept>(sql`
      SELECT o.id, o.code, o.name, g.path FROM organisations o JOIN grids g ON g.id = o.area_grid_id
      WHERE o.kind = 'department' AND g.level = 1 ORDER BY o.id LIMIT 1`)
    cityDept = { ...c!, id: Number(c!.id) }
    const [p] = await d.rows<{ id: number; code: string }>(
      sql`SELECT id, code FROM organisations WHERE kind <> 'department' ORDER BY id LIMIT 1`,
    )
    party = { id: Number(p!.id), code: p!.code }
    expect((await todoOf(busy.id)).length).toBeGreaterThan(0)
    expect(other.id).not.toBe(busy.id)
  })

  afterAll(async () => {
    await d.rows(sql`DELETE FROM users WHERE username LIKE ${`${prefix}%`}`)
  })

  it('sets a department by id or code; the listing and me show it; the change is audited', async () => {
    const { user } = await createUser(d, { username: uname(), roles: ['grid-worker'], areaCode: null }, admin)
    expect(user.department).toBeNull()
    audits.length = 0
    const after = await updateUser(d, { id: user.id }, { department: busy.id }, admin)
    expect(after.department).toEqual({ id: busy.id, code: busy.code, name: busy.name })
    expect(await orgIdOf(user.id)).toBe(busy.id)
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'user.update',
        objectId: String(user.id),
        before: expect.objectContaining({ department: null }),
        after: expect.objectContaining({ department: { id: busy.id, code: busy.code, name: busy.name } }),
      }),
    ])
    // By code, and as a numeric string (the admin command's form).
    expect((await updateUser(d, { id: user.id }, { department: other.code }, admin)).department?.id).toBe(
      other.id,
    )
    expect(
      (await updateUser(d, { id: user.id }, { department: String(busy.id) }, admin)).department?.id,
    ).toBe(busy.id)

    const adminCaller = appRouter.createCaller(
      createContext({ db: d, principal: principalFor(['admin'], WHOLE_CITY), pii }),
    )
    const listed = (await adminCaller.users.list()).find((u) => u.id === user.id)
    expect(listed?.department).toEqual({ id: busy.id, code: busy.code, name: busy.name })
    const me = await userCaller(['grid-worker'], WHOLE_CITY, user).auth.me()
    expect(me.department).toEqual({ id: busy.id, name: busy.name })

    // Detach: null.
    audits.length = 0
    expect((await updateUser(d, { id: user.id }, { department: null }, admin)).department).toBeNull()
    expect(await orgIdOf(user.id)).toBeNull()
    expect(audits[0]).toMatchObject({ before: { department: { id: busy.id } }, after: { department: null } })
    expect((await userCaller(['grid-worker'], WHOLE_CITY, user).auth.me()).department).toBeNull()
  })

  it('refuses an unknown organisation, one that is not a department, and one outside the admin’s area, changing nothing', async () => {
    const { user } = await createUser(
      d,
      { username: uname(), roles: ['grid-worker'], areaCode: null, department: busy.id },
      admin,
    )
    audits.length = 0
    const refused = async (department: number | string, ctx: AdminContext = admin) =>
      updateUser(d, { id: user.id }, { department }, ctx).then(() => ({ code: 'OK', message: '' }), plain)
    expect(await refused(2_000_000_000)).toMatchObject({
      code: 'unknown_org',
      message: expect.stringMatching(/没有找到部门.*\/ No department/),
    })
    expect(await refused('DEPT-NO-SUCH-CODE')).toMatchObject({ code: 'unknown_org' })
    expect(await refused(party.code)).toMatchObject({
      code: 'not_department',
      message: expect.stringMatching(/不是职能部门 \/ .*not a department/),
    })
    expect(await refused(party.id)).toMatchObject({ code: 'not_department' })
    const scopedA: AdminContext = { ...admin, scope: { gridId: districtA.gridId, path: districtA.path } }
    // A user of district A, managed by district A's administrator: B's and the city's departments are outside.
    const { user: inA } = await createUser(
      d,
      { username: uname(), roles: ['grid-worker'], areaCode: districtA.code, department: busy.id },
      scopedA,
    )
    audits.length = 0
    for (const outside of [deptB.id, cityDept.code]) {
      const e = await updateUser(d, { id: inA.id }, { department: outside }, scopedA).catch(plain)
      expect(e).toMatchObject({
        code: 'outside_area',
        message: expect.stringMatching(/不在您的辖区内 \/ .*outside your area/),
      })
    }
    await expect(
      createUser(
        d,
        { username: uname(), roles: ['grid-worker'], areaCode: districtA.code, department: deptB.code },
        scopedA,
      ),
    ).rejects.toMatchObject({ code: 'outside_area' })
    // A department that serves an area apart from the user's own: its events would be hidden from them.
    const mismatch = await updateUser(d, { id: inA.id }, { department: deptB.id }, admin).catch(plain)
    expect(mismatch).toMatchObject({ code: 'bad_input', message: expect.stringMatching(/不相交/) })
    await expect(updateUser(d, { id: inA.id }, { areaCode: districtB.code }, admin)).rejects.toMatchObject({
      code: 'bad_input',
    })
    expect(audits).toEqual([])
    expect(await orgIdOf(user.id)).toBe(busy.id)
    expect(await orgIdOf(inA.id)).toBe(busy.id)
    expect(
      (
        await d.rows<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM users WHERE username LIKE ${`${prefix}%`}`,
        )
      )[0]!.n,
    ).toBe(n - 1) // every name but the refused create exists
  })

  it('over tRPC: a district administrator attaches only its own departments; refusals change nothing and are not audited as changes', async () => {
    const admA = appRouter.createCaller(
      createContext({ db: d, principal: principalFor(['admin'], districtA), pii }),
    )
    const created = await admA.users.create({
      username: uname(),
      roles: ['department-handler'],
      areaCode: districtA.code,
      department: busy.id,
    })
    expect(created.user.department?.id).toBe(busy.id)
    const auditCount = async () =>
      (
        await d.rows<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM audit_log WHERE object_type = 'user' AND object_id = ${String(created.user.id)}`,
        )
      )[0]!.n
    expect(await auditCount()).toBe(1)
    // The city's department is visible to district A (it serves A) but lies outside A: forbidden.
    expect(await trpcCode(admA.users.update({ id: created.user.id, department: cityDept.id }))).toBe(
      'FORBIDDEN',
    )
    // District B's department is not even visible to A's administrator.
    expect(await trpcCode(admA.users.update({ id: created.user.id, department: deptB.id }))).toBe(
      'BAD_REQUEST',
    )
    expect(await trpcCode(admA.users.update({ id: created.user.id, department: party.id }))).toBe(
      'BAD_REQUEST',
    )
    expect(await trpcCode(admA.users.update({ id: created.user.id, department: 'bad code!' }))).toBe(
      'BAD_REQUEST',
    )
    expect(await orgIdOf(created.user.id)).toBe(busy.id)
    expect(await auditCount()).toBe(1)
    await admA.users.update({ id: created.user.id, department: other.code })
    expect(await orgIdOf(created.user.id)).toBe(other.id)
    const [last] = await d.rows<{ before: unknown; after: unknown }>(sql`
      SELECT before, after FROM audit_log WHERE object_type = 'user' AND object_id = ${String(created.user.id)}
      ORDER BY id DESC LIMIT 1`)
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v)
    expect(json(last!.before)).toMatchObject({ department: { id: busy.id } })
    expect(json(last!.after)).toMatchObject({ department: { id: other.id, code: other.code } })

    // The picker: departments serving A or a part of it — not the city's, not B's; searchable.
    const all = await admA.users.departments({ limit: 500 })
    expect(all.map((o) => o.id)).toContain(busy.id)
    expect(all.map((o) => o.id)).not.toContain(cityDept.id)
    expect(all.map((o) => o.id)).not.toContain(deptB.id)
    expect(all.every((o) => o.areaCode?.startsWith(districtA.code))).toBe(true)
    // For a user of one street: that street's departments and the district's, no other street's.
    const [street] = await d.rows<{ code: string }>(
      sql`SELECT code FROM grids WHERE level = 3 AND path LIKE ${`${districtA.path}%`} ORDER BY code LIMIT 1`,
    )
    const fit = await admA.users.departments({ areaCode: street!.code, limit: 500 })
    expect(fit.length).toBeGreaterThan(0)
    expect(fit.length).toBeLessThan(all.length)
    expect(fit.every((o) => o.areaCode === districtA.code || o.areaCode?.startsWith(street!.code))).toBe(true)
    expect(fit.some((o) => o.areaCode === districtA.code)).toBe(true)
    expect(fit.some((o) => o.areaCode === street!.code)).toBe(true)
    const hits = await admA.users.departments({ q: busy.name.slice(-4), limit: 50 })
    expect(hits.map((o) => o.id)).toContain(busy.id)
    expect(
      hits.every((o) => `${o.name}${o.code}${o.departmentKind}${o.areaName}`.includes(busy.name.slice(-4))),
    ).toBe(true)
  })

  it('a department handler needs a department; existing handlers without one keep working', async () => {
    expect(
      await createUser(d, { username: uname(), roles: ['department-handler'], areaCode: null }, admin).catch(
        plain,
      ),
    ).toMatchObject({
      code: 'no_department',
      message: expect.stringMatching(/必须指定所属部门 \/ .*needs a department/),
    })
    const { user } = await createUser(d, { username: uname(), roles: ['grid-worker'], areaCode: null }, admin)
    await expect(
      updateUser(d, { id: user.id }, { roles: ['department-handler'] }, admin),
    ).rejects.toMatchObject({
      code: 'no_department',
    })
    const handler = await updateUser(
      d,
      { id: user.id },
      { roles: ['department-handler'], department: busy.id },
      admin,
    )
    expect(handler).toMatchObject({ roles: ['department-handler'], department: { id: busy.id } })
    await expect(updateUser(d, { id: user.id }, { department: null }, admin)).rejects.toMatchObject({
      code: 'no_department',
    })
    expect(await orgIdOf(user.id)).toBe(busy.id)
    // A handler made before departments were required (no org_id) can still be edited otherwise.
    await d.rows(sql`UPDATE users SET org_id = NULL WHERE id = ${user.id}`)
    const renamed = await updateUser(d, { id: user.id }, { displayName: '老办理人', active: false }, admin)
    expect(renamed).toMatchObject({ displayName: '老办理人', active: false, department: null })
  })

  it('my_todo: a handler sees the events dispatched to their department; a handler of another department does not', async () => {
    const mk = async (dept: Dept) =>
      (
        await createUser(
          d,
          { username: uname(), roles: ['department-handler'], areaCode: null, department: dept.id },
          admin,
        )
      ).user
    const mine = await mk(busy)
    const theirs = await mk(other)
    const expected = await todoOf(busy.id)
    const q = await userCaller(['department-handler'], WHOLE_CITY, mine).events.queue({
      queue: 'my_todo',
      limit: 200,
    })
    expect(q.total).toBe(expected.length)
    expect(q.items.map((i) => i.id).sort((a, b) => a - b)).toEqual(expected)
    expect(q.items.filter((i) => i.department === busy.name).length).toBeGreaterThan(0)
    const theirQ = await userCaller(['department-handler'], WHOLE_CITY, theirs).events.queue({
      queue: 'my_todo',
      limit: 200,
    })
    expect(theirQ.items.map((i) => i.id).sort((a, b) => a - b)).toEqual(await todoOf(other.id))
    const busyOnly = expected.filter((id) => !theirQ.items.some((i) => i.id === id))
    expect(busyOnly.length).toBeGreaterThan(0)
    expect(theirQ.items.filter((i) => i.department === busy.name)).toEqual([])
    // Without a department the queue stays empty (as before).
    const { user: none } = await createUser(
      d,
      { username: uname(), roles: ['dispatcher'], areaCode: null },
      admin,
    )
    expect(
      (await userCaller(['dispatcher'], WHOLE_CITY, none).events.queue({ queue: 'my_todo' })).total,
    ).toBe(0)
    // Limited to the department's own area (what the demo handler gets), the same events show.
    const [g] = await d.rows<{ id: number; path: string }>(
      sql`SELECT g.id, g.path FROM organisations o JOIN grids g ON g.id = o.area_grid_id WHERE o.id = ${busy.id}`,
    )
    const own = await userCaller(
      ['department-handler'],
      { gridId: Number(g!.id), path: g!.path },
      mine,
    ).events.queue({
      queue: 'my_todo',
      limit: 200,
    })
    expect(own.items.map((i) => i.id).sort((a, b) => a - b)).toEqual(expected)
  })

  it('the demo department handler works for a real department and sees its to-do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yiwang-uorg-demo-'))
    const existed = Number(
      (
        await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM users WHERE username LIKE 'demo-%'`)
      )[0]!.n,
    )
    const made = await ensureDemoAccounts(d, dir, async () => {}, { hasher })
    try {
      if (!existed) {
        const a = made.find((x) => x.role === 'department-handler')
        expect(a?.department).toBeDefined()
        const text = readFileSync(join(dir, DEMO_FILE), 'utf8')
        const line = text.split('\n').find((l) => l.startsWith('demo-department-handler'))
        expect(line).toContain(a!.department!.code)
        expect(line).toContain(a!.department!.name)
        // The e2e tests read the first three columns: user name, password, role.
        expect(line!.split(/\s+/).slice(0, 3)).toEqual([
          'demo-department-handler',
          a!.password,
          'department-handler',
        ])
      } else expect(made).toEqual([])
      const [h] = await d.rows<{
        id: number
        org_id: number | null
        area_id: number | null
        area: string | null
        dept_area: string
        level: number
      }>(sql`
        SELECT u.id, u.org_id, ug.id AS area_id, ug.path AS area, og.path AS dept_area, og.level::int AS level
        FROM users u JOIN organisations o ON o.id = u.org_id JOIN grids og ON og.id = o.area_grid_id
        LEFT JOIN grids ug ON ug.id = u.area_grid_id
        WHERE u.username = 'demo-department-handler' AND o.kind = 'department' AND o.department_kind IS NOT NULL`)
      expect(h).toBeDefined()
      // Its area is its department's (the whole city for a city department), serving the demo district.
      expect(h!.area).toBe(h!.level === 1 ? null : h!.dept_area)
      const [district] = await d.rows<{ path: string }>(
        sql`SELECT path FROM grids WHERE code = '371002' UNION ALL (SELECT path FROM grids WHERE level = 2 ORDER BY code LIMIT 1) LIMIT 1`,
      )
      expect(district!.path.startsWith(h!.dept_area)).toBe(true)
      const area: Area = h!.area ? { gridId: Number(h!.area_id), path: h!.area } : WHOLE_CITY
      const q = await userCaller(['department-handler'], area, {
        id: Number(h!.id),
        username: 'demo-department-handler',
      }).events.queue({ queue: 'my_todo', limit: 200 })
      expect(q.total).toBe((await todoOf(Number(h!.org_id))).length)
      expect(q.total).toBeGreaterThan(0)
    } finally {
      // Leave the shared city as it was: auth.test.ts creates the demo accounts itself.
      if (!existed) await d.rows(sql`DELETE FROM users WHERE username LIKE 'demo-%'`)
    }
  })
})
