import { router } from '../trpc.ts'
import { authRouter } from './auth.router.ts'
import { gridRouter } from './grid.router.ts'
import { usersRouter } from './users.router.ts'

export const appRouter = router({
  auth: authRouter,
  grid: gridRouter,
  users: usersRouter,
})

/** The client imports only this type. */
export type AppRouter = typeof appRouter
