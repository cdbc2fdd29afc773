import { requirePermission } from '../auth/procedures.ts'
import { router } from '../trpc.ts'
import { createAuditRouter } from './audit.router.ts'
import { authRouter } from './auth.router.ts'
import { gridRouter } from './grid.router.ts'
import { peopleRouter } from './people.router.ts'
import { usersRouter } from './users.router.ts'

export const appRouter = router({
  auth: authRouter,
  grid: gridRouter,
  users: usersRouter,
  people: peopleRouter,
  audit: createAuditRouter(requirePermission('audit.read')),
})

/** The client imports only this type. */
export type AppRouter = typeof appRouter
