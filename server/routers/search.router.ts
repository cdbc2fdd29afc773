import { z } from 'zod'
import { gridSearch } from '../../db/queries/grids.queries.ts'
import { listPeople } from '../../db/queries/people.queries.ts'
import { searchMap } from '../../db/queries/search.queries.ts'
import { actorFields, actorOf } from '../auth/audit.ts'
import { httpOf, requirePermission } from '../auth/procedures.ts'
import { maskIdNumber } from '../security/pii.ts'
import { router } from '../trpc.ts'

const ID_NUMBER = /^(\d{17}[\dXx]|\d{15})$/
/** A Chinese personal name: 2–6 Han characters (with · for minority names). */
const PERSON_NAME = /^[\u4e00-\u9fff·]{2,6}$/

/**
 * The map's search box (一张图搜索): grids by name or code, addresses, buildings, compounds,
 * public places, organisations, events by number, and — for roles that may read the people
 * register — residents by name or by exact ID number (that lookup is audited).
 */
export const searchRouter = router({
  query: requirePermission('map.read')
    .input(
      z.object({ q: z.string().trim().min(1).max(60), limit: z.number().int().min(1).max(20).default(6) }),
    )
    .query(async ({ ctx, input }) => {
      const { q, limit } = input
      const people = ctx.principal.permissions.has('people.read')
      const isId = ID_NUMBER.test(q.replace(/\s+/g, ''))
      const [grids, hits] = await Promise.all([
        gridSearch(ctx.db, ctx.area, q, limit),
        isId ? Promise.resolve([]) : searchMap(ctx.db, ctx.area, q, limit),
      ])
      let residents: Awaited<ReturnType<typeof listPeople>>['items'] = []
      if (people && ctx.pii && (isId || PERSON_NAME.test(q))) {
        const tags = ctx.principal.permissions.has('people.tags')
        const filter = isId ? { idNumber: q.replace(/\s+/g, '') } : { name: q }
        const page = await listPeople(ctx.db, ctx.area, ctx.pii, filter, { limit, tags })
        residents = page.items
        if (isId)
          await ctx.audit({
            ...actorFields(actorOf(ctx.principal, httpOf(ctx)?.req.ip)),
            action: 'person.search_id',
            objectType: 'person',
            objectId: residents.map((p) => p.id).join(',') || undefined,
            after: { idNumber: maskIdNumber(q), found: page.total, via: 'search' },
          })
      }
      return {
        grids: grids.map((g) => ({ ...g })),
        hits,
        people: residents,
      }
    }),
})
