import { useI18n } from '../../i18n/index.ts'

export type LiveState = 'idle' | 'connecting' | 'pending' | 'error'

/**
 * Whether the workbench hears live updates (events.live over SSE): connected, reconnecting after a
 * drop (the link retries by itself), and the time of the last change heard.
 */
export function LiveStatus({ status, lastAt }: { status: LiveState; lastAt: string | null }) {
  const { t, dateTime } = useI18n()
  const connected = status === 'pending'
  const label = connected ? t('live.connected') : status === 'error' ? t('live.error') : t('live.connecting')
  return (
    <output
      className={connected ? 'live-status live-on' : 'live-status live-off'}
      data-testid="wb-live"
      data-status={status}
      title={lastAt ? t('live.last', { at: dateTime(lastAt) }) : t('live.hint')}
    >
      <span className="live-dot" aria-hidden="true" />
      {label}
    </output>
  )
}
