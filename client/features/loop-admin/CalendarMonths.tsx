import { memo } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { dayState, type ExceptionDay, monthWeeks } from './calendar-grid.ts'

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const
const MONTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const

interface CalendarMonthsProps {
  year: number
  days: readonly ExceptionDay[]
  /** A click on a day: add an exception there, or take it away. */
  onToggle: (day: string) => void
}

/** The year at a glance: twelve small months, days off shaded, exceptions marked; click to toggle. */
export const CalendarMonths = memo(function CalendarMonths({ year, days, onToggle }: CalendarMonthsProps) {
  const { t } = useI18n()
  const byDay = new Map(days.map((d) => [d.day, d]))
  return (
    <div className="la-months" data-testid="calendar-months">
      {MONTHS.map((m) => (
        <table key={m} className="la-month" aria-label={t(`loopAdmin.month.${m}`)}>
          <caption>{t(`loopAdmin.month.${m}`)}</caption>
          <thead>
            <tr>
              {WEEKDAYS.map((w) => (
                <th key={w} className={w >= 5 ? 'la-wkend' : undefined}>
                  {t(`loopAdmin.weekdayShort.${w}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {monthWeeks(year, m).map((week) => (
              <tr key={week.find(Boolean)}>
                {week.map((day, i) => {
                  // biome-ignore lint/suspicious/noArrayIndexKey: blank cells are told apart by their place
                  if (!day) return <td key={`blank-${i}`} />
                  const ex = byDay.get(day)
                  const state = dayState(day, ex)
                  const label = `${day} ${t(`loopAdmin.state.${state}`)}${ex?.name ? ` · ${ex.name}` : ''}`
                  return (
                    <td key={day}>
                      <button
                        type="button"
                        className={`la-day la-day-${state}`}
                        title={label}
                        aria-label={label}
                        data-day={day}
                        data-state={state}
                        onClick={() => onToggle(day)}
                      >
                        {Number(day.slice(8))}
                      </button>
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  )
})
