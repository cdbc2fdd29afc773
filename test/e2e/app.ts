import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The app as the README starts it (`npm start`), in a fresh data folder on a free port, for the
 * browser tests. The first start migrates and seeds a demo city on PGlite, so readiness is polled
 * on GET /healthz (up to 5 minutes by default) and its progress printed.
 */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const RESULTS_DIR = join(ROOT, 'test-results')

/** The JSON of GET /healthz once the app is ready. */
export interface Health {
  ok: boolean
  db: { kind: 'pglite' | 'postgres'; postgis: string }
  counts: { grids: number; people: number; places: number; things: number; events: number; orgs: number }
}

export interface RunningApp {
  url: string
  port: number
  dataDir: string
  /** The seed scale asked for with YIWANG_E2E_SCALE, or 'demo' (the app's default) when unset. */
  scale: string
  /** Milliseconds from spawn to the first healthz with ok: true. */
  readyMs: number
  health: Health
  logFile: string
  /** The last lines the app printed, for failure messages. */
  tail(): string
  stop(): Promise<void>
}

export interface StartOptions {
  /** How long the first start may take (migrate + seed). Default 5 minutes. */
  readyTimeoutMs?: number
  log?: (line: string) => void
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => ok(port))
    })
  })
}

export async function startApp(opts: StartOptions = {}): Promise<RunningApp> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 5 * 60_000
  const log = opts.log ?? ((line: string) => process.stderr.write(`[e2e app] ${line}\n`))
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'yiwang-e2e-data-'))
  const url = `http://127.0.0.1:${port}`
  const scale = process.env.YIWANG_E2E_SCALE || 'demo'

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    YIWANG_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
  }
  // The e2e app runs on its embedded PGlite: CI sets DATABASE_URL for the PostGIS suite, and that
  // database must not be migrated or seeded by the app.
  delete env.DATABASE_URL
  delete env.YIWANG_SEED_SCALE
  if (process.env.YIWANG_E2E_SCALE) env.YIWANG_SEED_SCALE = process.env.YIWANG_E2E_SCALE
  // Vitest marks its workers; the app should behave as it does for a person running `npm start`.
  delete env.VITEST
  delete env.VITEST_WORKER_ID
  delete env.VITEST_POOL_ID
  delete env.NODE_ENV

  mkdirSync(RESULTS_DIR, { recursive: true })
  const logFile = join(RESULTS_DIR, `app-${port}.log`)
  const logStream = createWriteStream(logFile)
  const lines: string[] = []
  const keep = (chunk: Buffer) => {
    logStream.write(chunk)
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(l)
    if (lines.length > 200) lines.splice(0, lines.length - 200)
  }
  const tail = () => lines.slice(-40).join('\n')

  const started = Date.now()
  log(`npm start on ${url}, data in ${dataDir}, scale ${scale}; output in ${logFile}`)
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined
  const exit = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal }
      done()
    }),
  )
  // If the test process dies without stopping the app, take the app down with it.
  const killOnExit = () => killGroup(child, 'SIGKILL')
  process.once('exit', killOnExit)

  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    process.removeListener('exit', killOnExit)
    if (!exited) {
      killGroup(child, 'SIGTERM')
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000)
      await exit
      clearTimeout(timer)
    }
    // npm may exit before its children: make sure nothing of the group is left.
    killGroup(child, 'SIGKILL')
    await new Promise<void>((done) => logStream.end(done))
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 })
  }

  try {
    const health = await waitForHealth(url, {
      timeoutMs: readyTimeoutMs,
      log,
      started,
      hasExited: () => exited,
    })
    const readyMs = Date.now() - started
    log(`ready after ${(readyMs / 1000).toFixed(1)} s: ${JSON.stringify(health)}`)
    return { url, port, dataDir, scale, readyMs, health, logFile, tail, stop }
  } catch (e) {
    await stop()
    throw new Error(`${(e as Error).message}\n--- last lines of npm start (${logFile}) ---\n${tail()}`)
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

async function waitForHealth(
  url: string,
  o: {
    timeoutMs: number
    log: (line: string) => void
    started: number
    hasExited: () => { code: number | null; signal: NodeJS.Signals | null } | undefined
  },
): Promise<Health> {
  const deadline = o.started + o.timeoutMs
  let last = ''
  let printed = ''
  let lastPrinted = 0
  while (Date.now() < deadline) {
    const gone = o.hasExited()
    if (gone)
      throw new Error(`npm start exited (code ${gone.code}, signal ${gone.signal}) before it was ready`)
    let said: string
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) })
      const text = await res.text()
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        body = undefined
      }
      if (res.ok && isReady(body)) return body
      said = `HTTP ${res.status} ${text.slice(0, 300)}`
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } }
      said = err.cause?.code ?? err.name ?? 'no answer'
    }
    const secs = ((Date.now() - o.started) / 1000).toFixed(0)
    // Print changes of state (seed progress) at most every 5 s, and a heartbeat every 30 s.
    const since = Date.now() - lastPrinted
    last = said
    if ((said !== printed && since >= 5_000) || since >= 30_000) {
      o.log(`${secs} s: /healthz → ${said}`)
      printed = said
      lastPrinted = Date.now()
    }
    await new Promise((r) => setTimeout(r, 1000))
  }
  throw new Error(
    `the app did not answer GET /healthz with ok: true within ${o.timeoutMs / 1000} s (last: ${last})`,
  )
}

function isReady(body: unknown): body is Health {
  return typeof body === 'object' && body !== null && (body as { ok?: unknown }).ok === true
}

/** One line of the demo-accounts file the app writes into its data folder on first start. */
export interface DemoLogin {
  username: string
  password: string
  role: string
}

/** The demo account of a role, read from `<data dir>/demo-accounts.txt` as a new user would. */
export function demoLogin(app: RunningApp, role: string): DemoLogin {
  const text = readFileSync(join(app.dataDir, 'demo-accounts.txt'), 'utf8')
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue
    const [username, password, r] = line.trim().split(/\s+/)
    if (r === role && username && password) return { username, password, role }
  }
  throw new Error(`no demo account for role ${role} in ${app.dataDir}/demo-accounts.txt`)
}
