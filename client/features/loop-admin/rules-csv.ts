import Papa from 'papaparse'
import {
  type CheckContext,
  checkRule,
  type Reason,
  type RuleDraft,
  type RuleValue,
  ruleKey,
  ruleValue,
  ruleWarnings,
  type Warning,
} from './rule-check.ts'

/**
 * The responsibility list as CSV (docs/loop.md, "Routing"): read in the browser with papaparse,
 * every line checked as the server would (unknown category code or department kind, bad level or
 * unit, limit out of range, a second line for the same category and level), and written back
 * with a UTF-8 BOM so that Excel opens the Chinese text correctly.
 */

/** The columns, in the order the export writes them. `category_name` is for people; import ignores it. */
export const RULE_COLUMNS = [
  'category_code',
  'category_name',
  'area_level',
  'lead_department',
  'co_departments',
  'time_limit',
  'time_limit_unit',
  'basis',
] as const
type Column = (typeof RULE_COLUMNS)[number]

/** Chinese headings a spreadsheet may carry instead. */
const HEADER_ALIASES: Record<string, Column> = {
  分类代码: 'category_code',
  分类: 'category_name',
  分类名称: 'category_name',
  层级: 'area_level',
  办理层级: 'area_level',
  主办部门: 'lead_department',
  协办部门: 'co_departments',
  时限: 'time_limit',
  办理时限: 'time_limit',
  时限单位: 'time_limit_unit',
  单位: 'time_limit_unit',
  依据: 'basis',
  法规依据: 'basis',
}
const REQUIRED: Column[] = ['category_code', 'area_level', 'lead_department', 'time_limit', 'time_limit_unit']

/** A file is refused above this many lines (a city's list is about 1,800). */
export const MAX_RULE_ROWS = 20_000

/** Words for the levels and units people write in spreadsheets. */
const LEVEL_WORDS: Record<string, number> = {
  市: 1,
  市级: 1,
  city: 1,
  区: 2,
  区级: 2,
  县: 2,
  区县: 2,
  district: 2,
  街道: 3,
  街道级: 3,
  乡镇: 3,
  街镇: 3,
  street: 3,
}
const UNIT_WORDS: Record<string, string> = {
  working_hours: 'working_hours',
  working_days: 'working_days',
  h: 'working_hours',
  d: 'working_days',
  小时: 'working_hours',
  工作小时: 'working_hours',
  工作时: 'working_hours',
  工作日: 'working_days',
  天: 'working_days',
}

/** Co-departments are separated by any of ; ； 、 | , ，. */
export const splitKinds = (s: string) =>
  s
    .split(/[;；、|,，]/)
    .map((k) => k.trim())
    .filter(Boolean)

/** One line of the file, checked. */
export interface CheckedLine {
  /** The line in the file (1 is the header). */
  line: number
  draft: RuleDraft
  reasons: Reason[]
  warnings: Warning[]
  /** The rule to send, when the line is valid. */
  value: RuleValue | null
}

/** A cell written by a spreadsheet: text, with the quote that guards a formula-like value removed. */
const cell = (v: string | undefined) => {
  const s = (v ?? '').trim()
  return /^'[=+\-@]/.test(s) ? s.slice(1) : s
}

/**
 * A code whose leading zeros a spreadsheet dropped ("10101" for "010101"): the known code it
 * stands for, when there is exactly one.
 */
function restoreCode(code: string, known: ReadonlyMap<string, unknown>): string | null {
  if (!/^\d+$/.test(code) || known.has(code)) return null
  for (let n = code.length + 1; n <= code.length + 3; n++) {
    const padded = code.padStart(n, '0')
    if (known.has(padded)) return padded
  }
  return null
}

/** CSV text → every line checked, or what is wrong with the file as a whole. */
export function parseRulesCsv(text: string, ctx: CheckContext): { lines: CheckedLine[] } | { error: string } {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: false,
    transformHeader: (h) => {
      const t = h.trim()
      return HEADER_ALIASES[t] ?? t.toLowerCase()
    },
  })
  const fields = parsed.meta.fields ?? []
  const unknown = fields.filter((f) => f !== '' && !(RULE_COLUMNS as readonly string[]).includes(f))
  if (unknown.length) return { error: `unknown columns: ${unknown.join(', ')}` }
  const missing = REQUIRED.filter((c) => !fields.includes(c))
  if (missing.length) return { error: `missing columns: ${missing.join(', ')}` }
  const lines: CheckedLine[] = []
  const firstLine = new Map<string, number>()
  let n = 0
  for (const [i, r] of parsed.data.entries()) {
    if (RULE_COLUMNS.every((c) => cell(r[c]) === '')) continue
    if (++n > MAX_RULE_ROWS) return { error: `more than ${MAX_RULE_ROWS} rows` }
    const line = i + 2
    const warnings: Warning[] = []
    let categoryCode = cell(r.category_code)
    const restored = restoreCode(categoryCode, ctx.categories)
    if (restored) {
      warnings.push({ code: 'codePadded', value: restored, from: categoryCode })
      categoryCode = restored
    }
    const levelText = cell(r.area_level)
    const unitText = cell(r.time_limit_unit)
    const limitText = cell(r.time_limit)
    const draft: RuleDraft = {
      categoryCode,
      areaLevel: /^\d+$/.test(levelText)
        ? Number(levelText)
        : (LEVEL_WORDS[levelText.toLowerCase()] ?? Number.NaN),
      leadDepartment: cell(r.lead_department),
      coDepartments: splitKinds(cell(r.co_departments)),
      timeLimit: /^\d+$/.test(limitText)
        ? Number(limitText)
        : limitText === ''
          ? Number.NaN
          : Number(limitText),
      timeLimitUnit: UNIT_WORDS[unitText.toLowerCase()] ?? unitText,
      basis: cell(r.basis) || null,
    }
    const reasons = checkRule(draft, ctx).map((x): Reason => {
      // Say what the line says, not what it was read as.
      if (x.code === 'badLevel') return { ...x, value: levelText }
      if (x.code === 'badUnit') return { ...x, value: unitText }
      if (x.code === 'badLimit') return { ...x, value: limitText }
      return x
    })
    if (Number.isFinite(draft.areaLevel) && categoryCode) {
      const key = ruleKey(categoryCode, draft.areaLevel)
      const first = firstLine.get(key)
      if (first !== undefined) reasons.push({ code: 'duplicate', line: first })
      else firstLine.set(key, line)
    }
    if (!reasons.length) warnings.push(...ruleWarnings(draft, ctx))
    lines.push({ line, draft, reasons, warnings, value: reasons.length ? null : ruleValue(draft, ctx) })
  }
  return { lines }
}

/** Split a list into chunks of `size` (the import sends one chunk a request). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** What the export writes for one rule. */
export interface ExportRule {
  categoryCode: string
  categoryPath: string
  areaLevel: number
  leadDepartment: string
  coDepartments: readonly string[]
  timeLimit: number
  timeLimitUnit: string
  basis: string | null
}

/**
 * The list as CSV for Excel: UTF-8 with a BOM, CRLF line ends, every field quoted, and a value
 * that looks like a formula (=, +, -, @) guarded by a leading quote, which the import removes.
 */
export function rulesToCsv(rules: readonly ExportRule[]): string {
  const body = Papa.unparse(
    {
      fields: [...RULE_COLUMNS],
      data: rules.map((r) => [
        r.categoryCode,
        r.categoryPath,
        String(r.areaLevel),
        r.leadDepartment,
        r.coDepartments.join('、'),
        String(r.timeLimit),
        r.timeLimitUnit,
        r.basis ?? '',
      ]),
    },
    { quotes: true, newline: '\r\n', escapeFormulae: true },
  )
  return `\uFEFF${body}\r\n`
}
