import type { Database } from '../../db/client.ts'
import { calendarRows, loopSettings } from '../../db/queries/loop.queries.ts'
import { WorkCalendar } from '../domain/calendar.ts'
import type { PiiCipher } from '../security/pii.ts'
import type { LoopDeps } from './intake.ts'

/**
 * The calendar and settings the loop computes with, read from the database and kept for a minute
 * (an edit of the calendar or the settings calls `invalidate`).
 */
export function loopDepsCache(ttlMs = 60_000) {
  let cached: { at: number; deps: Omit<LoopDeps, 'pii'> } | null = null
  return {
    async get(d: Database, pii: PiiCipher | null): Promise<LoopDeps> {
      if (!cached || Date.now() - cached.at > ttlMs) {
        const [days, settings] = await Promise.all([calendarRows(d), loopSettings(d)])
        cached = { at: Date.now(), deps: { calendar: new WorkCalendar(days), settings } }
      }
      return { ...cached.deps, pii }
    },
    invalidate() {
      cached = null
    },
  }
}
