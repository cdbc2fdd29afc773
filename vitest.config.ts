import { defineConfig } from 'vitest/config'

/**
 * Four projects:
 * - unit: pure modules, no database, no browser;
 * - db-pglite: the database suite on the embedded PGlite + PostGIS;
 * - db-postgres: the same suite on a real PostgreSQL + PostGIS (DATABASE_URL);
 * - e2e: the app started as the README says, driven in Debian's Chromium.
 * test/setup/parts.ts decides which parts this machine can run and says plainly what it skips;
 * with YIWANG_REQUIRE_ALL=1 (CI) a part that cannot run fails the run instead.
 */
const dbProject = (name: string, backend: 'pglite' | 'postgres') => ({
  test: {
    name,
    include: ['test/db/**/*.test.ts'],
    // test/db/postgres-*.test.ts are about the postgres.js driver: they belong to the PostGIS run only.
    exclude: backend === 'pglite' ? ['test/db/postgres-*.test.ts'] : [],
    env: { YIWANG_TEST_BACKEND: backend },
    globalSetup: ['test/setup/parts.ts'],
    // One worker holds one database for all db test files (PGlite boots in seconds, not ms).
    pool: 'forks' as const,
    maxWorkers: 1,
    isolate: false,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
})

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'test/unit/**/*.test.ts',
            'client/**/*.test.ts',
            'server/**/*.test.ts',
            'db/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      dbProject('db-pglite', 'pglite'),
      dbProject('db-postgres', 'postgres'),
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/parts.ts'],
          maxWorkers: 1,
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
})
