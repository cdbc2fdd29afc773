import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from '../db/client.ts'
import { refreshMapStats } from '../db/queries/grid-stats.queries.ts'
import { createServer, type StartState } from './app.ts'
import { auditRetentionDays, pruneAudit } from './audit/audit.ts'
import { parseEnv } from './env.ts'
import { liveBus } from './loop/live.ts'
import { httpSmsSender, scheduleWatch } from './loop/watch.ts'
import { loopDeps } from './routers/events.router.ts'
import { createPiiCipher, loadMasterKey } from './security/pii.ts'
import { clientBuildIsStale, prepareDatabase } from './start.ts'

/**
 * `npm start`: build the client if needed, listen at once (the page shows start-up progress),
 * then migrate and, on first start, seed the demo city.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const log = (s: string) => process.stdout.write(`[yiwang] ${s}\n`)

async function main() {
  const env = parseEnv()
  // A retention below the legal minimum stops the start here, with the reason.
  const retentionDays = auditRetentionDays()
  const t0 = Date.now()
  if (clientBuildIsStale(root)) {
    log('building the client (vite build) …')
    const { build } = await import('vite')
    await build({ root: join(root, 'client'), configFile: join(root, 'vite.config.ts'), logLevel: 'warn' })
  }
  const state: StartState = { status: 'starting' }
  let db: Database | null = null
  // The same key the seed encrypted with (YIWANG_PII_KEY, or the key file in the data folder).
  const pii = createPiiCipher(loadMasterKey(join(env.dataDir, 'pii.key')))
  const app = await createServer({
    db: () => db,
    state: () => state,
    clientDir: join(root, 'dist/client'),
    pii,
    trustProxy:
      env.YIWANG_TRUST_PROXY === 'true' ? true : env.YIWANG_TRUST_PROXY ? env.YIWANG_TRUST_PROXY : false,
  })
  await app.listen({ port: env.PORT, host: env.HOST })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : env.PORT
  const url = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${port}/`
  log(`一网 Yiwang is starting at ${url}`)
  try {
    const ready = await prepareDatabase(env, state, log)
    db = ready
    state.status = 'ready'
    state.progress = undefined
    log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s — open ${url}`)
    scheduleAuditPrune(ready, retentionDays, log)
    scheduleMapStats(ready, log)
    await liveBus.relayThrough(ready, (e) => log(`live relay: ${e.message}`))
    scheduleWatch(ready, () => loopDeps.get(ready, pii), {
      seconds: env.YIWANG_WATCH_SECONDS,
      sms: env.YIWANG_SMS_URL ? httpSmsSender(env.YIWANG_SMS_URL) : null,
      log,
    })
  } catch (e) {
    state.status = 'failed'
    state.error = (e as Error).message
    log(`start-up failed: ${(e as Error).message}`)
    process.exitCode = 1
    await app.close()
    return
  }
  const stop = async () => {
    log('stopping …')
    await app.close()
    await db?.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

/**
 * The audit trail's retention: records older than `days` are pruned once after start and then
 * daily (an anchored prune: the chain still verifies; see docs/audit.md).
 */
function scheduleAuditPrune(d: Database, days: number, log: (s: string) => void) {
  const prune = () =>
    pruneAudit(d, days, { actorName: 'system:retention' })
      .then((r) => {
        if (r.pruned) log(`audit retention: pruned ${r.pruned} records older than ${days} days`)
      })
      .catch((e) => log(`audit retention prune failed: ${(e as Error).message}`))
  void prune()
  setInterval(prune, 24 * 3_600_000).unref()
}

/**
 * The map's five-colour grades (grid_stats) and low-zoom cell counts (cell_counts): refreshed once
 * after start and then every 10 minutes (docs/layers.md). A failed refresh is logged; the tiles
 * keep the previous figures.
 */
function scheduleMapStats(d: Database, log: (s: string) => void) {
  let running = false
  const refresh = () => {
    if (running) return
    running = true
    refreshMapStats(d)
      .catch((e) => log(`map stats refresh failed: ${(e as Error).message}`))
      .finally(() => {
        running = false
      })
  }
  refresh()
  setInterval(refresh, 10 * 60_000).unref()
}

main().catch((e) => {
  process.stderr.write(`[yiwang] ${(e as Error).message}\n`)
  process.exit(1)
})
