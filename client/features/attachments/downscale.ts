import { ENCODE_STEPS, fitWithin, MAX_UPLOAD_BYTES } from './photo-rules.ts'

/**
 * A picked photo made ready to send, in the browser: decoded (turned upright by its EXIF
 * orientation), drawn at most MAX_EDGE pixels on its long side and re-encoded as JPEG. A phone's
 * 4–12 MB picture becomes a few hundred KB, and what the camera wrote into the file (the place,
 * the device) is not sent: the event has its own location.
 */

export interface PreparedPhoto {
  blob: Blob
  width: number
  height: number
}

/** The file could not be decoded (not an image, or a format this browser cannot read, e.g. HEIC). */
export class UnreadablePhoto extends Error {}

type Drawable = ImageBitmap | HTMLImageElement

async function decode(
  file: Blob,
): Promise<{ image: Drawable; width: number; height: number; close: () => void }> {
  if (typeof createImageBitmap === 'function') {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
      return { image: bitmap, width: bitmap.width, height: bitmap.height, close: () => bitmap.close() }
    } catch {
      // Older Safari refuses some options or formats here; the <img> decoder may still manage.
    }
  }
  const url = URL.createObjectURL(file)
  try {
    const img = new Image()
    img.src = url
    await img.decode()
    return { image: img, width: img.naturalWidth, height: img.naturalHeight, close: () => {} }
  } catch {
    throw new UnreadablePhoto('unreadable')
  } finally {
    URL.revokeObjectURL(url)
  }
}

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D

function draw(ctx: Ctx2D, image: Drawable, width: number, height: number) {
  // JPEG has no transparency: a transparent PNG gets a white background, not a black one.
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, width, height)
  ctx.imageSmoothingQuality = 'high'
  ctx.drawImage(image, 0, 0, width, height)
}

async function encode(image: Drawable, width: number, height: number, quality: number): Promise<Blob> {
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(width, height)
    const ctx = canvas.getContext('2d')
    if (ctx) {
      draw(ctx, image, width, height)
      return canvas.convertToBlob({ type: 'image/jpeg', quality })
    }
  }
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new UnreadablePhoto('no canvas')
  draw(ctx, image, width, height)
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new UnreadablePhoto('encode'))), 'image/jpeg', quality),
  )
}

export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
  const decoded = await decode(file)
  try {
    let last: PreparedPhoto | null = null
    for (const step of ENCODE_STEPS) {
      const size = fitWithin(decoded.width, decoded.height, step.maxEdge)
      const blob = await encode(decoded.image, size.width, size.height, step.quality)
      last = { blob, ...size }
      if (blob.size <= MAX_UPLOAD_BYTES) return last
    }
    // Still over the limit after every step (it will not happen with real photos): the server
    // refuses it with a clear 413 and the user sees that.
    return last!
  } finally {
    decoded.close()
  }
}
