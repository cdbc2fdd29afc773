import { useRef, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { PhotoInputs, PickRefusals } from '../attachments/PhotoInputs.tsx'
import { MAX_EDGE, MAX_PHOTOS } from '../attachments/photo-rules.ts'
import { type PickedPhoto, type PickRefusal, pickPhotos, useObjectUrl } from '../attachments/uploads.ts'

/**
 * 现场照片 on the intake form and the grid worker's report: take or choose photos, each scaled
 * and re-encoded in the browser at once, shown as thumbnails that can be removed. Nothing is sent
 * here: once the intake has created the event, the form hands the photos to the upload queue
 * (enqueuePhotos), so a failed upload never loses the report.
 */
export function PhotoPicker({
  photos,
  onChange,
  disabled,
}: {
  photos: readonly PickedPhoto[]
  onChange: (photos: PickedPhoto[]) => void
  disabled?: boolean
}) {
  const { t } = useI18n()
  const [preparing, setPreparing] = useState(0)
  const [refused, setRefused] = useState<PickRefusal[]>([])
  // The latest list, for photos that finish preparing after the user removed another one.
  const latest = useRef(photos)
  latest.current = photos

  const add = async (files: File[]) => {
    setRefused([])
    setPreparing((n) => n + files.length)
    try {
      const r = await pickPhotos(files, latest.current.length, MAX_PHOTOS)
      const room = MAX_PHOTOS - latest.current.length
      onChange([...latest.current, ...r.photos.slice(0, Math.max(0, room))])
      setRefused(r.refused)
    } finally {
      setPreparing((n) => n - files.length)
    }
  }
  const remove = (key: string) => onChange(latest.current.filter((p) => p.key !== key))
  const full = photos.length >= MAX_PHOTOS

  return (
    <div className="field att-picker" data-testid="intake-photos" data-count={photos.length}>
      <span className="field-label">
        {t('att.photos')}
        <span className="dim"> · {t('att.count', { n: photos.length, max: MAX_PHOTOS })}</span>
      </span>
      <PhotoInputs
        onFiles={(f) => void add(f)}
        disabled={disabled || full || preparing > 0}
        testId="intake-photos"
      />
      {(photos.length > 0 || preparing > 0) && (
        <ul className="att-thumbs" data-testid="intake-photos-thumbs">
          {photos.map((p) => (
            <PickedThumb key={p.key} photo={p} onRemove={() => remove(p.key)} disabled={disabled} />
          ))}
          {preparing > 0 && (
            <li className="att-thumb att-thumb-preparing" role="status">
              <span>{t('att.preparing')}</span>
            </li>
          )}
        </ul>
      )}
      <PickRefusals refused={refused} testId="intake-photos-refused" />
      <p className="field-note" data-testid="intake-photos-note">
        {t('att.note', { max: MAX_PHOTOS, edge: MAX_EDGE })}
      </p>
    </div>
  )
}

function PickedThumb({
  photo,
  onRemove,
  disabled,
}: {
  photo: PickedPhoto
  onRemove: () => void
  disabled?: boolean
}) {
  const { t } = useI18n()
  const url = useObjectUrl(photo.blob)
  return (
    <li className="att-thumb" data-testid="intake-photo" data-width={photo.width} data-height={photo.height}>
      {url && <img src={url} alt={photo.name} />}
      <button
        type="button"
        className="att-thumb-remove"
        aria-label={t('att.remove', { name: photo.name })}
        title={t('att.remove', { name: photo.name })}
        data-testid="intake-photo-remove"
        disabled={disabled}
        onClick={onRemove}
      >
        ×
      </button>
    </li>
  )
}
