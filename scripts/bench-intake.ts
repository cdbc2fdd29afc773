import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { hasCity, seedCity } from '../db/seed/index.ts'
import { createServer } from '../server/app.ts'
import { appendAudit } from '../server/audit/audit.ts'
import { createToken, revokeToken } from '../server/auth/admin.ts'
import { parseEnv } from '../server/env.ts'
import { liveBus } from '../server/loop/live.ts'
import { createPiiCipher, loadMasterKey } from '../server/security/pii.ts'
import { progressBar, redact } from '../server/start.ts'

/**
 * npm run bench:intake -- [--out FILE.json] [--duration 20] [--connections 20] [--live 200]
 * Open311 intake at city scale on the real PostGIS of DATABASE_URL (seeds the `city` scale first
 * when there is none): sustained POST /open311/v2/requests.json through the real server over
 * loopback (autocannon in a process of its own; every request a new location in the city and a
 * level-3 service), then the delay from sending a request to a live client (events.live over
 * SSE) receiving its intake message, for `--live` requests sent one after another.
 * JSON: intake_rps, intake_p99_ms, live_p95_ms (targets: ≥ 200 requests/s, p99 < 200 ms, p95 < 1 s).
 */
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '20' },
    live: { type: 'string', default: '200' },
  },
})
const log = (s: string) => process.stdout.write(`${s}\n`)
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0
}

async function main() {
  const url = process.env.DATABASE_URL
  if (!url?.startsWith('postgres')) {
    process.stderr.write('bench:intake runs on a real PostGIS: set DATABASE_URL=postgres://…\n')
    process.exit(2)
  }
  const d = await openDatabase({ databaseUrl: url })
  const cipher = createPiiCipher(loadMasterKey(join(parseEnv().dataDir, 'pii.key')))
  log(`database ${redact(url)}: migrating …`)
  await migrate(d)
  if (!(await hasCity(d))) {
    log('WARNING: no city in this database: seeding the city scale first (about 30 minutes) …')
    await seedCity(d, {
      scale: 'city',
      seed: 20260101,
      cipher,
      onProgress: progressBar({ status: 'seeding' }),
    })
  }
  const audit = async (e: Parameters<typeof appendAudit>[1]) => {
    await appendAudit(d, e)
  }
  const tokenName = `bench-intake-${Date.now().toString(36)}`
  const { token } = await createToken(
    d,
    { name: tokenName, role: 'dispatcher', areaCode: null, createdBy: { name: 'bench:intake' } },
    audit,
  )
  const app = await createServer({
    db: () => d,
    state: () => ({ status: 'ready' }),
    rateRules: [],
    pii: cipher,
  })
  // As in `npm start`: every published message is also relayed to other processes (NOTIFY).
  const stopRelay = await liveBus.relayThrough(d)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`

  // Locations: points on the leaf grids (so each lands in a grid and routes), services: leaf categories.
  const points = await d.rows<{ x: number; y: number }>(sql`
    SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (
      SELECT ST_PointOnSurface(geom) AS p FROM grids WHERE level = 5 ORDER BY random() LIMIT 2000) s`)
  const services = await d.rows<{ code: string }>(
    sql`SELECT code FROM categories WHERE level = 3 ORDER BY code`,
  )
  const [before] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`)
  log(`${points.length} locations, ${services.length} services, ${before?.n} events before`)

  // 1. Sustained intake.
  const ac = await autocannon({
    url: `${base}/open311/v2/requests.json`,
    connections: Number(values.connections),
    duration: Number(values.duration),
    apiKey: token,
    points: points.map((p) => [Number(p.x), Number(p.y)]),
    services: services.map((s) => s.code),
  })
  log(
    `intake: ${ac.rps.toFixed(1)} requests/s, p50 ${ac.p50} ms, p99 ${ac.p99} ms, ${ac.total} requests, ${ac.errors} errors or non-2xx`,
  )

  // 2. Live delay: one SSE client of the whole city; requests one after another.
  const delays: number[] = []
  const waiting = new Map<number, number>()
  const pending = new Map<string, number>()
  const abort = new AbortController()
  const res = await fetch(`${base}/trpc/events.live`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  })
  if (!res.ok || !res.body) throw new Error(`events.live: HTTP ${res.status}`)
  let ready!: () => void
  const started = new Promise<void>((r) => {
    ready = r
  })
  const reader = (async () => {
    const dec = new TextDecoder()
    let buf = ''
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += dec.decode(chunk, { stream: true })
        let i = buf.indexOf('\n\n')
        while (i >= 0) {
          const block = buf.slice(0, i)
          buf = buf.slice(i + 2)
          i = buf.indexOf('\n\n')
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('')
          if (!data) continue
          const got = performance.now()
          type Msg = { kind?: string; eventId?: number }
          let m: Msg | null = null
          try {
            const v = JSON.parse(data) as Record<string, unknown>
            m = (v.data ?? v) as Msg
          } catch {
            continue
          }
          if (m?.kind === 'hello') ready()
          if (m?.kind === 'intake' && typeof m.eventId === 'number') {
            const t0 = waiting.get(m.eventId)
            if (t0 !== undefined) {
              delays.push(got - t0)
              waiting.delete(m.eventId)
            } else pending.set(String(m.eventId), got)
          }
        }
      }
    } catch {
      // aborted at the end
    }
  })()
  await started
  const n = Number(values.live)
  for (let i = 0; i < n; i++) {
    const p = points[i % points.length]!
    const t0 = performance.now()
    const body = new URLSearchParams({
      api_key: token,
      service_code: services[i % services.length]!.code,
      lat: String(p.y),
      long: String(p.x),
      description: `live bench ${i}`,
    })
    const r = await fetch(`${base}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    })
    const out = (await r.json()) as { service_request_id?: string }[]
    const id = Number(out[0]?.service_request_id)
    const early = pending.get(String(id))
    if (early !== undefined) {
      delays.push(early - t0)
      pending.delete(String(id))
    } else waiting.set(id, t0)
    await new Promise((r) => setTimeout(r, 20))
  }
  await new Promise((r) => setTimeout(r, 2000))
  abort.abort()
  await reader
  const lost = waiting.size
  log(
    `live: ${delays.length} of ${n} received, p50 ${pct(delays, 50).toFixed(1)} ms, p95 ${pct(delays, 95).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms, ${lost} never arrived`,
  )

  const [after] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`)
  const [pgv] = await d.rows<{ v: string }>(sql`SELECT version() AS v`)
  const result = {
    intake_rps: Math.round(ac.rps * 10) / 10,
    intake_p50_ms: ac.p50,
    intake_p99_ms: ac.p99,
    intake_requests: ac.total,
    intake_errors: ac.errors,
    live_p50_ms: Math.round(pct(delays, 50) * 10) / 10,
    live_p95_ms: Math.round(pct(delays, 95) * 10) / 10,
    live_received: delays.length,
    live_sent: n,
    events_before: Number(before?.n),
    events_after: Number(after?.n),
    load: { connections: Number(values.connections), duration_s: Number(values.duration) },
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memory_gb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: pgv?.v.split(' on ')[0],
    },
    at: new Date().toISOString(),
  }
  if (values.out) {
    mkdirSync(dirname(values.out), { recursive: true })
    writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`)
    log(`wrote ${values.out}`)
  }
  // The benchmark's requests stay (they are real events of the city now); remove them with
  // DELETE FROM events WHERE source = 'open311' AND body LIKE 'bench%' if wanted.
  await app.close()
  await stopRelay()
  await revokeToken(d, { name: tokenName }, { actor: { name: 'bench:intake' }, audit })
  await d.close()
}

/** autocannon in its own process; every request a new form body (location and service). */
async function autocannon(o: {
  url: string
  connections: number
  duration: number
  apiKey: string
  points: number[][]
  services: string[]
}) {
  const code = `
    const autocannon = require(process.env.AC_MODULE)
    const o = JSON.parse(process.env.AC_OPTS)
    let i = 0
    autocannon({
      url: o.url, connections: o.connections, duration: o.duration, method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      requests: [{ setupRequest: (req) => {
        const p = o.points[i % o.points.length]; const s = o.services[i % o.services.length]; i++
        const body = new URLSearchParams({ api_key: o.apiKey, service_code: s, lat: String(p[1]), long: String(p[0]),
          description: 'bench intake ' + i })
        return { ...req, body: body.toString() }
      } }],
    }, (err, r) => {
      if (err) { console.error(String(err)); process.exit(1) }
      console.log(JSON.stringify({ rps: r.requests.total / r.duration, p50: r.latency.p50, p99: r.latency.p99,
        errors: r.errors + r.non2xx, total: r.requests.total }))
    })`
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', code],
      {
        env: {
          ...process.env,
          AC_MODULE: join(process.cwd(), 'node_modules/autocannon'),
          AC_OPTS: JSON.stringify(o),
        },
        maxBuffer: 16 * 2 ** 20,
      },
      (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout: out })),
    )
  })
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    rps: number
    p50: number
    p99: number
    errors: number
    total: number
  }
}

main().catch((e) => {
  process.stderr.write(`bench:intake failed: ${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
