import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { encodeEventPoints } from '../client/lib/points-binary.ts'

/**
 * npm run bench:map -- --url http://127.0.0.1:3000 --user NAME --password PASS [--out FILE.json]
 *   [--points 1000000] [--synthetic] [--runs 3] [--width 1600 --height 1000] [--pan-seconds 8] [--min-frames 30]
 *
 * The map in Debian's Chromium (headless, WebGL through SwiftShader, a fresh profile), against a
 * running app (`npm start`, with DATABASE_URL for the city-scale database):
 * 1. first full map: from opening the app (already signed in) until both renderers have drawn
 *    every visible tile and the camera is still (window.__yiwangMap.drawn(), client/map/map-probe.ts);
 * 2. frame times while panning with about `--points` events drawn in all-points mode: the events'
 *    time window is chosen so that GET /points/events.bin returns about that many; with
 *    `--synthetic` (or when the server has too few events) the points are generated here and
 *    answered in the endpoint's place, through the same client parser. The JSON says which.
 * SwiftShader renders on the CPU: frame times are far above a real GPU's; they compare runs.
 */
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.YIWANG_BENCH_URL ?? 'http://127.0.0.1:3000' },
    user: { type: 'string', default: process.env.YIWANG_BENCH_USER },
    password: { type: 'string', default: process.env.YIWANG_BENCH_PASSWORD },
    out: { type: 'string' },
    points: { type: 'string', default: '1000000' },
    synthetic: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    width: { type: 'string', default: '1600' },
    height: { type: 'string', default: '1000' },
    'pan-seconds': { type: 'string', default: '8' },
    /** At least this many frames while panning (each can take seconds under software WebGL). */
    'min-frames': { type: 'string', default: '30' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
})
const URL_ = (values.url ?? '').replace(/\/$/, '')
const WANT = Number(values.points)
const VIEWPORT = { width: Number(values.width), height: Number(values.height) }
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

// window.__yiwangMap: client/map/map-probe.ts

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d
const log = (s: string) => process.stderr.write(`[bench:map] ${s}\n`)

async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'yiwang-bench-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: values.chromium,
    args: ARGS,
    headless: true,
    viewport: VIEWPORT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    reducedMotion: 'reduce',
  })
  return {
    context,
    close: async () => {
      await context.close().catch(() => {})
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

async function signIn(page: Page) {
  await page.goto(`${URL_}/`, { waitUntil: 'load' })
  await page.getByTestId('signin').waitFor({ state: 'visible', timeout: 120_000 })
  await page.getByTestId('signin-username').fill(values.user ?? '')
  await page.getByTestId('signin-password').fill(values.password ?? '')
  await page.getByTestId('signin-submit').click()
  await page.getByTestId('map').waitFor({ state: 'visible', timeout: 60_000 })
}

// In-page scripts are plain text: tsx (esbuild keepNames) would wrap named functions in a helper
// that does not exist in the page.

/** Milliseconds from navigation start until the map is drawn and has stayed so for 500 ms. */
const WAIT_DRAWN = `new Promise((done, fail) => {
  let since = null
  const limit = performance.now() + 180000
  const check = () => {
    const now = performance.now()
    if (window.__yiwangMap && window.__yiwangMap.drawn()) {
      if (since === null) since = now
      if (now - since >= 500) return done(since)
    } else since = null
    if (now > limit) return fail(new Error('the map was not drawn within 180 s'))
    requestAnimationFrame(check)
  }
  check()
})`

async function timeToFullMap(page: Page, hash: string): Promise<number> {
  // A new document each time (a hash change alone would not reload the page).
  await page.goto('about:blank')
  await page.goto(`${URL_}/${hash}`, { waitUntil: 'commit' })
  return (await page.evaluate(WAIT_DRAWN)) as number
}

/** The time of the next few frames, the first after the camera moved once (uploads, first draw). */
async function warmFrames(page: Page, n: number): Promise<number[]> {
  return (await page.evaluate(`new Promise((done) => {
    const probe = window.__yiwangMap
    const out = []
    let last = performance.now()
    probe.jumpTo([122.001, 37.25])
    const step = () => {
      const now = performance.now()
      out.push(now - last)
      last = now
      if (out.length < ${n}) requestAnimationFrame(step)
      else done(out)
    }
    requestAnimationFrame(step)
  })`)) as number[]
}

/**
 * rAF deltas while the camera moves every frame by a small step (a slow figure of eight), for
 * `seconds` and at least `minFrames` frames.
 */
async function panFrames(page: Page, seconds: number, minFrames = 30): Promise<number[]> {
  return (await page.evaluate(`new Promise((done) => {
    const probe = window.__yiwangMap
    if (!probe) return done([])
    const deltas = []
    const start = performance.now()
    let last = start
    const step = () => {
      const now = performance.now()
      deltas.push(now - last)
      last = now
      const t = (now - start) / 1000
      probe.jumpTo([122.0 + 0.08 * Math.sin(t * 0.9), 37.25 + 0.05 * Math.sin(t * 1.8)])
      if (now - start < ${seconds * 1000} || deltas.length < ${minFrames + 2}) requestAnimationFrame(step)
      else done(deltas.slice(2))
    }
    requestAnimationFrame(step)
  })`)) as number[]
}

function syntheticPoints(n: number, bbox: [number, number, number, number]): Buffer {
  // Deterministic: clustered around a few centres, like a city's events.
  let seed = 20260101
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed / 0x7fffffff
  }
  const [w, s, e, north] = bbox
  const centres = Array.from({ length: 12 }, () => [w + rnd() * (e - w), s + rnd() * (north - s)] as const)
  const positions = new Float32Array(n * 2)
  const categories = new Uint8Array(n)
  const flags = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const [cx, cy] = centres[i % centres.length] ?? [w, s]
    const r = rnd() ** 2 * 0.15
    const a = rnd() * Math.PI * 2
    positions[i * 2] = cx + Math.cos(a) * r
    positions[i * 2 + 1] = cy + Math.sin(a) * r * 0.8
    categories[i] = Math.floor(rnd() * 15)
    flags[i] = (rnd() < 0.06 ? 1 : 0) | (rnd() < 0.3 ? 2 : 0)
  }
  return Buffer.from(encodeEventPoints({ positions, categories, flags }))
}

async function main() {
  if (!values.user || !values.password)
    throw new Error('--user and --password (or YIWANG_BENCH_USER/PASSWORD) are needed')
  const health = await (await fetch(`${URL_}/healthz`)).json()
  log(`app at ${URL_}: ${JSON.stringify(health)}`)
  const { context, close } = await launch()
  const errors: string[] = []
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await signIn(page)
    const renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2')
      const info = gl?.getExtension('WEBGL_debug_renderer_info')
      return info && gl ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown'
    })
    const browserVersion = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent))

    // 1. First full map: the default view (the whole area fitted), then a reload with its hash.
    const firstMap: number[] = []
    for (let i = 0; i < Number(values.runs); i++) {
      const ms = await timeToFullMap(page, '')
      firstMap.push(round(ms))
      log(`first full map, run ${i + 1}: ${round(ms)} ms`)
    }

    // 2. Points: a time window holding about WANT events (the server's), or synthetic ones.
    const meta = await page.evaluate(async () => {
      const res = await fetch('/trpc/map.meta')
      return (await res.json()) as {
        result?: { data?: { events?: { from: string | null; to: string | null } } }
      }
    })
    const extent = meta.result?.data?.events
    let source: 'server' | 'synthetic' = values.synthetic ? 'synthetic' : 'server'
    let query = ''
    let serverCount = 0
    let truncated = false
    if (source === 'server' && extent?.from && extent.to) {
      const last = new Date(extent.to)
      const first = new Date(extent.from)
      const totalDays = Math.max(1, Math.round((last.getTime() - first.getTime()) / 86_400_000))
      let days = totalDays
      for (let attempt = 0; attempt < 4; attempt++) {
        const from = new Date(last.getTime() - days * 86_400_000).toISOString().slice(0, 10)
        const to = new Date(last.getTime() + 86_400_000).toISOString().slice(0, 10)
        query = `from=${from}&to=${to}`
        const head = await page.evaluate(async (q) => {
          const res = await fetch(`/points/events.bin?${q}`)
          const buf = await res.arrayBuffer()
          return {
            count: new DataView(buf).getUint32(4, true),
            truncated: res.headers.get('x-points-truncated') === '1',
          }
        }, query)
        serverCount = head.count
        truncated = head.truncated
        log(`${days} days → ${serverCount} points${truncated ? ' (truncated)' : ''}`)
        if (serverCount >= WANT * 0.9 && serverCount <= WANT * 1.25) break
        if (serverCount === 0) break
        days = Math.max(1, Math.min(totalDays, Math.round((days * WANT) / serverCount)))
      }
      if (serverCount < WANT * 0.9) {
        log(`the server has ${serverCount} events in its area: using ${WANT} synthetic points instead`)
        source = 'synthetic'
      }
    } else source = 'synthetic'
    if (source === 'synthetic') {
      query = ''
      const body = syntheticPoints(WANT, [121.6, 36.85, 122.6, 37.55])
      await page.route('**/points/events.bin*', (route) =>
        route.fulfill({ status: 200, contentType: 'application/octet-stream', body }),
      )
    }
    const time = query ? `&time=${query.replace('from=', '').replace('&to=', '/')}` : ''
    const hash = `#map=9.6/37.25/122.0&layers=grids,events&events.points=1${time}`
    const t0 = Date.now()
    const pointsMapMs = await timeToFullMap(page, hash)
    const drawnPoints = await page
      .getByTestId('events-points-status')
      .getAttribute('data-count', { timeout: 120_000 })
      .then(Number)
    log(
      `points mode drawn after ${round(pointsMapMs)} ms (${Date.now() - t0} ms wall) with ${drawnPoints} points`,
    )
    const cdp = process.env.BENCH_PROFILE ? await context.newCDPSession(page) : null
    if (cdp) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.start')
    }
    const wall0 = Date.now()
    const warm = await warmFrames(page, 5)
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as {
        profile: {
          nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
          samples: number[]
          timeDeltas: number[]
        }
      }
      const byId = new Map(profile.nodes.map((n) => [n.id, n]))
      const self = new Map<string, number>()
      profile.samples.forEach((id, i) => {
        const f = byId.get(id)?.callFrame
        const k = `${f?.functionName || '(anon)'} ${f?.url.split('/').pop()}:${f?.lineNumber}`
        self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0))
      })
      log(
        [...self]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 12)
          .map(([k, v]) => `${Math.round(v / 1000)} ms ${k}`)
          .join('\n'),
      )
    }
    log(`warm-up took ${Date.now() - wall0} ms of wall time`)
    log(`first frames after a move: ${warm.map((v) => round(v)).join(', ')} ms`)
    const wall1 = Date.now()
    const frames = await panFrames(page, Number(values['pan-seconds']), Number(values['min-frames']))
    const panWallMs = Date.now() - wall1
    log(
      `${frames.length} frames while panning: p50 ${round(pct(frames, 50))} ms, p95 ${round(pct(frames, 95))} ms`,
    )
    const mean = frames.reduce((a, b) => a + b, 0) / Math.max(1, frames.length)
    const result = {
      date: new Date().toISOString(),
      app: { url: URL_, db: health.db, counts: health.counts },
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', browser: browserVersion, renderer },
      viewport: VIEWPORT,
      firstFullMap: {
        what: 'navigation start → map.loaded, all visible tiles of MapLibre and deck.gl loaded, camera still for 500 ms',
        runsMs: firstMap,
        medianMs: pct(firstMap, 50),
      },
      pan: {
        what: 'requestAnimationFrame deltas while the camera moves every frame, all points drawn',
        pointsSource: source,
        points: drawnPoints,
        serverCount: source === 'server' ? serverCount : null,
        truncated,
        filter: query || null,
        pointsModeFullMapMs: round(pointsMapMs),
        firstFramesAfterMoveMs: warm.map((v) => round(v)),
        frames: frames.length,
        panWallMs,
        seconds: Number(values['pan-seconds']),
        p50Ms: round(pct(frames, 50)),
        p95Ms: round(pct(frames, 95)),
        maxMs: round(Math.max(...frames, 0)),
        meanFps: round(1000 / mean),
      },
      errors,
      note: 'SwiftShader renders WebGL on the CPU (2 cores here): frame times are those of software rendering, far above a GPU wall display.',
    }
    const json = JSON.stringify(result, null, 2)
    if (values.out) {
      mkdirSync(dirname(values.out), { recursive: true })
      writeFileSync(values.out, `${json}\n`)
      log(`wrote ${values.out}`)
    }
    process.stdout.write(`${json}\n`)
  } finally {
    await close()
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
