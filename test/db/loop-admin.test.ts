import { readFileSync } from 'node:fs'
import { TRPCError } from '@trpc/server'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { parseRulesCsv, rulesToCsv } from '../../client/features/loop-admin/rules-csv.ts'
import type { Database } from '../../db/client.ts'
import type { RoleId } from '../../db/schema/access.ts'
import { createContext } from '../../server/context.ts'
import { type Area, WHOLE_CITY } from '../../server/domain/area.ts'
import { loopDeps } from '../../server/routers/events.router.ts'
import { appRouter } from '../../server/routers/index.ts'
import { principalFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p
    return { code: 'OK', message: '' }
  } catch (e) {
    if (e instanceof TRPCError) return { code: e.code, message: e.message }
    return { code: 'THREW', message: (e as Error).message }
  }
}

/**
 * Administration of the loop (loopAdmin.*): the responsibility list's validated add / edit /
 * delete / import, department kinds, the loop settings, the calendar's year round trip. The rules
 * written here are on level-2 categories (events route by level-3 ones, so no other test sees
 * them) and removed at the end; the settings are put back.
 */
dbDescribe('loop administration: responsibility list, settings, calendar', () => {
  let d: Database
  /** Level-2 categories without rules: this file's playground. */
  let codes: string[]
  let kinds: string[]
  let startAudit = 0
  /** loop_settings as found, put back at the end. */
  let settingsRows: { key: string; value: string }[] = []
  const caller = (roles: RoleId[], area: Area = WHOLE_CITY) =>
    appRouter.createCaller(createContext({ db: d, principal: principalFor(roles, area) }))
  const admin = () => caller(['admin'])
  const table = () =>
    d.rows(sql`SELECT id, category_id, area_level, lead_department, co_departments::text AS co, time_limit,
      time_limit_unit, basis FROM responsibilities ORDER BY id`)
  const audits = (action: string) =>
    d.rows<{ object_id: string | null; before: unknown; after: unknown }>(
      sql`SELECT object_id, before, after FROM audit_log WHERE action = ${action} AND id > ${startAudit} ORDER BY id`,
    )
  const rule = (over: Record<string, unknown> = {}) => ({
    categoryCode: codes[0]!,
    areaLevel: 2,
    leadDepartment: kinds[0]!,
    coDepartments: [kinds[1]!],
    timeLimit: 3,
    timeLimitUnit: 'working_days',
    basis: '测试依据',
    ...over,
  })

  beforeAll(async () => {
    d = await testDb()
    codes = (
      await d.rows<{ code: string }>(sql`
        SELECT c.code FROM categories c WHERE c.level = 2
          AND NOT EXISTS (SELECT 1 FROM responsibilities r WHERE r.category_id = c.id)
        ORDER BY c.code LIMIT 3`)
    ).map((r) => r.code)
    expect(codes).toHaveLength(3)
    kinds = (
      await d.rows<{ k: string }>(sql`
        SELECT DISTINCT department_kind AS k FROM organisations
        WHERE kind = 'department' AND department_kind IS NOT NULL ORDER BY 1 LIMIT 3`)
    ).map((r) => r.k)
    settingsRows = await d.rows(sql`SELECT key, value::text AS value FROM loop_settings`)
    startAudit = Number(
      (await d.rows<{ n: number }>(sql`SELECT coalesce(max(id), 0) AS n FROM audit_log`))[0]?.n,
    )
  })

  afterAll(async () => {
    await d.rows(sql`
      DELETE FROM responsibilities WHERE category_id IN (SELECT id FROM categories WHERE code IN (
        SELECT jsonb_array_elements_text(${JSON.stringify(codes)}::jsonb)))`)
    await d.rows(sql`DELETE FROM loop_settings`)
    for (const r of settingsRows)
      await d.rows(sql`INSERT INTO loop_settings (key, value) VALUES (${r.key}, ${r.value}::jsonb)`)
    await d.rows(sql`DELETE FROM calendar_days WHERE day >= '2031-01-01' AND day <= '2031-12-31'`)
    loopDeps.invalidate()
  })

  it('refuses everyone but administrators (FORBIDDEN), reads included', async () => {
    for (const roles of [['dispatcher'], ['city-leader'], ['department-handler']] as RoleId[][]) {
      const c = caller(roles)
      const attempts = [
        () => c.loopAdmin.departmentKinds(),
        () => c.loopAdmin.responsibilities.list({}),
        () => c.loopAdmin.responsibilities.save({ rule: rule() as never }),
        () => c.loopAdmin.responsibilities.delete({ id: 1 }),
        () => c.loopAdmin.responsibilities.import({ items: [{ ...rule(), line: 2 } as never] }),
        () => c.loopAdmin.settings.get(),
        () => c.loopAdmin.settings.set({ warnShare: 0.7 }),
        () => c.events.calendar.setYear({ year: 2031, days: [] }),
      ]
      for (const a of attempts) expect((await failure(a())).code).toBe('FORBIDDEN')
    }
  })

  it('lists the department kinds with the levels they serve', async () => {
    const list = await admin().loopAdmin.departmentKinds()
    expect(list.map((k) => k.kind)).toEqual(expect.arrayContaining(kinds))
    const [used] = await d.rows<{ k: string }>(
      sql`SELECT lead_department AS k FROM responsibilities WHERE area_level = 2 LIMIT 1`,
    )
    const k = list.find((x) => x.kind === used!.k)
    expect(k?.levels).toContain(2)
    expect(k!.departments).toBeGreaterThan(0)
  })

  it('pages and filters the list by category text, level and department kind', async () => {
    const all = await admin().loopAdmin.responsibilities.list({ limit: 5000 })
    const [n] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM responsibilities`)
    expect(all.total).toBe(n!.n)
    expect(all.items).toHaveLength(n!.n)
    const page2 = await admin().loopAdmin.responsibilities.list({ offset: 10, limit: 10 })
    expect(page2.items.map((r) => r.id)).toEqual(all.items.slice(10, 20).map((r) => r.id))
    const first = all.items[0]!
    const byCode = await admin().loopAdmin.responsibilities.list({ q: first.categoryCode, limit: 5000 })
    expect(byCode.items.length).toBeGreaterThan(0)
    expect(byCode.items.every((r) => r.categoryCode.startsWith(first.categoryCode))).toBe(true)
    const byName = await admin().loopAdmin.responsibilities.list({ q: first.categoryName, limit: 5000 })
    expect(
      byName.items.every(
        (r) => r.categoryPath.includes(first.categoryName) || r.basis?.includes(first.categoryName),
      ),
    ).toBe(true)
    expect(byName.items.map((r) => r.id)).toContain(first.id)
    const street = await admin().loopAdmin.responsibilities.list({ areaLevel: 3, limit: 5000 })
    expect(street.total).toBe(all.items.filter((r) => r.areaLevel === 3).length)
    const byKind = await admin().loopAdmin.responsibilities.list({
      departmentKind: first.leadDepartment,
      limit: 5000,
    })
    expect(byKind.total).toBe(
      all.items.filter(
        (r) => r.leadDepartment === first.leadDepartment || r.coDepartments.includes(first.leadDepartment),
      ).length,
    )
    expect(Array.isArray(first.coDepartments)).toBe(true)
    // LIKE wildcards are taken literally.
    expect((await admin().loopAdmin.responsibilities.list({ q: '%' })).total).toBe(0)
  })

  it('refuses unknown department kinds and category codes, naming them, and changes nothing', async () => {
    const before = await table()
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ leadDepartment: '城管局X' }, /未知的主办部门类型 "城管局X".*unknown lead department kind "城管局X"/],
      [{ coDepartments: [kinds[1], '不存在局', '没有办'] }, /"不存在局"、"没有办".*"不存在局", "没有办"/],
      [{ categoryCode: '999999' }, /未知的分类代码 999999.*unknown category code 999999/],
      [{ areaLevel: 4 }, /层级.*level must be 1, 2 or 3/],
      [{ timeLimitUnit: 'hours' }, /time limit unit/],
      [{ timeLimit: 91 }, /1–90.*from 1 to 90/],
      [{ timeLimit: 0, timeLimitUnit: 'working_hours' }, /1–720/],
      [{ timeLimit: 2.5 }, /whole number/],
      [{ coDepartments: [kinds[0]] }, /既是主办又是协办.*both the lead and a co-department/],
      [{ leadDepartment: '' }, /缺少主办部门/],
    ]
    for (const [over, message] of cases) {
      const f = await failure(admin().loopAdmin.responsibilities.save({ rule: rule(over) as never }))
      expect(f.code, JSON.stringify(over)).toBe('BAD_REQUEST')
      expect(f.message).toMatch(message)
      expect(f.message).toMatch(/未作任何更改 \/ .*Nothing was changed/)
    }
    // An existing rule edited with a bad kind stays as it was.
    const target = (await admin().loopAdmin.responsibilities.list({ limit: 1 })).items[0]!
    const f = await failure(
      admin().loopAdmin.responsibilities.save({
        id: target.id,
        rule: {
          ...rule({ categoryCode: target.categoryCode, areaLevel: target.areaLevel }),
          leadDepartment: '无此局',
        } as never,
      }),
    )
    expect(f.code).toBe('BAD_REQUEST')
    expect(await table()).toEqual(before)
    expect(await audits('responsibilities.edit')).toHaveLength(0)
  })

  it('adds, edits and deletes a rule, audited, and refuses a second rule for the same category and level', async () => {
    const added = await admin().loopAdmin.responsibilities.save({ rule: rule() as never })
    expect(added).toMatchObject({
      categoryCode: codes[0],
      areaLevel: 2,
      leadDepartment: kinds[0],
      coDepartments: [kinds[1]],
      timeLimit: 3,
      timeLimitUnit: 'working_days',
      basis: '测试依据',
    })
    const again = await failure(admin().loopAdmin.responsibilities.save({ rule: rule() as never }))
    expect(again.code).toBe('CONFLICT')
    expect(again.message).toContain(codes[0]!)

    const edited = await admin().loopAdmin.responsibilities.save({
      id: added!.id,
      rule: rule({
        coDepartments: [kinds[1], kinds[2], kinds[2]],
        timeLimit: 8,
        timeLimitUnit: 'working_hours',
        basis: '  ',
      }) as never,
    })
    expect(edited).toMatchObject({
      id: added!.id,
      coDepartments: [kinds[1], kinds[2]],
      timeLimit: 8,
      basis: null,
    })
    // Two editors: the second saves over the first one's change with what it loaded: refused.
    const loaded = rule({
      coDepartments: [kinds[1], kinds[2]],
      timeLimit: 8,
      timeLimitUnit: 'working_hours',
      basis: null,
    })
    await admin().loopAdmin.responsibilities.save({
      id: added!.id,
      rule: rule({ timeLimit: 9, timeLimitUnit: 'working_hours' }) as never,
      expected: loaded as never,
    })
    const stale = await failure(
      admin().loopAdmin.responsibilities.save({
        id: added!.id,
        rule: rule({ timeLimit: 2 }) as never,
        expected: loaded as never,
      }),
    )
    expect(stale.code).toBe('CONFLICT')
    expect(stale.message).toMatch(/他人修改|changed by someone else/)
    const listed = await admin().loopAdmin.responsibilities.list({ q: codes[0]!, areaLevel: 2, limit: 5000 })
    expect(listed.items.find((r) => r.id === added!.id)?.timeLimit).toBe(9)
    await admin().loopAdmin.responsibilities.save({
      id: added!.id,
      rule: rule({
        timeLimit: 8,
        timeLimitUnit: 'working_hours',
        coDepartments: [kinds[1], kinds[2]],
        basis: '  ',
      }) as never,
    })
    // Moving it onto another rule's category and level is refused.
    const other = await admin().loopAdmin.responsibilities.save({ rule: rule({ areaLevel: 3 }) as never })
    const clash = await failure(
      admin().loopAdmin.responsibilities.save({ id: other!.id, rule: rule({ areaLevel: 2 }) as never }),
    )
    expect(clash.code).toBe('CONFLICT')

    expect(await admin().loopAdmin.responsibilities.delete({ id: added!.id })).toEqual({ id: added!.id })
    expect((await failure(admin().loopAdmin.responsibilities.delete({ id: added!.id }))).code).toBe(
      'NOT_FOUND',
    )
    expect(
      (await failure(admin().loopAdmin.responsibilities.save({ id: added!.id, rule: rule() as never }))).code,
    ).toBe('NOT_FOUND')
    await admin().loopAdmin.responsibilities.delete({ id: other!.id })
    const [add] = await audits('responsibilities.add')
    expect(add?.object_id).toBe(String(added!.id))
    const [edit] = await audits('responsibilities.edit')
    expect(edit?.before).toMatchObject({ timeLimit: 3, timeLimitUnit: 'working_days' })
    expect(edit?.after).toMatchObject({ timeLimit: 8, timeLimitUnit: 'working_hours' })
    const deletes = await audits('responsibilities.delete')
    expect(deletes.map((a) => a.object_id)).toEqual([String(added!.id), String(other!.id)])
    expect(deletes[0]?.before).toMatchObject({ leadDepartment: kinds[0], timeLimit: 8 })
  })

  it('imports a chunk atomically: one bad line refuses the whole chunk, naming every bad line', async () => {
    const before = await table()
    const items = [
      { ...rule({ areaLevel: 1 }), line: 2 },
      { ...rule({ areaLevel: 2, leadDepartment: '假部门' }), line: 3 },
      { ...rule({ areaLevel: 3 }), line: 4 },
      { ...rule({ areaLevel: 3, timeLimit: 4 }), line: 5 },
      { ...rule({ categoryCode: '000000' }), line: 6 },
    ]
    const f = await failure(admin().loopAdmin.responsibilities.import({ items: items as never }))
    expect(f.code).toBe('BAD_REQUEST')
    expect(f.message).toMatch(/第 3 行：未知的主办部门类型 "假部门"/)
    expect(f.message).toMatch(/第 5 行：.*重复（同第 4 行）/)
    expect(f.message).toMatch(/第 6 行：未知的分类代码 000000/)
    expect(f.message).toMatch(/line 3: unknown lead department kind "假部门"/)
    expect(f.message).not.toMatch(/第 2 行|第 4 行：/)
    expect(await table()).toEqual(before)
    expect(await audits('responsibilities.import')).toHaveLength(0)

    const good = [
      { ...rule({ areaLevel: 1 }), line: 2 },
      { ...rule({ areaLevel: 2, coDepartments: [] }), line: 3 },
      { ...rule({ categoryCode: codes[1], areaLevel: 3, basis: null }), line: 4 },
    ]
    expect(await admin().loopAdmin.responsibilities.import({ items: good as never })).toEqual({
      inserted: 3,
      updated: 0,
    })
    const again = [
      { ...rule({ areaLevel: 1, timeLimit: 9 }), line: 2 },
      { ...rule({ categoryCode: codes[2] }), line: 3 },
    ]
    expect(await admin().loopAdmin.responsibilities.import({ items: again as never })).toEqual({
      inserted: 1,
      updated: 1,
    })
    const mine = await admin().loopAdmin.responsibilities.list({ q: codes[0], limit: 100 })
    expect(
      mine.items
        .filter((r) => r.categoryCode === codes[0])
        .map((r) => [r.areaLevel, r.timeLimit, r.coDepartments]),
    ).toEqual([
      [1, 9, [kinds[1]]],
      [2, 3, []],
    ])
    const [imp] = (await audits('responsibilities.import')).slice(-1)
    expect(imp?.after).toMatchObject({ lines: '2-3', inserted: 1, updated: 1 })
  })

  it('exports the whole list as CSV that the import reads back without a single error', async () => {
    const c = admin()
    const [list, kinds, meta] = await Promise.all([
      c.loopAdmin.responsibilities.list({ limit: 5000 }),
      c.loopAdmin.departmentKinds(),
      c.map.meta(),
    ])
    const ctx = {
      categories: new Map(meta.categories.map((x) => [x.code, { level: x.level }])),
      kinds: new Map(kinds.map((k) => [k.kind, k.levels])),
    }
    const back = parseRulesCsv(rulesToCsv(list.items), ctx)
    if ('error' in back) throw new Error(back.error)
    expect(back.lines).toHaveLength(list.total)
    expect(back.lines.filter((l) => l.reasons.length)).toEqual([])
    expect(back.lines.map((l) => l.value)).toEqual(
      list.items.map((r) => ({
        categoryCode: r.categoryCode,
        areaLevel: r.areaLevel,
        leadDepartment: r.leadDepartment,
        coDepartments: r.coDepartments,
        timeLimit: r.timeLimit,
        timeLimitUnit: r.timeLimitUnit,
        basis: r.basis,
      })),
    )
    // The sample in docs/ is valid against the seeded city.
    const sample = parseRulesCsv(
      readFileSync(new URL('../../docs/responsibilities-sample.csv', import.meta.url), 'utf8'),
      ctx,
    )
    if ('error' in sample) throw new Error(sample.error)
    expect(sample.lines.length).toBeGreaterThan(0)
    expect(sample.lines.flatMap((l) => l.reasons)).toEqual([])
  })

  it('validates the settings, audits each change, and the loop sees it at once', async () => {
    const s0 = await admin().loopAdmin.settings.get()
    expect(s0.defaults).toEqual({ warnShare: 0.8, duplicateMetres: 200, duplicateDays: 7 })
    const was = s0.settings
    const next = {
      warnShare: was.warnShare === 0.7 ? 0.75 : 0.7,
      duplicateMetres: was.duplicateMetres === 350 ? 400 : 350,
      duplicateDays: was.duplicateDays,
    }
    // Fill the cache, so that the change must drop it.
    expect((await loopDeps.get(d, null)).settings).toEqual(was)
    for (const bad of [
      { warnShare: 0.4 },
      { warnShare: 0.96 },
      { duplicateMetres: 5 },
      { duplicateDays: 1.5 },
      { duplicateDays: 0 },
    ]) {
      const f = await failure(admin().loopAdmin.settings.set(bad))
      expect(f.code, JSON.stringify(bad)).toBe('BAD_REQUEST')
      expect(f.message).toMatch(/须为 .* \/ the .* must be/)
    }
    // One bad value refuses the good one with it.
    expect((await failure(admin().loopAdmin.settings.set({ warnShare: 0.7, duplicateDays: 500 }))).code).toBe(
      'BAD_REQUEST',
    )
    expect((await admin().loopAdmin.settings.get()).settings).toEqual(was)
    expect(await audits('loop_settings.set')).toHaveLength(0)

    const r = await admin().loopAdmin.settings.set(next)
    expect(r.changed).toEqual(['warnShare', 'duplicateMetres'])
    expect(r.settings).toEqual(next)
    expect(r.updatedAt).not.toBeNull()
    expect((await loopDeps.get(d, null)).settings).toEqual(next)
    const [a] = await audits('loop_settings.set')
    expect(a?.before).toEqual({ warnShare: was.warnShare, duplicateMetres: was.duplicateMetres })
    expect(a?.after).toEqual({ warnShare: next.warnShare, duplicateMetres: next.duplicateMetres })
    // Setting what is already there records nothing.
    expect((await admin().loopAdmin.settings.set({ warnShare: next.warnShare })).changed).toEqual([])
    expect(await audits('loop_settings.set')).toHaveLength(1)
  })

  it('round-trips a calendar year and replaces it whole', async () => {
    const days = [
      { day: '2031-01-01', kind: 'holiday' as const, name: '元旦' },
      { day: '2031-01-26', kind: 'workday' as const, name: '春节调休' },
      { day: '2031-10-06', kind: 'holiday' as const, name: '国庆节' },
    ]
    expect(await admin().events.calendar.setYear({ year: 2031, days })).toEqual({ year: 2031, days: 3 })
    expect(await caller(['dispatcher']).events.calendar.get({ year: 2031 })).toEqual(days)
    expect(await admin().events.calendar.get({ year: 2030 })).toEqual([])
    // 2031-01-01 is a Wednesday off, 2031-01-26 a Sunday worked.
    let calendar = (await loopDeps.get(d, null)).calendar
    expect(calendar.isWorkingDay('2031-01-01')).toBe(false)
    expect(calendar.isWorkingDay('2031-01-26')).toBe(true)
    await admin().events.calendar.setYear({ year: 2031, days: days.slice(1) })
    expect(await admin().events.calendar.get({ year: 2031 })).toEqual(days.slice(1))
    calendar = (await loopDeps.get(d, null)).calendar
    expect(calendar.isWorkingDay('2031-01-01')).toBe(true)
    expect(calendar.isWorkingDay('2031-01-26')).toBe(true)
  })
})
