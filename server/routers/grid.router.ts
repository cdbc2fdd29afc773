import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { gridChildren, gridGet, gridSearch } from '../../db/queries/grids.queries.ts'
import { requirePermission } from '../auth/procedures.ts'
import { router } from '../trpc.ts'

const mapReader = requirePermission('map.read')

const id = z.number().int().positive().max(2_147_483_647)

/** The grid hierarchy (网格体系): children for the tree, one area in detail, search. */
export const gridRouter = router({
  children: mapReader
    .input(z.object({ parentId: id.nullable() }))
    .query(({ ctx, input }) => gridChildren(ctx.db, ctx.area, input.parentId)),

  get: mapReader
    .input(
      z.union([
        z.object({ id }),
        z.object({
          code: z
            .string()
            .trim()
            .min(1)
            .max(40)
            .regex(/^[0-9A-Za-z-]+$/, '区划/网格代码只含数字和字母 / a code has digits and letters only'),
        }),
      ]),
    )
    .query(async ({ ctx, input }) => {
      const g = await gridGet(ctx.db, ctx.area, input)
      if (!g) {
        const what = 'id' in input ? `id ${input.id}` : `code ${input.code}`
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `没有找到网格 ${what}（不存在或不在您的辖区内）/ No grid with ${what} in your area`,
        })
      }
      return g
    }),

  search: mapReader
    .input(z.object({ q: z.string().max(50), limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ ctx, input }) => gridSearch(ctx.db, ctx.area, input.q, input.limit)),
})
