import {
  emptyUploads,
  nextToStart,
  reduceUploads,
  retryDelayMs,
  shouldAutoRetry,
  type UploadAction,
  type UploadError,
  type UploadState,
} from './upload-queue.ts'

/**
 * The upload queue with its side effects: it starts uploads (a few at a time), feeds their
 * progress into the state, retries transient failures after a delay and tells listeners. It lives
 * outside React, so that uploads go on when the page that queued them is left (the intake form
 * gives way to its result, the user opens the event). The sender is injected (XMLHttpRequest in
 * the app, a fake in tests).
 */

/** Sends one photo; rejects with an UploadFailure (or anything, taken as no answer). */
export type SendPhoto = (
  eventId: number,
  blob: Blob,
  onProgress: (loaded: number, total: number) => void,
) => Promise<{ id: number; created: boolean }>

export class UploadFailure extends Error {
  constructor(readonly upload: UploadError) {
    super(upload.message ?? `upload failed (${upload.kind} ${upload.status})`)
  }
}

export interface UploadStoreOptions {
  send: SendPhoto
  /** Uploads at once; default 2 (a phone's uplink is the bottleneck). */
  concurrency?: number
  /** Told after each stored photo (refetch the event's gallery). */
  onUploaded?: (eventId: number, attachmentId: number) => void
  /** For tests: how a retry is scheduled (default setTimeout). */
  schedule?: (fn: () => void, ms: number) => void
}

export interface UploadStore {
  getState(): UploadState
  subscribe(listener: () => void): () => void
  /** Queue photos for an event; returns their keys. */
  enqueue(eventId: number, photos: readonly { name: string; blob: Blob }[]): string[]
  retry(key: string): void
  retryFailed(eventId: number): void
  dismiss(key: string): void
  dismissDone(eventId: number): void
}

/** An item gone while its upload ran: as if out of attempts (no retry is scheduled). */
const MAX_ATTEMPTS_UNKNOWN = Number.POSITIVE_INFINITY

function failureOf(e: unknown): UploadError {
  if (e instanceof UploadFailure) return e.upload
  return { kind: 'network', status: 0, message: null }
}

export function createUploadStore(opts: UploadStoreOptions): UploadStore {
  const concurrency = opts.concurrency ?? 2
  const schedule = opts.schedule ?? ((fn, ms) => void setTimeout(fn, ms))
  let state = emptyUploads
  let seq = 0
  const listeners = new Set<() => void>()

  const dispatch = (a: UploadAction) => {
    const next = reduceUploads(state, a)
    if (next === state) return
    state = next
    for (const l of listeners) l()
  }

  const run = async (key: string) => {
    const item = state.items.find((i) => i.key === key)
    if (!item) return
    try {
      const r = await opts.send(item.eventId, item.blob, (loaded, total) =>
        dispatch({ type: 'progress', key, loaded, total }),
      )
      dispatch({ type: 'succeed', key, attachmentId: r.id, created: r.created })
      opts.onUploaded?.(item.eventId, r.id)
    } catch (e) {
      const error = failureOf(e)
      const attempts = state.items.find((i) => i.key === key)?.attempts ?? MAX_ATTEMPTS_UNKNOWN
      const willRetry = shouldAutoRetry(error, attempts)
      dispatch({ type: 'fail', key, error, willRetry })
      if (willRetry)
        schedule(() => {
          dispatch({ type: 'retry', key })
          pump()
        }, retryDelayMs(attempts))
    }
    pump()
  }

  const pump = () => {
    for (const item of nextToStart(state, concurrency)) {
      dispatch({ type: 'start', key: item.key })
      void run(item.key)
    }
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    enqueue(eventId, photos) {
      const items = photos.map((p) => ({ key: `u${++seq}`, eventId, name: p.name, blob: p.blob }))
      dispatch({ type: 'enqueue', items })
      pump()
      return items.map((i) => i.key)
    },
    retry(key) {
      dispatch({ type: 'retry', key })
      pump()
    },
    retryFailed(eventId) {
      for (const i of state.items)
        if (i.eventId === eventId && i.status === 'failed') dispatch({ type: 'retry', key: i.key })
      pump()
    },
    dismiss: (key) => dispatch({ type: 'dismiss', key }),
    dismissDone: (eventId) => dispatch({ type: 'dismissDone', eventId }),
  }
}
