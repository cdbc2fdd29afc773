import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import * as server from '../../../server/routers/loop-admin.router.ts'
import {
  AREA_LEVELS,
  BASIS_MAX,
  type CheckContext,
  checkRule,
  LIMIT_MAX,
  LIMIT_UNITS,
  MAX_CO,
  ruleValue,
  ruleWarnings,
} from './rule-check.ts'
import { chunks, parseRulesCsv, RULE_COLUMNS, rulesToCsv, splitKinds } from './rules-csv.ts'

const ctx: CheckContext = {
  categories: new Map([
    ['01', { level: 1 }],
    ['0101', { level: 2 }],
    ['010101', { level: 3 }],
    ['010102', { level: 3 }],
  ]),
  kinds: new Map([
    ['城管局', [1, 2]],
    ['住建局', [1, 2]],
    ['综合执法队', [3]],
    ['城建办', [3]],
  ]),
}
const good = {
  categoryCode: '010101',
  areaLevel: 2,
  leadDepartment: '城管局',
  coDepartments: ['住建局'],
  timeLimit: 3,
  timeLimitUnit: 'working_days',
  basis: '《城市道路管理条例》',
}

describe('checking one rule', () => {
  it('keeps the same limits as the server', () => {
    expect(LIMIT_MAX).toEqual(server.LIMIT_MAX)
    expect(LIMIT_UNITS).toEqual(server.LIMIT_UNITS)
    expect(AREA_LEVELS).toEqual(server.AREA_LEVELS)
    expect(MAX_CO).toBe(server.MAX_CO)
    expect(BASIS_MAX).toBe(server.BASIS_MAX)
  })

  it('accepts a good rule and gives it as the server takes it', () => {
    expect(checkRule(good, ctx)).toEqual([])
    expect(ruleValue({ ...good, coDepartments: [' 住建局', '住建局', ''], basis: '  ' }, ctx)).toEqual({
      ...good,
      coDepartments: ['住建局'],
      basis: null,
    })
  })

  it('names everything the server would refuse', () => {
    const reasons = (over: Partial<typeof good>) => checkRule({ ...good, ...over }, ctx)
    expect(reasons({ categoryCode: '' })).toEqual([{ code: 'noCategory' }])
    expect(reasons({ categoryCode: '999999' })).toEqual([{ code: 'unknownCategory', value: '999999' }])
    expect(reasons({ areaLevel: 4 })).toEqual([{ code: 'badLevel', value: '4' }])
    expect(reasons({ timeLimitUnit: 'weeks' })).toEqual([{ code: 'badUnit', value: 'weeks' }])
    expect(reasons({ timeLimit: 91 })).toEqual([{ code: 'badLimit', value: '91', max: 90 }])
    expect(reasons({ timeLimit: 721, timeLimitUnit: 'working_hours' })).toEqual([
      { code: 'badLimit', value: '721', max: 720 },
    ])
    expect(reasons({ timeLimit: 720, timeLimitUnit: 'working_hours' })).toEqual([])
    expect(reasons({ timeLimit: 0 })[0]?.code).toBe('badLimit')
    expect(reasons({ timeLimit: 1.5 })[0]?.code).toBe('badLimit')
    expect(reasons({ leadDepartment: ' ' })).toEqual([{ code: 'noLead' }])
    expect(reasons({ leadDepartment: '城管' })).toEqual([{ code: 'unknownLead', value: '城管' }])
    expect(reasons({ coDepartments: ['住建局', '水利局', '交警'] })).toEqual([
      { code: 'unknownCo', value: '水利局、交警' },
    ])
    expect(reasons({ coDepartments: ['城管局'] })).toEqual([{ code: 'leadIsCo', value: '城管局' }])
    expect(reasons({ basis: 'x'.repeat(201) })).toEqual([{ code: 'basisTooLong', max: 200 }])
    expect(ruleValue({ ...good, leadDepartment: '城管' }, ctx)).toBeNull()
  })

  it('warns of a category above the leaves and a lead with no department at the level', () => {
    expect(ruleWarnings(good, ctx)).toEqual([])
    expect(ruleWarnings({ ...good, categoryCode: '0101' }, ctx)).toEqual([{ code: 'notLeaf', value: '0101' }])
    expect(ruleWarnings({ ...good, areaLevel: 3 }, ctx)).toEqual([
      { code: 'leadNotAtLevel', value: '城管局', level: 3 },
    ])
  })
})

const header = RULE_COLUMNS.join(',')

describe('reading the list from CSV', () => {
  it('checks every line, by its line in the file, and keeps the valid ones', () => {
    const text = [
      header,
      '010101,路灯不亮,2,城管局,住建局,3,working_days,《城市道路管理条例》',
      '010101,路灯不亮,3,综合执法队,城建办；住建局,24,working_hours,',
      '',
      '999999,?,1,城管局,,3,working_days,',
      '010102,,0,城管局,,3,working_days,',
      '010102,,1,城管局,,3,weeks,',
      '010102,,2,城管局,,91,working_days,',
      '010102,,3,城管,水利局,3,working_days,',
      '010101,,2,住建局,,5,working_days,',
      '0101,,1,城管局,城管局,x,working_days,',
    ].join('\n')
    const r = parseRulesCsv(text, ctx)
    if ('error' in r) throw new Error(r.error)
    const byLine = new Map(r.lines.map((l) => [l.line, l]))
    expect([...byLine.keys()]).toEqual([2, 3, 5, 6, 7, 8, 9, 10, 11])
    expect(byLine.get(2)?.value).toEqual({ ...good })
    expect(byLine.get(3)?.value).toMatchObject({
      areaLevel: 3,
      coDepartments: ['城建办', '住建局'],
      timeLimit: 24,
      timeLimitUnit: 'working_hours',
      basis: null,
    })
    expect(byLine.get(5)?.reasons).toEqual([{ code: 'unknownCategory', value: '999999' }])
    expect(byLine.get(6)?.reasons).toEqual([{ code: 'badLevel', value: '0' }])
    expect(byLine.get(7)?.reasons).toEqual([{ code: 'badUnit', value: 'weeks' }])
    expect(byLine.get(8)?.reasons).toEqual([{ code: 'badLimit', value: '91', max: 90 }])
    expect(byLine.get(9)?.reasons).toEqual([
      { code: 'unknownLead', value: '城管' },
      { code: 'unknownCo', value: '水利局' },
    ])
    expect(byLine.get(10)?.reasons).toEqual([{ code: 'duplicate', line: 2 }])
    expect(byLine.get(11)?.reasons).toEqual([
      { code: 'badLimit', value: 'x', max: 90 },
      { code: 'leadIsCo', value: '城管局' },
    ])
    expect(r.lines.filter((l) => l.value).map((l) => l.line)).toEqual([2, 3])
  })

  it('reads Chinese headings, level and unit words, and codes whose leading zero a spreadsheet dropped', () => {
    const text =
      '\uFEFF分类代码,层级,主办部门,协办部门,时限,时限单位\r\n10101,区,城管局,住建局|,3,工作日\r\n10102,街道,综合执法队,,4,小时\r\n'
    const r = parseRulesCsv(text, ctx)
    if ('error' in r) throw new Error(r.error)
    expect(r.lines.map((l) => l.value)).toEqual([
      { ...good, basis: null },
      {
        categoryCode: '010102',
        areaLevel: 3,
        leadDepartment: '综合执法队',
        coDepartments: [],
        timeLimit: 4,
        timeLimitUnit: 'working_hours',
        basis: null,
      },
    ])
    expect(r.lines[0]?.warnings).toEqual([{ code: 'codePadded', value: '010101', from: '10101' }])
  })

  it('warns of rules that will not route at their level', () => {
    const r = parseRulesCsv(`${header}\n0101,,3,城管局,,3,working_days,\n`, ctx)
    if ('error' in r) throw new Error(r.error)
    expect(r.lines[0]?.reasons).toEqual([])
    expect(r.lines[0]?.warnings).toEqual([
      { code: 'notLeaf', value: '0101' },
      { code: 'leadNotAtLevel', value: '城管局', level: 3 },
    ])
  })

  it('refuses a file with unknown or missing columns', () => {
    expect(parseRulesCsv('category_code,area_level,colour\n', ctx)).toEqual({
      error: 'unknown columns: colour',
    })
    expect(parseRulesCsv('category_code,area_level\n', ctx)).toEqual({
      error: 'missing columns: lead_department, time_limit, time_limit_unit',
    })
  })
})

describe('writing the list as CSV', () => {
  const rules = [
    {
      categoryCode: '010101',
      categoryPath: '城乡建设/市政设施/路灯不亮',
      areaLevel: 2,
      leadDepartment: '城管局',
      coDepartments: ['住建局', '城建办'],
      timeLimit: 3,
      timeLimitUnit: 'working_days',
      basis: '=HYPERLINK("x"),《条例》',
    },
    {
      categoryCode: '010102',
      categoryPath: '城乡建设/市政设施/道路破损',
      areaLevel: 3,
      leadDepartment: '综合执法队',
      coDepartments: [],
      timeLimit: 24,
      timeLimitUnit: 'working_hours',
      basis: null,
    },
  ]

  it('starts with a BOM, ends lines with CRLF and guards formula-like cells', () => {
    const csv = rulesToCsv(rules)
    expect(csv.startsWith(`\uFEFF"category_code","category_name"`)).toBe(true)
    expect(csv.split('\r\n')).toHaveLength(4)
    const data = Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data
    expect(data[1]?.[7]).toBe(`'=HYPERLINK("x"),《条例》`)
    expect(data[1]?.[4]).toBe('住建局、城建办')
  })

  it('reads back what it wrote', () => {
    const r = parseRulesCsv(rulesToCsv(rules), ctx)
    if ('error' in r) throw new Error(r.error)
    expect(r.lines.map((l) => l.value)).toEqual(
      rules.map(({ categoryPath: _, ...rule }) => ({ ...rule, coDepartments: [...rule.coDepartments] })),
    )
  })

  it('splits kinds and lists', () => {
    expect(splitKinds('a；b、c| d,e，f;')).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(chunks([], 2)).toEqual([])
  })
})
