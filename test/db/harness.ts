import { describe, inject } from 'vitest'
import { type Database, openDatabase } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { seedCity } from '../../db/seed/index.ts'

/** Which backend this project runs the database suite on (set per vitest project). */
export const backend = (process.env.YIWANG_TEST_BACKEND ?? 'pglite') as 'pglite' | 'postgres'

let shared: Promise<Database> | undefined

/**
 * One migrated database with the small `test` city seeded, shared by all db test files of this
 * worker (vitest runs them in one process). Tests that write must clean up after themselves or
 * write rows that no other test counts.
 */
export function testDb(): Promise<Database> {
  shared ??= (async () => {
    const url = backend === 'postgres' ? inject('postgresTestUrl') : undefined
    const d = await openDatabase({ databaseUrl: url, dataDir: 'memory://' })
    await migrate(d)
    await seedCity(d, { scale: 'test', seed: 7 })
    return d
  })()
  return shared
}

/** A describe block for the database suite, skipped (and said so by test/setup/parts.ts) where it cannot run. */
export function dbDescribe(name: string, fn: () => void) {
  const canRun = backend === 'pglite' || inject('parts').postgres.ok
  describe.skipIf(!canRun)(`${name} [${backend}]`, fn)
}
