import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { errorMessage, trpc } from '../../trpc.ts'
import { CalendarMonths } from './CalendarMonths.tsx'
import {
  checkDays,
  type DayKind,
  type DayProblem,
  type ExceptionDay,
  isNoOp,
  MAX_DAYS,
  NAME_MAX,
  parseDay,
  sortedDays,
  toggleDay,
  weekday,
  yearCounts,
} from './calendar-grid.ts'

const MIN_YEAR = 2000
const MAX_YEAR = 2100
/** Names offered for exception days (any other name may be typed). */
const NAMES = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']

const same = (a: readonly ExceptionDay[], b: readonly ExceptionDay[]) =>
  JSON.stringify(sortedDays(a)) === JSON.stringify(sortedDays(b))

/**
 * The working-day calendar (工作日历) of one year: its exception days as a list to edit, the year
 * as twelve small months (click a day to add or remove an exception), and saving the year whole
 * through `events.calendar.setYear`. A holiday on a weekend or a workday on a weekday changes
 * nothing, and is said so.
 */
export function CalendarTab() {
  const { t, server } = useI18n()
  const queryClient = useQueryClient()
  const [year, setYear] = useState(() => new Date().getFullYear())
  const saved = useQuery(trpc.events.calendar.get.queryOptions({ year }))
  const [draft, setDraft] = useState<ExceptionDay[] | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [tried, setTried] = useState(false)

  // A fresh copy of the year to edit whenever the year (or what is saved) changes.
  useEffect(() => {
    if (saved.data) setDraft(saved.data.map((d) => ({ ...d })))
  }, [saved.data])
  const days = draft ?? []
  const dirty = saved.data !== undefined && draft !== null && !same(draft, saved.data)

  const save = useMutation(
    trpc.events.calendar.setYear.mutationOptions({
      onSuccess: (r) => {
        setNotice(t('loopAdmin.calendar.saved', { year: r.year, n: r.days }))
        setTried(false)
        void queryClient.invalidateQueries({ queryKey: trpc.events.calendar.get.pathKey() })
      },
    }),
  )
  const problems = checkDays(year, days)
  const problemsAt = (i: number) => problems.filter((p) => p.index === i)
  const onToggle = useCallback((day: string) => {
    setNotice(null)
    setDraft((current) => toggleDay(current ?? [], day))
  }, [])
  const change = (i: number, patch: Partial<ExceptionDay>) => {
    setNotice(null)
    setDraft(days.map((d, j) => (j === i ? { ...d, ...patch } : d)))
  }
  const submit = () => {
    setTried(true)
    if (problems.length || days.length > MAX_DAYS) return
    save.mutate({ year, days: sortedDays(days) })
  }
  const goTo = (next: number) => {
    if (next < MIN_YEAR || next > MAX_YEAR) return
    setNotice(null)
    setTried(false)
    setDraft(null)
    setYear(next)
  }
  const counts = yearCounts(year, days)
  const holidays = days.filter((d) => d.kind === 'holiday' && !isNoOp(d)).length
  const makeups = days.filter((d) => d.kind === 'workday' && !isNoOp(d)).length

  return (
    <section className="la-section" data-testid="calendar-tab">
      <div className="la-calendar-bar">
        <fieldset className="la-year">
          <legend className="la-hidden">{t('loopAdmin.calendar.year')}</legend>
          <button
            type="button"
            className="plain-button"
            data-testid="calendar-prev"
            disabled={dirty || year <= MIN_YEAR}
            onClick={() => goTo(year - 1)}
          >
            ‹
          </button>
          <span className="la-year-value" data-testid="calendar-year">
            {t('loopAdmin.calendar.yearValue', { year })}
          </span>
          <button
            type="button"
            className="plain-button"
            data-testid="calendar-next"
            disabled={dirty || year >= MAX_YEAR}
            onClick={() => goTo(year + 1)}
          >
            ›
          </button>
        </fieldset>
        <span className="page-count" data-testid="calendar-counts">
          {t('loopAdmin.calendar.counts', { worked: counts.worked, off: counts.off, holidays, makeups })}
        </span>
        <div className="la-form-actions">
          {dirty && <span className="la-warn">{t('loopAdmin.calendar.unsaved')}</span>}
          <button
            type="button"
            className="plain-button"
            disabled={!dirty || save.isPending}
            data-testid="calendar-revert"
            onClick={() => {
              setTried(false)
              setDraft(saved.data ? saved.data.map((d) => ({ ...d })) : null)
            }}
          >
            {t('loopAdmin.calendar.revert')}
          </button>
          <button
            type="button"
            className="primary-button"
            disabled={!dirty || save.isPending}
            data-testid="calendar-save"
            onClick={submit}
          >
            {save.isPending ? t('common.saving') : t('loopAdmin.calendar.save', { year })}
          </button>
        </div>
      </div>
      {notice && (
        <p className="page-notice" role="status" data-testid="calendar-notice">
          {notice}
        </p>
      )}
      {save.isError && (
        <p className="form-error" role="alert" data-testid="calendar-error">
          {server(errorMessage(save.error))}
        </p>
      )}
      {tried && (problems.length > 0 || days.length > MAX_DAYS) && (
        <p className="form-error" role="alert" data-testid="calendar-problems">
          {days.length > MAX_DAYS
            ? t('loopAdmin.calendar.tooMany', { max: MAX_DAYS })
            : t('loopAdmin.calendar.fix', { n: problems.length })}
        </p>
      )}
      {saved.isError && (
        <p className="tree-error" role="alert">
          {t('common.error', { message: server(errorMessage(saved.error)) })}
        </p>
      )}
      <div className="la-calendar">
        <div className="table-card la-days">
          <div className="card-header">
            <h2 className="panel-title">{t('loopAdmin.calendar.days', { n: days.length })}</h2>
            <button
              type="button"
              className="plain-button"
              data-testid="calendar-add"
              onClick={() => setDraft([...days, { day: '', kind: 'holiday', name: '' }])}
            >
              + {t('loopAdmin.calendar.add')}
            </button>
          </div>
          <p className="field-note">{t('loopAdmin.calendar.hint')}</p>
          {saved.isPending && <p className="tree-note">{t('common.loading')}</p>}
          {saved.data && days.length === 0 && <p className="tree-note">{t('loopAdmin.calendar.empty')}</p>}
          {days.length > 0 && (
            <table className="data-table la-day-table" data-testid="calendar-days">
              <thead>
                <tr>
                  <th>{t('loopAdmin.calendar.date')}</th>
                  <th>{t('loopAdmin.calendar.kind')}</th>
                  <th>{t('loopAdmin.calendar.name')}</th>
                  <th className="col-actions">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {days.map((d, i) => (
                  <DayRow
                    // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, the day itself may change
                    key={i}
                    year={year}
                    day={d}
                    problems={problemsAt(i)}
                    onChange={(patch) => change(i, patch)}
                    onRemove={() => setDraft(days.filter((_, j) => j !== i))}
                  />
                ))}
              </tbody>
            </table>
          )}
          <datalist id="la-day-names">
            {NAMES.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </div>
        <div className="table-card la-grid-card">
          <CalendarMonths year={year} days={days} onToggle={onToggle} />
          <ul className="la-legend">
            {(['work', 'weekend', 'holiday', 'makeup', 'noop'] as const).map((s) => (
              <li key={s}>
                <span className={`la-day la-day-${s}`} aria-hidden="true" /> {t(`loopAdmin.state.${s}`)}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  )
}

interface DayRowProps {
  year: number
  day: ExceptionDay
  problems: DayProblem[]
  onChange: (patch: Partial<ExceptionDay>) => void
  onRemove: () => void
}

function DayRow({ year, day: d, problems, onChange, onRemove }: DayRowProps) {
  const { t, lang } = useI18n()
  const valid = parseDay(d.day) !== null
  const notes = problems.map((p) =>
    p.code === 'repeat'
      ? t('loopAdmin.calendar.problem.repeat')
      : t(`loopAdmin.calendar.problem.${p.code}`, { year }),
  )
  const noop = valid && isNoOp(d)
  return (
    <tr data-testid="calendar-day" data-day={d.day} data-kind={d.kind} data-noop={noop}>
      <td>
        <div className="la-date-cell">
          <input
            type="date"
            className="text-input la-date"
            value={d.day}
            min={`${year}-01-01`}
            max={`${year}-12-31`}
            aria-invalid={problems.some((p) => p.code !== 'noName' && p.code !== 'nameTooLong')}
            data-testid="calendar-day-date"
            onChange={(e) => onChange({ day: e.target.value })}
          />
          {valid && <span className="la-weekday">{t(`loopAdmin.weekday.${weekday(d.day)}`)}</span>}
        </div>
      </td>
      <td>
        <select
          className="text-input"
          value={d.kind}
          data-testid="calendar-day-kind"
          onChange={(e) => onChange({ kind: e.target.value as DayKind })}
        >
          <option value="holiday">{t('loopAdmin.dayKind.holiday')}</option>
          <option value="workday">{t('loopAdmin.dayKind.workday')}</option>
        </select>
      </td>
      <td>
        <input
          type="text"
          className="text-input"
          value={d.name}
          list="la-day-names"
          maxLength={NAME_MAX + 10}
          placeholder={t('loopAdmin.calendar.namePlaceholder')}
          aria-invalid={problems.some((p) => p.code === 'noName' || p.code === 'nameTooLong')}
          data-testid="calendar-day-name"
          onChange={(e) => onChange({ name: e.target.value })}
        />
        {notes.length > 0 && <p className="field-note la-bad">{notes.join(lang === 'en' ? '; ' : '；')}</p>}
        {noop && (
          <p className="field-note field-note-warn" data-testid="calendar-day-noop">
            {t(d.kind === 'holiday' ? 'loopAdmin.calendar.noopHoliday' : 'loopAdmin.calendar.noopWorkday')}
          </p>
        )}
      </td>
      <td className="col-actions">
        <button type="button" className="plain-button" data-testid="calendar-day-remove" onClick={onRemove}>
          {t('loopAdmin.calendar.remove')}
        </button>
      </td>
    </tr>
  )
}
