import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import {
  buildingDetail,
  compoundDetail,
  eventDetail,
  type FeatureDetail,
  orgDetail,
  placeDetail,
  thingDetail,
} from '../../db/queries/features.queries.ts'
import { requirePermission } from '../auth/procedures.ts'
import { router } from '../trpc.ts'

/** The kinds of element the detail panel shows; a tile's source layer maps onto one of them. */
export const FEATURE_KINDS = ['event', 'building', 'compound', 'place', 'thing', 'org'] as const
export type FeatureKind = (typeof FEATURE_KINDS)[number]

const KIND_ZH: Record<FeatureKind, string> = {
  event: '事件',
  building: '建筑',
  compound: '小区',
  place: '场所',
  thing: '设备',
  org: '组织',
}

const mapReader = requirePermission('map.read')

/** Clicked on the map (要素详情): one element with its grid and related elements, in the caller's area. */
export const featureRouter = router({
  get: mapReader
    .input(
      z.object({ kind: z.enum(FEATURE_KINDS), id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
    )
    .query(async ({ ctx, input }): Promise<FeatureDetail> => {
      const can = (p: Parameters<typeof ctx.principal.permissions.has>[0]) => ctx.principal.permissions.has(p)
      if (input.kind === 'event' && !can('events.read'))
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: `没有权限：需要 "events.read" / Forbidden: event details need "events.read"`,
        })
      const { id } = input
      const d = ctx.db
      const found =
        input.kind === 'event'
          ? await eventDetail(d, ctx.area, id)
          : input.kind === 'building'
            ? await buildingDetail(d, ctx.area, id)
            : input.kind === 'compound'
              ? await compoundDetail(d, ctx.area, id)
              : input.kind === 'place'
                ? await placeDetail(d, ctx.area, id)
                : input.kind === 'thing'
                  ? await thingDetail(d, ctx.area, id)
                  : await orgDetail(d, ctx.area, id)
      if (!found)
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `没有找到${KIND_ZH[input.kind]} ${id}（不存在或不在您的辖区内）/ No ${input.kind} ${id} in your area`,
        })
      // Households belong to the people register: only for roles that may read it.
      if (found.kind === 'building' && !can('people.read')) return { ...found, households: [] }
      // Event lists of a building follow the events permission.
      if (found.kind === 'building' && !can('events.read')) return { ...found, events: [], eventsTotal: 0 }
      return found
    }),
})
