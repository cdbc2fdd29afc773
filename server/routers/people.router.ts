import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { countRecentActions } from '../../db/queries/audit.queries.ts'
import { listPeople, personDetail, personSecrets } from '../../db/queries/people.queries.ts'
import { PERSON_TAGS } from '../../db/schema/people.ts'
import { actorFields, actorOf } from '../auth/audit.ts'
import { httpOf, requirePermission } from '../auth/procedures.ts'
import type { Context } from '../context.ts'
import { maskIdNumber, type PiiCipher } from '../security/pii.ts'
import { router } from '../trpc.ts'

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** An 18-character resident ID number (the last may be X), or a 15-digit old one. */
export const idNumberInput = z
  .string()
  .trim()
  .regex(
    /^(\d{17}[\dXx]|\d{15})$/,
    '身份证号须为 18 位（末位可为 X）或 15 位数字 / an ID number has 18 characters (the last may be X) or 15 digits',
  )

export const peopleFilterInput = z.object({
  gridId: z.number().int().positive().max(2_147_483_647).optional(),
  gridCode: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{1,40}$/, '区划/网格代码只含数字和字母 / a code has digits and letters only')
    .optional(),
  name: z.string().trim().min(1).max(20).optional(),
  idNumber: idNumberInput.optional(),
  tag: z.enum(PERSON_TAGS).optional(),
  residence: z.enum(['registered', 'floating']).optional(),
})

/** How many people one user may unmask in an hour: more looks like harvesting, and is refused. */
export const UNMASK_PER_HOUR = 30

const reader = requirePermission('people.read')
const unmasker = requirePermission('people.unmask')

function cipherOf(ctx: Context): PiiCipher {
  if (!ctx.pii)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: '服务器未配置个人信息密钥 / The server has no personal-data key configured',
    })
  return ctx.pii
}

const ipOf = (ctx: Context) => httpOf(ctx)?.req.ip

/**
 * Residents (实有人口) in the caller's area: the register, one person in detail, and the audited
 * unmasking of one person's ID number and phone. Everything is masked unless unmasked here;
 * vulnerable-group tags are returned only to roles with 'people.tags'.
 */
export const peopleRouter = router({
  list: reader
    .input(
      peopleFilterInput.extend({
        cursor: id.optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { cursor, limit, ...filter } = input
      const tags = ctx.principal.permissions.has('people.tags')
      if (filter.tag && !tags)
        throw new TRPCError({
          code: 'FORBIDDEN',
          message:
            '没有权限按人群标签筛选：需要 "people.tags" / Forbidden: filtering by tag needs the permission "people.tags"',
        })
      const page = await listPeople(ctx.db, ctx.area, cipherOf(ctx), filter, { cursor, limit, tags })
      // Looking a person up by ID number confirms where they live: that is recorded.
      if (filter.idNumber)
        await ctx.audit({
          ...who(ctx),
          action: 'person.search_id',
          objectType: 'person',
          objectId: page.items.map((p) => p.id).join(',') || undefined,
          after: { idNumber: maskIdNumber(filter.idNumber), found: page.total },
        })
      return page
    }),

  get: reader.input(z.object({ id })).query(async ({ ctx, input }) => {
    const p = await personDetail(ctx.db, ctx.area, input.id, ctx.principal.permissions.has('people.tags'))
    if (!p)
      throw new TRPCError({
        code: 'NOT_FOUND',
        message: `没有找到居民 ${input.id}（不存在或不在您的辖区内）/ No resident ${input.id} in your area`,
      })
    return p
  }),

  /**
   * The full ID number and phone of one resident, for a stated reason; audited with the reason.
   * Needs 'people.unmask' and is limited to UNMASK_PER_HOUR per user and hour.
   */
  unmask: unmasker
    .input(
      z.object({
        id,
        reason: z
          .string()
          .trim()
          .min(4, '请说明查看事由（至少 4 个字）/ State the reason (at least 4 characters)')
          .max(200),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const cipher = cipherOf(ctx)
      const recent = await countRecentActions(ctx.db, ctx.principal.name, 'person.unmask', 3_600_000)
      if (recent >= UNMASK_PER_HOUR) {
        await ctx.audit({
          ...who(ctx),
          action: 'person.unmask',
          objectType: 'person',
          objectId: String(input.id),
          reason: input.reason,
          outcome: 'denied',
          after: { refused: `more than ${UNMASK_PER_HOUR} per hour` },
        })
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `一小时内查看完整个人信息已达 ${UNMASK_PER_HOUR} 次上限，请稍后再试 / You have unmasked ${UNMASK_PER_HOUR} people in the last hour, the limit; try again later`,
        })
      }
      const secrets = await personSecrets(ctx.db, ctx.area, cipher, input.id)
      if (!secrets)
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `没有找到居民 ${input.id}（不存在或不在您的辖区内）/ No resident ${input.id} in your area`,
        })
      // In the request's transaction: no unmasking without its audit record.
      await ctx.audit({
        ...who(ctx),
        action: 'person.unmask',
        objectType: 'person',
        objectId: String(input.id),
        reason: input.reason,
        after: { fields: secrets.phone ? ['id_number', 'phone'] : ['id_number'] },
      })
      return { id: input.id, idNumber: secrets.idNumber, phone: secrets.phone }
    }),
})

const who = (ctx: Context & { principal: NonNullable<Context['principal']> }) =>
  actorFields(actorOf(ctx.principal, ipOf(ctx)))
