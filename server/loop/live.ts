import { randomUUID } from 'node:crypto'
import { EventEmitter, on } from 'node:events'
import type { Database } from '../../db/client.ts'

/** What open clients hear about (no personal data: ids, states and places only). */
export interface LiveMessage {
  kind: 'intake' | 'transition' | 'whistle' | 'task' | 'merge' | 'watch' | 'attach'
  eventId: number
  status: string | null
  action: string | null
  /** The event's grid path: a client hears only of events inside its area. */
  gridPath: string | null
  at: string
  /** Server time of publication, ms since the epoch (the live-delay benchmark reads it). */
  sentAt: number
}

/** The PostgreSQL channel between server processes. */
export const LIVE_CHANNEL = 'yiwang_live'

/**
 * The live bus: intake and every transition publish after their transaction commits; tRPC
 * subscriptions (SSE) pass each message on to the clients whose area holds the event. On
 * PostgreSQL every process relays what it publishes through NOTIFY on `yiwang_live` and hears the
 * others' through LISTEN, so several server processes behind one load balancer tell every client
 * (its own messages it delivers at once and ignores when they come back).
 */
export class LiveBus {
  private readonly emitter = new EventEmitter()
  private readonly origin = randomUUID()
  private notify: ((payload: string) => Promise<unknown>) | null = null
  constructor() {
    this.emitter.setMaxListeners(0)
  }
  publish(m: Omit<LiveMessage, 'sentAt' | 'at'> & { at?: string }) {
    const msg: LiveMessage = { ...m, at: m.at ?? new Date().toISOString(), sentAt: Date.now() }
    this.emitter.emit('message', msg)
    if (this.notify)
      this.notify(JSON.stringify({ ...msg, origin: this.origin })).catch(() => {
        // Another process misses this message; its clients catch up when they next refetch.
      })
  }
  /**
   * Relay through PostgreSQL (LISTEN/NOTIFY) so that other server processes hear this one's
   * messages and this one theirs. postgres.js keeps the listening connection and re-listens after
   * a reconnect. PGlite is one process: nothing to relay. Returns a function that stops it.
   */
  async relayThrough(d: Database, onError?: (e: Error) => void): Promise<() => Promise<void>> {
    if (d.driver.kind !== 'postgres') return async () => {}
    const pg = d.driver.sql
    const { unlisten } = await pg.listen(LIVE_CHANNEL, (payload) => {
      try {
        const m = JSON.parse(payload) as LiveMessage & { origin?: string }
        if (m.origin === this.origin) return
        const { origin: _, ...msg } = m
        this.emitter.emit('message', msg)
      } catch (e) {
        onError?.(e as Error)
      }
    })
    this.notify = (payload) => pg.notify(LIVE_CHANNEL, payload)
    return async () => {
      this.notify = null
      await unlisten()
    }
  }
  /** Messages inside `areaPath`, until `signal` aborts. */
  async *listen(areaPath: string, signal?: AbortSignal): AsyncGenerator<LiveMessage> {
    for await (const [m] of on(this.emitter, 'message', signal ? { signal } : {})) {
      const msg = m as LiveMessage
      if (areaPath === '/' || msg.gridPath?.startsWith(areaPath)) yield msg
    }
  }
  listeners(): number {
    return this.emitter.listenerCount('message')
  }
}

export const liveBus = new LiveBus()
