import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  atCst,
  type CalendarDay,
  clockState,
  DEFAULT_WORKING_HOURS,
  toCstDay,
  WorkCalendar,
} from './calendar.ts'
import { CALENDAR_2026, SHIPPED_CALENDARS } from './calendar-2026.ts'

const H = 3_600_000
const M = 60_000
const cal = new WorkCalendar(CALENDAR_2026)
/** Shorthand: a CST instant. */
const at = (day: string, time = '00:00') => atCst(day, time)

describe('CST helpers', () => {
  it('uses a fixed UTC+8 offset', () => {
    expect(at('2026-03-09', '09:00').toISOString()).toBe('2026-03-09T01:00:00.000Z')
    expect(at('2026-01-01').toISOString()).toBe('2025-12-31T16:00:00.000Z')
    expect(toCstDay(new Date('2026-03-09T15:59:59.999Z'))).toBe('2026-03-09')
    expect(toCstDay(new Date('2026-03-09T16:00:00.000Z'))).toBe('2026-03-10')
  })
  it('rejects malformed days and times', () => {
    expect(() => at('2026-02-30')).toThrow(/Invalid day '2026-02-30'/)
    expect(() => at('2026-03-09', '9:00')).toThrow(/Invalid time '9:00'/)
    expect(() => toCstDay(new Date(Number.NaN))).toThrow(/not a valid Date/)
  })
})

describe('CALENDAR_2026', () => {
  it('lists only deviations from the normal week, once each, in 2026', () => {
    const seen = new Set<string>()
    for (const e of CALENDAR_2026) {
      expect(seen.has(e.day)).toBe(false)
      seen.add(e.day)
      const weekday = new Date(`${e.day}T00:00:00Z`).getUTCDay()
      const weekend = weekday === 0 || weekday === 6
      expect(weekend, `${e.day} ${e.kind}`).toBe(e.kind === 'workday')
      expect(e.day.startsWith('2026-')).toBe(true)
      expect(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']).toContain(e.name)
    }
    expect(CALENDAR_2026.filter((e) => e.kind === 'holiday')).toHaveLength(19)
    expect(CALENDAR_2026.filter((e) => e.kind === 'workday').map((e) => e.day)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ])
  })

  it('is the shipped calendar for 2026', () => {
    expect(SHIPPED_CALENDARS).toEqual([[2026, CALENDAR_2026]])
  })

  it.each([
    ['2026-01-01', false], // Thu 元旦
    ['2026-01-02', false], // Fri 元旦
    ['2026-01-03', false], // Sat inside 元旦
    ['2026-01-04', true], // Sun make-up day
    ['2026-01-05', true], // ordinary Monday
    ['2026-02-13', true], // Fri before 春节
    ['2026-02-14', true], // Sat make-up day
    ['2026-02-15', false], // Sun, 春节 begins
    ['2026-02-16', false], // Mon 春节
    ['2026-02-20', false],
    ['2026-02-21', false], // Sat inside 春节
    ['2026-02-23', false], // Mon 正月初七
    ['2026-02-24', true], // Tue back to work
    ['2026-02-28', true], // Sat make-up day
    ['2026-03-07', false], // ordinary Saturday
    ['2026-03-08', false], // ordinary Sunday
    ['2026-04-06', false], // Mon 清明节
    ['2026-05-01', false],
    ['2026-05-05', false], // Tue 劳动节
    ['2026-05-06', true],
    ['2026-05-09', true], // Sat make-up day
    ['2026-06-19', false], // Fri 端午节
    ['2026-09-20', true], // Sun make-up day for 国庆
    ['2026-09-25', false], // Fri 中秋节
    ['2026-10-01', false], // Thu 国庆节
    ['2026-10-07', false], // Wed, last day of 国庆
    ['2026-10-08', true], // Thu, back to work (Oct 1–7 only)
    ['2026-10-10', true], // Sat make-up day
    ['2026-10-11', false], // ordinary Sunday
  ])('%s working = %s', (day, working) => {
    expect(cal.isWorkingDay(day)).toBe(working)
  })

  it('knows its years and names', () => {
    expect(cal.years()).toEqual([2026])
    expect(cal.covers('2026-12-31')).toBe(true)
    expect(cal.covers('2027-01-01')).toBe(false)
    expect(cal.entry('2026-02-16')).toEqual({ day: '2026-02-16', kind: 'holiday', name: '春节' })
    expect(cal.entry('2026-03-09')).toBeUndefined()
    // Uncovered years follow the week.
    expect(cal.isWorkingDay('2027-01-01')).toBe(true) // a Friday; 2027 arrangement not loaded
    expect(cal.isWorkingDay('2027-01-02')).toBe(false)
  })

  it('rejects malformed day strings in queries', () => {
    expect(() => cal.isWorkingDay('2026-1-1')).toThrow(/Invalid day '2026-1-1'/)
    expect(() => cal.covers('20260101')).toThrow(/Invalid day/)
  })
})

describe('WorkCalendar constructor', () => {
  const good: CalendarDay = { day: '2026-01-01', kind: 'holiday', name: '元旦' }

  it('rejects duplicate days, naming the entry', () => {
    expect(() => new WorkCalendar([good, { ...good, name: 'again' }])).toThrow(
      /Duplicate calendar entry #1 .*day 2026-01-01 is listed twice/,
    )
  })

  it.each([
    [{ day: '2026-13-01', kind: 'holiday', name: 'x' }, /#0 .*2026-13-01.*real date/],
    [{ day: '2026-02-30', kind: 'holiday', name: 'x' }, /#0 .*2026-02-30.*real date/],
    [{ day: '2026-1-1', kind: 'holiday', name: 'x' }, /real date/],
    [{ day: '2026-01-05', kind: 'off', name: 'x' }, /#0 .*2026-01-05.*kind must be 'holiday' or 'workday'/],
    [{ day: '2026-01-05', kind: 'holiday', name: ' ' }, /#0 .*name must be a non-empty string/],
  ])('rejects malformed entry %j', (entry, message) => {
    expect(() => new WorkCalendar([entry as unknown as CalendarDay])).toThrow(message)
  })

  it('accepts redundant entries as harmless', () => {
    const c = new WorkCalendar([
      { day: '2026-02-21', kind: 'holiday', name: '春节' }, // a Saturday: off anyway
      { day: '2026-03-09', kind: 'workday', name: 'x' }, // a Monday: worked anyway
    ])
    expect(c.isWorkingDay('2026-02-21')).toBe(false)
    expect(c.isWorkingDay('2026-03-09')).toBe(true)
    expect(c.workingMsBetween(at('2026-03-02'), at('2026-03-16'))).toBe(10 * 7 * H)
  })

  it.each([
    [[], /at least one period/],
    [[['9:00', '12:00']], /#0 .*'HH:MM'/],
    [[['09:00', '25:00']], /#0 .*'HH:MM'/],
    [[['09:60', '10:00']], /'HH:MM'/],
    [[['12:00', '09:00']], /#0 .*start must be before end/],
    [[['09:00', '09:00']], /start must be before end/],
    [
      [
        ['13:30', '17:30'],
        ['09:00', '12:00'],
      ],
      /#1 .*sorted and must not overlap/,
    ],
    [
      [
        ['09:00', '12:00'],
        ['11:00', '17:00'],
      ],
      /#1 .*sorted and must not overlap/,
    ],
  ])('rejects working hours %j', (periods, message) => {
    expect(() => new WorkCalendar([], { periods: periods as [string, string][] })).toThrow(message)
  })

  it('has 7 working hours a day by default and honours custom hours', () => {
    expect(cal.dailyWorkingMs).toBe(7 * H)
    expect(DEFAULT_WORKING_HOURS.periods).toHaveLength(2)
    const c = new WorkCalendar([], { periods: [['08:00', '16:00']] })
    expect(c.dailyWorkingMs).toBe(8 * H)
    expect(c.addWorking(at('2026-03-09', '15:00'), 2, 'working_hours')).toEqual(at('2026-03-10', '09:00'))
  })
})

describe('limitMs', () => {
  it('converts units', () => {
    expect(cal.limitMs(2, 'working_days')).toBe(14 * H)
    expect(cal.limitMs(0.5, 'working_days')).toBe(3.5 * H)
    expect(cal.limitMs(4, 'working_hours')).toBe(4 * H)
    expect(cal.limitMs(0, 'working_hours')).toBe(0)
  })
  it('rejects bad amounts and units', () => {
    expect(() => cal.limitMs(-1, 'working_hours')).toThrow(/Invalid amount -1/)
    expect(() => cal.limitMs(Number.NaN, 'working_days')).toThrow(/Invalid amount NaN/)
    expect(() => cal.limitMs(1, 'days' as 'working_days')).toThrow(/Invalid unit 'days'/)
  })
})

describe('workingMsBetween', () => {
  it('counts only working periods', () => {
    // Mon 2026-03-09
    expect(cal.workingMsBetween(at('2026-03-09', '09:00'), at('2026-03-09', '17:30'))).toBe(7 * H)
    expect(cal.workingMsBetween(at('2026-03-09', '11:00'), at('2026-03-09', '14:00'))).toBe(1.5 * H)
    expect(cal.workingMsBetween(at('2026-03-09', '12:10'), at('2026-03-09', '13:20'))).toBe(0)
    expect(cal.workingMsBetween(at('2026-03-06', '17:00'), at('2026-03-09', '09:30'))).toBe(1 * H) // Fri→Mon
    expect(cal.workingMsBetween(at('2026-03-09', '10:00'), at('2026-03-09', '10:00'))).toBe(0)
    expect(cal.workingMsBetween(at('2026-03-10'), at('2026-03-09'))).toBe(0)
  })

  it('counts 248 working days in 2026 and 770 in 2025–2027 (only 2026 loaded)', () => {
    // 261 weekdays − 19 weekday holidays + 6 make-up days = 248.
    expect(cal.workingMsBetween(at('2026-01-01'), at('2027-01-01'))).toBe(248 * 7 * H)
    // 2025 and 2027 each have 261 weekdays; their holidays are not loaded.
    expect(cal.workingMsBetween(at('2025-01-01'), at('2028-01-01'))).toBe((261 + 248 + 261) * 7 * H)
  })

  it('sees the Spring Festival week as empty', () => {
    expect(cal.workingMsBetween(at('2026-02-14', '17:30'), at('2026-02-24', '09:00'))).toBe(0)
    expect(cal.workingMsBetween(at('2026-02-09'), at('2026-03-02'))).toBe((5 + 1 + 4 + 1) * 7 * H)
  })
})

describe('addWorking', () => {
  it('crosses a make-up Saturday', () => {
    // Fri 02-13 16:00–17:30 = 1.5 h, then Sat 02-14 (调休上班) 09:00–12:00 = 3 h, 13:30 + 2.5 h.
    expect(cal.addWorking(at('2026-02-13', '16:00'), 7, 'working_hours')).toEqual(at('2026-02-14', '16:00'))
    expect(cal.addWorking(at('2026-02-13', '10:00'), 1, 'working_days')).toEqual(at('2026-02-14', '10:00'))
    // Fri 09-18 17:00 + 1 h: 0.5 h on Friday, Sat off, Sun 09-20 is a make-up day.
    expect(cal.addWorking(at('2026-09-18', '17:00'), 1, 'working_hours')).toEqual(at('2026-09-20', '09:30'))
  })

  it('crosses the Spring Festival and National Day', () => {
    // Sat 02-14 10:00: 6 h that day, 02-15..02-23 off, Tue 02-24 7 h, Wed 02-25 1 h.
    expect(cal.addWorking(at('2026-02-14', '10:00'), 2, 'working_days')).toEqual(at('2026-02-25', '10:00'))
    // Wed 09-30 15:00: 2.5 h, 10-01..10-07 off, Thu 10-08 3 h + 1.5 h.
    expect(cal.addWorking(at('2026-09-30', '15:00'), 1, 'working_days')).toEqual(at('2026-10-08', '15:00'))
    // 2025-12-31 (Wed) 17:00 + 1 h: 0.5 h, 元旦 01-01..01-03, Sun 01-04 make-up day.
    expect(cal.addWorking(at('2025-12-31', '17:00'), 1, 'working_hours')).toEqual(at('2026-01-04', '09:30'))
  })

  it('starts outside working hours at the next period', () => {
    expect(cal.addWorking(at('2026-03-09', '07:00'), 2, 'working_hours')).toEqual(at('2026-03-09', '11:00'))
    expect(cal.addWorking(at('2026-03-09', '20:00'), 1, 'working_hours')).toEqual(at('2026-03-10', '10:00'))
    expect(cal.addWorking(at('2026-03-07', '10:00'), 1, 'working_hours')).toEqual(at('2026-03-09', '10:00'))
    expect(cal.addWorking(at('2026-02-17', '10:00'), 1, 'working_days')).toEqual(at('2026-02-24', '17:30'))
  })

  it('skips the lunch break', () => {
    expect(cal.addWorking(at('2026-03-09', '12:30'), 1, 'working_hours')).toEqual(at('2026-03-09', '14:30'))
    expect(cal.addWorking(at('2026-03-09', '11:00'), 2, 'working_hours')).toEqual(at('2026-03-09', '14:30'))
    expect(cal.addWorking(at('2026-03-09', '11:00'), 1, 'working_hours')).toEqual(at('2026-03-09', '12:00'))
  })

  it('treats a working day as the day’s full working hours', () => {
    const tue = at('2026-03-10', '10:00')
    expect(cal.addWorking(tue, 2, 'working_days')).toEqual(at('2026-03-12', '10:00'))
    expect(cal.addWorking(tue, 14, 'working_hours')).toEqual(at('2026-03-12', '10:00'))
    // 16 h: Tue 6 h, Wed 7 h, Thu 3 h → the end of Thursday's morning period.
    expect(cal.addWorking(tue, 16, 'working_hours')).toEqual(at('2026-03-12', '12:00'))
    expect(cal.addWorking(tue, 0.5, 'working_days')).toEqual(at('2026-03-10', '15:00'))
    // Ends at the end of a period rather than the start of the next one.
    expect(cal.addWorking(at('2026-03-10', '09:00'), 1, 'working_days')).toEqual(at('2026-03-10', '17:30'))
    expect(cal.addWorking(at('2026-03-10', '03:00'), 0, 'working_days')).toEqual(at('2026-03-10', '03:00'))
  })

  it('handles 60 working days and multi-year spans', () => {
    // Jan 5–30: 20, Feb 2–13: 10, Sat Feb 14: 1, Feb 24–27: 4, Sat Feb 28: 1, Mar 2–27: 20,
    // Mar 30–Apr 2: 4 → 60 working days end on Thu 04-02 17:30.
    expect(cal.addWorking(at('2026-01-05', '09:00'), 60, 'working_days')).toEqual(at('2026-04-02', '17:30'))
    const end = cal.addWorking(at('2025-01-01'), 770, 'working_days')
    expect(end).toEqual(at('2027-12-31', '17:30')) // 2027-12-31 is a Friday
  })
})

describe('properties (fast-check)', () => {
  const from2026 = at('2026-01-01').getTime()
  const to2026 = at('2027-01-01').getTime()
  const instant2026 = fc.integer({ min: from2026, max: to2026 - 1 }).map((ms) => new Date(ms))

  it('workingMsBetween(start, addWorking(start, x)) = x', () => {
    fc.assert(
      fc.property(instant2026, fc.integer({ min: 0, max: 60 * 7 * 60 }), (start, minutes) => {
        const end = cal.addWorking(start, minutes / 60, 'working_hours')
        expect(end.getTime()).toBeGreaterThanOrEqual(start.getTime())
        expect(cal.workingMsBetween(start, end)).toBe(minutes * M)
      }),
      { numRuns: 500 },
    )
  })

  it('addWorking(start, workingMsBetween(start, t)) is the earliest such instant, ≤ t', () => {
    fc.assert(
      fc.property(instant2026, fc.integer({ min: 0, max: 90 * 24 * 60 }), (start, minutes) => {
        const t = new Date(start.getTime() + minutes * M)
        const worked = cal.workingMsBetween(start, t)
        const end = cal.addWorkingMs(start, worked)
        expect(end.getTime()).toBeLessThanOrEqual(t.getTime())
        expect(cal.workingMsBetween(start, end)).toBe(worked)
        if (worked > 0) expect(cal.workingMsBetween(start, new Date(end.getTime() - 1))).toBe(worked - 1)
      }),
      { numRuns: 500 },
    )
  })

  it('is additive over adjacent ranges', () => {
    fc.assert(
      fc.property(instant2026, instant2026, instant2026, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date]
        expect(cal.workingMsBetween(a, b) + cal.workingMsBetween(b, c)).toBe(cal.workingMsBetween(a, c))
      }),
      { numRuns: 300 },
    )
  })

  it('agrees with a minute-by-minute reference count', () => {
    /** Naive oracle: is the minute starting at `ms` a working minute? */
    const workingMinute = (ms: number) => {
      const d = new Date(ms)
      if (!cal.isWorkingDay(toCstDay(d))) return false
      const cst = new Date(ms + 8 * H)
      const hhmm = cst.toISOString().slice(11, 16)
      return DEFAULT_WORKING_HOURS.periods.some(([s, e]) => hhmm >= s && hhmm < e)
    }
    const minute2026 = fc.integer({ min: from2026 / M, max: to2026 / M - 1 }).map((m) => m * M)
    fc.assert(
      fc.property(minute2026, fc.integer({ min: 0, max: 10 * 24 * 60 }), (startMs, span) => {
        let expected = 0
        for (let i = 0; i < span; i++) if (workingMinute(startMs + i * M)) expected += M
        expect(cal.workingMsBetween(new Date(startMs), new Date(startMs + span * M))).toBe(expected)
      }),
      { numRuns: 60 },
    )
  })
})

describe('clockState', () => {
  const start = at('2026-03-09', '09:00') // Monday

  it('runs with no pauses', () => {
    const s = clockState(cal, {
      start,
      amount: 2,
      unit: 'working_days',
      pauses: [],
      now: at('2026-03-09', '12:00'),
    })
    expect(s).toEqual({
      usedMs: 3 * H,
      limitMs: 14 * H,
      share: 3 / 14,
      dueAt: at('2026-03-10', '17:30'),
      state: 'running',
      overdue: false,
      pausedMs: 0,
    })
  })

  it('merges overlapping pauses and counts only their working time', () => {
    const s = clockState(cal, {
      start,
      amount: 2,
      unit: 'working_days',
      pauses: [
        { from: at('2026-03-09', '10:30'), to: at('2026-03-09', '14:30') },
        { from: at('2026-03-09', '10:00'), to: at('2026-03-09', '11:00') },
      ],
      now: at('2026-03-10', '09:00'),
    })
    // Merged pause 10:00–14:30 holds 2 h + 1 h of working time; Monday worked 7 h − 3 h = 4 h.
    expect(s.pausedMs).toBe(3 * H)
    expect(s.usedMs).toBe(4 * H)
    expect(s.share).toBeCloseTo(4 / 14, 12)
    expect(s.state).toBe('running')
    // 10 h left from Tue 09:00: Tue 7 h, Wed 3 h.
    expect(s.dueAt).toEqual(at('2026-03-11', '12:00'))
  })

  it('merges a pause nested inside another and touching pauses', () => {
    const s = clockState(cal, {
      start,
      amount: 2,
      unit: 'working_days',
      pauses: [
        { from: at('2026-03-09', '10:00'), to: at('2026-03-09', '15:00') },
        { from: at('2026-03-09', '10:30'), to: at('2026-03-09', '11:00') }, // nested
        { from: at('2026-03-09', '15:00'), to: at('2026-03-09', '16:00') }, // touching
      ],
      now: at('2026-03-09', '17:30'),
    })
    // Merged 10:00–16:00 holds 2 h + 2.5 h; 7 h − 4.5 h = 2.5 h used.
    expect(s).toMatchObject({ pausedMs: 4.5 * H, usedMs: 2.5 * H, state: 'running' })
    // 11.5 h left from Mon 17:30: Tue 7 h, Wed 09:00 + 4.5 h → 15:00.
    expect(s.dueAt).toEqual(at('2026-03-11', '15:00'))
  })

  it('is paused with an open pause: dueAt null', () => {
    const s = clockState(cal, {
      start,
      amount: 2,
      unit: 'working_days',
      pauses: [
        { from: at('2026-03-09', '10:00'), to: at('2026-03-09', '11:00') },
        { from: at('2026-03-10', '10:00'), to: null }, // 挂账 since Tue 10:00
      ],
      now: at('2026-03-10', '11:00'),
    })
    // Elapsed 7 h + 2 h = 9 h; paused 1 h Monday + 1 h Tuesday.
    expect(s).toMatchObject({ usedMs: 7 * H, pausedMs: 2 * H, dueAt: null, state: 'paused', overdue: false })
  })

  it('is paused while a closed pause still covers now, and ignores pauses after now', () => {
    const covering = clockState(cal, {
      start,
      amount: 1,
      unit: 'working_days',
      pauses: [{ from: at('2026-03-09', '10:00'), to: at('2026-03-12', '09:00') }],
      now: at('2026-03-10', '09:00'),
    })
    expect(covering).toMatchObject({ usedMs: 1 * H, pausedMs: 6 * H, state: 'paused', dueAt: null })
    const future = clockState(cal, {
      start,
      amount: 1,
      unit: 'working_days',
      pauses: [{ from: at('2026-03-09', '15:00'), to: null }],
      now: at('2026-03-09', '10:00'),
    })
    expect(future).toMatchObject({ usedMs: 1 * H, pausedMs: 0, state: 'running' })
    expect(future.dueAt).toEqual(at('2026-03-09', '17:30'))
  })

  it('clips pauses that begin before the start', () => {
    const s = clockState(cal, {
      start,
      amount: 1,
      unit: 'working_days',
      pauses: [
        { from: at('2026-03-02', '10:00'), to: at('2026-03-03', '10:00') }, // wholly before start
        { from: at('2026-03-06', '10:00'), to: at('2026-03-09', '10:00') }, // overlaps start by 1 h
      ],
      now: at('2026-03-09', '12:00'),
    })
    expect(s).toMatchObject({ usedMs: 2 * H, pausedMs: 1 * H, state: 'running' })
    expect(s.dueAt).toEqual(at('2026-03-10', '10:00'))
  })

  it('adds approved extensions to the limit', () => {
    const now = at('2026-03-11', '09:00') // 14 h used
    const base = { start, amount: 1, unit: 'working_days' as const, pauses: [], now }
    const late = clockState(cal, base)
    expect(late).toMatchObject({ usedMs: 14 * H, limitMs: 7 * H, share: 2, state: 'overdue', overdue: true })
    expect(late.dueAt).toEqual(at('2026-03-09', '17:30'))
    const extended = clockState(cal, {
      ...base,
      extensions: [
        { amount: 1, unit: 'working_days' },
        { amount: 7, unit: 'working_hours' },
      ],
    })
    expect(extended).toMatchObject({ usedMs: 14 * H, limitMs: 21 * H, state: 'running', overdue: false })
    expect(extended.share).toBeCloseTo(2 / 3, 12)
    expect(extended.dueAt).toEqual(at('2026-03-11', '17:30'))
  })

  it('warns from the warning share (inclusive)', () => {
    const base = { start, amount: 1, unit: 'working_days' as const, pauses: [] }
    // Mon 15:54: 3 h + 2.4 h = 5.4 h of 7 h ≈ 0.771.
    expect(clockState(cal, { ...base, now: at('2026-03-09', '15:54') }).state).toBe('running')
    // Mon 16:06: 3 h + 2.6 h = 5.6 h = exactly 0.8.
    const edge = clockState(cal, { ...base, now: at('2026-03-09', '16:06') })
    expect(edge).toMatchObject({ usedMs: 5.6 * H, share: 0.8, state: 'warning' })
    expect(edge.dueAt).toEqual(at('2026-03-09', '17:30'))
    // Custom share: 4.5 h / 7 h ≈ 0.643.
    expect(clockState(cal, { ...base, now: at('2026-03-09', '15:00'), warnShare: 0.6 }).state).toBe('warning')
    expect(clockState(cal, { ...base, now: at('2026-03-09', '15:00'), warnShare: 0.7 }).state).toBe('running')
    // Using exactly the limit is a warning, not yet overdue.
    expect(clockState(cal, { ...base, now: at('2026-03-09', '17:30') })).toMatchObject({
      share: 1,
      state: 'warning',
      overdue: false,
    })
  })

  it('is overdue past the limit, with dueAt in the past accounting for pauses', () => {
    const s = clockState(cal, {
      start,
      amount: 1,
      unit: 'working_days',
      pauses: [{ from: at('2026-03-09', '10:00'), to: at('2026-03-09', '11:00') }],
      now: at('2026-03-11', '09:00'),
    })
    // Used 14 h − 1 h = 13 h > 7 h. Due: Mon 1 h before the pause, 5 h after it, Tue 09:00 + 1 h.
    expect(s).toMatchObject({ usedMs: 13 * H, state: 'overdue', overdue: true })
    expect(s.dueAt).toEqual(at('2026-03-10', '10:00'))
  })

  it('reports a paused clock that was already overdue', () => {
    const s = clockState(cal, {
      start,
      amount: 1,
      unit: 'working_days',
      pauses: [{ from: at('2026-03-10', '09:30'), to: null }],
      now: at('2026-03-10', '10:00'),
    })
    expect(s).toMatchObject({ usedMs: 7.5 * H, state: 'paused', overdue: true, dueAt: null })
  })

  it('counts across the Spring Festival', () => {
    // Received Fri 02-13 09:00 with 3 working days: Fri, Sat 02-14 (调休), then Tue 02-24.
    const s = clockState(cal, {
      start: at('2026-02-13', '09:00'),
      amount: 3,
      unit: 'working_days',
      pauses: [],
      now: at('2026-02-20', '12:00'),
    })
    expect(s).toMatchObject({ usedMs: 14 * H, state: 'running' })
    expect(s.dueAt).toEqual(at('2026-02-24', '17:30'))
  })

  it('rejects invalid arguments', () => {
    const base = { start, amount: 1, unit: 'working_days' as const, pauses: [], now: start }
    expect(() => clockState(cal, { ...base, amount: 0 })).toThrow(/must be > 0/)
    expect(() => clockState(cal, { ...base, warnShare: 1.5 })).toThrow(/Invalid warnShare 1.5/)
    expect(() => clockState(cal, { ...base, extensions: [{ amount: -1, unit: 'working_days' }] })).toThrow(
      /extension #0 amount -1/,
    )
    expect(() =>
      clockState(cal, {
        ...base,
        pauses: [{ from: at('2026-03-09', '11:00'), to: at('2026-03-09', '10:00') }],
      }),
    ).toThrow(/pause #0: 'to' is before 'from'/)
  })
})
