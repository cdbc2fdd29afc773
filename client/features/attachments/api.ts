import { SESSION_LOST, sessionEvents } from '../../trpc.ts'
import type { UploadError } from './upload-queue.ts'
import { type SendPhoto, UploadFailure } from './upload-store.ts'

/**
 * The photo routes (server/http/attachments.ts) from the browser. They are plain HTTP beside
 * tRPC and use the same session cookie (same origin, SameSite=Strict), so <img src> works as is.
 */

export interface EventPhoto {
  id: number
  mime: string
  size: number
  sha256: string
  createdAt: string
  createdBy: number | null
  createdByName: string | null
  url: string
}

export interface EventPhotos {
  eventId: number
  max: number
  maxBytes: number
  attachments: EventPhoto[]
}

export const photosUrl = (eventId: number) => `/api/events/${eventId}/attachments`

/** An answer with an error status, with the server's bilingual message. */
export class PhotoApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function messageOf(body: unknown): string | null {
  const m = (body as { message?: unknown } | null)?.message
  return typeof m === 'string' ? m : null
}

export async function fetchEventPhotos(eventId: number, signal?: AbortSignal): Promise<EventPhotos> {
  const res = await fetch(photosUrl(eventId), { credentials: 'same-origin', signal })
  const body: unknown = await res.json().catch(() => null)
  if (res.status === 401) sessionEvents.dispatchEvent(new Event(SESSION_LOST))
  if (!res.ok) throw new PhotoApiError(res.status, messageOf(body) ?? `HTTP ${res.status}`)
  return body as EventPhotos
}

/** How long one photo may take to send before the attempt counts as failed. */
const UPLOAD_TIMEOUT_MS = 120_000

/**
 * POST one photo with XMLHttpRequest (fetch cannot report upload progress): resolves to the
 * stored photo's id (`created: false` when the event had the same photo already), rejects with an
 * UploadFailure that says whether the server answered.
 */
export const sendPhoto: SendPhoto = (eventId, blob, onProgress) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', photosUrl(eventId))
    xhr.setRequestHeader('content-type', blob.type || 'image/jpeg')
    xhr.responseType = 'json'
    xhr.timeout = UPLOAD_TIMEOUT_MS
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : blob.size)
    const fail = (error: UploadError) => reject(new UploadFailure(error))
    xhr.onload = () => {
      const body: unknown = xhr.response
      if (xhr.status === 200 || xhr.status === 201) {
        const r = body as { id?: unknown; created?: unknown } | null
        if (r && typeof r.id === 'number') return resolve({ id: r.id, created: r.created !== false })
      }
      if (xhr.status === 401) sessionEvents.dispatchEvent(new Event(SESSION_LOST))
      fail({ kind: 'http', status: xhr.status, message: messageOf(body) })
    }
    xhr.onerror = () => fail({ kind: 'network', status: 0, message: null })
    xhr.ontimeout = () => fail({ kind: 'timeout', status: 0, message: null })
    xhr.send(blob)
  })
