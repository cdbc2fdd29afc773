import { describe, expect, it } from 'vitest'
import {
  checkDays,
  dayState,
  type ExceptionDay,
  isNoOp,
  isWeekend,
  monthWeeks,
  parseDay,
  sortedDays,
  toggleDay,
  weekday,
  yearCounts,
} from './calendar-grid.ts'

describe('the calendar month grid', () => {
  it('reads real dates only', () => {
    expect(parseDay('2026-02-28')?.toISOString()).toBe('2026-02-28T00:00:00.000Z')
    expect(parseDay('2026-02-29')).toBeNull()
    expect(parseDay('2028-02-29')).not.toBeNull()
    expect(parseDay('2026-13-01')).toBeNull()
    expect(parseDay('2026-1-1')).toBeNull()
  })

  it('counts weekdays from Monday', () => {
    expect(weekday('2026-01-05')).toBe(0) // a Monday
    expect(weekday('2026-01-04')).toBe(6) // a Sunday
    expect(isWeekend('2026-01-03')).toBe(true)
    expect(isWeekend('2026-01-02')).toBe(false)
  })

  it('lays a month out in weeks of seven, Monday first, with blanks around it', () => {
    // February 2026 begins on a Sunday and has 28 days.
    const feb = monthWeeks(2026, 1)
    expect(feb).toHaveLength(5)
    expect(feb[0]).toEqual([null, null, null, null, null, null, '2026-02-01'])
    expect(feb[4]).toEqual([
      '2026-02-23',
      '2026-02-24',
      '2026-02-25',
      '2026-02-26',
      '2026-02-27',
      '2026-02-28',
      null,
    ])
    expect(feb.flat().filter(Boolean)).toHaveLength(28)
    // June 2026 begins on a Monday.
    expect(monthWeeks(2026, 5)[0]?.[0]).toBe('2026-06-01')
    expect(monthWeeks(2024, 1).flat().filter(Boolean)).toHaveLength(29)
    for (let m = 0; m < 12; m++) for (const w of monthWeeks(2027, m)) expect(w).toHaveLength(7)
  })

  it('tells holidays, make-up days and exceptions that change nothing', () => {
    const holiday: ExceptionDay = { day: '2026-10-07', kind: 'holiday', name: '国庆节' } // Wednesday
    const makeup: ExceptionDay = { day: '2026-01-04', kind: 'workday', name: '元旦调休' } // Sunday
    const onWeekend: ExceptionDay = { day: '2026-10-03', kind: 'holiday', name: '国庆节' } // Saturday
    const onWeekday: ExceptionDay = { day: '2026-10-08', kind: 'workday', name: '上班' } // Thursday
    expect(dayState(holiday.day, holiday)).toBe('holiday')
    expect(dayState(makeup.day, makeup)).toBe('makeup')
    expect(dayState(onWeekend.day, onWeekend)).toBe('noop')
    expect(dayState(onWeekday.day, onWeekday)).toBe('noop')
    expect(dayState('2026-10-10', undefined)).toBe('weekend')
    expect(dayState('2026-10-09', undefined)).toBe('work')
    expect([holiday, makeup, onWeekend, onWeekday].map(isNoOp)).toEqual([false, false, true, true])
    expect(isNoOp({ day: 'not-a-day', kind: 'holiday' })).toBe(false)
  })

  it('counts the working days of a year', () => {
    // 2026 has 261 weekdays and 104 weekend days.
    expect(yearCounts(2026, [])).toEqual({ worked: 261, off: 104 })
    const days: ExceptionDay[] = [
      { day: '2026-01-01', kind: 'holiday', name: '元旦' },
      { day: '2026-01-04', kind: 'workday', name: '调休' },
      { day: '2026-01-03', kind: 'holiday', name: '周六（无效）' },
    ]
    expect(yearCounts(2026, days)).toEqual({ worked: 261, off: 104 })
    expect(yearCounts(2026, days.slice(0, 1))).toEqual({ worked: 260, off: 105 })
  })
})

describe('checking and editing a year', () => {
  it('names bad dates, days of another year, repeats and missing names by index', () => {
    const days: ExceptionDay[] = [
      { day: '2026-05-01', kind: 'holiday', name: '劳动节' },
      { day: '2026-02-30', kind: 'holiday', name: 'x' },
      { day: '2027-01-01', kind: 'holiday', name: '元旦' },
      { day: '2026-05-01', kind: 'holiday', name: '  ' },
      { day: '2026-05-02', kind: 'holiday', name: 'n'.repeat(41) },
    ]
    expect(checkDays(2026, days)).toEqual([
      { index: 1, code: 'badDate' },
      { index: 2, code: 'otherYear' },
      { index: 3, code: 'repeat', first: 0 },
      { index: 3, code: 'noName' },
      { index: 4, code: 'nameTooLong' },
    ])
    expect(checkDays(2026, days.slice(0, 1))).toEqual([])
  })

  it('sorts and trims what it saves', () => {
    expect(
      sortedDays([
        { day: '2026-10-02', kind: 'holiday', name: ' 国庆 ' },
        { day: '2026-01-01', kind: 'holiday', name: '元旦' },
      ]),
    ).toEqual([
      { day: '2026-01-01', kind: 'holiday', name: '元旦' },
      { day: '2026-10-02', kind: 'holiday', name: '国庆' },
    ])
  })

  it('turns a clicked day around, and a second click takes the exception away', () => {
    const a = toggleDay([], '2026-09-30', '中秋') // Wednesday
    expect(a).toEqual([{ day: '2026-09-30', kind: 'holiday', name: '中秋' }])
    const b = toggleDay(a, '2026-09-27') // Sunday
    expect(b).toEqual([
      { day: '2026-09-27', kind: 'workday', name: '' },
      { day: '2026-09-30', kind: 'holiday', name: '中秋' },
    ])
    expect(toggleDay(b, '2026-09-30')).toEqual([{ day: '2026-09-27', kind: 'workday', name: '' }])
  })
})
