import { type MessageKey, useI18n } from '../../i18n/index.ts'
import type { RouterOutputs } from '../../trpc.ts'

type Notice = RouterOutputs['events']['get']['notices'][number]

/**
 * 告知诉求人: what the reporters of this event (and of the duplicates merged into it) were told,
 * and whether it went out. Phones are masked; the texts stay on the server.
 */
export function NoticesCard({
  eventId,
  notices,
  onOpen,
}: {
  eventId: number
  notices: readonly Notice[]
  onOpen: (id: number) => void
}) {
  const { t, dateTime, server } = useI18n()
  return (
    <section className="wb-section" data-testid="event-notices" aria-label={t('wb.notices')}>
      <h3 className="card-title small">{t('wb.notices')}</h3>
      <ul className="wb-notices">
        {notices.map((n) => (
          <li key={n.id} data-testid={`notice-${n.id}`} data-status={n.status} data-kind={n.kind}>
            <span className={`chip wb-notice-${n.status}`}>
              {t(`wb.noticeStatus.${n.status}` as MessageKey)}
            </span>{' '}
            {t(`wb.noticeKind.${n.kind}` as MessageKey)}
            {' · '}
            <span className="mono">{n.phoneMasked ?? t('wb.noticeNoPhone')}</span>
            {n.eventId !== eventId && (
              <>
                {' · '}
                <button type="button" className="link-button" onClick={() => onOpen(n.eventId)}>
                  {t('wb.noticeDuplicate', { id: n.eventId })}
                </button>
              </>
            )}
            <span className="dim">
              {' · '}
              {n.sentAt ? t('wb.noticeSentAt', { at: dateTime(n.sentAt) }) : dateTime(n.createdAt)}
              {n.status === 'failed' &&
                ` · ${t('wb.noticeFailed', { n: n.attempts, error: server(n.lastError ?? '') })}`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
