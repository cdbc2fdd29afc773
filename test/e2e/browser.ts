import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { inject } from 'vitest'

/**
 * Debian's Chromium driven by playwright-core: headless, WebGL2 through SwiftShader, a fresh
 * profile. Records console errors, page errors and every request, flagging any that would leave
 * the machine (the app must work offline: no CDN, fonts, glyphs or styles from elsewhere).
 */

export const CHROMIUM_ARGS = [
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

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])
/** Schemes that never touch the network. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:', 'chrome-error:', 'chrome-extension:'])

export interface BrowserSession {
  context: BrowserContext
  /** What the spec is doing now; errors and requests are labelled with it. */
  step: string
  /** `console.error` messages and uncaught page errors, in order. */
  errors: string[]
  /** Every URL the pages asked for (requests and web sockets). */
  requests: string[]
  /** The requests whose host is not this machine. */
  external(): string[]
  newPage(viewport: { width: number; height: number }): Promise<Page>
  close(): Promise<void>
}

export function isLocalUrl(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (LOCAL_SCHEMES.has(u.protocol)) return true
  return LOCAL_HOSTS.has(u.hostname)
}

export async function launchBrowser(): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'yiwang-e2e-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: inject('parts').chromium.path,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1600, height: 1000 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    timeout: 60_000,
  })
  const errors: string[] = []
  const requests: string[] = []
  const session: BrowserSession = {
    context,
    step: 'start',
    errors,
    requests,
    external: () => [...new Set(requests.filter((u) => !isLocalUrl(u)))],
    async newPage(viewport) {
      // The persistent context opens with one blank page: use it first.
      const blank = context.pages().find((p) => p.url() === 'about:blank')
      const page = blank ?? (await context.newPage())
      await page.setViewportSize(viewport)
      return page
    },
    async close() {
      await context.close().catch(() => {})
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 })
    },
  }
  const watch = (page: Page) => {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return
      const loc = msg.location()
      errors.push(
        `[${session.step}] console.error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`,
      )
    })
    page.on('pageerror', (err) => errors.push(`[${session.step}] page error: ${err.stack ?? err.message}`))
    page.on('websocket', (ws) => requests.push(ws.url()))
  }
  context.on('page', watch)
  for (const p of context.pages()) watch(p)
  context.on('request', (req) => requests.push(req.url()))
  return session
}

// ---- pixels ----------------------------------------------------------------------------------

export interface Rgba {
  width: number
  height: number
  /** 4 bytes a pixel, row by row. */
  data: Uint8Array
}

/**
 * Decode the PNGs Chromium writes (8 bits a channel, grey/RGB/RGBA, not interlaced) — enough for
 * screenshots without a dependency.
 */
export function decodePng(png: Uint8Array): Rgba {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG')
  let width = 0
  let height = 0
  let colorType = 0
  const idat: Buffer[] = []
  for (let off = 8; off < buf.length; ) {
    const len = buf.readUInt32BE(off)
    const type = buf.toString('latin1', off + 4, off + 8)
    const body = buf.subarray(off + 8, off + 8 + len)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      const depth = body[8]
      colorType = body[9] ?? 0
      const interlace = body[12]
      if (depth !== 8 || interlace !== 0 || ![0, 2, 4, 6].includes(colorType)) {
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}, interlace ${interlace}`)
      }
    } else if (type === 'IDAT') idat.push(body)
    else if (type === 'IEND') break
    off += 12 + len
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType] ?? 4
  const stride = width * channels
  const raw = inflateSync(Buffer.concat(idat))
  const rows = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const src = y * (stride + 1) + 1
    const dst = y * stride
    for (let x = 0; x < stride; x++) {
      const cur = raw[src + x] ?? 0
      const a = x >= channels ? (rows[dst + x - channels] ?? 0) : 0
      const b = y > 0 ? (rows[dst - stride + x] ?? 0) : 0
      const c = y > 0 && x >= channels ? (rows[dst - stride + x - channels] ?? 0) : 0
      let v: number
      switch (filter) {
        case 0:
          v = cur
          break
        case 1:
          v = cur + a
          break
        case 2:
          v = cur + b
          break
        case 3:
          v = cur + ((a + b) >> 1)
          break
        case 4: {
          const p = a + b - c
          const pa = Math.abs(p - a)
          const pb = Math.abs(p - b)
          const pc = Math.abs(p - c)
          v = cur + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
          break
        }
        default:
          throw new Error(`bad PNG filter ${filter} in row ${y}`)
      }
      rows[dst + x] = v & 0xff
    }
  }
  const data = new Uint8Array(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    const s = i * channels
    const grey = channels <= 2
    data[i * 4] = rows[s] ?? 0
    data[i * 4 + 1] = rows[grey ? s : s + 1] ?? 0
    data[i * 4 + 2] = rows[grey ? s : s + 2] ?? 0
    data[i * 4 + 3] = channels === 4 ? (rows[s + 3] ?? 255) : channels === 2 ? (rows[s + 1] ?? 255) : 255
  }
  return { width, height, data }
}

export interface PixelStats {
  width: number
  height: number
  /** Distinct colours (RGB). */
  colours: number
  /** The most common colour, taken as the background. */
  background: string
  /** Share (0..1) of pixels that differ clearly from the background. */
  nonBackground: number
}

export function pixelStats(img: Rgba): PixelStats {
  const counts = new Map<number, number>()
  const n = img.width * img.height
  for (let i = 0; i < n; i++) {
    const key =
      ((img.data[i * 4] ?? 0) << 16) | ((img.data[i * 4 + 1] ?? 0) << 8) | (img.data[i * 4 + 2] ?? 0)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  let bg = 0
  let bgCount = -1
  for (const [k, c] of counts) if (c > bgCount) [bg, bgCount] = [k, c]
  const [br, bgg, bb] = [(bg >> 16) & 255, (bg >> 8) & 255, bg & 255]
  let off = 0
  for (let i = 0; i < n; i++) {
    const d =
      Math.abs((img.data[i * 4] ?? 0) - br) +
      Math.abs((img.data[i * 4 + 1] ?? 0) - bgg) +
      Math.abs((img.data[i * 4 + 2] ?? 0) - bb)
    if (d > 24) off++
  }
  return {
    width: img.width,
    height: img.height,
    colours: counts.size,
    background: `#${bg.toString(16).padStart(6, '0')}`,
    nonBackground: n ? off / n : 0,
  }
}

/** Share (0..1) of pixels that differ clearly between two images of the same size. */
export function pixelDiff(a: Rgba, b: Rgba): number {
  if (a.width !== b.width || a.height !== b.height) return 1
  const n = a.width * a.height
  let diff = 0
  for (let i = 0; i < n; i++) {
    const d =
      Math.abs((a.data[i * 4] ?? 0) - (b.data[i * 4] ?? 0)) +
      Math.abs((a.data[i * 4 + 1] ?? 0) - (b.data[i * 4 + 1] ?? 0)) +
      Math.abs((a.data[i * 4 + 2] ?? 0) - (b.data[i * 4 + 2] ?? 0))
    if (d > 24) diff++
  }
  return n ? diff / n : 0
}
