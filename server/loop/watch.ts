import type { Database } from '../../db/client.ts'
import {
  pendingNotices,
  settleNotice,
  settleWithoutContact,
  waitingNotices,
} from '../../db/queries/notices.queries.ts'
import { markOverdue, markWarned, warnCandidates } from '../../db/queries/watch.queries.ts'
import { ownerTransaction } from '../../db/scope.ts'
import { appendAudit } from '../audit/audit.ts'
import type { LoopDeps } from './intake.ts'
import { type LiveBus, liveBus } from './live.ts'

/** At most this many events are warned or marked overdue per run (a backlog takes a few runs). */
const BATCH = 2000
/** Candidates for a warning read per run. */
const WARN_SCAN = 20_000
/** Notices sent per run. */
const NOTICE_BATCH = 100

/** Sends one text message; resolves on success, rejects with a reason. */
export type SmsSender = (to: string, text: string, ref: string) => Promise<void>

/**
 * The SMS gateway of the intranet: POST {to, text, ref} as JSON to `url`; any 2xx is success.
 * The ref (notice-<id>) lets the gateway drop a repeat after a timeout on our side.
 */
export function httpSmsSender(url: string, timeoutMs = 5000): SmsSender {
  return async (to, text, ref) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to, text, ref }),
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status} ${res.statusText}`.trim())
  }
}

export interface WatchResult {
  warned: number[]
  overdue: number[]
  notices: { sent: number; failed: number; noContact: number; waiting: number }
}

/**
 * One run of the loop watcher (跟踪督办), as the server's own background work:
 * - warning (预警): a running event past `warnShare` of its limit on the working-day calendar gets
 *   warned_at and a timeline entry, once per run of its clock;
 * - overdue (超期): an open event past its deadline is marked and supervised (督办) one level above
 *   where it is handled, with a timeline entry, once per run of its clock;
 * - notices (告知): pending reporter notices go out through the SMS gateway; without a phone a
 *   notice is settled as no_contact; without a gateway they wait.
 * Every warned or overdue event is announced to live clients after the transaction commits, and
 * the run writes one audit record when it marked anything.
 */
export async function runWatch(
  d: Database,
  deps: LoopDeps,
  opts: { sms?: SmsSender | null; bus?: LiveBus; only?: readonly number[] } = {},
): Promise<WatchResult> {
  const now = deps.now?.() ?? new Date()
  const bus = opts.bus ?? liveBus
  const { warned, overdue } = await ownerTransaction(d, async (tx) => {
    const share = deps.settings.warnShare
    const only = opts.only ? { only: opts.only } : {}
    const candidates = await warnCandidates(tx, { warnShare: share, now, limit: WARN_SCAN, ...only })
    const due = candidates
      .filter((c) => deps.calendar.workingMsBetween(now, c.dueAt) <= c.limitMs * (1 - share))
      .slice(0, BATCH)
      .map((c) => c.id)
    const warned = await markWarned(tx, due, { now, warnShare: share })
    const overdue = await markOverdue(tx, { now, limit: BATCH, ...only })
    if (warned.length || overdue.length)
      await appendAudit(tx, {
        actorName: 'system:loop-watch',
        action: 'event.watch',
        objectType: 'event',
        // The first ids (each event's own timeline names the rest).
        objectId: [...warned, ...overdue]
          .slice(0, 200)
          .map((m) => m.id)
          .join(','),
        after: { warned: warned.length, overdue: overdue.length, at: now.toISOString() },
      })
    return { warned, overdue }
  })
  for (const m of warned)
    bus.publish({ kind: 'watch', eventId: m.id, status: m.status, action: 'warn', gridPath: m.gridPath })
  for (const m of overdue)
    bus.publish({ kind: 'watch', eventId: m.id, status: m.status, action: 'overdue', gridPath: m.gridPath })
  const notices = await sendNotices(d, deps, opts.sms ?? null)
  return { warned: warned.map((m) => m.id), overdue: overdue.map((m) => m.id), notices }
}

async function sendNotices(d: Database, deps: LoopDeps, sms: SmsSender | null) {
  const out = { sent: 0, failed: 0, noContact: 0, waiting: 0 }
  await ownerTransaction(d, async (tx) => {
    out.noContact = await settleWithoutContact(tx)
    if (!sms || !deps.pii) {
      out.waiting = await waitingNotices(tx)
      return
    }
    for (const n of await pendingNotices(tx, NOTICE_BATCH)) {
      try {
        await sms(deps.pii.decrypt(n.phoneEnc), n.message, `notice-${n.id}`)
        await settleNotice(tx, n.id, { status: 'sent' })
        out.sent++
      } catch (e) {
        await settleNotice(tx, n.id, { status: 'failed', error: (e as Error).message })
        out.failed++
      }
    }
  })
  return out
}

/** Run the watcher every `seconds` (never two runs at once); failures are logged, not thrown. */
export function scheduleWatch(
  d: Database,
  getDeps: () => Promise<LoopDeps>,
  opts: { seconds: number; sms: SmsSender | null; log: (s: string) => void },
): () => void {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      const r = await runWatch(d, await getDeps(), { sms: opts.sms })
      const n = r.notices
      if (r.warned.length || r.overdue.length || n.sent || n.failed)
        opts.log(
          `loop watch: ${r.warned.length} warned, ${r.overdue.length} overdue and supervised; notices ${n.sent} sent, ${n.failed} failed, ${n.noContact} without contact, ${n.waiting} waiting`,
        )
    } catch (e) {
      opts.log(`loop watch failed: ${(e as Error).message}`)
    } finally {
      running = false
    }
  }
  void tick()
  const timer = setInterval(tick, opts.seconds * 1000)
  timer.unref()
  return () => clearInterval(timer)
}
