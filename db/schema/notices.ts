import {
  bigint,
  bigserial,
  index,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { events } from './events.ts'

export const NOTICE_KINDS = ['merged', 'resolved'] as const
export const NOTICE_STATUSES = ['pending', 'sent', 'failed', 'no_contact'] as const

/**
 * What a reporter (诉求人) is told and whether it went out (告知): that their request was merged
 * into another as a duplicate, and that the request (or the one it was merged into) is resolved.
 * An outbox: rows are written in the transaction of the change, and the loop watcher sends them
 * through the SMS gateway (YIWANG_SMS_URL). The phone is not copied here: it is decrypted from
 * the event at sending time.
 */
export const reporterNotices = pgTable(
  'reporter_notices',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The event whose reporter is told. */
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    /** The event the notice is about: the one merged into, or the event itself. */
    aboutEventId: bigint('about_event_id', { mode: 'number' })
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: NOTICE_KINDS }).notNull(),
    message: text('message').notNull(),
    status: text('status', { enum: NOTICE_STATUSES }).notNull().default('pending'),
    attempts: smallint('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('reporter_notices_once').on(t.eventId, t.kind, t.aboutEventId),
    index('reporter_notices_event_idx').on(t.eventId),
    index('reporter_notices_pending_idx').on(t.status, t.id),
  ],
)
