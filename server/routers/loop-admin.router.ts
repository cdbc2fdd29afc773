import { router } from '../trpc.ts'

/**
 * Administration of the closed loop: the responsibility list (责任清单), the working-day
 * calendar per year and the loop settings (warning share, duplicate radius and days).
 */
export const loopAdminRouter = router({})
