import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { hasCity, seedCity } from '../db/seed/index.ts'
import { SCALES } from '../db/seed/scales.ts'
import type { ScaleName } from '../db/seed/types.ts'
import { parseEnv } from '../server/env.ts'
import { createPiiCipher, loadMasterKey } from '../server/security/pii.ts'
import { progressBar, redact } from '../server/start.ts'

/**
 * npm run seed -- [--scale test|demo|city] [--seed N] [--reset]
 * Generates the demo city into DATABASE_URL, or into the PGlite data folder when it is unset.
 */
const usage = `usage: npm run seed -- [--scale ${Object.keys(SCALES).join('|')}] [--seed N] [--reset]
  --scale   how big a city (default demo; city = 20,000+ grids, 3M residents, 5M events: use PostgreSQL)
  --seed    random seed; the same seed makes the same city (default 20260101)
  --reset   drop everything first (PostgreSQL: the public schema; PGlite: the data folder)`

async function main() {
  let args: ReturnType<typeof parse>
  try {
    args = parse()
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`)
    process.exit(2)
  }
  const scale = args.values.scale as ScaleName
  if (!(scale in SCALES)) {
    process.stderr.write(`unknown scale "${scale}"\n${usage}\n`)
    process.exit(2)
  }
  const env = parseEnv()
  if (args.values.reset && !env.DATABASE_URL) rmSync(env.pgliteDir, { recursive: true, force: true })
  const d = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.pgliteDir })
  process.stdout.write(
    `seeding the ${scale} city into ${env.DATABASE_URL ? redact(env.DATABASE_URL) : env.pgliteDir}\n`,
  )
  if (args.values.reset && env.DATABASE_URL) {
    await d.rows(sql`DROP SCHEMA IF EXISTS drizzle CASCADE`)
    for (const t of [
      'event_actions',
      'events',
      'people',
      'households',
      'things',
      'buildings',
      'compounds',
      'addresses',
      'public_places',
      'responsibilities',
      'organisations',
      'categories',
      'user_roles',
      'users',
      'roles',
      'grid_history',
      'grids',
    ]) {
      await d.rows(sql.raw(`DROP TABLE IF EXISTS ${t} CASCADE`))
    }
  }
  await migrate(d)
  if (await hasCity(d)) {
    process.stderr.write('the database already holds a city: add --reset to replace it\n')
    await d.close()
    process.exit(1)
  }
  const summary = await seedCity(d, {
    scale,
    seed: Number(args.values.seed),
    cipher: createPiiCipher(loadMasterKey(join(env.dataDir, 'pii.key'))),
    onProgress: progressBar({ status: 'seeding' }),
  })
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
  await d.close()
}

function parse() {
  return parseArgs({
    options: {
      scale: { type: 'string', default: 'demo' },
      seed: { type: 'string', default: '20260101' },
      reset: { type: 'boolean', default: false },
    },
  })
}

main().catch((e) => {
  process.stderr.write(`seed failed: ${(e as Error).message}\n`)
  process.exit(1)
})
