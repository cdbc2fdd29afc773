import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import cliProgress from 'cli-progress'
import { type Database, openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import type { SeedProgress } from '../db/seed/types.ts'
import type { StartState } from './app.ts'
import type { Env } from './env.ts'
import type { PrepareMessage } from './prepare-worker.ts'

const STAGE_ZH: Record<string, string> = {
  grids: '网格',
  orgs: '组织',
  places: '地址与建筑',
  people: '人口',
  things: '物联设备',
  events: '事件',
  analyze: '统计信息',
  done: '完成',
}

/**
 * Migrate and (on first start) seed the database in a worker thread, reporting each step to
 * `state`, then open it here for serving.
 */
export async function prepareDatabase(
  env: Env,
  state: StartState,
  log: (s: string) => void,
): Promise<Database> {
  state.status = 'starting'
  log(
    env.DATABASE_URL
      ? `database: PostgreSQL at ${redact(env.DATABASE_URL)}`
      : `database: embedded PGlite in ${env.pgliteDir}`,
  )
  const bar = progressBar(state)
  await new Promise<void>((resolveDone, reject) => {
    // prepare-worker.mjs registers tsx's loader in the worker, then runs prepare-worker.ts.
    const worker = new Worker(new URL('./prepare-worker.mjs', import.meta.url), { workerData: env })
    let finished = false
    worker.on('message', (m: PrepareMessage) => {
      switch (m.type) {
        case 'status':
          state.status = m.status
          if (m.status === 'seeding')
            log(`first start: generating the ${env.YIWANG_SEED_SCALE} city (seed ${env.YIWANG_SEED}) …`)
          break
        case 'progress':
          bar({ stage: m.stage, done: m.done, total: m.total })
          break
        case 'seeded': {
          const s = m.summary
          log(
            `seeded in ${s.seconds.toFixed(1)} s: ${s.grids} grids, ${s.people} people, ${s.buildings} buildings, ${s.things} things, ${s.events} events`,
          )
          break
        }
        case 'accounts':
          log(`demo accounts (shown once; also in ${m.file}, readable only by you):\n${m.text}`)
          break
        case 'done':
          finished = true
          resolveDone()
          break
        case 'error':
          finished = true
          reject(new Error(m.message))
          break
      }
    })
    worker.on('error', (e) => reject(e))
    worker.on('exit', (code) => {
      if (!finished) reject(new Error(`the database preparation stopped unexpectedly (exit ${code})`))
    })
  })
  const d = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.pgliteDir })
  await migrate(d)
  return d
}

/** A console progress bar per stage, mirrored into the start state for /healthz. */
export function progressBar(state: StartState): (p: SeedProgress) => void {
  const tty = process.stdout.isTTY
  const bar = new cliProgress.SingleBar(
    { format: '  {stage} [{bar}] {percentage}% {value}/{total}', hideCursor: true, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  )
  let stage = ''
  let lastLog = 0
  return (p) => {
    state.progress = p
    const label = `${STAGE_ZH[p.stage] ?? p.stage} ${p.stage}`
    if (tty) {
      if (p.stage !== stage) {
        if (stage) bar.stop()
        stage = p.stage
        bar.start(p.total, p.done, { stage: label.padEnd(16) })
      } else bar.update(p.done)
      if (p.stage === 'done') bar.stop()
    } else if (p.stage !== stage || Date.now() - lastLog > 3000) {
      stage = p.stage
      lastLog = Date.now()
      process.stdout.write(`  ${label}: ${p.done}/${p.total}\n`)
    }
  }
}

/** Whether dist/client must be (re)built: missing, or older than any file under client/. */
export function clientBuildIsStale(root: string): boolean {
  const index = join(root, 'dist/client/index.html')
  if (!existsSync(index)) return true
  const built = statSync(index).mtimeMs
  const newest = (dir: string): number => {
    let m = 0
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      m = Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
    }
    return m
  }
  return newest(join(root, 'client')) > built || statSync(join(root, 'vite.config.ts')).mtimeMs > built
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@')
}
