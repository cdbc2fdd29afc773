import { describe, expect, it } from 'vitest'
import { CITY_DEPARTMENT_KINDS, STREET_COUNTERPART, STREET_DEPARTMENT_KINDS } from '../../db/seed/orgs.ts'
import { uscc } from '../../db/seed/orgs-util.ts'
import { planResponsibilities } from '../../db/seed/responsibilities.ts'
import { parseTaxonomy, planCategories, TAXONOMY } from '../../db/seed/taxonomy.ts'
import { SEASONS } from '../../db/seed/taxonomy-data.ts'

const level = (n: number) => TAXONOMY.filter((t) => t.level === n)
const leaves = level(3)

describe('request taxonomy (诉求分类)', () => {
  it('has three levels of the expected size', () => {
    expect(level(1)).toHaveLength(15)
    expect(level(2).length).toBeGreaterThanOrEqual(60)
    expect(leaves.length).toBeGreaterThanOrEqual(250)
    expect(level(1).map((t) => t.name)).toEqual(
      expect.arrayContaining(['城乡建设', '环境保护', '劳动和社会保障', '水电气暖', '其他']),
    )
  })

  it('has unique codes and paths, each child coded under its parent', () => {
    expect(new Set(TAXONOMY.map((t) => t.code)).size).toBe(TAXONOMY.length)
    expect(new Set(TAXONOMY.map((t) => t.pathName)).size).toBe(TAXONOMY.length)
    const byCode = new Map(TAXONOMY.map((t) => [t.code, t]))
    for (const t of TAXONOMY) {
      expect(t.code).toMatch(new RegExp(`^\\d{${2 * t.level}}$`))
      if (t.level === 1) {
        expect(t.parentCode).toBeNull()
        expect(t.pathName).toBe(t.name)
        continue
      }
      const parent = byCode.get(t.parentCode ?? '')
      expect(parent?.level).toBe(t.level - 1)
      expect(t.code.startsWith(parent?.code ?? '?')).toBe(true)
      expect(t.pathName).toBe(`${parent?.pathName}/${t.name}`)
    }
    // Every level-1 and level-2 class has children.
    for (const t of [...level(1), ...level(2)])
      expect(TAXONOMY.some((c) => c.parentCode === t.code)).toBe(true)
  })

  it('gives every level-3 category a weight, season, channel, limit and 2–5 titles', () => {
    for (const t of TAXONOMY) expect(t.leaf !== null).toBe(t.level === 3)
    for (const t of leaves) {
      const l = t.leaf!
      expect(l.weight, t.pathName).toBeGreaterThan(0)
      expect(l.season).toHaveLength(12)
      expect(l.titles.length, t.pathName).toBeGreaterThanOrEqual(2)
      expect(l.titles.length, t.pathName).toBeLessThanOrEqual(5)
      expect(l.bodies.length, t.pathName).toBeGreaterThanOrEqual(1)
      for (const s of [...l.titles, ...l.bodies]) {
        expect(s.trim().length, t.pathName).toBeGreaterThan(3)
        expect(s.replace(/\{(addr|n|m)\}/g, ''), t.pathName).not.toMatch(/[{}]/)
      }
      expect(l.limit.value).toBeGreaterThan(0)
      if (l.limit.unit === 'working_hours') expect(l.limit.value).toBeLessThanOrEqual(24)
      else expect(l.limit.value).toBeLessThanOrEqual(15)
      if (l.urgent) expect(l.limit.unit === 'working_hours' || l.limit.value <= 1).toBe(true)
    }
  })

  it('lets everyday requests dominate', () => {
    const top = [...leaves].sort((a, b) => b.leaf!.weight - a.leaf!.weight).slice(0, 12)
    const names = top.map((t) => t.name)
    for (const n of [
      '暖气不热',
      '垃圾清运不及时',
      '路灯不亮',
      '占道经营',
      '拖欠工资',
      '物业服务差',
      '夜间施工扰民',
    ]) {
      expect(names).toContain(n)
    }
    const total = leaves.reduce((a, t) => a + t.leaf!.weight, 0)
    const noise = leaves.filter((t) => t.pathName.includes('噪') || t.name.includes('扰民'))
    expect(noise.reduce((a, t) => a + t.leaf!.weight, 0) / total).toBeGreaterThan(0.05)
  })

  it('knows the seasons: heating in winter, flooding in July–August', () => {
    const byName = (n: string) => leaves.find((t) => t.name === n)!.leaf!
    const heat = byName('暖气不热').season
    expect(heat[0]!).toBeGreaterThan(10 * heat[6]!)
    const flood = byName('道路积水').season
    expect(flood[6]!).toBeGreaterThan(5 * flood[0]!)
    expect(byName('拖欠工资').season[0]!).toBeGreaterThan(byName('拖欠工资').season[5]!)
    for (const row of Object.values(SEASONS)) expect(row).toHaveLength(12)
  })

  it('marks how requests arrive: patrol finds street disorder, the hotline hears wages and heating', () => {
    const byName = (n: string) => leaves.find((t) => t.name === n)!.leaf!
    expect(byName('占道经营').channel).toBe('both')
    expect(byName('乱张贴小广告').channel).toBe('patrol')
    expect(byName('拖欠工资').channel).toBe('hotline')
    expect(byName('暖气不热').channel).toBe('hotline')
    expect(byName('广场舞噪音').night).toBe(true)
    expect(byName('燃气泄漏').urgent).toBe(true)
    expect(leaves.filter((t) => t.leaf!.channel !== 'hotline').length).toBeGreaterThan(50)
  })

  it('rejects malformed lines', () => {
    expect(() => parseTaxonomy('## 无父类|城管局|-|3d|-')).toThrow(/level 2 before level 1/)
    expect(() => parseTaxonomy('# 甲\n## 乙|城管局|-|3d|-\n丙|1|h|-|-|标题')).toThrow(/7 fields/)
    expect(() => parseTaxonomy('# 甲\n## 乙|城管局|-|3d|-\n丙|1|h|冬天|-|标题；标题二|正文')).toThrow(
      /season/,
    )
  })

  it('plans ids with parents first', () => {
    const rows = planCategories(TAXONOMY, 100)
    const byId = new Map(rows.map((r) => [r.id, r]))
    expect(rows[0]!.id).toBe(100)
    for (const r of rows) {
      if (r.parentId === null) expect(r.level).toBe(1)
      else {
        expect(r.parentId).toBeLessThan(r.id)
        expect(byId.get(r.parentId)?.code).toBe(r.parentCode)
      }
    }
  })
})

describe('responsibility list (责任清单)', () => {
  const categories = planCategories()
  const rules = planResponsibilities(categories)
  const city = new Set(CITY_DEPARTMENT_KINDS)
  const street = new Set(STREET_DEPARTMENT_KINDS)

  it('names known department kinds in the taxonomy', () => {
    for (const t of leaves) {
      expect(city.has(t.leaf!.lead), t.pathName).toBe(true)
      for (const k of t.leaf!.co) expect(city.has(k), `${t.pathName} co ${k}`).toBe(true)
    }
    for (const s of STREET_COUNTERPART.values()) expect(street.has(s)).toBe(true)
  })

  it('covers every level-3 category at city, district and street level', () => {
    expect(rules).toHaveLength(leaves.length * 3)
    const keys = new Set(rules.map((r) => `${r.categoryId}|${r.areaLevel}`))
    expect(keys.size).toBe(rules.length)
    const leafIds = new Set(categories.filter((c) => c.level === 3).map((c) => c.id))
    for (const r of rules) {
      expect(leafIds.has(r.categoryId)).toBe(true)
      if (r.areaLevel < 3) expect(city.has(r.leadDepartment)).toBe(true)
      else expect(city.has(r.leadDepartment) || street.has(r.leadDepartment)).toBe(true)
      expect(r.coDepartments).not.toContain(r.leadDepartment)
      expect(r.timeLimit).toBeGreaterThan(0)
    }
  })

  it('sends street work to the street office and utilities to the company', () => {
    const rule = (name: string, lvl: number) => {
      const c = categories.find((x) => x.level === 3 && x.name === name)!
      return rules.find((r) => r.categoryId === c.id && r.areaLevel === lvl)!
    }
    expect(rule('占道经营', 2).leadDepartment).toBe('城管局')
    expect(rule('占道经营', 3).leadDepartment).toBe('综合执法队')
    expect(rule('拖欠工资', 3).leadDepartment).toBe('劳动保障所')
    expect(rule('燃气泄漏', 3).leadDepartment).toBe('燃气公司')
    expect(rule('燃气泄漏', 1)).toMatchObject({ timeLimitUnit: 'working_hours', timeLimit: 2 })
    expect(rule('停水', 2)).toMatchObject({ timeLimitUnit: 'working_hours' })
    // Most items get working days, within 3–15.
    const days = rules.filter((r) => r.timeLimitUnit === 'working_days')
    expect(days.filter((r) => r.timeLimit >= 3 && r.timeLimit <= 15).length / days.length).toBeGreaterThan(
      0.7,
    )
  })
})

describe('unified social credit codes (统一社会信用代码)', () => {
  const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  it('are 18 characters with a valid check character, and unique per serial', () => {
    const seen = new Set<string>()
    for (let i = 1; i <= 5000; i++) {
      const c = uscc(i % 2 ? '91' : '92', '371002', i)
      expect(c).toMatch(/^9[12]371002[0-9A-Z]{10}$/)
      const sum = W.reduce((a, w, k) => a + w * CHARS.indexOf(c[k]!), 0)
      expect(CHARS[(31 - (sum % 31)) % 31]).toBe(c[17])
      seen.add(c.slice(8))
    }
    expect(seen.size).toBe(5000)
  })
})
