import { type ChangeEvent, useEffect, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { formatBytes, MAX_PHOTOS } from './photo-rules.ts'
import type { PickRefusal } from './uploads.ts'
import './attachments.css'

/** A phone or tablet (a finger, not a mouse): offer the camera and the album as two buttons. */
function useTouch(): boolean {
  const query = '(pointer: coarse)'
  const [touch, setTouch] = useState(() => typeof matchMedia === 'function' && matchMedia(query).matches)
  useEffect(() => {
    if (typeof matchMedia !== 'function') return
    const m = matchMedia(query)
    const on = () => setTouch(m.matches)
    m.addEventListener('change', on)
    return () => m.removeEventListener('change', on)
  }, [])
  return touch
}

/**
 * The buttons that pick photos: on a phone "take photo" (the rear camera at once,
 * capture="environment") and "from album"; with a mouse one "add photos" (capture is ignored
 * there). Each hands the chosen files over and is cleared, so the same file can be picked again.
 */
export function PhotoInputs({
  onFiles,
  disabled,
  testId,
}: {
  onFiles: (files: File[]) => void
  disabled?: boolean
  testId: string
}) {
  const { t } = useI18n()
  const touch = useTouch()
  const take = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? [])
    e.target.value = ''
    if (files.length) onFiles(files)
  }
  const cls = disabled ? 'att-pick att-pick-disabled' : 'att-pick'
  return (
    <div className="att-pick-row">
      <label
        className={`${touch ? 'primary-button' : 'plain-button'} ${cls}`}
        data-testid={`${testId}-camera`}
      >
        <CameraIcon />
        <span>{touch ? t('att.takePhoto') : t('att.addPhotos')}</span>
        <input
          type="file"
          accept="image/*"
          capture="environment"
          multiple
          className="att-file-input"
          disabled={disabled}
          data-testid={`${testId}-input`}
          onChange={take}
        />
      </label>
      {touch && (
        <label className={`plain-button ${cls}`} data-testid={`${testId}-album`}>
          <span>{t('att.fromAlbum')}</span>
          <input
            type="file"
            accept="image/*"
            multiple
            className="att-file-input"
            disabled={disabled}
            onChange={take}
          />
        </label>
      )}
    </div>
  )
}

/** Why picked files were not taken, one line each. */
export function PickRefusals({ refused, testId }: { refused: readonly PickRefusal[]; testId: string }) {
  const { t } = useI18n()
  if (!refused.length) return null
  return (
    <ul className="form-error att-refused" role="alert" data-testid={testId}>
      {refused.map((r) => (
        <li key={`${r.reason}:${r.name}:${r.size}`}>
          {t(`att.refused.${r.reason}`, { name: r.name, size: formatBytes(r.size), max: MAX_PHOTOS })}
        </li>
      ))}
    </ul>
  )
}

function CameraIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <path
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
        d="M4 8h3l1.6-2.4h6.8L17 8h3v11H4z"
      />
      <circle cx="12" cy="13.2" r="3.6" fill="none" stroke="currentColor" strokeWidth="1.8" />
    </svg>
  )
}
