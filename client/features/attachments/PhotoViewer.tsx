import { type KeyboardEvent as ReactKeyboardEvent, useEffect, useRef, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import type { EventPhoto } from './api.ts'
import './attachments.css'

/**
 * One photo large, over the page: ← and → (or the buttons) go through the event's photos, Esc,
 * the close button or a click beside the photo closes it, and the focus returns to the thumbnail
 * that opened it. The focus stays inside while it is open (a modal dialog).
 */
export function PhotoViewer({
  photos,
  index,
  onIndex,
  onClose,
}: {
  photos: readonly EventPhoto[]
  index: number
  onIndex: (i: number) => void
  onClose: () => void
}) {
  const { t, dateTime } = useI18n()
  const dialog = useRef<HTMLDivElement>(null)
  const closeButton = useRef<HTMLButtonElement>(null)
  const [failed, setFailed] = useState<number | null>(null)
  const n = photos.length
  const photo = photos[Math.min(index, n - 1)]
  const go = (step: number) => onIndex((index + step + n) % n)

  // Focus the close button on open; give the focus back on close.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null
    closeButton.current?.focus()
    return () => before?.focus?.()
  }, [])

  // Keys on the whole document, so that they work wherever the focus is.
  const keys = useRef({ onClose, go })
  keys.current = { onClose, go }
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault()
        keys.current.onClose()
      } else if (e.key === 'ArrowRight') keys.current.go(1)
      else if (e.key === 'ArrowLeft') keys.current.go(-1)
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  const trapTab = (e: ReactKeyboardEvent) => {
    if (e.key !== 'Tab' || !dialog.current) return
    const focusable = Array.from(dialog.current.querySelectorAll<HTMLElement>('button, a[href]'))
    const first = focusable[0]
    const last = focusable[focusable.length - 1]
    if (!first || !last) return
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault()
      first.focus()
    }
  }

  if (!photo) return null
  const label = t('att.viewer', { i: index + 1, n })
  return (
    <div
      className="att-viewer"
      role="dialog"
      aria-modal="true"
      aria-label={label}
      data-testid="photo-viewer"
      data-photo-id={photo.id}
      ref={dialog}
      onKeyDown={trapTab}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose()
      }}
    >
      <div className="att-viewer-bar">
        <span className="att-viewer-title">
          {label}
          <span className="dim">
            {' · '}
            {photo.createdByName
              ? t('att.by', { name: photo.createdByName, at: dateTime(photo.createdAt) })
              : dateTime(photo.createdAt)}
          </span>
        </span>
        <a
          className="plain-button att-small-button"
          href={photo.url}
          target="_blank"
          rel="noopener noreferrer"
        >
          {t('att.original')}
        </a>
        <button
          type="button"
          className="icon-button att-viewer-close"
          ref={closeButton}
          aria-label={t('att.close')}
          title={t('att.close')}
          data-testid="photo-viewer-close"
          onClick={onClose}
        >
          ×
        </button>
      </div>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: a click beside the photo closes, like Esc */}
      <figure
        className="att-viewer-stage"
        onClick={(e) => {
          if (e.target === e.currentTarget) onClose()
        }}
      >
        {failed === photo.id ? (
          <p className="tree-error">{t('att.imageError')}</p>
        ) : (
          // biome-ignore lint/a11y/useKeyWithClickEvents: a click beside the picture closes, like Esc
          <img
            key={photo.id}
            className="att-viewer-image"
            src={photo.url}
            alt={label}
            data-testid="photo-viewer-image"
            onError={() => setFailed(photo.id)}
            onClick={(e) => {
              if (!onPicture(e.currentTarget, e.clientX, e.clientY)) onClose()
            }}
          />
        )}
      </figure>
      {n > 1 && (
        <>
          <button
            type="button"
            className="att-viewer-nav att-viewer-prev"
            aria-label={t('att.prev')}
            title={t('att.prev')}
            data-testid="photo-viewer-prev"
            onClick={() => go(-1)}
          >
            ‹
          </button>
          <button
            type="button"
            className="att-viewer-nav att-viewer-next"
            aria-label={t('att.next')}
            title={t('att.next')}
            data-testid="photo-viewer-next"
            onClick={() => go(1)}
          >
            ›
          </button>
        </>
      )}
    </div>
  )
}

/** Is the point on the picture itself, not on the bands beside it (object-fit: contain)? */
function onPicture(img: HTMLImageElement, x: number, y: number): boolean {
  const r = img.getBoundingClientRect()
  if (!img.naturalWidth || !img.naturalHeight) return true
  const scale = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight)
  const w = img.naturalWidth * scale
  const h = img.naturalHeight * scale
  const left = r.left + (r.width - w) / 2
  const top = r.top + (r.height - h) / 2
  return x >= left && x <= left + w && y >= top && y <= top + h
}
