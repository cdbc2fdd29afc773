/** What `/healthz` says while the server starts, migrates and seeds the demo city. */
export type HealthStatus = 'starting' | 'migrating' | 'seeding' | 'ready' | 'failed'

export interface Health {
  ok: boolean
  status: HealthStatus
  progress?: { stage: string; done: number; total: number }
  /** Why start-up failed, when status is 'failed'. */
  error?: string
}

/** A reading of the health endpoint for the loading screen. */
export interface HealthView {
  ready: boolean
  /** `unreachable` while the server does not answer (still starting, or a proxy in front of it). */
  status: HealthStatus | 'unreachable'
  stage: string | null
  done: number
  total: number
  /** 0..1, or null when there is no measurable progress. */
  fraction: number | null
  error: string | null
}

const STATUSES: readonly HealthStatus[] = ['starting', 'migrating', 'seeding', 'ready', 'failed']

export const UNREACHABLE: HealthView = {
  ready: false,
  status: 'unreachable',
  stage: null,
  done: 0,
  total: 0,
  fraction: null,
  error: null,
}

/** Turns any body the endpoint sent (or failed to send) into what the loading screen shows. */
export function readHealth(body: unknown): HealthView {
  if (typeof body !== 'object' || body === null) return UNREACHABLE
  const { ok, status, progress, error } = body as Partial<Record<keyof Health, unknown>>
  const known = STATUSES.includes(status as HealthStatus) ? (status as HealthStatus) : 'starting'
  const ready = ok === true
  let stage: string | null = null
  let done = 0
  let total = 0
  if (typeof progress === 'object' && progress !== null) {
    const p = progress as Record<string, unknown>
    stage = typeof p.stage === 'string' ? p.stage : null
    done = typeof p.done === 'number' && Number.isFinite(p.done) ? Math.max(0, p.done) : 0
    total = typeof p.total === 'number' && Number.isFinite(p.total) ? Math.max(0, p.total) : 0
  }
  const fraction = ready ? 1 : total > 0 ? Math.min(1, done / total) : null
  return {
    ready,
    status: ready ? 'ready' : known,
    stage,
    done,
    total,
    fraction,
    error: !ready && typeof error === 'string' && error ? error : null,
  }
}

/** How long to wait before asking again: quickly at first, then every two seconds. */
export function nextPollDelay(attempt: number): number {
  return Math.min(2000, 250 * 2 ** Math.max(0, attempt))
}
