import { sql } from 'drizzle-orm'
import type { Database } from '../client.ts'

export interface Counts {
  grids: number
  people: number
  places: number
  things: number
  events: number
  orgs: number
}

/** Element counts for /healthz. Exact counts; cheap at demo scale, a few hundred ms at city scale. */
export async function elementCounts(d: Database): Promise<Counts> {
  const [r] = await d.rows<Record<keyof Counts, number>>(sql`SELECT
    (SELECT count(*)::int FROM grids) AS grids,
    (SELECT count(*)::int FROM people) AS people,
    (SELECT count(*)::int FROM buildings) + (SELECT count(*)::int FROM compounds) + (SELECT count(*)::int FROM public_places) AS places,
    (SELECT count(*)::int FROM things) AS things,
    (SELECT count(*)::int FROM events) AS events,
    (SELECT count(*)::int FROM organisations) AS orgs`)
  return {
    grids: Number(r?.grids ?? 0),
    people: Number(r?.people ?? 0),
    places: Number(r?.places ?? 0),
    things: Number(r?.things ?? 0),
    events: Number(r?.events ?? 0),
    orgs: Number(r?.orgs ?? 0),
  }
}
