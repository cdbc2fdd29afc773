import { existsSync } from 'node:fs'
import type { TestProject } from 'vitest/node'
import { createScratchDatabase } from '../../db/scratch.ts'

/**
 * Which parts of the suite this machine can run. A part that cannot run is reported plainly;
 * with YIWANG_REQUIRE_ALL=1 (set by .ci/run) it fails the run instead of being skipped.
 */
export interface Parts {
  postgres: { ok: boolean; why: string }
  chromium: { ok: boolean; why: string; path: string }
  /** GDAL's ogrinfo, which reads the vector tiles back as an independent decoder (test/db/layer-tiles-encoders.test.ts). */
  gdal: { ok: boolean; why: string; path: string }
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const OGRINFO_PATH = process.env.OGRINFO_PATH ?? '/usr/bin/ogrinfo'

export async function detectParts(): Promise<Parts> {
  const url = process.env.DATABASE_URL
  let postgres: Parts['postgres']
  if (!url) {
    postgres = { ok: false, why: 'DATABASE_URL is not set, so the database suite ran on PGlite only' }
  } else {
    postgres = await probePostgres(url)
  }
  const chromium = existsSync(CHROMIUM_PATH)
    ? { ok: true, why: '', path: CHROMIUM_PATH }
    : {
        ok: false,
        why: `no Chromium at ${CHROMIUM_PATH} (install Debian's chromium, or set CHROMIUM_PATH)`,
        path: CHROMIUM_PATH,
      }
  const gdal = existsSync(OGRINFO_PATH)
    ? { ok: true, why: '', path: OGRINFO_PATH }
    : {
        ok: false,
        why: `no ogrinfo at ${OGRINFO_PATH} (install Debian's gdal-bin, or set OGRINFO_PATH)`,
        path: OGRINFO_PATH,
      }
  return { postgres, chromium, gdal }
}

async function probePostgres(url: string): Promise<Parts['postgres']> {
  const { default: postgresFn } = await import('postgres')
  const sql = postgresFn(url, { max: 1, connect_timeout: 5, onnotice: () => {} })
  try {
    const rows = await sql`select name from pg_available_extensions where name = 'postgis'`
    if (!rows.length)
      return { ok: false, why: `the server at DATABASE_URL has no PostGIS extension available` }
    return { ok: true, why: '' }
  } catch (e) {
    return { ok: false, why: `cannot connect to DATABASE_URL: ${(e as Error).message}` }
  } finally {
    await sql.end({ timeout: 1 })
  }
}

export default async function setup(project: TestProject) {
  const parts = await detectParts()
  const name = project.name
  const requireAll = process.env.YIWANG_REQUIRE_ALL === '1'
  const missing: string[] = []
  if (name === 'db-postgres' && !parts.postgres.ok)
    missing.push(`PostGIS tests not run: ${parts.postgres.why}`)
  if (name === 'e2e' && !parts.chromium.ok) missing.push(`browser tests not run: ${parts.chromium.why}`)
  if (name.startsWith('db-') && !parts.gdal.ok) missing.push(`GDAL tile check not run: ${parts.gdal.why}`)
  for (const m of missing) {
    const line = `\n[yiwang] ${m}${requireAll ? ' — YIWANG_REQUIRE_ALL=1, so this fails the run' : ''}\n`
    process.stderr.write(line)
  }
  if (requireAll && missing.length) throw new Error(missing.join('; '))
  project.provide('parts', parts)
  // The PostGIS suite gets a database of its own, made here and dropped after the run, so that
  // the database named by DATABASE_URL is never written by tests.
  if (name === 'db-postgres' && parts.postgres.ok && process.env.DATABASE_URL) {
    const testDb = await createScratchDatabase(process.env.DATABASE_URL)
    project.provide('postgresTestUrl', testDb.url)
    return () => testDb.drop()
  }
  project.provide('postgresTestUrl', '')
  // Say it again at the end of the run, where a person reads the summary.
  if (missing.length) {
    return () => {
      for (const m of missing) process.stderr.write(`[yiwang] NOT RUN — ${m}\n`)
    }
  }
}

export { createScratchDatabase }

declare module 'vitest' {
  export interface ProvidedContext {
    parts: Parts
    /** A scratch database for the PostGIS suite ('' when it does not run). */
    postgresTestUrl: string
  }
}
