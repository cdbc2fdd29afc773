/**
 * The rules for event photos on the client, mirroring the server's (server/http/attachments.ts):
 * how many per event, how large an upload may be, and how a picked photo is scaled before it is
 * sent. Pure, so that it is tested without a browser.
 */

/** Photos per event (the server refuses the tenth). */
export const MAX_PHOTOS = 9
/** Largest upload the server takes (8 MiB). */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024
/** A picked file larger than this is not even decoded (a phone photo is 2–15 MB). */
export const MAX_SOURCE_BYTES = 60 * 1024 * 1024
/** The long side of an uploaded photo, in pixels. */
export const MAX_EDGE = 1600
/** JPEG quality of the re-encoded photo. */
export const JPEG_QUALITY = 0.85

/**
 * The size to draw an image of `width` × `height` at so that its long side is at most `maxEdge`:
 * the aspect ratio kept, never enlarged, whole pixels, at least 1 × 1.
 */
export function fitWithin(
  width: number,
  height: number,
  maxEdge = MAX_EDGE,
): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) throw new Error(`not an image size: ${width} × ${height}`)
  const scale = Math.min(1, maxEdge / Math.max(width, height))
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  }
}

/**
 * Successive encodings to try when a re-encoded photo is still over the upload limit (a very
 * detailed scene): lower quality first, then a smaller long side.
 */
export const ENCODE_STEPS: readonly { maxEdge: number; quality: number }[] = [
  { maxEdge: MAX_EDGE, quality: JPEG_QUALITY },
  { maxEdge: MAX_EDGE, quality: 0.7 },
  { maxEdge: 1200, quality: 0.7 },
  { maxEdge: 1000, quality: 0.6 },
]

export type RefusalReason = 'not_image' | 'too_big' | 'too_many'

export interface PickedFile {
  name: string
  type: string
  size: number
}

/**
 * Which of the picked files to prepare, in order, given `already` photos on the event (or in the
 * form) and the limit: images only, not absurdly large, and no more than the room left.
 * `accepted` holds the files' indexes.
 */
export function checkPicked(
  files: readonly PickedFile[],
  already: number,
  max = MAX_PHOTOS,
): { accepted: number[]; refused: { name: string; reason: RefusalReason; size: number }[] } {
  const accepted: number[] = []
  const refused: { name: string; reason: RefusalReason; size: number }[] = []
  let room = Math.max(0, max - already)
  files.forEach((f, i) => {
    // Some phones give an empty type for camera pictures; the decoder decides for those.
    const reason: RefusalReason | null =
      f.type !== '' && !f.type.startsWith('image/')
        ? 'not_image'
        : f.size > MAX_SOURCE_BYTES
          ? 'too_big'
          : room === 0
            ? 'too_many'
            : null
    if (reason) refused.push({ name: f.name, reason, size: f.size })
    else {
      accepted.push(i)
      room--
    }
  })
  return { accepted, refused }
}

/** A byte count for people: 850 B, 12 KB, 1.4 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`
  return `${(n / (1024 * 1024)).toFixed(1)} MB`
}

/** A whole percentage of `loaded` out of `total` (0 when nothing is known yet), 0–100. */
export function percent(loaded: number, total: number): number {
  if (!(total > 0)) return 0
  return Math.max(0, Math.min(100, Math.floor((loaded / total) * 100)))
}
