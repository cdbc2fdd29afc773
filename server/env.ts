import { resolve } from 'node:path'
import { z } from 'zod'

/** The environment, parsed once at start; a bad value stops the server with a clear message. */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** postgres://… for a real PostgreSQL + PostGIS; unset for the embedded PGlite. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** Where PGlite keeps its files, the personal-data key and generated credentials. */
  YIWANG_DATA_DIR: z.string().default('./data'),
  /** Scale of the demo city seeded on first start: test, demo or city. */
  YIWANG_SEED_SCALE: z.enum(['test', 'demo', 'city']).default('demo'),
  YIWANG_SEED: z.coerce.number().int().default(20260101),
  /**
   * Behind a reverse proxy that terminates TLS: trust its X-Forwarded-For/-Proto (the client's
   * address for throttling and audit; https for Secure cookies and HSTS). 'true' or a proxy address.
   */
  YIWANG_TRUST_PROXY: z.string().optional(),
  /**
   * The SMS gateway reporters are told through (告知: merged duplicates, resolutions): an intranet
   * HTTP endpoint taking POST {to, text, ref} as JSON. Unset: notices wait in the outbox.
   */
  YIWANG_SMS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How often the loop watcher runs (warnings, overdue marking, notices), in seconds. */
  YIWANG_WATCH_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
})

export type Env = z.infer<typeof schema> & { dataDir: string; pgliteDir: string }

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const r = schema.safeParse(source)
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const dataDir = resolve(r.data.YIWANG_DATA_DIR)
  return { ...r.data, dataDir, pgliteDir: resolve(dataDir, 'pglite') }
}
