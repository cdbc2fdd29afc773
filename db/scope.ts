import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../server/domain/area.ts'
import type { Database, Db } from './client.ts'

/** The role requests run as: it owns nothing and cannot bypass row-level security. */
export const APP_ROLE = 'yiwang_app'

export interface ScopeOptions {
  /**
   * Transaction-local planner settings (names are code constants). With settings the role, the
   * area and the settings are set in one statement (`set_config('role', …)` is SET LOCAL ROLE), so
   * the transaction costs one round trip less.
   */
  settings?: Readonly<Record<string, string>>
}

/**
 * For tile queries: measured on PostgreSQL, parallel query made a small tile 10–20× slower and JIT
 * added up to 200 ms. Both settings exist on PGlite too (PostgreSQL 18 inside), where they change
 * nothing (no parallel workers, no JIT provider) and cost nothing.
 */
export const TILE_SETTINGS = { jit: 'off', max_parallel_workers_per_gather: '0' } as const

/**
 * Run `fn` in a transaction that sees only `area`: the transaction switches to the application
 * role and sets the area path transaction-locally, so row-level security in the database filters
 * every table — lists, counts, tiles and exports alike — and nothing leaks to the next user of a
 * pooled connection. The area setting is never set per session.
 */
export async function withScope<T>(
  d: Database,
  area: Area,
  fn: (scoped: Database) => Promise<T>,
  opts: ScopeOptions = {},
): Promise<T> {
  if (!area.path.startsWith('/') || !area.path.endsWith('/'))
    throw new Error(`not an area path: ${area.path}`)
  const oneStatement = scopeStatement(area, opts)
  return d.db.transaction(async (tx) => {
    if (oneStatement) {
      await tx.execute(oneStatement)
    } else {
      await tx.execute(sql.raw(`SET LOCAL ROLE ${APP_ROLE}`))
      // JIT off for every request: the policies' subplans make small queries look expensive, and
      // compiling them cost up to 1.8 s (measured at city scale) for queries that run in 20 ms.
      await tx.execute(
        sql`SELECT set_config('yiwang.area', ${area.path}, true), set_config('jit', 'off', true)`,
      )
    }
    return fn(inTransaction(d, tx))
  }) as Promise<T>
}

/**
 * With settings, the scope in one statement: set_config('role', …, true) is SET LOCAL ROLE.
 * (The tile benchmark replays it through pgbench.)
 */
export function scopeStatement(area: Area, opts: ScopeOptions): SQL | null {
  // jit is off in every scope anyway.
  const settings = Object.entries(opts.settings ?? {}).filter(([name]) => name !== 'jit')
  if (!settings.length) return null
  for (const [name] of settings) if (!/^[a-z_]+$/.test(name)) throw new Error(`not a setting name: ${name}`)
  return sql`SELECT set_config('role', ${APP_ROLE}, true), set_config('yiwang.area', ${area.path}, true), set_config('jit', 'off', true), ${sql.join(
    settings.map(([name, value]) => sql`set_config(${name}, ${value}, true)`),
    sql`, `,
  )}`
}

/**
 * `fn` in a savepoint of the caller's scoped transaction: when it throws, what it wrote is rolled
 * back and the transaction goes on (one bad row of an import does not undo the good ones). The
 * driver manages the savepoint (postgres.js refuses raw SAVEPOINT statements' recovery).
 */
export async function inSavepoint<T>(d: Database, fn: (sp: Database) => Promise<T>): Promise<T> {
  const tx = d.db as unknown as { transaction: <U>(f: (sp: Executor) => Promise<U>) => Promise<U> }
  return tx.transaction(async (sp) => fn(inTransaction(d, sp)))
}

/**
 * `fn` in a transaction as the owner (no row-level security): for the server's own background
 * work (the loop watcher), never for a request.
 */
export async function ownerTransaction<T>(d: Database, fn: (tx: Database) => Promise<T>): Promise<T> {
  return d.db.transaction(async (tx) => fn(inTransaction(d, tx))) as Promise<T>
}

type Executor = { execute: (q: SQL) => Promise<unknown> }

/** `d` bound to a transaction (or a savepoint of one): every query runs in it. */
function inTransaction(d: Database, tx: Executor): Database {
  return {
    ...d,
    db: tx as unknown as Db,
    async rows<R>(query: SQL): Promise<R[]> {
      const res = (await tx.execute(query)) as unknown
      return (Array.isArray(res) ? res : (res as { rows: R[] }).rows) as R[]
    },
    async copy() {
      throw new Error('bulk loads do not run inside a caller’s scope')
    },
  }
}
