import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { trpc } from '../../trpc.ts'
import { useSession } from '../auth/session.ts'
import { type EventPhoto, fetchEventPhotos, PhotoApiError } from './api.ts'
import { PhotoInputs, PickRefusals } from './PhotoInputs.tsx'
import { PhotoViewer } from './PhotoViewer.tsx'
import { MAX_PHOTOS } from './photo-rules.ts'
import { UploadList } from './UploadList.tsx'
import {
  enqueuePhotos,
  type PickRefusal,
  photosKey,
  photoUploads,
  pickPhotos,
  useEventUploads,
} from './uploads.ts'
import './attachments.css'

/**
 * The event's photos on its page: thumbnails (the browser scales the stored photos; no thumbnails
 * are kept on the server), a click opens one large, and users who may handle events add photos
 * here (sent at once, with progress). The list follows the timeline: when anyone adds a photo, the
 * event's timeline gains an 'attach' entry (heard live on the workbench) and the list reloads.
 */
export function EventPhotos({ eventId, archived }: { eventId: number; archived: boolean }) {
  const { t, server, dateTime } = useI18n()
  const { me } = useSession()
  const canAdd = me.permissions.includes('events.write') && !archived
  const detail = useQuery({
    ...trpc.feature.get.queryOptions({ kind: 'event', id: eventId }),
    staleTime: 0,
    refetchOnMount: false,
  })
  const attached =
    detail.data?.kind === 'event' ? detail.data.timeline.filter((a) => a.action === 'attach').length : 0
  const list = useQuery({
    queryKey: [...photosKey(eventId), attached],
    queryFn: ({ signal }) => fetchEventPhotos(eventId, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
    retry: (n, e) => !(e instanceof PhotoApiError && e.status < 500) && n < 2,
  })
  const uploads = useEventUploads(eventId)
  const [open, setOpen] = useState<number | null>(null)
  const [preparing, setPreparing] = useState(false)
  const [refused, setRefused] = useState<PickRefusal[]>([])

  const photos: readonly EventPhoto[] = list.data?.attachments ?? []
  const max = list.data?.max ?? MAX_PHOTOS
  // Photos still on their way count against the limit too.
  const pending = uploads.filter((u) => u.status !== 'done' && u.status !== 'failed').length
  const room = max - photos.length - pending

  // Once the list shows them, finished uploads leave the upload list (and free their memory).
  useEffect(() => {
    if (list.data) photoUploads.dismissDone(eventId)
  }, [list.data, eventId])

  const add = async (files: File[]) => {
    setRefused([])
    setPreparing(true)
    try {
      const r = await pickPhotos(files, max - room, max)
      enqueuePhotos(eventId, r.photos)
      setRefused(r.refused)
    } finally {
      setPreparing(false)
    }
  }

  return (
    <section
      className="wb-section att-gallery"
      data-testid="event-photos"
      data-count={photos.length}
      aria-label={t('att.photos')}
    >
      <div className="att-gallery-head">
        <h3 className="card-title small">{t('att.gallery', { n: photos.length })}</h3>
        {canAdd && room > 0 && (
          <PhotoInputs onFiles={(f) => void add(f)} disabled={preparing} testId="event-photos" />
        )}
        {canAdd && room <= 0 && <span className="field-note">{t('att.full', { max })}</span>}
      </div>
      {list.isError && (
        <p className="tree-error" role="alert">
          {t('att.loadError', { message: server(list.error.message) })}
        </p>
      )}
      {list.isSuccess && photos.length === 0 && uploads.length === 0 && !preparing && (
        <p className="tree-note">{t('att.none')}</p>
      )}
      {(photos.length > 0 || preparing) && (
        <ul className="att-thumbs" data-testid="event-photos-thumbs">
          {photos.map((p, i) => (
            <li key={p.id} className="att-thumb">
              <button
                type="button"
                className="att-thumb-open"
                data-testid="event-photo"
                data-photo-id={p.id}
                aria-label={t('att.thumb', { i: i + 1, n: photos.length })}
                title={
                  p.createdByName
                    ? t('att.by', { name: p.createdByName, at: dateTime(p.createdAt) })
                    : dateTime(p.createdAt)
                }
                onClick={() => setOpen(i)}
              >
                <img src={p.url} alt="" loading="lazy" decoding="async" />
              </button>
            </li>
          ))}
          {preparing && (
            <li className="att-thumb att-thumb-preparing" role="status">
              <span>{t('att.preparing')}</span>
            </li>
          )}
        </ul>
      )}
      <PickRefusals refused={refused} testId="event-photos-refused" />
      <UploadList eventId={eventId} hideDone />
      {open !== null && photos.length > 0 && (
        <PhotoViewer photos={photos} index={open} onIndex={setOpen} onClose={() => setOpen(null)} />
      )}
    </section>
  )
}
