import { useEffect, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { durationParts, remaining } from './loop-model.ts'

/** The current time, refreshed every `everyMs` (the badges count down). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  return now
}

/** A duration in words: 2天3小时 / 3小时20分 / 12分钟. */
export function useDuration(): (ms: number) => string {
  const { t } = useI18n()
  return (ms) => {
    const { d, h, m } = durationParts(ms)
    if (d > 0) return t('wb.dur.dh', { d, h })
    if (h > 0) return t('wb.dur.hm', { h, m })
    return t('wb.dur.m', { m })
  }
}

interface RemainingBadgeProps {
  dueAt: string | null
  /** In the server's nearly-due queue. */
  nearlyDue?: boolean
  usedMs?: number | null
  limitMs?: number | null
  /** The clock is stopped (returned, parked, awaiting an extension). */
  paused?: boolean
  testId?: string
}

/** Time left until the deadline: red once overdue, amber when nearly due. */
export function RemainingBadge({ dueAt, nearlyDue, usedMs, limitMs, paused, testId }: RemainingBadgeProps) {
  const { t } = useI18n()
  const now = useNow()
  const duration = useDuration()
  if (paused)
    return (
      <span className="due-badge due-paused" data-testid={testId} data-urgency="paused">
        {t('wb.paused')}
      </span>
    )
  const r = remaining(dueAt, now, {
    ...(nearlyDue !== undefined ? { nearlyDue } : {}),
    ...(usedMs !== undefined ? { usedMs } : {}),
    ...(limitMs !== undefined ? { limitMs } : {}),
  })
  if (r.ms === null)
    return (
      <span className="due-badge due-none" data-testid={testId} data-urgency="none">
        {t('wb.noDeadline')}
      </span>
    )
  return (
    <span className={`due-badge due-${r.urgency}`} data-testid={testId} data-urgency={r.urgency}>
      {r.urgency === 'overdue'
        ? t('wb.overdueBy', { time: duration(r.ms) })
        : t('wb.remaining', { time: duration(r.ms) })}
    </span>
  )
}
