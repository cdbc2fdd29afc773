/**
 * Checks of one rule of the responsibility list (责任清单), as the server makes them
 * (server/routers/loop-admin.router.ts): used by the inline editor and the CSV preview so that
 * what the server would refuse is shown before anything is sent.
 */

export const AREA_LEVELS = [1, 2, 3] as const
export type AreaLevel = (typeof AREA_LEVELS)[number]
export const LIMIT_UNITS = ['working_hours', 'working_days'] as const
export type LimitUnit = (typeof LIMIT_UNITS)[number]
/** Largest time limit per unit. */
export const LIMIT_MAX: Record<LimitUnit, number> = { working_hours: 720, working_days: 90 }
export const MAX_CO = 10
export const BASIS_MAX = 200
export const KIND_MAX = 40

/** A rule as the editor or a CSV line gives it (before it is known to be valid). */
export interface RuleDraft {
  categoryCode: string
  areaLevel: number
  leadDepartment: string
  coDepartments: string[]
  timeLimit: number
  timeLimitUnit: string
  basis: string | null
}

/** A rule as the server accepts it. */
export interface RuleValue extends RuleDraft {
  areaLevel: AreaLevel
  timeLimitUnit: LimitUnit
}

/** What refuses a rule; `value` is the offending text. */
export type Reason =
  | { code: 'noCategory' }
  | { code: 'unknownCategory'; value: string }
  | { code: 'badLevel'; value: string }
  | { code: 'badUnit'; value: string }
  | { code: 'badLimit'; value: string; max: number }
  | { code: 'noLead' }
  | { code: 'unknownLead'; value: string }
  | { code: 'unknownCo'; value: string }
  | { code: 'leadIsCo'; value: string }
  | { code: 'tooManyCo'; max: number }
  | { code: 'basisTooLong'; max: number }
  | { code: 'duplicate'; line: number }

/** What does not refuse a rule but should be looked at. */
export type Warning =
  | { code: 'notLeaf'; value: string }
  | { code: 'leadNotAtLevel'; value: string; level: AreaLevel }
  | { code: 'codePadded'; value: string; from: string }

/** What the checks know: the categories by code and the department kinds with their levels. */
export interface CheckContext {
  categories: ReadonlyMap<string, { level: number }>
  /** Kind → levels (1–3) where a department of that kind exists. */
  kinds: ReadonlyMap<string, readonly number[]>
}

export const isLevel = (v: number): v is AreaLevel => (AREA_LEVELS as readonly number[]).includes(v)
export const isUnit = (v: string): v is LimitUnit => (LIMIT_UNITS as readonly string[]).includes(v)

/** Co-department kinds without blanks or repeats, in the order given. */
export const cleanCo = (co: readonly string[]) => [...new Set(co.map((k) => k.trim()).filter(Boolean))]

/** Everything that would make the server refuse this rule (empty: it is valid). */
export function checkRule(d: RuleDraft, ctx: CheckContext): Reason[] {
  const out: Reason[] = []
  const code = d.categoryCode.trim()
  if (!code) out.push({ code: 'noCategory' })
  else if (!ctx.categories.has(code)) out.push({ code: 'unknownCategory', value: code })
  if (!isLevel(d.areaLevel)) out.push({ code: 'badLevel', value: String(d.areaLevel) })
  if (!isUnit(d.timeLimitUnit)) out.push({ code: 'badUnit', value: d.timeLimitUnit })
  else if (!Number.isInteger(d.timeLimit) || d.timeLimit < 1 || d.timeLimit > LIMIT_MAX[d.timeLimitUnit])
    out.push({
      code: 'badLimit',
      value: Number.isNaN(d.timeLimit) ? '' : String(d.timeLimit),
      max: LIMIT_MAX[d.timeLimitUnit],
    })
  const lead = d.leadDepartment.trim()
  if (!lead) out.push({ code: 'noLead' })
  else if (!ctx.kinds.has(lead)) out.push({ code: 'unknownLead', value: lead })
  const co = cleanCo(d.coDepartments)
  const unknown = co.filter((k) => !ctx.kinds.has(k))
  if (unknown.length) out.push({ code: 'unknownCo', value: unknown.join('、') })
  if (lead && co.includes(lead)) out.push({ code: 'leadIsCo', value: lead })
  if (co.length > MAX_CO) out.push({ code: 'tooManyCo', max: MAX_CO })
  if ((d.basis ?? '').trim().length > BASIS_MAX) out.push({ code: 'basisTooLong', max: BASIS_MAX })
  return out
}

/** What is worth a second look in a valid rule: a category above the leaves, a lead with no department at its level. */
export function ruleWarnings(d: RuleDraft, ctx: CheckContext): Warning[] {
  const out: Warning[] = []
  const category = ctx.categories.get(d.categoryCode.trim())
  if (category && category.level < 3) out.push({ code: 'notLeaf', value: d.categoryCode.trim() })
  const levels = ctx.kinds.get(d.leadDepartment.trim())
  if (levels && isLevel(d.areaLevel) && !levels.includes(d.areaLevel))
    out.push({ code: 'leadNotAtLevel', value: d.leadDepartment.trim(), level: d.areaLevel })
  return out
}

/** The rule as the server takes it (trimmed, repeats dropped, empty basis as null), when it is valid. */
export function ruleValue(d: RuleDraft, ctx: CheckContext): RuleValue | null {
  if (checkRule(d, ctx).length) return null
  const basis = (d.basis ?? '').trim()
  return {
    categoryCode: d.categoryCode.trim(),
    areaLevel: d.areaLevel as AreaLevel,
    leadDepartment: d.leadDepartment.trim(),
    coDepartments: cleanCo(d.coDepartments),
    timeLimit: d.timeLimit,
    timeLimitUnit: d.timeLimitUnit as LimitUnit,
    basis: basis || null,
  }
}

/** The key of a rule in the list: one rule per category and level. */
export const ruleKey = (code: string, level: number) => `${code.trim()}|${level}`
