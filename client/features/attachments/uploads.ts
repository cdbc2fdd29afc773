import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { queryClient, trpc } from '../../trpc.ts'
import { sendPhoto } from './api.ts'
import { preparePhoto, UnreadablePhoto } from './downscale.ts'
import { checkPicked, MAX_PHOTOS, type RefusalReason } from './photo-rules.ts'
import { hasPending, type UploadItem } from './upload-queue.ts'
import { createUploadStore } from './upload-store.ts'

/** The query key of an event's photo list (GET /api/events/:id/attachments). */
export const photosKey = (eventId: number) => ['event-photos', eventId] as const

/**
 * The app's one upload queue: uploads go on while the user moves between pages, and each stored
 * photo refreshes the event's gallery and timeline.
 */
export const photoUploads = createUploadStore({
  send: sendPhoto,
  onUploaded: (eventId) => {
    void queryClient.invalidateQueries({ queryKey: photosKey(eventId) })
    void queryClient.invalidateQueries({
      queryKey: trpc.feature.get.queryKey({ kind: 'event', id: eventId }),
    })
  },
})

// Leaving the app (closing the tab, reloading) while photos are still to be sent: ask first.
if (typeof window !== 'undefined')
  window.addEventListener('beforeunload', (e) => {
    if (!hasPending(photoUploads.getState())) return
    e.preventDefault()
    e.returnValue = ''
  })

/** The upload items of one event, live. */
export function useEventUploads(eventId: number): readonly UploadItem[] {
  const state = useSyncExternalStore(photoUploads.subscribe, photoUploads.getState)
  return useMemo(() => state.items.filter((i) => i.eventId === eventId), [state, eventId])
}

/** A photo picked and prepared in the browser (scaled, re-encoded), not yet sent. */
export interface PickedPhoto {
  key: string
  name: string
  blob: Blob
  width: number
  height: number
}

export interface PickRefusal {
  name: string
  reason: RefusalReason | 'unreadable'
  size: number
}

let picked = 0

/**
 * Check and prepare picked files one after the other (a phone runs out of memory decoding
 * several 12-megapixel pictures at once): the photos ready to send, and those refused and why.
 */
export async function pickPhotos(
  files: readonly File[],
  already: number,
  max = MAX_PHOTOS,
): Promise<{ photos: PickedPhoto[]; refused: PickRefusal[] }> {
  const { accepted, refused } = checkPicked(files, already, max)
  const photos: PickedPhoto[] = []
  const unreadable: PickRefusal[] = []
  for (const index of accepted) {
    const file = files[index]!
    try {
      const p = await preparePhoto(file)
      photos.push({ key: `p${++picked}`, name: file.name || `photo-${picked}.jpg`, ...p })
    } catch (e) {
      if (!(e instanceof UnreadablePhoto)) console.warn('photo not prepared', e)
      unreadable.push({ name: file.name, reason: 'unreadable', size: file.size })
    }
  }
  return { photos, refused: [...refused, ...unreadable] }
}

/** An object URL for a blob while the component shows it (revoked afterwards). */
export function useObjectUrl(blob: Blob | null): string | null {
  const [url, setUrl] = useState<string | null>(null)
  useEffect(() => {
    if (!blob) {
      setUrl(null)
      return
    }
    const u = URL.createObjectURL(blob)
    setUrl(u)
    return () => URL.revokeObjectURL(u)
  }, [blob])
  return url
}

/** Hand prepared photos to the upload queue for an event (after intake has created it). */
export function enqueuePhotos(eventId: number, photos: readonly PickedPhoto[]): void {
  if (photos.length)
    photoUploads.enqueue(
      eventId,
      photos.map((p) => ({ name: p.name, blob: p.blob })),
    )
}
