import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/client.ts'
import { EVENT_SOURCES } from '../../db/schema/events.ts'
import { inSavepoint } from '../../db/scope.ts'
import type { Principal } from '../security/principal.ts'
import { IntakeError, intake, type LoopDeps } from './intake.ts'

/** One CSV row as the client read it: texts, with the line number of the file. */
export const importRow = z
  .object({
    line: z.number().int().min(1),
    external_id: z.string().max(100).optional(),
    source: z.string().max(40).optional(),
    category_code: z.string().max(40).optional(),
    title: z.string().max(400).optional(),
    body: z.string().max(5000).optional(),
    address: z.string().max(400).optional(),
    lon: z.string().max(40).optional(),
    lat: z.string().max(40).optional(),
    reported_at: z.string().max(40).optional(),
    priority: z.string().max(4).optional(),
    reporter_name: z.string().max(80).optional(),
    reporter_phone: z.string().max(40).optional(),
  })
  .strict()
export type ImportRow = z.infer<typeof importRow>

/** The CSV columns, in the order of the template. */
export const IMPORT_COLUMNS = [
  'external_id',
  'source',
  'category_code',
  'title',
  'body',
  'address',
  'lon',
  'lat',
  'reported_at',
  'priority',
  'reporter_name',
  'reporter_phone',
] as const

export interface RowResult {
  line: number
  id?: number
  created?: boolean
  routed?: boolean
  error?: string
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim())

/**
 * CSV bulk import, a chunk of rows at a time (the client sends chunks and shows the progress):
 * each row goes through the same intake as every channel, in a savepoint of its own, so a bad row
 * is reported with its line and reason and changes nothing while the good rows are stored. A row
 * needs an external id, so importing a file twice stores nothing new.
 */
export async function importRows(
  d: Database,
  principal: Principal,
  rows: readonly ImportRow[],
  deps: LoopDeps,
): Promise<RowResult[]> {
  const codes = [...new Set(rows.map((r) => blank(r.category_code)).filter((c): c is string => !!c))]
  const categories = new Map<string, number>()
  if (codes.length) {
    const found = await d.rows<{ id: number; code: string }>(
      sql`SELECT id, code FROM categories WHERE code IN (${sql.join(
        codes.map((c) => sql`${c}`),
        sql`, `,
      )})`,
    )
    for (const c of found) categories.set(c.code, Number(c.id))
  }
  const out: RowResult[] = []
  for (const r of rows) {
    const fail = (error: string) => out.push({ line: r.line, error })
    const externalId = blank(r.external_id)
    if (!externalId) {
      fail('缺少 external_id（工单号）/ external_id is missing')
      continue
    }
    const source = blank(r.source) ?? 'hotline'
    if (!(EVENT_SOURCES as readonly string[]).includes(source)) {
      fail(
        `来源 "${source}" 无效，可用：${EVENT_SOURCES.join('、')} / source "${source}" is not one of ${EVENT_SOURCES.join(', ')}`,
      )
      continue
    }
    const code = blank(r.category_code)
    const categoryId = code ? categories.get(code) : null
    if (code && categoryId === undefined) {
      fail(`分类代码 "${code}" 不存在 / no category "${code}"`)
      continue
    }
    const lon = Number(blank(r.lon))
    const lat = Number(blank(r.lat))
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
      fail('经纬度须为数字（lon, lat）/ lon and lat must be numbers')
      continue
    }
    if (lon >= 3 && lon <= 54 && lat >= 73 && lat <= 136) {
      fail(`经纬度顺序颠倒？(${lon}, ${lat}) 应为 经度, 纬度 / lon and lat look swapped: (${lon}, ${lat})`)
      continue
    }
    const when = blank(r.reported_at)
    const reportedAt = when
      ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(when) ? `${when}T00:00:00+08:00` : when)
      : undefined
    if (reportedAt && Number.isNaN(reportedAt.getTime())) {
      fail(`时间 "${when}" 无法识别（ISO 8601）/ reported_at "${when}" is not an ISO 8601 time`)
      continue
    }
    try {
      const res = await inSavepoint(d, (sp) =>
        intake(
          sp,
          principal,
          {
            source: source as (typeof EVENT_SOURCES)[number],
            externalId,
            categoryId: categoryId ?? null,
            title: blank(r.title) ?? '',
            body: blank(r.body) ?? '',
            address: blank(r.address) ?? null,
            lon,
            lat,
            ...(reportedAt ? { reportedAt } : {}),
            priority: blank(r.priority) ? Number(r.priority) : 3,
            reporterName: blank(r.reporter_name) ?? null,
            reporterPhone: blank(r.reporter_phone) ?? null,
          },
          deps,
        ),
      )
      out.push({ line: r.line, id: res.id, created: res.created, routed: !!res.route?.departmentId })
    } catch (e) {
      if (e instanceof z.ZodError)
        fail(e.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; '))
      else if (e instanceof IntakeError) fail(e.message)
      else throw e
    }
  }
  return out
}
