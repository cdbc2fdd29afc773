import { requirePermission } from '../auth/procedures.ts'
import { router } from '../trpc.ts'
import { createAuditRouter } from './audit.router.ts'
import { authRouter } from './auth.router.ts'
import { departmentsRouter } from './departments.router.ts'
import { eventsRouter } from './events.router.ts'
import { featureRouter } from './feature.router.ts'
import { gridRouter } from './grid.router.ts'
import { kpiRouter } from './kpi.router.ts'
import { loopAdminRouter } from './loop-admin.router.ts'
import { mapRouter } from './map.router.ts'
import { peopleRouter } from './people.router.ts'
import { searchRouter } from './search.router.ts'
import { usersRouter } from './users.router.ts'

export const appRouter = router({
  auth: authRouter,
  grid: gridRouter,
  users: usersRouter,
  people: peopleRouter,
  feature: featureRouter,
  map: mapRouter,
  search: searchRouter,
  events: eventsRouter,
  kpi: kpiRouter,
  loopAdmin: loopAdminRouter,
  departments: departmentsRouter,
  audit: createAuditRouter(requirePermission('audit.read')),
})

/** The client imports only this type. */
export type AppRouter = typeof appRouter
