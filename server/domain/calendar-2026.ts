import type { CalendarDay } from './calendar.ts'

/**
 * China's 2026 holiday arrangement (放假调休安排): 国务院办公厅关于2026年部分节假日安排的通知,
 * dated 2025-11-04 (published by 新华社). Checked against reposts of that notice's full text:
 *
 * - 元旦: Jan 1 (Thu) – Jan 3 (Sat) off; Sun Jan 4 worked.
 * - 春节: Feb 15 (Sun, 腊月二十八) – Feb 23 (Mon, 正月初七) off, 9 days; Sat Feb 14 and Sat Feb 28 worked.
 * - 清明节: Apr 4 (Sat) – Apr 6 (Mon) off.
 * - 劳动节: May 1 (Fri) – May 5 (Tue) off; Sat May 9 worked.
 * - 端午节: Jun 19 (Fri) – Jun 21 (Sun) off.
 * - 中秋节: Sep 25 (Fri) – Sep 27 (Sun) off.
 * - 国庆节: Oct 1 (Thu) – Oct 7 (Wed) off; Sun Sep 20 and Sat Oct 10 worked.
 *
 * Only deviations from the normal week are listed: 'holiday' entries are the Mon–Fri days that are
 * off (the Saturdays and Sundays inside a holiday period are off anyway), 'workday' entries are the
 * weekend days that are worked (调休上班). 19 holidays and 6 make-up days: 2026 has 248 working days.
 */
export const CALENDAR_2026: readonly CalendarDay[] = [
  // 元旦
  { day: '2026-01-01', kind: 'holiday', name: '元旦' },
  { day: '2026-01-02', kind: 'holiday', name: '元旦' },
  { day: '2026-01-04', kind: 'workday', name: '元旦' },
  // 春节
  { day: '2026-02-14', kind: 'workday', name: '春节' },
  { day: '2026-02-16', kind: 'holiday', name: '春节' },
  { day: '2026-02-17', kind: 'holiday', name: '春节' },
  { day: '2026-02-18', kind: 'holiday', name: '春节' },
  { day: '2026-02-19', kind: 'holiday', name: '春节' },
  { day: '2026-02-20', kind: 'holiday', name: '春节' },
  { day: '2026-02-23', kind: 'holiday', name: '春节' },
  { day: '2026-02-28', kind: 'workday', name: '春节' },
  // 清明节
  { day: '2026-04-06', kind: 'holiday', name: '清明节' },
  // 劳动节
  { day: '2026-05-01', kind: 'holiday', name: '劳动节' },
  { day: '2026-05-04', kind: 'holiday', name: '劳动节' },
  { day: '2026-05-05', kind: 'holiday', name: '劳动节' },
  { day: '2026-05-09', kind: 'workday', name: '劳动节' },
  // 端午节
  { day: '2026-06-19', kind: 'holiday', name: '端午节' },
  // 中秋节
  { day: '2026-09-25', kind: 'holiday', name: '中秋节' },
  // 国庆节
  { day: '2026-09-20', kind: 'workday', name: '国庆节' },
  { day: '2026-10-01', kind: 'holiday', name: '国庆节' },
  { day: '2026-10-02', kind: 'holiday', name: '国庆节' },
  { day: '2026-10-05', kind: 'holiday', name: '国庆节' },
  { day: '2026-10-06', kind: 'holiday', name: '国庆节' },
  { day: '2026-10-07', kind: 'holiday', name: '国庆节' },
  { day: '2026-10-10', kind: 'workday', name: '国庆节' },
]

/**
 * The calendars shipped with the app, by year, as `[year, days]` pairs; db/migrate.ts ships each year
 * the database does not have yet.
 */
export const SHIPPED_CALENDARS: readonly (readonly [number, readonly CalendarDay[]])[] = [
  [2026, CALENDAR_2026],
]
