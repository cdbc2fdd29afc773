import { categoryTree, eventTimeExtent } from '../../db/queries/map.queries.ts'
import { EVENT_SOURCES, EVENT_STATUSES } from '../../db/schema/events.ts'
import { ORG_KINDS } from '../../db/schema/orgs.ts'
import { PERSON_TAGS } from '../../db/schema/people.ts'
import { THING_KINDS, THING_STATUSES } from '../../db/schema/things.ts'
import { requirePermission } from '../auth/procedures.ts'
import { router } from '../trpc.ts'

const mapReader = requirePermission('map.read')

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
})
