import { join } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { hasCity, seedCity } from '../db/seed/index.ts'
import type { ScaleName } from '../db/seed/types.ts'
import { appendAudit } from './audit/audit.ts'
import { DEMO_FILE, ensureDemoAccounts, formatDemoAccounts } from './auth/demo.ts'
import type { Env } from './env.ts'
import { createPiiCipher, loadMasterKey } from './security/pii.ts'

/**
 * Migrates and (on first start) seeds the database in a worker thread. PGlite runs its queries on
 * the thread that opened it, so doing this work here keeps the server's thread free to answer
 * /healthz and the loading page while a COPY of 50,000 rows runs.
 */
export type PrepareMessage =
  | { type: 'status'; status: 'migrating' | 'seeding' }
  | { type: 'progress'; stage: string; done: number; total: number }
  | {
      type: 'seeded'
      summary: {
        seconds: number
        grids: number
        people: number
        buildings: number
        things: number
        events: number
      }
    }
  | { type: 'accounts'; text: string; file: string }
  | { type: 'done' }
  | { type: 'error'; message: string }

const env = workerData as Env
const post = (m: PrepareMessage) => parentPort?.postMessage(m)

async function run() {
  const d = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.pgliteDir })
  try {
    post({ type: 'status', status: 'migrating' })
    await migrate(d)
    if (!(await hasCity(d))) {
      post({ type: 'status', status: 'seeding' })
      const summary = await seedCity(d, {
        scale: env.YIWANG_SEED_SCALE as ScaleName,
        seed: env.YIWANG_SEED,
        cipher: createPiiCipher(loadMasterKey(join(env.dataDir, 'pii.key'))),
        onProgress: (p) => post({ type: 'progress', ...p }),
      })
      post({ type: 'seeded', summary })
    }
    // On the embedded default: one demo account per role, created once, passwords printed once.
    if (!env.DATABASE_URL) {
      const accounts = await ensureDemoAccounts(d, env.dataDir, (entry) =>
        appendAudit(d, entry).then(() => {}),
      )
      if (accounts.length)
        post({ type: 'accounts', text: formatDemoAccounts(accounts), file: join(env.dataDir, DEMO_FILE) })
    }
  } finally {
    await d.close()
  }
  post({ type: 'done' })
}

run().catch((e) => post({ type: 'error', message: (e as Error).message }))
