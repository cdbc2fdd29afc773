import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { basemapFromEnv, basemapOrigins } from './basemap.ts'

/**
 * HTTP hardening: security headers on every response, rate limits on sign-in and expensive
 * routes, and a body-size guard that also covers the streams the tRPC adapter reads itself.
 * Call right after creating the Fastify instance (before routes), or at the end of createServer
 * before `ready()`; either way the hooks are global.
 */

/** The Content-Security-Policy: no inline scripts or styles, nothing from other origins. */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
} as const

export const CSP =
  "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"

/**
 * The directives with a configured remote base map's origins (XYZ, 天地图, a vector style) allowed
 * for images and fetches, and nothing else: without one they are CSP_DIRECTIVES.
 */
export function cspDirectives(basemap: readonly string[]): Record<string, readonly string[]> {
  if (!basemap.length) return CSP_DIRECTIVES
  return {
    ...CSP_DIRECTIVES,
    imgSrc: [...CSP_DIRECTIVES.imgSrc, ...basemap],
    connectSrc: [...CSP_DIRECTIVES.connectSrc, ...basemap],
  }
}

export interface RateRule {
  /** For logs and the 429 body. */
  name: string
  /** Does this request count against the rule? */
  match: (req: FastifyRequest) => boolean
  /** Requests per window and per client address. */
  max: number
  /** Window in milliseconds. */
  windowMs: number
}

export interface HardeningOptions {
  production: boolean
  /** Rate rules; defaults to DEFAULT_RATE_RULES. */
  rateRules?: RateRule[]
  /** Largest accepted request body in bytes (the app's bodyLimit); default 1 MiB. */
  bodyLimit?: number
  /** Origins of a remote base map for the CSP; default: from the base-map variables (basemap.ts). */
  basemapOrigins?: readonly string[]
}

/** The tRPC procedures a request calls: '/trpc/a.b,c.d?batch=1' → ['a.b', 'c.d']. */
export function trpcProcedures(url: string): string[] {
  if (!url.startsWith('/trpc/')) return []
  const path = url.slice('/trpc/'.length).split('?')[0] ?? ''
  let decoded = path
  try {
    decoded = decodeURIComponent(path)
  } catch {
    // keep the raw path; a malformed escape cannot name a procedure anyway
  }
  return decoded.split(',').filter(Boolean)
}

const pathOf = (req: FastifyRequest) => req.url.split('?')[0] ?? ''

export const DEFAULT_RATE_RULES: RateRule[] = [
  {
    name: 'sign-in',
    match: (req) => trpcProcedures(req.url).includes('auth.signIn'),
    max: 10,
    windowMs: 60_000,
  },
  { name: 'tiles', match: (req) => pathOf(req).startsWith('/tiles/'), max: 600, windowMs: 60_000 },
  {
    name: 'exports',
    match: (req) =>
      pathOf(req).startsWith('/exports/') || trpcProcedures(req.url).some((p) => p.startsWith('export.')),
    max: 30,
    windowMs: 60_000,
  },
]

function tooMany(rule: RateRule, retryAfter: number) {
  return {
    error: 'rate_limited',
    rule: rule.name,
    retryAfter,
    message: `请求过于频繁，请 ${retryAfter} 秒后再试 / Too many requests; try again in ${retryAfter} s`,
  }
}

/** A NUL character, raw or as a JSON escape that is not itself escaped (`\\u0000` is fine). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: a raw NUL is one of the two forms refused
const NUL = /\u0000|(?:^|[^\\])(?:\\\\)*\\u0000/

/** Does this tRPC input (URL `input` parameter or body text) carry a NUL character? */
export function hasNul(text: unknown): boolean {
  return typeof text === 'string' && NUL.test(text)
}

const GENERIC_INTERNAL = '服务器内部错误 / Internal server error'

/**
 * Replace the message of every INTERNAL_SERVER_ERROR in a tRPC response: for unexpected errors
 * tRPC passes the original message on, and a database error's message holds the SQL text.
 */
export function scrubTrpcInternal(body: string): string {
  if (!body.includes('INTERNAL_SERVER_ERROR')) return body
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return JSON.stringify({ error: 'internal', message: GENERIC_INTERNAL })
  }
  const visit = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(visit)
    if (!v || typeof v !== 'object') return
    const o = v as Record<string, unknown>
    const data = o.data as Record<string, unknown> | undefined
    if (typeof o.message === 'string' && data && data.code === 'INTERNAL_SERVER_ERROR') {
      o.message = GENERIC_INTERNAL
      delete data.stack
      delete data.cause
    }
    for (const x of Object.values(o)) visit(x)
  }
  visit(parsed)
  return JSON.stringify(parsed)
}

export async function registerHardening(app: FastifyInstance, opts: HardeningOptions): Promise<void> {
  const bodyLimit = opts.bodyLimit ?? 1_048_576

  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: cspDirectives(opts.basemapOrigins ?? basemapOrigins(basemapFromEnv().config)),
    },
    // HSTS is set below, and only for production over https.
    hsts: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    xContentTypeOptions: true,
  })

  // Rate limits: in-memory per process, keyed by client address. Behind a reverse proxy set
  // Fastify's trustProxy so that req.ip is the client, not the proxy.
  await app.register(rateLimit, { global: false })
  const limiters = (opts.rateRules ?? DEFAULT_RATE_RULES).map((rule) => ({
    rule,
    check: app.createRateLimit({
      max: rule.max,
      timeWindow: rule.windowMs,
      keyGenerator: (req) => `${rule.name}:${req.ip}`,
    }),
  }))

  // A route that declares a bodyLimit of its own (photo uploads, server/http/attachments.ts) is
  // held to it; every other route to the app's.
  const limitOf = (req: FastifyRequest) => {
    const own = req.routeOptions.bodyLimit
    return own && own !== app.initialConfig.bodyLimit ? own : bodyLimit
  }

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    // The tRPC adapter reads multipart bodies itself, without Fastify's bodyLimit: check the
    // declared length here for every request, and refuse unbounded multipart uploads.
    const len = Number(req.headers['content-length'])
    const limit = limitOf(req)
    if (Number.isFinite(len) && len > limit) return reply.code(413).send(tooLarge(limit))
    const type = String(req.headers['content-type'] ?? '')
    if (
      req.url.startsWith('/trpc') &&
      type.startsWith('multipart/') &&
      req.headers['content-length'] === undefined
    ) {
      return reply.code(411).send({
        error: 'length_required',
        message: '上传须注明长度 / uploads must send a Content-Length',
      })
    }
    // PostgreSQL text cannot hold NUL: refuse it up front instead of failing in the query.
    if (req.url.startsWith('/trpc') && hasNul(safeDecode(req.url.split('?')[1] ?? '')))
      return reply.code(400).send(nulError)
    for (const { rule, check } of limiters) {
      if (!rule.match(req)) continue
      const r = await check(req)
      if (!r.isAllowed && r.isExceeded) {
        return reply
          .code(429)
          .header('retry-after', String(r.ttlInSeconds))
          .send(tooMany(rule, r.ttlInSeconds))
      }
    }
  })

  app.addHook('preHandler', async (req, reply) => {
    if (req.url.startsWith('/trpc') && hasNul(req.body)) return reply.code(400).send(nulError)
  })

  const development = process.env.NODE_ENV === 'development'
  app.addHook('onSend', async (req, reply, payload) => {
    if (opts.production && req.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains')
    reply.header('permissions-policy', 'camera=(), microphone=(), payment=(), usb=(), geolocation=(self)')
    // API answers carry personal data: never kept by shared caches or the browser's disk cache.
    if (req.url.startsWith('/trpc') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store')
    // Oversized bodies: Fastify answers 413 with an English message; say it in both languages.
    if (reply.statusCode === 413) {
      reply.header('content-type', 'application/json; charset=utf-8')
      return JSON.stringify(tooLarge(limitOf(req)))
    }
    // tRPC passes unexpected errors' messages (SQL text) on: replace them outside development.
    // tRPC hands Fastify a fetch Response; only whole JSON answers with an error status are
    // read (5xx, or 207 for a batch with mixed results); streamed (jsonl) answers are left alone.
    if (!development && req.url.startsWith('/trpc')) {
      if (payload instanceof Response) {
        const type = payload.headers.get('content-type') ?? ''
        if ((payload.status >= 500 || payload.status === 207) && type.includes('application/json')) {
          const headers = new Headers(payload.headers)
          headers.delete('content-length')
          const text = scrubTrpcInternal(await payload.text())
          return new Response(text, { status: payload.status, statusText: payload.statusText, headers })
        }
      } else if (typeof payload === 'string' && reply.statusCode >= 500) return scrubTrpcInternal(payload)
    }
    return payload
  })
}

const nulError = {
  error: 'bad_request',
  message: '输入含有空字符 (NUL) / the input contains a NUL character',
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

function tooLarge(limit: number) {
  const mib = Math.round((limit / 1_048_576) * 10) / 10
  return {
    error: 'too_large',
    message: `请求内容过大（上限 ${mib} MiB）/ Request body too large (limit ${mib} MiB)`,
  }
}
