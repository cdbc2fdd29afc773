import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { hasCity } from '../db/seed/index.ts'
import { LiveBus } from '../server/loop/live.ts'
import { runWatch } from '../server/loop/watch.ts'
import { loopDeps } from '../server/routers/events.router.ts'
import { redact } from '../server/start.ts'

/**
 * npm run bench:watch -- [--out FILE.json] [--runs 10]
 * The loop watcher (server/loop/watch.ts) at city scale on the real PostGIS of DATABASE_URL (which
 * must hold the `city` seed, e.g. after bench:intake): how long one run takes while it works off
 * the backlog of overdue events a freshly seeded city has (2,000 per run), and once it is in a
 * steady state (nothing new to mark). It writes to the database what the server's watcher would.
 * JSON: backlog_overdue, runs[] (ms, warned, overdue), steady_ms_p50, steady_ms_max.
 */
const { values } = parseArgs({
  options: { out: { type: 'string' }, runs: { type: 'string', default: '10' } },
})
const log = (s: string) => process.stdout.write(`${s}\n`)

async function main() {
  const url = process.env.DATABASE_URL
  if (!url?.startsWith('postgres')) {
    process.stderr.write('bench:watch runs on a real PostGIS: set DATABASE_URL=postgres://…\n')
    process.exit(2)
  }
  const d = await openDatabase({ databaseUrl: url })
  log(`database ${redact(url)}: migrating …`)
  await migrate(d)
  if (!(await hasCity(d))) {
    process.stderr.write('no city in this database: run `npm run seed -- --scale city` first\n')
    process.exit(2)
  }
  const count = async (q: ReturnType<typeof sql>) => Number((await d.rows<{ n: number }>(q))[0]?.n ?? 0)
  const open = sql`status NOT IN ('resolved', 'followed_up', 'archived') AND duplicate_of IS NULL`
  const events = await count(sql`SELECT count(*)::int AS n FROM events`)
  const openEvents = await count(sql`SELECT count(*)::int AS n FROM events WHERE ${open}`)
  const backlog = await count(sql`SELECT count(*)::int AS n FROM events WHERE ${open} AND due_at < now()
    AND (overdue_at IS NULL OR overdue_at < coalesce(clock_since, '-infinity'::timestamptz))`)
  log(`${events} events, ${openEvents} open, ${backlog} overdue not yet marked`)
  const bus = new LiveBus()
  const runs: { ms: number; warned: number; overdue: number }[] = []
  const maxRuns = Math.max(1, Number(values.runs))
  // The backlog first (each run marks up to 2,000), then `runs` steady runs.
  let steady = 0
  while (steady < maxRuns && runs.length < 200) {
    const deps = await loopDeps.get(d, null)
    const t0 = performance.now()
    const r = await runWatch(d, deps, { bus, sms: null })
    const ms = performance.now() - t0
    runs.push({ ms: Math.round(ms), warned: r.warned.length, overdue: r.overdue.length })
    log(`run ${runs.length}: ${ms.toFixed(0)} ms, ${r.warned.length} warned, ${r.overdue.length} overdue`)
    if (!r.warned.length && !r.overdue.length) steady++
  }
  const steadyMs = runs
    .filter((r) => !r.warned && !r.overdue)
    .map((r) => r.ms)
    .sort((a, b) => a - b)
  const out = {
    at: new Date().toISOString(),
    cores: cpus().length,
    events,
    open_events: openEvents,
    backlog_overdue: backlog,
    runs,
    backlog_runs: runs.length - steadyMs.length,
    steady_ms_p50: steadyMs[Math.floor(steadyMs.length / 2)] ?? null,
    steady_ms_max: steadyMs[steadyMs.length - 1] ?? null,
  }
  log(
    `backlog of ${backlog} worked off in ${out.backlog_runs} runs; steady run p50 ${out.steady_ms_p50} ms, max ${out.steady_ms_max} ms`,
  )
  if (values.out) {
    mkdirSync(dirname(values.out), { recursive: true })
    writeFileSync(values.out, `${JSON.stringify(out, null, 2)}\n`)
    log(`wrote ${values.out}`)
  }
  await d.close()
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
