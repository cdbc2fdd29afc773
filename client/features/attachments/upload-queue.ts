/**
 * The photo upload queue as plain state and a reducer (the store in upload-store.ts runs it):
 * each photo is queued, uploading (with its progress), waiting to retry after a transient failure,
 * done, or failed with the reason. Pure and immutable, so that every step is tested.
 */

export type UploadStatus = 'queued' | 'uploading' | 'waiting' | 'done' | 'failed'

export interface UploadItem {
  /** Unique within the queue. */
  key: string
  eventId: number
  name: string
  blob: Blob
  status: UploadStatus
  loaded: number
  total: number
  /** Attempts started so far. */
  attempts: number
  /** Why the last attempt failed (a server message, or a client-side error key). */
  error: UploadError | null
  attachmentId: number | null
  /** False when the server had the same photo already. */
  created: boolean | null
}

/** A failed attempt: the HTTP status (0 for no answer) and what to tell the user. */
export interface UploadError {
  status: number
  /** The server's bilingual message, when it gave one. */
  message: string | null
  /** 'network' (no answer), 'timeout', or 'http' (an answer with an error status). */
  kind: 'network' | 'timeout' | 'http'
}

export interface UploadState {
  items: readonly UploadItem[]
}

export type UploadAction =
  | { type: 'enqueue'; items: { key: string; eventId: number; name: string; blob: Blob }[] }
  | { type: 'start'; key: string }
  | { type: 'progress'; key: string; loaded: number; total: number }
  | { type: 'succeed'; key: string; attachmentId: number; created: boolean }
  | { type: 'fail'; key: string; error: UploadError; willRetry: boolean }
  /** A waiting item's delay is over, or the user asked to try a failed one again. */
  | { type: 'retry'; key: string }
  | { type: 'dismiss'; key: string }
  | { type: 'dismissDone'; eventId: number }

export const emptyUploads: UploadState = { items: [] }

/** Automatic attempts per photo before it waits for the user. */
export const MAX_AUTO_ATTEMPTS = 3

/**
 * Is a failure worth trying again by itself? No answer, a timeout, the server starting (503),
 * overloaded (429) or failing (5xx) are; a refusal of the photo itself (400, 404, 409, 413, 415)
 * or of the caller (401, 403) would only fail again.
 */
export function isTransient(e: UploadError): boolean {
  return e.kind !== 'http' || e.status === 408 || e.status === 429 || e.status >= 500
}

/** Whether a failed attempt is retried automatically: transient, and attempts left. */
export function shouldAutoRetry(e: UploadError, attempts: number): boolean {
  return isTransient(e) && attempts < MAX_AUTO_ATTEMPTS
}

/** Delay before the automatic retry after `attempts` attempts: 2 s, then 6 s. */
export function retryDelayMs(attempts: number): number {
  return attempts <= 1 ? 2000 : 6000
}

const patch = (s: UploadState, key: string, f: (i: UploadItem) => UploadItem | null): UploadState => ({
  items: s.items.flatMap((i) => {
    if (i.key !== key) return [i]
    const next = f(i)
    return next ? [next] : []
  }),
})

export function reduceUploads(s: UploadState, a: UploadAction): UploadState {
  switch (a.type) {
    case 'enqueue': {
      const known = new Set(s.items.map((i) => i.key))
      const fresh = a.items
        .filter((i) => !known.has(i.key))
        .map(
          (i): UploadItem => ({
            ...i,
            status: 'queued',
            loaded: 0,
            total: i.blob.size,
            attempts: 0,
            error: null,
            attachmentId: null,
            created: null,
          }),
        )
      return fresh.length ? { items: [...s.items, ...fresh] } : s
    }
    case 'start':
      return patch(s, a.key, (i) =>
        i.status === 'queued'
          ? { ...i, status: 'uploading', attempts: i.attempts + 1, loaded: 0, error: null }
          : i,
      )
    case 'progress':
      return patch(s, a.key, (i) =>
        i.status === 'uploading' ? { ...i, loaded: a.loaded, total: a.total || i.total } : i,
      )
    case 'succeed':
      return patch(s, a.key, (i) => ({
        ...i,
        status: 'done',
        loaded: i.total,
        error: null,
        attachmentId: a.attachmentId,
        created: a.created,
      }))
    case 'fail':
      return patch(s, a.key, (i) =>
        i.status === 'uploading' ? { ...i, status: a.willRetry ? 'waiting' : 'failed', error: a.error } : i,
      )
    case 'retry':
      return patch(s, a.key, (i) => {
        if (i.status === 'waiting') return { ...i, status: 'queued' }
        // Asked by the user: a fresh round of automatic attempts.
        if (i.status === 'failed') return { ...i, status: 'queued', attempts: 0 }
        return i
      })
    case 'dismiss':
      return patch(s, a.key, (i) => (i.status === 'uploading' ? i : null))
    case 'dismissDone':
      return { items: s.items.filter((i) => !(i.eventId === a.eventId && i.status === 'done')) }
  }
}

/** The queued items to start now so that at most `concurrency` upload at once, oldest first. */
export function nextToStart(s: UploadState, concurrency: number): UploadItem[] {
  const running = s.items.filter((i) => i.status === 'uploading').length
  const room = Math.max(0, concurrency - running)
  return s.items.filter((i) => i.status === 'queued').slice(0, room)
}

export interface UploadSummary {
  total: number
  done: number
  failed: number
  /** Queued, uploading or waiting to retry. */
  active: number
  /** Bytes sent of all the photos not failed, 0–1. */
  fraction: number
}

export function summarize(items: readonly UploadItem[]): UploadSummary {
  let done = 0
  let failed = 0
  let loaded = 0
  let total = 0
  for (const i of items) {
    if (i.status === 'done') done++
    if (i.status === 'failed') failed++
    if (i.status !== 'failed') {
      loaded += i.status === 'done' ? i.total : i.loaded
      total += i.total
    }
  }
  return {
    total: items.length,
    done,
    failed,
    active: items.length - done - failed,
    fraction: total > 0 ? loaded / total : 0,
  }
}

/** Is anything still to be sent (the page should not be left)? */
export function hasPending(s: UploadState): boolean {
  return s.items.some((i) => i.status === 'queued' || i.status === 'uploading' || i.status === 'waiting')
}
