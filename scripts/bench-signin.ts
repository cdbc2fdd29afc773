import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { createScratchDatabase } from '../db/scratch.ts'
import { createServer } from '../server/app.ts'
import { appendAudit } from '../server/audit/audit.ts'
import { createUser } from '../server/auth/admin.ts'
import { scryptHasher } from '../server/auth/password.ts'

/**
 * npm run bench:signin -- [--users 24] [--out FILE.json]
 * Sign-in throughput through the whole stack: a listening server (Fastify + tRPC), the throttle,
 * scrypt, the session insert and the hash-chained audit record, on PGlite (or, with DATABASE_URL,
 * in a scratch database on that server).
 * The per-address rate limit is switched off for the run (all requests come from 127.0.0.1);
 * each user signs in once per round, so the per-user throttle never refuses.
 */
const { values } = parseArgs({
  options: { users: { type: 'string', default: '24' }, out: { type: 'string' } },
})
const USERS = Number(values.users)

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}

async function main() {
  // On PostgreSQL in a scratch database of its own, dropped afterwards.
  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : null
  const d = await openDatabase({ databaseUrl: scratch?.url, dataDir: 'memory://' })
  await migrate(d)
  const audit = async (e: Parameters<typeof appendAudit>[1]) => {
    await appendAudit(d, e)
  }
  const run = `b${Date.now().toString(36)}`
  const users: { username: string; password: string }[] = []
  for (let i = 0; i < USERS; i++) {
    const { password } = await createUser(
      d,
      { username: `${run}-${i}`, roles: ['dispatcher'], areaCode: null },
      { actor: { name: 'bench' }, audit },
    )
    users.push({ username: `${run}-${i}`, password })
  }
  const app = await createServer({ db: () => d, state: () => ({ status: 'ready' }), rateRules: [] })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/trpc/auth.signIn`

  const signInOnce = async (u: { username: string; password: string }) => {
    const t0 = performance.now()
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(u),
    })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`)
    return performance.now() - t0
  }

  // scrypt alone, for reference: the floor of one sign-in.
  const hashMs: number[] = []
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now()
    await scryptHasher.hash('bench-password')
    hashMs.push(performance.now() - t0)
  }

  const rounds: Record<string, unknown>[] = []
  for (const concurrency of [1, 2, 4, 8]) {
    const lat: number[] = []
    const queue = [...users]
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let u = queue.shift(); u; u = queue.shift()) lat.push(await signInOnce(u))
      }),
    )
    const secs = (performance.now() - t0) / 1000
    const r = {
      concurrency,
      signins: lat.length,
      per_second: Math.round((lat.length / secs) * 10) / 10,
      p50_ms: Math.round(pct(lat, 50)),
      p95_ms: Math.round(pct(lat, 95)),
    }
    rounds.push(r)
    process.stdout.write(
      `concurrency ${concurrency}: ${r.per_second} sign-ins/s, p50 ${r.p50_ms} ms, p95 ${r.p95_ms} ms (${r.signins})\n`,
    )
  }
  const out = {
    backend: d.kind,
    cores: cpus().length,
    scrypt_ms_p50: Math.round(pct(hashMs, 50)),
    rounds,
    at: new Date().toISOString(),
  }
  process.stdout.write(
    `scrypt alone: p50 ${out.scrypt_ms_p50} ms; backend ${out.backend}, ${out.cores} cores\n`,
  )
  if (values.out) {
    mkdirSync(dirname(values.out), { recursive: true })
    writeFileSync(values.out, `${JSON.stringify(out, null, 2)}\n`)
  }
  await app.close()
  await d.close()
  await scratch?.drop()
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
