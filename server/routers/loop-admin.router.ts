import { TRPCError } from '@trpc/server'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/client.ts'
import { LOOP_DEFAULTS, type LoopSettings } from '../../db/queries/loop.queries.ts'
import {
  categoryIds,
  deleteRule,
  departmentKinds,
  insertRule,
  type RuleInput,
  type RuleRow,
  ruleById,
  ruleIdAt,
  rulePage,
  settingsWithTime,
  updateRule,
  upsertRules,
  writeSettings,
} from '../../db/queries/loop-admin.queries.ts'
import { actorFields, actorOf } from '../auth/audit.ts'
import { httpOf, requirePermission } from '../auth/procedures.ts'
import type { Context } from '../context.ts'
import type { Principal } from '../security/principal.ts'
import { router } from '../trpc.ts'
import { loopDeps } from './events.router.ts'

/** Largest time limit per unit (a rule beyond it is refused). */
export const LIMIT_MAX = { working_hours: 720, working_days: 90 } as const
export const LIMIT_UNITS = ['working_hours', 'working_days'] as const
export const AREA_LEVELS = [1, 2, 3] as const
/** Co-departments a rule may name. */
export const MAX_CO = 10
export const BASIS_MAX = 200
/** Rules per import request: the client sends a file in chunks of this size. */
export const IMPORT_CHUNK_MAX = 500
/** What each loop setting may be set to. */
export const SETTING_RANGES: Record<keyof LoopSettings, { min: number; max: number; integer: boolean }> = {
  warnShare: { min: 0.5, max: 0.95, integer: false },
  duplicateMetres: { min: 10, max: 5000, integer: true },
  duplicateDays: { min: 1, max: 90, integer: true },
}

const admin = requirePermission('users.manage')
const id = z
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1)
const LEVEL_ZH = { 1: '市级', 2: '区级', 3: '街道级' } as const
const LEVEL_EN = { 1: 'city', 2: 'district', 3: 'street' } as const

/**
 * A rule as sent: the shape only. Values are checked by `problemsOf`, so that every refusal
 * names the line and the reason in both languages.
 */
const ruleInput = z
  .object({
    categoryCode: z.string().trim().min(1).max(20),
    areaLevel: z.number().int(),
    leadDepartment: z.string().trim().max(40),
    coDepartments: z.array(z.string().trim().max(40)).max(50),
    timeLimit: z.number(),
    timeLimitUnit: z.string().max(20),
    basis: z.string().trim().max(BASIS_MAX).nullable(),
  })
  .strict()
type RuleSent = z.infer<typeof ruleInput>

/** One thing wrong with a rule, in both languages. */
interface Problem {
  line: number | null
  zh: string
  en: string
}

/**
 * What is wrong with each rule: unknown category code or department kind, a level or unit that
 * does not exist, a limit out of range, a co-department that is the lead, the same category and
 * level twice. Returns the rules ready to write when nothing is.
 */
async function check(
  d: Database,
  sent: readonly (RuleSent & { line?: number })[],
): Promise<{ problems: Problem[]; rules: { categoryId: number; rule: RuleInput }[] }> {
  const categories = await categoryIds(
    d,
    sent.map((r) => r.categoryCode),
  )
  const kinds = new Set((await departmentKinds(d)).map((k) => k.kind))
  const problems: Problem[] = []
  const rules: { categoryId: number; rule: RuleInput }[] = []
  const seen = new Map<string, number | null>()
  for (const r of sent) {
    const line = r.line ?? null
    const add = (zh: string, en: string) => problems.push({ line, zh, en })
    const category = categories.get(r.categoryCode)
    if (!category) add(`未知的分类代码 ${r.categoryCode}`, `unknown category code ${r.categoryCode}`)
    const level = (AREA_LEVELS as readonly number[]).includes(r.areaLevel) ? (r.areaLevel as 1 | 2 | 3) : null
    if (!level)
      add(`层级须为 1、2 或 3，而不是 ${r.areaLevel}`, `level must be 1, 2 or 3, not ${r.areaLevel}`)
    const unit = (LIMIT_UNITS as readonly string[]).includes(r.timeLimitUnit)
      ? (r.timeLimitUnit as RuleInput['timeLimitUnit'])
      : null
    if (!unit)
      add(
        `时限单位须为 working_hours 或 working_days，而不是 "${r.timeLimitUnit}"`,
        `time limit unit must be working_hours or working_days, not "${r.timeLimitUnit}"`,
      )
    else if (!Number.isInteger(r.timeLimit) || r.timeLimit < 1 || r.timeLimit > LIMIT_MAX[unit])
      add(
        `时限须为 1–${LIMIT_MAX[unit]} 的整数（${unit === 'working_hours' ? '工作小时' : '工作日'}），而不是 ${r.timeLimit}`,
        `time limit must be a whole number from 1 to ${LIMIT_MAX[unit]} ${unit.replace('_', ' ')}, not ${r.timeLimit}`,
      )
    const lead = r.leadDepartment
    if (!lead) add('缺少主办部门', 'the lead department is missing')
    else if (!kinds.has(lead)) add(`未知的主办部门类型 "${lead}"`, `unknown lead department kind "${lead}"`)
    const co = [...new Set(r.coDepartments.filter(Boolean))]
    const unknownCo = co.filter((k) => !kinds.has(k))
    if (unknownCo.length)
      add(
        `未知的协办部门类型 ${unknownCo.map((k) => `"${k}"`).join('、')}`,
        `unknown co-department kinds ${unknownCo.map((k) => `"${k}"`).join(', ')}`,
      )
    if (lead && co.includes(lead))
      add(`"${lead}" 既是主办又是协办`, `"${lead}" is both the lead and a co-department`)
    if (co.length > MAX_CO) add(`协办部门最多 ${MAX_CO} 个`, `at most ${MAX_CO} co-departments`)
    if (level) {
      const key = `${r.categoryCode}|${level}`
      if (seen.has(key)) {
        const first = seen.get(key)
        add(
          `分类 ${r.categoryCode} 的${LEVEL_ZH[level]}规则重复${first ? `（同第 ${first} 行）` : ''}`,
          `a second ${LEVEL_EN[level]} rule for category ${r.categoryCode}${first ? ` (as line ${first})` : ''}`,
        )
      } else seen.set(key, line)
    }
    if (category && level && unit)
      rules.push({
        categoryId: category.id,
        rule: {
          categoryCode: r.categoryCode,
          areaLevel: level,
          leadDepartment: lead,
          coDepartments: co,
          timeLimit: r.timeLimit,
          timeLimitUnit: unit,
          basis: r.basis?.trim() ? r.basis.trim() : null,
        },
      })
  }
  return { problems, rules }
}

/** A refusal naming up to ten problems, by line when there are lines. */
function refuse(problems: readonly Problem[]): never {
  const shown = problems.slice(0, 10)
  const more = problems.length - shown.length
  const zh = shown.map((p) => (p.line === null ? p.zh : `第 ${p.line} 行：${p.zh}`)).join('；')
  const en = shown.map((p) => (p.line === null ? p.en : `line ${p.line}: ${p.en}`)).join('; ')
  throw new TRPCError({
    code: 'BAD_REQUEST',
    message: `${zh}${more > 0 ? `；另有 ${more} 处` : ''}。未作任何更改 / ${en}${more > 0 ? `; and ${more} more` : ''}. Nothing was changed`,
  })
}

type Ctx = Context & { principal: Principal; db: Database }

async function audit(
  ctx: Ctx,
  action: string,
  objectId: string | undefined,
  before: unknown,
  after: unknown,
) {
  await ctx.audit({
    ...actorFields(actorOf(ctx.principal, httpOf(ctx)?.req.ip)),
    action,
    objectType: action.startsWith('loop_settings') ? 'loop_settings' : 'responsibilities',
    ...(objectId === undefined ? {} : { objectId }),
    before,
    after,
  })
}

const conflict = (code: string, level: 1 | 2 | 3) =>
  new TRPCError({
    code: 'CONFLICT',
    message: `分类 ${code} 已有${LEVEL_ZH[level]}规则，请编辑那一条 / category ${code} already has a ${LEVEL_EN[level]} rule: edit that one`,
  })

/**
 * Administration of the closed loop (administrators, 'users.manage'): the responsibility list
 * (责任清单) — page, add, edit, delete, validated bulk import — the department kinds a rule may
 * name, and the loop settings (warning share, duplicate radius and days). The calendar is edited
 * through `events.calendar.setYear`.
 */
/** Whether a stored rule still is what an editor loaded (the fields a rule is edited by). */
function sameRule(r: RuleRow, e: RuleSent): boolean {
  return (
    r.categoryCode === e.categoryCode &&
    r.areaLevel === e.areaLevel &&
    r.leadDepartment === e.leadDepartment &&
    r.coDepartments.join('|') === e.coDepartments.join('|') &&
    r.timeLimit === e.timeLimit &&
    r.timeLimitUnit === e.timeLimitUnit &&
    (r.basis ?? '') === (e.basis ?? '')
  )
}

export const loopAdminRouter = router({
  /** The department kinds a rule may name, with the levels where such a department exists. */
  departmentKinds: admin.query(({ ctx }) => departmentKinds(ctx.db)),

  responsibilities: router({
    list: admin
      .input(
        z
          .object({
            q: z.string().max(100).optional(),
            areaLevel: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
            departmentKind: z.string().max(40).optional(),
            offset: z.number().int().min(0).max(1_000_000).default(0),
            limit: z.number().int().min(1).max(5000).default(50),
          })
          .strict(),
      )
      .query(({ ctx, input }) => rulePage(ctx.db, input, { offset: input.offset, limit: input.limit })),

    /** Add a rule, or (with `id`) change one; the category and level may not clash with another rule. */
    save: admin
      .input(
        z
          .object({
            id: id.optional(),
            rule: ruleInput,
            /** The rule as the editor loaded it: a save over someone else's change is refused. */
            expected: ruleInput.optional(),
          })
          .strict(),
      )
      .mutation(async ({ ctx, input }) => {
        const { problems, rules } = await check(ctx.db, [input.rule])
        const ready = rules[0]
        if (problems.length || !ready) refuse(problems)
        const { categoryId, rule } = ready
        const clash = await ruleIdAt(ctx.db, categoryId, rule.areaLevel)
        let ruleId: number
        let before: unknown = null
        if (input.id === undefined) {
          if (clash !== null) throw conflict(rule.categoryCode, rule.areaLevel)
          ruleId = await insertRule(ctx.db, categoryId, rule)
        } else {
          await ctx.db.rows(sql`SELECT id FROM responsibilities WHERE id = ${input.id} FOR UPDATE`)
          const old = await ruleById(ctx.db, input.id)
          if (!old)
            throw new TRPCError({
              code: 'NOT_FOUND',
              message: `没有规则 ${input.id}（可能已被删除）/ no rule ${input.id} (it may have been deleted)`,
            })
          if (clash !== null && clash !== input.id) throw conflict(rule.categoryCode, rule.areaLevel)
          if (input.expected && !sameRule(old, input.expected))
            throw new TRPCError({
              code: 'CONFLICT',
              message: `规则 ${input.id} 已被他人修改，请刷新后再改 / rule ${input.id} was changed by someone else meanwhile: reload it and edit again`,
            })
          before = old
          ruleId = input.id
          await updateRule(ctx.db, ruleId, categoryId, rule)
        }
        const saved = await ruleById(ctx.db, ruleId)
        if (!saved) throw new Error(`rule ${ruleId} vanished while being saved`)
        await audit(
          ctx,
          input.id === undefined ? 'responsibilities.add' : 'responsibilities.edit',
          String(ruleId),
          before,
          rule,
        )
        return saved
      }),

    delete: admin.input(z.object({ id }).strict()).mutation(async ({ ctx, input }) => {
      const old = await ruleById(ctx.db, input.id)
      if (!old || !(await deleteRule(ctx.db, input.id)))
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `没有规则 ${input.id}（可能已被删除）/ no rule ${input.id} (it may have been deleted)`,
        })
      await audit(ctx, 'responsibilities.delete', String(input.id), old, null)
      return { id: input.id }
    }),

    /**
     * One chunk of a CSV import: every rule is checked first and the chunk is refused whole,
     * naming each bad line, if anything is wrong; otherwise all are inserted or replace the rule
     * for their category and level.
     */
    import: admin
      .input(
        z
          .object({
            items: z
              .array(ruleInput.extend({ line: z.number().int().min(1).max(10_000_000) }))
              .min(1)
              .max(IMPORT_CHUNK_MAX),
          })
          .strict(),
      )
      .mutation(async ({ ctx, input }) => {
        const { problems, rules } = await check(ctx.db, input.items)
        if (problems.length) refuse(problems)
        const r = await upsertRules(ctx.db, rules)
        const lines = input.items.map((i) => i.line)
        await audit(ctx, 'responsibilities.import', undefined, null, {
          lines: `${Math.min(...lines)}-${Math.max(...lines)}`,
          rules: rules.length,
          ...r,
        })
        return r
      }),
  }),

  settings: router({
    get: admin.query(async ({ ctx }) => ({
      ...(await settingsWithTime(ctx.db)),
      defaults: LOOP_DEFAULTS as LoopSettings,
      ranges: SETTING_RANGES,
    })),

    /** Change settings (any of them); each is checked against its range; audited; the cache is dropped. */
    set: admin
      .input(
        z
          .object({
            warnShare: z.number().optional(),
            duplicateMetres: z.number().optional(),
            duplicateDays: z.number().optional(),
          })
          .strict(),
      )
      .mutation(async ({ ctx, input }) => {
        const wrong: Problem[] = []
        const NAMES = {
          warnShare: ['预警比例', 'warning share'],
          duplicateMetres: ['疑似重复距离（米）', 'duplicate radius (metres)'],
          duplicateDays: ['疑似重复天数', 'duplicate days'],
        } as const
        for (const [key, value] of Object.entries(input) as [keyof LoopSettings, number | undefined][]) {
          if (value === undefined) continue
          const r = SETTING_RANGES[key]
          if (
            !Number.isFinite(value) ||
            value < r.min ||
            value > r.max ||
            (r.integer && !Number.isInteger(value))
          )
            wrong.push({
              line: null,
              zh: `${NAMES[key][0]}须为 ${r.min}–${r.max} 的${r.integer ? '整数' : '数'}，而不是 ${value}`,
              en: `the ${NAMES[key][1]} must be ${r.integer ? 'a whole number' : 'a number'} from ${r.min} to ${r.max}, not ${value}`,
            })
        }
        if (wrong.length) refuse(wrong)
        const { settings: before } = await settingsWithTime(ctx.db)
        const changed = (Object.keys(input) as (keyof LoopSettings)[]).filter(
          (k) => input[k] !== undefined && input[k] !== before[k],
        )
        if (changed.length) {
          const values = Object.fromEntries(changed.map((k) => [k, input[k]])) as Partial<LoopSettings>
          await writeSettings(ctx.db, values)
          await audit(
            ctx,
            'loop_settings.set',
            changed.join(','),
            Object.fromEntries(changed.map((k) => [k, before[k]])),
            values,
          )
          // Drop the cached settings once the change is visible to the next reader.
          ctx.afterCommit(() => loopDeps.invalidate())
        }
        return { ...(await settingsWithTime(ctx.db)), changed }
      }),
  }),
})
