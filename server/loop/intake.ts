import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Database } from '../../db/client.ts'
import {
  addActions,
  insertEventOnce,
  type LoopSettings,
  likelyDuplicates,
  type Route,
  routeEvent,
} from '../../db/queries/loop.queries.ts'
import { EVENT_SOURCES, type EventSource } from '../../db/schema/events.ts'
import type { WorkCalendar } from '../domain/calendar.ts'
import { maskPhone, type PiiCipher } from '../security/pii.ts'
import type { Principal } from '../security/principal.ts'

/** What every channel of intake hands in (the dispatcher's form, the grid worker's page, CSV, Open311). */
export const intakeInput = z
  .object({
    source: z.enum(EVENT_SOURCES),
    /** The id in the source system (工单号); generated when the channel has none. */
    externalId: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(
        /^[\w.:/-]+$/,
        '外部编号只能含字母、数字和 _ . : / - / externalId may hold letters, digits and _ . : / -',
      )
      .optional(),
    /** A client's key for this one submission: a repeat with the same key returns the first result. */
    idempotencyKey: z.string().trim().min(8).max(100).optional(),
    categoryId: z.number().int().positive().nullable(),
    title: z.string().trim().min(2, '标题至少 2 个字 / the title needs at least 2 characters').max(120),
    body: z.string().trim().max(4000).default(''),
    address: z.string().trim().max(200).nullable().default(null),
    lon: z.number().min(73).max(136),
    lat: z.number().min(3).max(54),
    reportedAt: z.date().optional(),
    priority: z.number().int().min(1).max(4).default(3),
    reporterName: z.string().trim().max(40).nullable().default(null),
    reporterPhone: z
      .string()
      .trim()
      .regex(/^(\+?86)?1\d{10}$|^0\d{2,3}-?\d{7,8}$/, '电话号码格式不对 / not a phone number')
      .nullable()
      .default(null),
  })
  .strict()
export type IntakeInput = z.input<typeof intakeInput>

export interface LoopDeps {
  calendar: WorkCalendar
  settings: LoopSettings
  pii: PiiCipher | null
  now?: () => Date
}

export interface IntakeResult {
  id: number
  /** false: a repeat of an earlier submission; nothing new was stored. */
  created: boolean
  route: Route | null
  duplicates: Awaited<ReturnType<typeof likelyDuplicates>>
}

/** A readable number for requests that come without one: YW + CST date + random. */
export function newExternalId(now: Date): string {
  const cst = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '')
  return `YW${cst}-${randomBytes(5).toString('hex').toUpperCase()}`
}

export class IntakeError extends Error {
  constructor(
    readonly code: 'outside_area' | 'no_pii_key' | 'bad_input',
    message: string,
  ) {
    super(message)
  }
}

/**
 * 受理 → 分级转办: store the request once (idempotent by source + external id or by key), place
 * it in its grid (the database does: 落图进格), route it by the responsibility list and start its
 * clock; what the list does not cover stays `received` in the dispatcher's queue. Runs in the
 * caller's scope: a location outside the caller's area is refused by the database's policy.
 */
export async function intake(
  d: Database,
  principal: Principal,
  raw: IntakeInput,
  deps: LoopDeps,
  /** Machine channels (Open311) skip the duplicate search: nobody reads it at intake; the
   * dispatcher sees likely duplicates on the event (events.get). */
  opts: { duplicates?: boolean } = {},
): Promise<IntakeResult> {
  const input = intakeInput.parse(raw)
  const now = deps.now?.() ?? new Date()
  const source: EventSource = input.source
  if (input.reporterPhone && !deps.pii)
    throw new IntakeError(
      'no_pii_key',
      '未配置个人信息密钥，不能保存来电号码 / no personal-data key: cannot store a phone',
    )
  const phone = input.reporterPhone
    ? input.reporterPhone.replace(/[^\d]/g, '').replace(/^86(?=1\d{10}$)/, '')
    : null
  // Route first (the location and the category decide), so the event is written once, routed.
  const route = await routeEvent(d, input.categoryId, input.lon, input.lat)
  const routed =
    route.departmentId !== null && route.timeLimit !== null && route.timeLimitUnit !== null
      ? {
          departmentId: route.departmentId,
          coDepartmentIds: route.coDepartmentIds,
          handlingLevel: route.handlingLevel,
          limitMs: deps.calendar.limitMs(route.timeLimit, route.timeLimitUnit),
          clockSince: now,
          dueAt: deps.calendar.addWorking(now, route.timeLimit, route.timeLimitUnit),
        }
      : null
  let inserted: { id: number; created: boolean }
  try {
    inserted = await insertEventOnce(d, {
      source,
      externalId: input.externalId ?? newExternalId(now),
      idempotencyKey: input.idempotencyKey ?? null,
      categoryId: input.categoryId,
      title: input.title,
      body: input.body,
      address: input.address,
      lon: input.lon,
      lat: input.lat,
      reportedAt: input.reportedAt ?? now,
      priority: input.priority,
      reporterName: input.reporterName,
      reporterPhoneEnc: phone && deps.pii ? deps.pii.encrypt(phone) : null,
      reporterPhoneHash: phone && deps.pii ? deps.pii.lookupHash(phone) : null,
      reporterPhoneMasked: phone ? maskPhone(phone) : null,
      createdBy: principal.kind === 'user' ? principal.id : null,
      routed,
    })
  } catch (e) {
    if (isPolicyViolation(e))
      throw new IntakeError(
        'outside_area',
        `位置 (${input.lon}, ${input.lat}) 不在您的辖区内 / the location (${input.lon}, ${input.lat}) is outside your area`,
      )
    throw e
  }
  const duplicates =
    opts.duplicates === false
      ? []
      : await likelyDuplicates(d, principal.area, {
          excludeId: inserted.id,
          categoryId: input.categoryId,
          lon: input.lon,
          lat: input.lat,
          address: input.address,
          at: input.reportedAt ?? now,
          metres: deps.settings.duplicateMetres,
          days: deps.settings.duplicateDays,
          limit: 10,
        })
  if (!inserted.created) return { id: inserted.id, created: false, route: null, duplicates }

  const actor = principal.kind === 'user' ? principal.id : null
  await addActions(d, [
    {
      eventId: inserted.id,
      at: now,
      action: 'receive',
      fromStatus: null,
      toStatus: 'received',
      actorUserId: actor,
      actorOrgId: null,
      note: null,
      detail: { source, via: principal.kind === 'token' ? `token:${principal.name}` : 'user' },
    },
    ...(routed
      ? [
          {
            eventId: inserted.id,
            at: now,
            action: 'dispatch',
            fromStatus: 'received' as const,
            toStatus: 'dispatched' as const,
            actorUserId: null,
            actorOrgId: routed.departmentId,
            note: `按责任清单派至 ${route.departmentName ?? routed.departmentId} / routed by the responsibility list`,
            detail: {
              auto: true,
              level: route.handlingLevel,
              limit: route.timeLimit,
              unit: route.timeLimitUnit,
              co: route.coDepartmentIds,
            },
          },
        ]
      : []),
  ])
  return { id: inserted.id, created: true, route, duplicates }
}

/** A row-level-security refusal (the row is outside the caller's area). */
export function isPolicyViolation(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string }; message?: string }
  const code = err?.code ?? err?.cause?.code
  return code === '42501' || /row-level security/i.test(String(err?.message ?? ''))
}
