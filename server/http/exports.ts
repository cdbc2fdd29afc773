import type { FastifyInstance } from 'fastify'
import type { Database } from '../../db/client.ts'
import { exportPeople, type PersonSummary } from '../../db/queries/people.queries.ts'
import { withScope } from '../../db/scope.ts'
import { appendAudit } from '../audit/audit.ts'
import { actorFields, actorOf } from '../auth/audit.ts'
import { peopleFilterInput } from '../routers/people.router.ts'
import type { PiiCipher } from '../security/pii.ts'
import { guardRoute } from './guard.ts'

/** The most rows one export file holds; a larger selection is refused with advice to narrow it. */
export const EXPORT_MAX_ROWS = 200_000

const TAG_ZH: Record<string, string> = {
  elderly_alone: '独居老人',
  elderly: '高龄老人',
  disabled: '残疾人',
  low_income: '低保',
  veteran: '退役军人',
  party_member: '党员',
  key_group: '重点人员',
  left_behind_child: '留守儿童',
}

const RELATION_ZH: Record<string, string> = {
  head: '户主',
  spouse: '配偶',
  child: '子女',
  relative: '其他亲属',
}

/**
 * One CSV cell: quoted when it holds a separator, quote or line break; a leading = + - @ (or tab,
 * CR) is prefixed with ' so that a spreadsheet never runs it as a formula (CSV injection).
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return ''
  let s = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

function peopleCsv(rows: PersonSummary[], withTags: boolean): string {
  const head = [
    '编号 id',
    '姓名 name',
    '性别 gender',
    '出生年份 birth year',
    '户籍 residence',
    '与户主关系 relation',
    '身份证号(脱敏) ID number (masked)',
    '电话(脱敏) phone (masked)',
    '网格编码 grid code',
    '网格 grid',
    '地址 address',
    ...(withTags ? ['人群标签 tags'] : []),
  ]
  const lines = [head.map(csvCell).join(',')]
  for (const p of rows) {
    const cells: (string | number | null)[] = [
      p.id,
      p.name,
      p.gender === 'M' ? '男' : '女',
      p.birthYear,
      p.residence === 'registered' ? '户籍' : '流动',
      RELATION_ZH[p.relation] ?? p.relation,
      p.idNumberMasked,
      p.phoneMasked,
      p.gridCode,
      p.gridName,
      p.address,
    ]
    if (withTags) cells.push((p.tags ?? []).map((t) => TAG_ZH[t] ?? t).join('、'))
    lines.push(cells.map(csvCell).join(','))
  }
  // A byte-order mark so that spreadsheet programs read the Chinese as UTF-8; CRLF as RFC 4180.
  return `\uFEFF${lines.join('\r\n')}\r\n`
}

/**
 * GET /exports/people.csv?gridId=|gridCode=&name=&tag=&residence= — the caller's residents (masked) as CSV,
 * audited as an 'export' record with the filter and the row count. Needs 'export' and
 * 'people.read'; tags only with 'people.tags'. Exact ID numbers are not accepted here (they would
 * sit in URLs and logs): look a person up in the app instead.
 */
export function registerExports(
  app: FastifyInstance,
  deps: { db: () => Database | null; pii: PiiCipher | null },
) {
  app.get<{ Querystring: Record<string, string | undefined> }>('/exports/people.csv', async (req, reply) => {
    const ok = guardRoute(req, reply, deps.db(), ['export', 'people.read'])
    if (!ok) return reply
    const { d, principal } = ok
    if (!deps.pii)
      return reply.code(503).send({
        error: 'no_key',
        message: '服务器未配置个人信息密钥 / The server has no personal-data key configured',
      })
    const q = req.query
    const parsed = peopleFilterInput
      .omit({ idNumber: true })
      .strict()
      .safeParse({
        ...(q.gridId !== undefined ? { gridId: Number(q.gridId) } : {}),
        ...(q.gridCode !== undefined ? { gridCode: q.gridCode } : {}),
        ...(q.name !== undefined ? { name: q.name } : {}),
        ...(q.tag !== undefined ? { tag: q.tag } : {}),
        ...(q.residence !== undefined ? { residence: q.residence } : {}),
      })
    const unknown = Object.keys(q).filter(
      (k) => !['gridId', 'gridCode', 'name', 'tag', 'residence'].includes(k),
    )
    if (unknown.length || !parsed.success) {
      const what = unknown.length
        ? `未知参数 ${unknown.join(', ')} / unknown parameter ${unknown.join(', ')}`
        : parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      return reply.code(400).send({ error: 'bad_filter', message: what })
    }
    const filter = parsed.data
    const withTags = principal.permissions.has('people.tags')
    if (filter.tag && !withTags)
      return reply.code(403).send({
        error: 'forbidden',
        message: '按人群标签导出需要 "people.tags" / Forbidden: exporting by tag needs "people.tags"',
      })
    const cipher = deps.pii
    const result = await withScope(d, principal.area, async (scoped) => {
      const r = await exportPeople(scoped, principal.area, cipher, filter, {
        tags: withTags,
        max: EXPORT_MAX_ROWS,
      })
      await appendAudit(scoped, {
        ...actorFields(actorOf(principal, req.ip)),
        action: 'export',
        objectType: 'people',
        outcome: r.truncated ? 'denied' : 'ok',
        after: { format: 'csv', filter, rows: r.rows.length, truncated: r.truncated, tags: withTags },
      })
      return r
    })
    if (result.truncated)
      return reply.code(400).send({
        error: 'too_many_rows',
        message: `导出超过 ${EXPORT_MAX_ROWS} 行，请缩小范围（选择下级区域或加筛选条件）/ More than ${EXPORT_MAX_ROWS} rows: narrow the export (a smaller area or a filter)`,
      })
    const stamp = new Date().toISOString().slice(0, 10)
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="people-${stamp}.csv"; filename*=UTF-8''${encodeURIComponent(`实有人口-${stamp}.csv`)}`,
      )
      .header('cache-control', 'no-store')
      .header('x-export-rows', String(result.rows.length))
      .send(peopleCsv(result.rows, withTags))
  })
}
