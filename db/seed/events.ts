import type { Database } from '../client.ts'
import type { EventSource, EventStatus } from '../schema/events.ts'
import { type GeneratedAction, type Lifecycle, makeRouter, simulateLifecycle } from './events-lifecycle.ts'

import {
  DAYTIME,
  dayStart,
  EXTERNAL_PREFIX,
  HOTSPOT_SHARE,
  HOUR,
  HOURS,
  type Hotspot,
  local,
  NIGHT,
  planHotspots,
  Sampler,
  SOURCE_SHARE,
  SOURCES,
  type Src,
  WEEK,
} from './events-model.ts'
import { type AddressBook, eventBody, eventTitle, makeAddressBook } from './events-text.ts'
import type { SeededDepartment } from './orgs.ts'
import { ewktPoint, makeRingSampler, pathIds } from './orgs-util.ts'
import type { ResponsibilityRule } from './responsibilities.ts'
import type { Rng } from './rng.ts'
import { type LeafInfo, reserveIds, type SeededCategory } from './taxonomy.ts'
import type { OnProgress, Scale, SeededGrid } from './types.ts'

export type { GeneratedAction } from './events-lifecycle.ts'
export type { Hotspot } from './events-model.ts'

export interface EventsContext {
  rng: Rng
  scale: Pick<Scale, 'events' | 'eventDays'>
  now: Date
  leafGrids: SeededGrid[]
  districts: SeededGrid[]
  streets: SeededGrid[]
  categories: readonly SeededCategory[]
  departments: readonly SeededDepartment[]
  responsibilities: readonly ResponsibilityRule[]
  onProgress?: OnProgress
}

/** One generated event; times are epoch milliseconds. `seq` is its 0-based place in time order. */
export interface GeneratedEvent {
  seq: number
  source: EventSource
  externalId: string
  categoryId: number
  title: string
  body: string
  reportedAt: number
  address: string
  status: EventStatus
  priority: number
  departmentId: number | null
  dueAt: number
  limitMs: number | null
  resolvedAt: number | null
  satisfaction: Lifecycle['satisfaction']
  updatedAt: number
  lon: number
  lat: number
  /** The leaf grid the point was drawn in (the database decides grid_id itself). */
  leafGridId: number
  /** Index into the hotspot list, or -1. */
  hotspot: number
}

export interface EventBatch {
  events: GeneratedEvent[]
  actions: GeneratedAction[]
}

interface Leaf {
  grid: SeededGrid
  districtId: number | null
  streetId: number | null
  sample: (rng: Rng) => [number, number]
}

/** The hotspots `generateEvents` uses for this context (same seed, same hotspots). */
export function eventHotspots(ctx: EventsContext): Hotspot[] {
  const days = Math.max(1, Math.round(ctx.scale.eventDays))
  return planHotspots(ctx.rng.fork('events/hotspots'), ctx.leafGrids, ctx.categories, days)
}

interface Draft {
  t: number
  src: Src
  cat: number
  leaf: number
  hotspot: number
}

/**
 * Generate the events and their timelines, oldest first, in batches of about `batchSize` events.
 * Pure: the same context and seed give the same rows; nothing touches a database.
 */
export function* generateEvents(
  ctx: EventsContext,
  opts: { batchSize?: number } = {},
): Generator<EventBatch> {
  const batchSize = opts.batchSize ?? 50_000
  const rng = ctx.rng.fork('events')
  const now = ctx.now.getTime()
  const total = Math.max(0, Math.round(ctx.scale.events))
  const days = Math.max(1, Math.round(ctx.scale.eventDays))
  if (!total || !ctx.leafGrids.length) return

  // Leaf grids with their district and street.
  const districtIds = new Set(ctx.districts.map((d) => d.id))
  const streetIds = new Set(ctx.streets.map((s) => s.id))
  const leaves: Leaf[] = ctx.leafGrids.map((grid) => {
    const ids = pathIds(grid.path)
    return {
      grid,
      districtId: ids.find((id) => districtIds.has(id)) ?? null,
      streetId: ids.find((id) => streetIds.has(id)) ?? null,
      sample: makeRingSampler(grid.ring),
    }
  })
  const leafIndex = new Map(leaves.map((l, i) => [l.grid.id, i]))
  const urbanGrids = new Sampler(leaves.map((l) => 0.08 + 2 * l.grid.urban ** 1.6))
  const ruralGrids = new Sampler(leaves.map((l) => 0.15 + 1.2 * (1 - l.grid.urban) ** 1.5))
  const patrolGrids = new Sampler(leaves.map((l) => 0.4 + l.grid.urban))

  // Level-3 categories, and one sampler per source and month (seasonal weights).
  const cats = ctx.categories.filter((c): c is SeededCategory & { leaf: LeafInfo } => c.leaf !== null)
  const catIndex = new Map(cats.map((c, i) => [c.id, i]))
  const affinity = (src: Src, l: LeafInfo): number => {
    switch (src) {
      case 'hotline':
        return l.channel === 'patrol' ? 0.3 : l.channel === 'both' ? 0.8 : 1
      case 'web':
        return (l.channel === 'patrol' ? 0.2 : 1) * (l.consult ? 1.3 : 1)
      case 'grid_patrol':
        return l.channel === 'hotline' ? 0 : l.channel === 'both' ? 0.6 : 1
      case 'police_110':
        return l.police ? 1 : 0
      case 'sensor':
        return l.sensor ? 1 : 0
      case 'dispute':
        return l.dispute ? 1 : 0
    }
  }
  const catSamplers = new Map<string, Sampler>()
  for (const src of SOURCES) {
    for (let m = 0; m < 12; m++) {
      let s = new Sampler(cats.map((c) => c.leaf.weight * (c.leaf.season[m] ?? 1) * affinity(src, c.leaf)))
      if (s.total === 0) s = new Sampler(cats.map((c) => c.leaf.weight * (c.leaf.season[m] ?? 1)))
      catSamplers.set(`${src}${m}`, s)
    }
  }
  // Seasonal volume: months with seasonal peaks (heating!) bring more requests in all.
  const monthMass = Array.from({ length: 12 }, (_, m) =>
    cats.reduce((a, c) => a + c.leaf.weight * (c.leaf.season[m] ?? 1), 0),
  )
  const meanMass = monthMass.reduce((a, b) => a + b, 0) / 12
  const volume = monthMass.map((x) => 1 + 0.6 * (x / meanMass - 1))
  const hourSamplers = new Map<string, Sampler>(SOURCES.map((s) => [s, new Sampler(HOURS[s])]))
  const nightSampler = new Sampler(NIGHT)

  // Hotspots, each with a weight that grows from its start day.
  const hotspots = eventHotspots(ctx)
  const hsWeight = hotspots.map(() => 0.6 + rng.next() * 0.8)
  const growth = (h: Hotspot, d: number) =>
    d <= h.startDay ? 0 : ((d - h.startDay) / Math.max(1, days - h.startDay)) ** 1.5

  // Day plan: `days` full local days before today, then today up to now.
  const today = local(now)
  const firstDay = today.day - days
  const cumToday = DAYTIME.slice(0, Math.floor(today.hour)).reduce((a, b) => a + b, 0)
  const todayFrac =
    (cumToday + (DAYTIME[Math.floor(today.hour)] ?? 0) * (today.hour % 1)) /
    DAYTIME.reduce((a, b) => a + b, 0)
  const nLanes = SOURCES.length + hotspots.length
  const laneWeight = (d: number, lane: number): number => {
    const day = firstDay + d
    const { dow, month } = local(dayStart(day) + 12 * HOUR)
    const frac = d === days ? todayFrac : 1
    if (lane < SOURCES.length) {
      const src = SOURCES[lane] as Src
      return SOURCE_SHARE[src] * (WEEK[src][dow] ?? 1) * (volume[month] ?? 1) * (1 + (0.15 * d) / days) * frac
    }
    const h = lane - SOURCES.length
    return (hsWeight[h] ?? 1) * growth(hotspots[h] as Hotspot, d) * frac
  }
  let bgSum = 0
  let hsSum = 0
  for (let d = 0; d <= days; d++) {
    for (let lane = 0; lane < nLanes; lane++) {
      if (lane < SOURCES.length) bgSum += laneWeight(d, lane)
      else hsSum += laneWeight(d, lane)
    }
  }
  const hsTotal = hsSum > 0 ? total * HOTSPOT_SHARE : 0
  const bgTotal = total - hsTotal

  const book: AddressBook = makeAddressBook(ctx.districts, ctx.streets)
  const router = makeRouter(ctx.departments, ctx.responsibilities, rng)
  const seqBySource = new Map<string, number>()
  let cum = 0
  let emitted = 0
  let seq = 0
  let batch: EventBatch = { events: [], actions: [] }

  for (let d = 0; d <= days; d++) {
    const day = firstDay + d
    const start = dayStart(day)
    const { month } = local(start + 12 * HOUR)
    const drafts: Draft[] = []
    for (let lane = 0; lane < nLanes; lane++) {
      const w = laneWeight(d, lane)
      const exp = lane < SOURCES.length ? (w * bgTotal) / bgSum : (w * hsTotal) / hsSum
      const before = Math.round(cum)
      cum += exp
      const n = Math.round(cum) - before
      for (let i = 0; i < n; i++) {
        let src: Src
        let cat: number
        let leaf: number
        let hotspot = -1
        if (lane < SOURCES.length) {
          src = SOURCES[lane] as Src
          cat = (catSamplers.get(`${src}${month}`) as Sampler).draw(rng)
          const info = (cats[cat] as { leaf: LeafInfo }).leaf
          leaf = (info.rural ? ruralGrids : src === 'grid_patrol' ? patrolGrids : urbanGrids).draw(rng)
        } else {
          hotspot = lane - SOURCES.length
          const h = hotspots[hotspot] as Hotspot
          src = rng.chance(0.75) ? 'hotline' : 'grid_patrol'
          cat = catIndex.get(rng.pick(h.categoryIds)) ?? 0
          const gid = rng.chance(0.75) || !h.neighbourIds.length ? h.leafGridId : rng.pick(h.neighbourIds)
          leaf = leafIndex.get(gid) ?? 0
        }
        const night =
          (cats[cat] as { leaf: LeafInfo }).leaf.night && (src === 'hotline' || src === 'police_110')
        const hours = night ? nightSampler : (hourSamplers.get(src) as Sampler)
        let t = start + (hours.draw(rng) + rng.next()) * HOUR
        for (let k = 0; t >= now && k < 30; k++) t = start + (hours.draw(rng) + rng.next()) * HOUR
        if (t >= now) t = start + rng.next() * Math.max(1, now - start)
        drafts.push({ t: Math.floor(t), src, cat, leaf, hotspot })
      }
    }
    drafts.sort((a, b) => a.t - b.t)
    const ymd = local(start + HOUR)
      .date.toISOString()
      .slice(0, 10)
      .replaceAll('-', '')
    for (const dr of drafts) {
      const key = `${dr.src}${ymd}`
      const n = (seqBySource.get(key) ?? 0) + 1
      seqBySource.set(key, n)
      batch.events.push(buildEvent(dr, n, ymd, batch.actions))
    }
    seqBySource.clear()
    emitted += drafts.length
    if (batch.events.length >= batchSize || d === days) {
      yield batch
      batch = { events: [], actions: [] }
    }
  }
  if (emitted !== total) throw new Error(`events: generated ${emitted}, expected ${total}`)

  function buildEvent(dr: Draft, n: number, ymd: string, out: GeneratedAction[]): GeneratedEvent {
    const cat = cats[dr.cat] as SeededCategory & { leaf: LeafInfo }
    const leaf = leaves[dr.leaf] as Leaf
    const h = dr.hotspot >= 0 ? (hotspots[dr.hotspot] as Hotspot) : null
    let p = leaf.sample(rng)
    if (h && h.leafGridId === leaf.grid.id) {
      // Pull towards the hotspot's centre (inside the convex grid, so still inside it).
      const f = rng.next() ** 1.5
      p = [h.center[0] + f * (p[0] - h.center[0]), h.center[1] + f * (p[1] - h.center[1])]
    }
    const addr = book.address(rng, leaf.grid, leaf.districtId, leaf.streetId, h ? dr.hotspot : -1)
    const info = cat.leaf
    let priority = info.urgent ? 1 : info.limit.unit === 'working_hours' ? 2 : info.consult ? 4 : 3
    if (priority >= 3 && rng.chance(0.06)) priority--
    const eventSeq = seq++
    const life: Lifecycle = simulateLifecycle(
      rng,
      { now, reportedAt: dr.t, source: dr.src, categoryId: cat.id, leaf: info, area: leaf, router },
      out,
      eventSeq,
    )
    return {
      seq: eventSeq,
      source: dr.src,
      externalId: `${EXTERNAL_PREFIX[dr.src]}-${ymd}-${String(n).padStart(6, '0')}`,
      categoryId: cat.id,
      title: eventTitle(rng, info, addr.short),
      body: eventBody(rng, dr.src, info, addr.full),
      reportedAt: dr.t,
      address: addr.full,
      status: life.status,
      priority,
      departmentId: life.departmentId,
      dueAt: life.dueAt,
      limitMs: life.limitMs,
      resolvedAt: life.resolvedAt,
      satisfaction: life.satisfaction,
      updatedAt: life.updatedAt,
      lon: p[0],
      lat: p[1],
      leafGridId: leaf.grid.id,
      hotspot: dr.hotspot,
    }
  }
}

const EVENT_COLUMNS =
  'id source external_id category_id title body reported_at address status priority department_id due_at resolved_at satisfaction updated_at geom limit_ms used_ms clock_since'.split(
    ' ',
  )
const ACTION_COLUMNS = 'id event_id at action from_status to_status actor_org_id note'.split(' ')

const date = (t: number | null) => (t === null ? null : new Date(t))

const RUNNING: ReadonlySet<EventStatus> = new Set(['dispatched', 'signed', 'in_progress'])
const PAUSED: ReadonlySet<EventStatus> = new Set(['returned', 'parked', 'extension_requested'])

/**
 * The clock of a generated event as the loop keeps it (docs/loop.md "Time limits"): running
 * events have their clock started at their last step, with the working time used up to then;
 * paused ones (returned, parked, awaiting an extension) have no deadline; one never dispatched
 * has no limit. The working time used is the share of the limit the wall-clock span took
 * (the generator's deadlines are not on the server's calendar).
 */
export function clockOf(e: GeneratedEvent): {
  dueAt: Date | null
  limitMs: number | null
  usedMs: number
  clockSince: Date | null
} {
  if (e.limitMs === null || e.status === 'received')
    return {
      dueAt: e.status === 'received' ? null : new Date(e.dueAt),
      limitMs: null,
      usedMs: 0,
      clockSince: null,
    }
  const until = e.resolvedAt ?? e.updatedAt
  const share = Math.min(2, Math.max(0, (until - e.reportedAt) / Math.max(1, e.dueAt - e.reportedAt)))
  const usedMs = Math.round(e.limitMs * share)
  if (RUNNING.has(e.status))
    return { dueAt: new Date(e.dueAt), limitMs: e.limitMs, usedMs, clockSince: new Date(e.updatedAt) }
  if (PAUSED.has(e.status)) return { dueAt: null, limitMs: e.limitMs, usedMs, clockSince: null }
  return { dueAt: new Date(e.dueAt), limitMs: e.limitMs, usedMs, clockSince: null }
}

function* eventRows(batch: EventBatch, firstId: number) {
  for (const e of batch.events) {
    const clock = clockOf(e)
    yield [
      firstId + e.seq,
      e.source,
      e.externalId,
      e.categoryId,
      e.title,
      e.body,
      new Date(e.reportedAt),
      e.address,
      e.status,
      e.priority,
      e.departmentId,
      clock.dueAt,
      date(e.resolvedAt),
      e.satisfaction,
      new Date(e.updatedAt),
      ewktPoint([e.lon, e.lat]),
      clock.limitMs,
      clock.usedMs,
      clock.clockSince,
    ]
  }
}

function* actionRows(batch: EventBatch, firstId: number, firstActionId: number) {
  let id = firstActionId
  for (const a of batch.actions)
    yield [
      id++,
      firstId + a.eventSeq,
      new Date(a.at),
      a.action,
      a.fromStatus,
      a.toStatus,
      a.actorOrgId,
      a.note,
    ]
}

/**
 * Generate the events and COPY them with their timelines, batch by batch (about 50k events and
 * 340k actions each, so a city's 5 million never sit in memory). The actions of one batch load
 * while the next batch is generated and its events load: on PostgreSQL these are two backends
 * working at once; PGlite runs them one after the other.
 */
export async function seedEvents(
  d: Database,
  ctx: EventsContext,
): Promise<{ events: number; actions: number; hotspots: Hotspot[] }> {
  const total = Math.max(0, Math.round(ctx.scale.events))
  const firstId = await reserveIds(d, 'events', total)
  let events = 0
  let actions = 0
  let inFlight: Promise<void> = Promise.resolve()
  let failure: unknown = null
  ctx.onProgress?.({ stage: 'events', done: 0, total })
  for (const batch of generateEvents(ctx)) {
    await d.copy('events', EVENT_COLUMNS, eventRows(batch, firstId))
    // Explicit action ids too: a nextval per row makes COPY markedly slower (measured on PGlite).
    const firstActionId = await reserveIds(d, 'event_actions', batch.actions.length)
    await inFlight
    if (failure) throw failure
    inFlight = d.copy('event_actions', ACTION_COLUMNS, actionRows(batch, firstId, firstActionId)).then(
      () => {
        events += batch.events.length
        actions += batch.actions.length
        ctx.onProgress?.({ stage: 'events', done: events, total })
      },
      (e: unknown) => {
        failure = e
      },
    )
  }
  await inFlight
  if (failure) throw failure
  return { events, actions, hotspots: eventHotspots(ctx) }
}
