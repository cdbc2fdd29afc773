import { describe, expect, it } from 'vitest'
import { addDays, chinaDay, dayExtent, daysBetween, isDay, nextWindow, windowAt } from './time-window.ts'

describe('days', () => {
  it('knows a real day from a malformed one', () => {
    expect(isDay('2026-02-28')).toBe(true)
    expect(isDay('2026-02-30')).toBe(false)
    expect(isDay('2026-2-3')).toBe(false)
    expect(isDay(undefined)).toBe(false)
  })

  it('counts across months and years', () => {
    expect(addDays('2025-12-30', 3)).toBe('2026-01-02')
    expect(daysBetween('2026-02-27', '2026-03-01')).toBe(2)
  })

  it('takes the day in China of an instant', () => {
    expect(chinaDay('2026-05-01T16:30:00Z')).toBe('2026-05-02')
    expect(chinaDay('2026-05-01T15:59:59Z')).toBe('2026-05-01')
    expect(chinaDay('2026-05-01')).toBe('2026-05-01')
    expect(chinaDay('soon')).toBeNull()
  })

  it("makes the slider's extent end the day after the last event", () => {
    expect(dayExtent({ from: '2026-01-01T00:10:00+08:00', to: '2026-06-29T23:00:00+08:00' })).toEqual({
      from: '2026-01-01',
      to: '2026-06-30',
    })
    expect(dayExtent(null)).toBeNull()
  })
})

describe('the playback window', () => {
  const extent = { from: '2026-01-01', to: '2026-01-31' }

  it('stays inside the extent', () => {
    expect(windowAt(extent, '2026-01-28', 7)).toEqual({ from: '2026-01-24', to: '2026-01-31' })
    expect(windowAt(extent, '2025-12-01', 7)).toEqual({ from: '2026-01-01', to: '2026-01-08' })
    expect(windowAt({ from: '2026-01-01', to: '2026-01-04' }, '2026-01-01', 7)).toEqual({
      from: '2026-01-01',
      to: '2026-01-04',
    })
  })

  it('steps a day at a time and keeps its length', () => {
    expect(nextWindow(extent, { from: '2026-01-03', to: '2026-01-10' }, 7)).toEqual({
      from: '2026-01-04',
      to: '2026-01-11',
    })
  })

  it('starts at the beginning without a window, and loops after the end', () => {
    expect(nextWindow(extent, null, 7)).toEqual({ from: '2026-01-01', to: '2026-01-08' })
    expect(nextWindow(extent, { from: '2026-01-24', to: '2026-01-31' }, 7)).toEqual({
      from: '2026-01-01',
      to: '2026-01-08',
    })
  })
})
