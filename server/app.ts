import { existsSync } from 'node:fs'
import fastifyStatic from '@fastify/static'
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { type Database, postgisVersion } from '../db/client.ts'
import { elementCounts } from '../db/queries/health.queries.ts'
import { appendAudit } from './audit/audit.ts'
import { registerAuth } from './auth/http.ts'
import { createContext } from './context.ts'
import { registerAttachments } from './http/attachments.ts'
import { registerBasemap } from './http/basemap.ts'
import { registerExports } from './http/exports.ts'
import { type RateRule, registerHardening } from './http/hardening.ts'
import { registerOpen311 } from './http/open311.ts'
import { registerPoints } from './http/points.ts'
import { appRouter } from './routers/index.ts'
import type { PiiCipher } from './security/pii.ts'
import { registerTiles } from './tiles/tile-route.ts'

/** What the server is doing; /healthz reports it and the client shows it while starting. */
export interface StartState {
  status: 'starting' | 'migrating' | 'seeding' | 'ready' | 'failed'
  progress?: { stage: string; done: number; total: number }
  error?: string
}

export interface ServerDeps {
  /** The database once it is migrated and seeded; null before. */
  db: () => Database | null
  state: () => StartState
  /** Built client (index.html and assets), served at /. */
  clientDir?: string
  logger?: boolean
  /** Mark the session cookie Secure (when served over HTTPS). */
  secureCookies?: boolean
  /** Personal-data encryption with the master key (people.unmask, ID-number search, exports). */
  pii?: PiiCipher
  /** Fastify's trustProxy: behind a TLS-terminating reverse proxy (YIWANG_TRUST_PROXY). */
  trustProxy?: boolean | string
  /** Rate rules instead of the defaults (benchmarks that must not be limited). */
  rateRules?: RateRule[]
}

/** createServer(): tRPC at /trpc beside the plain routes (tiles, health, the client). */
export async function createServer(deps: ServerDeps): Promise<FastifyInstance> {
  const bodyLimit = 1_048_576
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit,
    trustProxy: deps.trustProxy ?? false,
    // tRPC batches name every procedure in the path ('/trpc/a.b,c.d'); Fastify's default of 100
    // characters would refuse a batch of more than a few calls with 414.
    routerOptions: { maxParamLength: 4000 },
  })
  // Security headers, body limits and rate limits on every route (server/http/hardening.ts).
  await registerHardening(app, {
    production: true,
    bodyLimit,
    ...(deps.rateRules ? { rateRules: deps.rateRules } : {}),
  })

  const starting = () => {
    const s = deps.state()
    return { ok: false, status: s.status, progress: s.progress, error: s.error }
  }
  // For load balancers and scripts: 503 until the database is migrated and seeded.
  app.get('/healthz', async (_req, reply) => {
    const s = deps.state()
    const d = deps.db()
    if (!d || s.status !== 'ready') return reply.code(503).send(starting())
    const [postgis, counts] = await Promise.all([postgisVersion(d), elementCounts(d)])
    return { ok: true, status: 'ready', db: { kind: d.kind, postgis }, counts }
  })

  // For the page's loading screen: always 200, with the start-up state and progress.
  app.get('/api/startup', async () => {
    const ready = deps.db() !== null && deps.state().status === 'ready'
    return ready ? { ok: true, status: 'ready' } : starting()
  })

  // Who is calling: a session cookie or an API token sets request.principal (or null).
  await registerAuth(app, {
    db: deps.db,
    audit: async (entry) => {
      const d = deps.db()
      if (!d) throw new Error('the database is not ready')
      await appendAudit(d, entry)
    },
    secureCookies: deps.secureCookies ?? false,
  })

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req, res }: { req: FastifyRequest; res: FastifyReply }) =>
        createContext({ db: deps.db(), req, res, pii: deps.pii ?? null }),
      maxBatchSize: 20,
    },
  })

  registerTiles(app, { db: deps.db })
  registerExports(app, { db: deps.db, pii: deps.pii ?? null })
  registerPoints(app, { db: deps.db })
  registerOpen311(app, { db: deps.db, pii: deps.pii ?? null })
  registerBasemap(app, { db: deps.db })
  registerAttachments(app, { db: deps.db })

  if (deps.clientDir && existsSync(deps.clientDir)) {
    await app.register(fastifyStatic, { root: deps.clientDir, index: 'index.html', wildcard: false })
    // Client-side routes fall back to the app shell.
    app.setNotFoundHandler((req, reply) => {
      if (
        req.method === 'GET' &&
        !req.url.startsWith('/trpc') &&
        !req.url.startsWith('/tiles') &&
        req.headers.accept?.includes('text/html')
      ) {
        return reply.sendFile('index.html')
      }
      return reply.code(404).send({
        error: 'not_found',
        message: `没有这个地址 / Nothing at ${req.method} ${req.url.split('?')[0]}`,
      })
    })
  }

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const code = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (code === 500) app.log.error(err)
    return reply.code(code).send({
      error: code === 413 ? 'too_large' : code === 500 ? 'internal' : 'bad_request',
      message: code === 500 ? '服务器内部错误 / Internal server error' : err.message,
    })
  })
  return app
}
