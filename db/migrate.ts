import { SHIPPED_CALENDARS } from '../server/domain/calendar-2026.ts'
import type { Database } from './client.ts'
import { MIGRATIONS_FOLDER } from './client.ts'
import { shipCalendarYear } from './queries/loop.queries.ts'

/**
 * Apply the drizzle-kit migrations in db/migrations (the same files on both backends), then ship
 * the working-day calendars of the years the database does not have yet (an edited year stays).
 */
export async function migrate(d: Database): Promise<void> {
  if (d.driver.kind === 'pglite') {
    const { migrate: m } = await import('drizzle-orm/pglite/migrator')
    const { drizzle } = await import('drizzle-orm/pglite')
    await m(drizzle(d.driver.pg), { migrationsFolder: MIGRATIONS_FOLDER })
  } else {
    const { migrate: m } = await import('drizzle-orm/postgres-js/migrator')
    const { drizzle } = await import('drizzle-orm/postgres-js')
    // Concurrent starts against one server: one migrates, the others wait on the lock.
    await d.driver.sql`select pg_advisory_lock(727274)`
    try {
      await m(drizzle(d.driver.sql), { migrationsFolder: MIGRATIONS_FOLDER })
    } finally {
      await d.driver.sql`select pg_advisory_unlock(727274)`
    }
  }
  for (const [year, days] of SHIPPED_CALENDARS) await shipCalendarYear(d, year, days)
}
