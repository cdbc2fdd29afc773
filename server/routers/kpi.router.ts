import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { departmentLeague, KPI_GROUPINGS, KpiAreaError, kpis } from '../../db/queries/kpi.queries.ts'
import { requirePermission } from '../auth/procedures.ts'
import { router } from '../trpc.ts'

const reader = requirePermission('events.read')

/** An instant with its offset, or a date (YYYY-MM-DD: midnight China time). */
const when = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00+08:00` : s))

/** The longest period a query may span. */
export const MAX_SPAN_YEARS = 3

function withinSpan(from: Date, to: Date): boolean {
  const limit = new Date(from)
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_SPAN_YEARS)
  return to.getTime() <= limit.getTime()
}

/** A half-open period [from, to): from before to, at most three years long. Bilingual messages. */
function checkPeriod(p: { from: Date; to: Date }, ctx: z.RefinementCtx) {
  if (p.from.getTime() >= p.to.getTime())
    ctx.addIssue({ code: 'custom', path: ['to'], message: '开始时间须早于结束时间 / from must be before to' })
  else if (!withinSpan(p.from, p.to))
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `统计区间不能超过 ${MAX_SPAN_YEARS} 年 / the period may span at most ${MAX_SPAN_YEARS} years`,
    })
}

export const periodInput = z.object({ from: when, to: when }).strict().superRefine(checkPeriod)

export const summaryInput = z
  .object({
    from: when,
    to: when,
    by: z.enum(KPI_GROUPINGS),
    /** A grid code inside the caller's area; by 'area' its children are the rows. */
    areaCode: z
      .string()
      .regex(/^[0-9A-Za-z_-]{1,40}$/, '区域代码无效 / not an area code')
      .optional(),
    departmentId: z.number().int().positive().max(2_147_483_647).optional(),
  })
  .strict()
  .superRefine(checkPeriod)

/** KPIs of the closed loop (docs/kpi.md), in the caller's area. */
export const kpiRouter = router({
  /** 满意率, 按时办结率, 办理时长, 一次办结率, 重复诉求率: in total and per department, child area or day/week/month. */
  summary: reader.input(summaryInput).query(async ({ ctx, input }) => {
    try {
      return await kpis(ctx.db, ctx.area, input)
    } catch (e) {
      if (e instanceof KpiAreaError) throw new TRPCError({ code: 'NOT_FOUND', message: e.message, cause: e })
      throw e
    }
  }),

  /** The whistle's league table (晒一晒): sub-tasks received, reported, on time, mean score, per department. */
  league: reader.input(periodInput).query(({ ctx, input }) => departmentLeague(ctx.db, ctx.area, input)),
})
