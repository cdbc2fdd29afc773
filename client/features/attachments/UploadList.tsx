import { useI18n } from '../../i18n/index.ts'
import { percent } from './photo-rules.ts'
import { summarize, type UploadItem } from './upload-queue.ts'
import { photoUploads, useEventUploads, useObjectUrl } from './uploads.ts'
import './attachments.css'

type T = ReturnType<typeof useI18n>['t']

/** What went wrong with an upload, for people: the server's message, else the kind of failure. */
function failureText(t: T, server: (m: string) => string, item: UploadItem): string {
  const e = item.error
  if (!e) return ''
  if (e.message) return server(e.message)
  if (e.kind === 'timeout') return t('att.error.timeout')
  if (e.kind === 'network') return t('att.error.network')
  return t('att.error.status', { status: e.status })
}

function statusText(t: T, server: (m: string) => string, item: UploadItem): string {
  switch (item.status) {
    case 'queued':
      return t('att.status.queued')
    case 'uploading':
      return t('att.status.uploading', { pct: percent(item.loaded, item.total) })
    case 'waiting':
      return t('att.status.waiting')
    case 'done':
      return t(item.created === false ? 'att.status.repeat' : 'att.status.done')
    case 'failed':
      return t('att.status.failed', { message: failureText(t, server, item) })
  }
}

/**
 * The photos being sent to one event, each with its progress bar and, when it failed, the reason
 * and a retry button; above them one line that sums it up. Shown after intake (the event exists,
 * whatever becomes of the photos) and in the event's gallery.
 */
export function UploadList({ eventId, hideDone = false }: { eventId: number; hideDone?: boolean }) {
  const { t, server } = useI18n()
  const all = useEventUploads(eventId)
  const items = hideDone ? all.filter((i) => i.status !== 'done') : all
  if (!items.length) return null
  const s = summarize(all)
  const summary =
    s.failed > 0
      ? t('att.summary.failed', { failed: s.failed })
      : s.active > 0
        ? t('att.summary.active', { done: s.done, n: s.total })
        : t('att.summary.done', { n: s.total })
  return (
    <section
      className="att-uploads"
      data-testid="photo-uploads"
      data-done={s.done}
      data-failed={s.failed}
      data-active={s.active}
      aria-label={t('att.uploads')}
    >
      <p
        className={s.failed > 0 ? 'att-summary att-summary-warn' : 'att-summary'}
        role={s.failed > 0 ? 'alert' : 'status'}
        data-testid="photo-uploads-summary"
      >
        {summary}
        {s.failed > 1 && (
          <button
            type="button"
            className="plain-button att-small-button"
            data-testid="photo-retry-all"
            onClick={() => photoUploads.retryFailed(eventId)}
          >
            {t('att.retryAll')}
          </button>
        )}
      </p>
      <ul className="att-upload-items">
        {items.map((item) => (
          <UploadRow key={item.key} item={item} text={statusText(t, server, item)} />
        ))}
      </ul>
    </section>
  )
}

function UploadRow({ item, text }: { item: UploadItem; text: string }) {
  const { t } = useI18n()
  const url = useObjectUrl(item.blob)
  const pct = item.status === 'done' ? 100 : percent(item.loaded, item.total)
  return (
    <li
      className={`att-upload att-upload-${item.status}`}
      data-testid="photo-upload"
      data-status={item.status}
    >
      {url ? <img className="att-upload-thumb" src={url} alt="" /> : <span className="att-upload-thumb" />}
      <div className="att-upload-body">
        <span className="att-upload-name" title={item.name}>
          {item.name}
        </span>
        <progress
          className="att-progress"
          max={100}
          value={item.status === 'failed' ? 0 : pct}
          aria-label={item.name}
          aria-valuetext={text}
        />
        <span className="att-upload-status" data-testid="photo-upload-status">
          {text}
        </span>
      </div>
      {item.status === 'failed' && (
        <div className="att-upload-actions">
          <button
            type="button"
            className="primary-button att-small-button"
            data-testid="photo-retry"
            onClick={() => photoUploads.retry(item.key)}
          >
            {t('att.retry')}
          </button>
          <button
            type="button"
            className="plain-button att-small-button"
            onClick={() => photoUploads.dismiss(item.key)}
          >
            {t('att.dismiss')}
          </button>
        </div>
      )}
    </li>
  )
}
