import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { categoryTree, eventTimeExtent, layerCounts } from '../../db/queries/map.queries.ts'
import { EVENT_SOURCES, EVENT_STATUSES } from '../../db/schema/events.ts'
import { ORG_KINDS } from '../../db/schema/orgs.ts'
import { PERSON_TAGS } from '../../db/schema/people.ts'
import { THING_KINDS, THING_STATUSES } from '../../db/schema/things.ts'
import { requirePermission } from '../auth/procedures.ts'
import { router } from '../trpc.ts'

const mapReader = requirePermission('map.read')

const lon = z.number().min(-180).max(180)
const lat = z.number().min(-85.06).max(85.06)
const when = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00+08:00` : s).toISOString())

/** The view and the layers whose counts the panel shows, with the same filters as the tiles. */
export const countsInput = z.object({
  bbox: z
    .tuple([lon, lat, lon, lat])
    .refine(
      ([w, s, e, n]) => w < e && s < n,
      '视野范围无效（须西<东、南<北）/ bbox must have west < east and south < north',
    ),
  layers: z
    .object({
      people: z
        .object({ tag: z.enum(PERSON_TAGS).optional() })
        .strict()
        .optional(),
      places: z.object({}).strict().optional(),
      things: z
        .object({
          kind: z.array(z.enum(THING_KINDS)).max(20).optional(),
          status: z.array(z.enum(THING_STATUSES)).max(10).optional(),
        })
        .strict()
        .optional(),
      events: z
        .object({
          category: z
            .array(z.string().regex(/^\d{2,12}$/))
            .max(400)
            .optional(),
          status: z.array(z.enum(EVENT_STATUSES)).max(20).optional(),
          source: z.array(z.enum(EVENT_SOURCES)).max(20).optional(),
          from: when.optional(),
          to: when.optional(),
          overdue: z.boolean().optional(),
        })
        .strict()
        .optional(),
      orgs: z
        .object({ kind: z.array(z.enum(ORG_KINDS)).max(10).optional() })
        .strict()
        .optional(),
    })
    .strict(),
})

/** What the layer panel needs besides the tiles: the taxonomy, the time extent, the enums. */
export const mapRouter = router({
  meta: mapReader.query(async ({ ctx }) => ({
    categories: await categoryTree(ctx.db),
    events: await eventTimeExtent(ctx.db, ctx.area),
    enums: {
      eventSources: EVENT_SOURCES,
      eventStatuses: EVENT_STATUSES,
      thingKinds: THING_KINDS,
      thingStatuses: THING_STATUSES,
      orgKinds: ORG_KINDS.filter((k) => k !== 'department'),
      // Only for roles that may filter by them.
      personTags: ctx.principal.permissions.has('people.tags') ? PERSON_TAGS : [],
    },
  })),

  /** How many elements of each layer lie in the view (capped at 100,000 each), in the caller's area. */
  counts: mapReader.input(countsInput).query(({ ctx, input }) => {
    if (input.layers.people?.tag && !ctx.principal.permissions.has('people.tags'))
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: '按人群标签统计需要 "people.tags" / Forbidden: counting by tag needs "people.tags"',
      })
    return layerCounts(ctx.db, ctx.area, input.bbox, input.layers)
  }),
})
