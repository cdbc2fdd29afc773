import { useEffect, useRef, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { addDays, type DayRange, daysBetween, nextWindow, windowAt } from '../../lib/time-window.ts'

export interface TimeSliderProps {
  /** The events' days (map.meta), `to` exclusive; null while unknown or without events. */
  extent: DayRange | null
  /** The window shown (URL `time=`), or null for all of the time. */
  value: DayRange | null
  onChange: (next: DayRange | null) => void
}

const WINDOWS = [1, 7, 30] as const
const STEP_MS = 1000

/**
 * The events' time: a window of 1, 7 or 30 days slid over the time extent by day, or all of it.
 * Play moves the window on by a day every second and starts again at the end (a loop).
 */
export function TimeSlider({ extent, value, onChange }: TimeSliderProps) {
  const { t } = useI18n()
  const [days, setDays] = useState<number>(() => (value ? daysBetween(value.from, value.to) : 7))
  const [playing, setPlaying] = useState(false)
  const latest = useRef({ extent, value, days, onChange })
  latest.current = { extent, value, days, onChange }

  useEffect(() => {
    if (!playing) return
    const step = () => {
      const { extent: e, value: v, days: d, onChange: change } = latest.current
      if (e) change(nextWindow(e, v, d))
    }
    step()
    const timer = window.setInterval(step, STEP_MS)
    return () => window.clearInterval(timer)
  }, [playing])

  if (!extent)
    return (
      <section className="time-slider" data-testid="time-slider" data-empty="true">
        <span className="time-label">{t('time.none')}</span>
      </section>
    )
  const total = daysBetween(extent.from, extent.to)
  const length = Math.min(days, total)
  const max = Math.max(0, total - length)
  const start = value ? Math.max(0, Math.min(max, daysBetween(extent.from, value.from))) : 0
  const shown = value ?? extent
  const lastDay = addDays(shown.to, -1)
  const moveTo = (offset: number) => onChange(windowAt(extent, addDays(extent.from, offset), length))

  return (
    <section className="time-slider" data-testid="time-slider" aria-label={t('time.title')}>
      <button
        type="button"
        className="time-play"
        data-testid="time-play"
        aria-pressed={playing}
        onClick={() => setPlaying((p) => !p)}
      >
        {playing ? (
          <svg viewBox="0 0 10 10" aria-hidden="true">
            <rect x="2" y="1.5" width="2.2" height="7" fill="currentColor" />
            <rect x="5.8" y="1.5" width="2.2" height="7" fill="currentColor" />
          </svg>
        ) : (
          <svg viewBox="0 0 10 10" aria-hidden="true">
            <path d="M2.5 1.5l6 3.5-6 3.5z" fill="currentColor" />
          </svg>
        )}
        <span>{playing ? t('time.pause') : t('time.play')}</span>
      </button>
      <div className="time-track">
        <input
          type="range"
          min={0}
          max={max}
          step={1}
          value={start}
          aria-label={t('time.slider')}
          aria-valuetext={t('time.range', { from: shown.from, to: lastDay })}
          data-testid="time-slider-input"
          data-all={value === null}
          onChange={(event) => {
            setPlaying(false)
            moveTo(Number(event.target.value))
          }}
        />
        <div className="time-ends" aria-hidden="true">
          <span>{extent.from}</span>
          <span>{addDays(extent.to, -1)}</span>
        </div>
      </div>
      <output
        className="time-label"
        data-testid="time-range"
        data-from={value?.from ?? ''}
        data-to={value?.to ?? ''}
      >
        {value ? t('time.range', { from: shown.from, to: lastDay }) : t('time.all')}
      </output>
      <label className="time-window">
        <span>{t('time.window')}</span>
        <select
          className="text-input"
          data-testid="time-window"
          value={days}
          onChange={(event) => {
            const next = Number(event.target.value)
            setDays(next)
            if (value) onChange(windowAt(extent, value.from, next))
          }}
        >
          {WINDOWS.map((n) => (
            <option key={n} value={n}>
              {t('time.days', { n })}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="plain-button"
        data-testid="time-all"
        disabled={value === null}
        onClick={() => {
          setPlaying(false)
          onChange(null)
        }}
      >
        {t('time.all')}
      </button>
    </section>
  )
}
