import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PGlite } from '@electric-sql/pglite'
import { type SQL, sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type postgres from 'postgres'
import * as schema from './schema/index.ts'

export type Schema = typeof schema
/** Drizzle over either backend: the same queries run on PGlite and on PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>
export type DbKind = 'pglite' | 'postgres'

export interface Database {
  kind: DbKind
  db: Db
  /** Run raw SQL and get rows, the same shape on both backends. */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>
  /** Bulk load rows with COPY (text format). Values are escaped here; null is \N. */
  copy(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number>
  close(): Promise<void>
  /** The underlying driver, for the few places that need it (tests, benchmarks). */
  driver: { kind: 'pglite'; pg: PGlite } | { kind: 'postgres'; sql: postgres.Sql }
}

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations')

export interface OpenOptions {
  /** postgres://… to use a real PostgreSQL + PostGIS; otherwise the embedded PGlite. */
  databaseUrl?: string | undefined
  /** PGlite data folder; `memory://` for a throwaway database. */
  dataDir?: string | undefined
  /** Log connection trouble (postgres.js) here. */
  onNotice?: (msg: string) => void
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts)
  return openPglite(opts.dataDir ?? 'memory://')
}

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { postgis } = await import('@electric-sql/pglite-postgis')
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
  const { drizzle } = await import('drizzle-orm/pglite')
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true })
  const pg = await PGlite.create({ dataDir, extensions: { postgis, pg_trgm } })
  const db = drizzle(pg, { schema }) as unknown as Db
  return {
    kind: 'pglite',
    db,
    driver: { kind: 'pglite', pg },
    async rows<T>(query: SQL) {
      const res = (await db.execute(query)) as unknown as { rows: T[] }
      return res.rows
    },
    async copy(table, columns, rows) {
      let n = 0
      const parts: string[] = []
      let size = 0
      const flush = async () => {
        if (!parts.length) return
        const blob = new Blob(parts)
        parts.length = 0
        size = 0
        await pg.query(
          `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(',')}) FROM '/dev/blob'`,
          [],
          {
            blob,
          },
        )
      }
      for (const r of rows) {
        const line = `${r.map(copyValue).join('\t')}\n`
        parts.push(line)
        size += line.length
        n++
        if (size > 8_000_000) await flush()
      }
      await flush()
      return n
    },
    async close() {
      await pg.close()
    },
  }
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Database> {
  const { default: postgresFn } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const client = postgresFn(url, {
    max: Number(process.env.DB_POOL_MAX ?? 10),
    onnotice: (n) => opts.onNotice?.(String(n.message)),
    connection: { application_name: 'yiwang' },
  })
  const db = drizzle(client, { schema }) as unknown as Db
  return {
    kind: 'postgres',
    db,
    driver: { kind: 'postgres', sql: client },
    async rows<T>(query: SQL) {
      return (await db.execute(query)) as unknown as T[]
    },
    async copy(table, columns, rows) {
      const { pipeline } = await import('node:stream/promises')
      const { Readable } = await import('node:stream')
      let n = 0
      const writable = await client
        .unsafe(`COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(',')}) FROM STDIN`)
        .writable()
      async function* lines() {
        let buf = ''
        for (const r of rows) {
          buf += `${r.map(copyValue).join('\t')}\n`
          n++
          if (buf.length > 1_000_000) {
            yield buf
            buf = ''
          }
        }
        if (buf) yield buf
      }
      // A row the server refuses fails the pipeline with the server's error (postgres.js needed a
      // patch for that: patches/postgres+3.4.9.patch; unpatched it waited for ever).
      await pipeline(Readable.from(lines()), writable)
      return n
    },
    async close() {
      await client.end({ timeout: 5 })
    },
  }
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`)
  return `"${name}"`
}

/** One value in COPY text format. Geometries go in as EWKT strings ("SRID=4326;POINT(…)"). */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N'
  if (v instanceof Date) return v.toISOString()
  if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`
  if (Array.isArray(v)) return copyArray(v)
  const s = typeof v === 'string' ? v : String(v)
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

function copyArray(a: unknown[]): string {
  const inner = a.map((x) => `"${String(x).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')
  return copyValue(`{${inner}}`)
}

/** Check the connection works and PostGIS is there; returns the PostGIS version. */
export async function postgisVersion(d: Database): Promise<string> {
  const [row] = await d.rows<{ v: string }>(sql`select postgis_lib_version() as v`)
  return row?.v ?? 'unknown'
}
