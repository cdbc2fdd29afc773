import { EventEmitter, on } from 'node:events'

/** What open clients hear about (no personal data: ids, states and places only). */
export interface LiveMessage {
  kind: 'intake' | 'transition' | 'whistle' | 'task' | 'merge'
  eventId: number
  status: string | null
  action: string | null
  /** The event's grid path: a client hears only of events inside its area. */
  gridPath: string | null
  at: string
  /** Server time of publication, ms since the epoch (the live-delay benchmark reads it). */
  sentAt: number
}

/**
 * The live bus of this server process: intake and every transition publish after their
 * transaction commits; tRPC subscriptions (SSE) pass each message on to the clients whose area
 * holds the event. One process serves one city here; several processes would relay through
 * PostgreSQL LISTEN/NOTIFY (not built yet).
 */
export class LiveBus {
  private readonly emitter = new EventEmitter()
  constructor() {
    this.emitter.setMaxListeners(0)
  }
  publish(m: Omit<LiveMessage, 'sentAt' | 'at'> & { at?: string }) {
    this.emitter.emit('message', { ...m, at: m.at ?? new Date().toISOString(), sentAt: Date.now() })
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
