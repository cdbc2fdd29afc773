import { type ReactNode, useEffect, useState } from 'react'
import { type MessageKey, useI18n } from '../i18n/index.ts'
import { type HealthView, nextPollDelay, readHealth, UNREACHABLE } from '../lib/health.ts'
import { BrandMark } from './BrandMark.tsx'

async function fetchHealth(signal: AbortSignal): Promise<HealthView> {
  try {
    // /api/startup answers 200 with the start-up state (/healthz answers 503 until ready, which
    // browsers log as an error on every poll).
    const response = await fetch('/api/startup', {
      signal,
      cache: 'no-store',
      headers: { accept: 'application/json' },
    })
    return readHealth(await response.json())
  } catch {
    return UNREACHABLE
  }
}

/**
 * Shows the loading screen until the server says it is ready: the server may still be migrating the
 * database or generating the demo city, and says how far it got.
 */
export function HealthGate({ children }: { children: ReactNode }) {
  const [health, setHealth] = useState<HealthView | null>(null)

  useEffect(() => {
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    let attempt = 0
    const poll = async () => {
      const view = await fetchHealth(controller.signal)
      if (controller.signal.aborted) return
      setHealth(view)
      if (!view.ready) timer = setTimeout(poll, nextPollDelay(attempt++))
    }
    void poll()
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [])

  if (health?.ready) return children
  return <LoadingScreen health={health} />
}

function LoadingScreen({ health }: { health: HealthView | null }) {
  const { t, number } = useI18n()
  const status = health?.status ?? 'starting'
  const percent = health?.fraction === null || health === null ? null : Math.round(health.fraction * 100)
  return (
    <div className="loading" data-testid="loading" data-status={status} role="status" aria-live="polite">
      <div className="loading-card">
        <BrandMark className="loading-mark" />
        <h1 className="loading-title">{t('app.title')}</h1>
        <p className="loading-status">{t(`loading.status.${status}` as MessageKey)}</p>
        <div
          className={percent === null ? 'progress progress-indeterminate' : 'progress'}
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent ?? undefined}
        >
          <div className="progress-bar" style={percent === null ? undefined : { width: `${percent}%` }} />
        </div>
        <p className="loading-detail">
          {health?.stage
            ? t('loading.progress', {
                stage: health.stage,
                done: number(health.done),
                total: number(health.total),
              })
            : '\u00a0'}
          {percent !== null && <span className="loading-percent">{percent}%</span>}
        </p>
        {health?.error ? (
          <p className="loading-error" role="alert">
            {t('loading.failed', { message: health.error })}
          </p>
        ) : (
          <p className="loading-hint">{t('loading.hint')}</p>
        )}
      </div>
    </div>
  )
}
