import { sql } from 'drizzle-orm'
import type { Database } from '../client.ts'

export interface MapStatsRefresh {
  /** Grids graded (refresh_grid_stats); -1 when another refresh was running. */
  grids: number
  /** cell_counts rows that changed (refresh_cell_counts); -1 when another refresh was running. */
  cells: number
  gridsMs: number
  cellsMs: number
}

/**
 * Recompute every grid's indicators and five-colour grade (refresh_grid_stats(), migration 0015)
 * and the pre-counted cells of the low-zoom tiles (refresh_cell_counts(), migration 0016). Runs
 * as the owner, outside any caller's scope (and outside a transaction: it ends with VACUUM);
 * each function is one transaction.
 */
export async function refreshMapStats(d: Database): Promise<MapStatsRefresh> {
  const t0 = performance.now()
  const [g] = await d.rows<{ n: number }>(sql`SELECT refresh_grid_stats() AS n`)
  const t1 = performance.now()
  const [c] = await d.rows<{ n: number }>(sql`SELECT refresh_cell_counts() AS n`)
  // Each refresh rewrites both tables: reclaim the old rows (PGlite runs no autovacuum) and give
  // the planner their sizes; the visibility map keeps the cell scans index-only.
  await d.rows(sql`VACUUM (ANALYZE) grid_stats, cell_counts`)
  const t2 = performance.now()
  return {
    grids: Number(g?.n ?? 0),
    cells: Number(c?.n ?? 0),
    gridsMs: Math.round(t1 - t0),
    cellsMs: Math.round(t2 - t1),
  }
}
