import { sql } from 'drizzle-orm'
import { createPiiCipher, type PiiCipher } from '../../server/security/pii.ts'
import type { Database } from '../client.ts'
import { refreshMapStats } from '../queries/grid-stats.queries.ts'
import { loadWeihaiDivisions } from './divisions.ts'
import { seedEvents } from './events.ts'
import { planCity } from './geometry.ts'
import { seedGrids } from './grids.ts'
import { seedOrganisations } from './orgs.ts'
import { seedPeople } from './people.ts'
import type { CellContext } from './places.ts'
import { seedPlaces } from './places.ts'
import { seedResponsibilities } from './responsibilities.ts'
import { createRng } from './rng.ts'
import { scaleByName } from './scales.ts'
import { seedCategories } from './taxonomy.ts'
import { seedThings } from './things.ts'
import type { OnProgress, ScaleName } from './types.ts'

export interface SeedOptions {
  scale: ScaleName
  seed: number
  onProgress?: OnProgress
  /** Encrypts personal data; a throwaway key is used when none is given (tests). */
  cipher?: PiiCipher
  /** "Today" for the event history; fixed in tests for determinism. */
  now?: Date
}

export interface SeedSummary {
  scale: ScaleName
  grids: number
  people: number
  households: number
  buildings: number
  addresses: number
  compounds: number
  publicPlaces: number
  things: number
  events: number
  seconds: number
}

/** Whether the database already holds a city (seeding only ever fills an empty database). */
export async function hasCity(d: Database): Promise<boolean> {
  const [r] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM grids`)
  return (r?.n ?? 0) > 0
}

/**
 * Generate the demo city deterministically from `seed` and bulk-load it (COPY). Stages report
 * progress through onProgress. Refuses a database that already has grids.
 */
export async function seedCity(d: Database, opts: SeedOptions): Promise<SeedSummary> {
  const t0 = Date.now()
  if (await hasCity(d))
    throw new Error('the database already holds a city; seed an empty database (or reset it first)')
  const scale = scaleByName(opts.scale)
  const rng = createRng(opts.seed)
  const now = opts.now ?? new Date()
  const progress: OnProgress = opts.onProgress ?? (() => {})
  const cipher = opts.cipher ?? createPiiCipher(Buffer.alloc(32, 7))

  progress({ stage: 'grids', done: 0, total: 1 })
  const plan = planCity(scale, rng, loadWeihaiDivisions())
  const grids = await seedGrids(d, plan)
  progress({ stage: 'grids', done: 1, total: 1 })

  const byCode = new Map(plan.areas.map((a) => [a.code, a]))
  const where = (code: string): CellContext => {
    const community = byCode.get(code)?.parentIdx
    const c = community === undefined || community === null ? undefined : plan.areas[community]
    const s = c?.parentIdx == null ? undefined : plan.areas[c.parentIdx]
    const dd = s?.parentIdx == null ? undefined : plan.areas[s.parentIdx]
    return {
      community: c?.name ?? '',
      street: s?.name ?? '',
      district: dd?.name ?? '',
      districtCode: dd?.code ?? '371000',
    }
  }
  const city = grids.find((g) => g.level === 1)!
  const districts = grids.filter((g) => g.level === 2)
  const streets = grids.filter((g) => g.level === 3)
  const leafGrids = grids.filter((g) => g.level === 5)

  const categories = await seedCategories(d, rng.fork('categories'))
  const departments = await seedOrganisations(d, {
    rng: rng.fork('orgs'),
    scale,
    city,
    districts,
    streets,
    leafGrids,
    onProgress: progress,
  })
  const responsibilities = await seedResponsibilities(d, { categories, onProgress: progress })
  const places = await seedPlaces(d, { rng, scale, cells: plan.cells, where, onProgress: progress })
  const people = await seedPeople(d, {
    rng,
    buildings: places.residential,
    cipher,
    now,
    onProgress: progress,
  })
  const things = await seedThings(d, { rng, scale, cells: plan.cells, now, onProgress: progress })
  const events = await seedEvents(d, {
    rng: rng.fork('events'),
    scale,
    now,
    leafGrids,
    districts,
    streets,
    categories,
    departments,
    responsibilities,
    onProgress: progress,
  })
  // Explicit ids were loaded: move the sequences past them.
  for (const t of ['addresses', 'buildings', 'compounds', 'public_places', 'households']) {
    await d.rows(
      sql.raw(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), greatest((SELECT max(id) FROM ${t}), 1))`),
    )
  }
  progress({ stage: 'analyze', done: 0, total: 1 })
  await d.rows(sql`ANALYZE`)
  // The five-colour grades and the low-zoom cell counts of the map (docs/layers.md).
  progress({ stage: 'map stats', done: 0, total: 1 })
  await refreshMapStats(d)
  progress({ stage: 'done', done: 1, total: 1 })
  return {
    scale: scale.name,
    grids: grids.length,
    people: people.people,
    households: people.households,
    buildings: places.buildings,
    addresses: places.addresses,
    compounds: places.compounds,
    publicPlaces: places.publicPlaces,
    things,
    events: typeof events === 'number' ? events : Number((events as { events?: number }).events ?? 0),
    seconds: (Date.now() - t0) / 1000,
  }
}
