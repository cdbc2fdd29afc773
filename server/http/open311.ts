import { type SQL, sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ZodError } from 'zod'
import type { Database } from '../../db/client.ts'
import type { EventStatus } from '../../db/schema/events.ts'
import { withScope } from '../../db/scope.ts'
import { appendAudit } from '../audit/audit.ts'
import { resolveBearer } from '../auth/admin.ts'
import { actorFields, actorOf } from '../auth/audit.ts'
import { bearerOf } from '../auth/http.ts'
import { loopDepsCache } from '../loop/deps.ts'
import { IntakeError, type IntakeInput, intake } from '../loop/intake.ts'
import { liveBus } from '../loop/live.ts'
import type { Permission } from '../security/permissions.ts'
import type { PiiCipher } from '../security/pii.ts'
import type { Principal } from '../security/principal.ts'
import { type XmlValue, xmlDocument } from './open311-xml.ts'

/**
 * The Open311 GeoReport v2 gateway (http://wiki.open311.org/GeoReport_v2) at /open311/v2/:
 * discovery, the service list (one service per level-3 category), service definitions, posting a
 * request (through the same intake as every other channel), reading requests and tokens, each as
 * .json or .xml. Unlike the specification's public servers, every call needs an API token of this
 * system (`api_key` or `Authorization: Bearer`): the command centre is an intranet. See
 * docs/open311.md.
 */

export const OPEN311_PREFIX = '/open311/v2'
export const OPEN311_SPEC = 'http://wiki.open311.org/GeoReport_v2'
/** When the service list or this API last changed in a way clients should notice. */
export const OPEN311_CHANGESET = '2026-05-01T00:00:00+08:00'
/** The most requests one GET /requests answers with, and the widest date range it searches. */
export const MAX_REQUESTS = 1000
export const MAX_RANGE_DAYS = 90

/** Our states that Open311 calls closed; every other state is open. */
export const CLOSED: readonly EventStatus[] = ['resolved', 'followed_up', 'archived']

/** status_notes: what our state means, without anything a handler wrote (notes may name people). */
const STATUS_NOTES: Record<EventStatus, string> = {
  received: '已受理，待分派 / received, waiting to be routed',
  dispatched: '已派单 / dispatched to the responsible department',
  signed: '已签收 / accepted by the department',
  in_progress: '办理中 / being handled',
  returned: '已退单，待重新分派 / returned for re-routing',
  parked: '挂账 / on hold',
  extension_requested: '延期申请中 / extension requested',
  resolved: '已办结 / resolved',
  followed_up: '已回访 / resolved and followed up',
  archived: '已归档 / archived',
}

type Format = 'json' | 'xml'

/** A refusal in the specification's terms: the HTTP status and a description naming the field. */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 503,
    message: string,
  ) {
    super(message)
  }
}

export interface Open311Deps {
  db: () => Database | null
  /** Personal-data encryption: without it a request that gives a phone number is refused. */
  pii: PiiCipher | null
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** An instant as the specification's W3C datetime in China time: 2026-05-01T09:30:00+08:00. */
export function cstDateTime(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null
  return `${new Date(ms + 8 * HOUR_MS).toISOString().slice(0, 19)}+08:00`
}

const W3C_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * A W3C datetime with a time zone (Z or ±HH:MM) → ms, or null. A '+' that arrived unencoded in
 * a query string reads as a space; it is taken as the '+' it was meant to be.
 */
export function parseW3cDateTime(text: string): number | null {
  const t = text.trim().replace(/ (\d{2}:\d{2})$/, '+$1')
  const m = W3C_DATETIME.exec(t)
  if (!m) return null
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${(frac ?? '').slice(0, 4)}${zone}`)
  if (!Number.isFinite(ms)) return null
  // Date.parse rolls 2026-02-30 over to March: refuse dates that do not exist.
  const offset =
    zone === 'Z'
      ? 0
      : (zone!.startsWith('-') ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4)))
  const local = new Date(ms + offset * 60_000)
  if (local.getUTCDate() !== Number(d) || local.getUTCMonth() + 1 !== Number(mo)) return null
  return ms
}

/** 'requests.json' → { name: 'requests', format: 'json' }; other extensions → null. */
function splitFile(file: string): { name: string; format: Format } | null {
  const m = /^(.+)\.(json|xml)$/.exec(file)
  return m ? { name: m[1]!, format: m[2] as Format } : null
}

/** The format a URL asks for (for errors raised before a route has looked). */
function formatOfUrl(url: string): Format {
  return /\.xml$/.test(url.split('?')[0] ?? '') ? 'xml' : 'json'
}

function send(reply: FastifyReply, format: Format, status: number, root: string, value: XmlValue) {
  reply.code(status).header('cache-control', 'no-store').header('vary', 'Authorization')
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(xmlDocument(root, value))
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(value))
}

function sendError(reply: FastifyReply, format: Format, status: number, description: string) {
  return send(reply, format, status, 'errors', [{ code: status, description }])
}

/** Fields of a query string or body: the first value of each name, strings only. */
type Fields = Map<string, string>

function fieldsOf(v: unknown): Fields {
  const out: Fields = new Map()
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out
  for (const [k, raw] of Object.entries(v as Record<string, unknown>)) {
    const first = Array.isArray(raw) ? raw[0] : raw
    if (typeof first === 'string') out.set(k, first)
    else if (typeof first === 'number' || typeof first === 'boolean') out.set(k, String(first))
  }
  return out
}

/** A NUL character cannot be stored (PostgreSQL text): refuse it and name the field. */
function refuseNul(fields: Fields): void {
  for (const [k, v] of fields)
    if (v.includes('\u0000'))
      throw new Open311Error(400, `${k}: 输入含有空字符 (NUL) / ${k} contains a NUL character`)
}

/**
 * The caller from `api_key` (query or body) or `Authorization: Bearer` — API tokens only: a
 * session cookie does not count here (machine clients; no cross-site form posts). 403 without a
 * key, with a key that is not a live token, or without `permission`.
 */
async function callerOf(
  req: FastifyRequest,
  d: Database,
  fields: Fields,
  permission: Permission,
): Promise<Principal> {
  const key = (fields.get('api_key') ?? '').trim()
  let principal: Principal | null
  if (key) principal = await resolveBearer(d, key, req.authEnv?.deps)
  else if (bearerOf(req) !== null) principal = req.principal ?? null
  else
    throw new Open311Error(
      403,
      'api_key: 缺少 API 密钥（api_key 或 Authorization: Bearer）/ api_key was not provided',
    )
  if (principal?.kind !== 'token')
    throw new Open311Error(403, 'api_key: API 密钥无效或已停用 / api_key is invalid')
  if (!principal.permissions.has(permission))
    throw new Open311Error(
      403,
      `api_key: 该密钥没有 "${permission}" 权限 / this api_key lacks the permission "${permission}"`,
    )
  return principal
}

/** The database, or 503 while the server starts. */
function dbOf(deps: Open311Deps): Database {
  const d = deps.db()
  if (!d) throw new Open311Error(503, '服务正在启动 / The server is still starting')
  return d
}

// ---------------------------------------------------------------------------------------------
// Reading requests

interface RequestRow {
  id: string | number
  status: EventStatus
  title: string
  body: string
  address: string | null
  address_code: string | null
  reported_ms: number | string
  updated_ms: number | string
  due_ms: number | string | null
  duplicate_of: string | number | null
  service_code: string | null
  service_name: string | null
  agency: string | null
  lon: number | string
  lat: number | string
}

const msOf = (v: number | string | null): number | null => (v === null ? null : Number(v))

/** One event as a GeoReport service request. No personal data: the reporter is never named. */
function toServiceRequest(r: RequestRow) {
  return {
    service_request_id: String(r.id),
    status: CLOSED.includes(r.status) ? 'closed' : 'open',
    status_notes: STATUS_NOTES[r.status] ?? null,
    service_name: r.service_name,
    service_code: r.service_code,
    description: r.body || r.title,
    agency_responsible: r.agency,
    service_notice:
      r.duplicate_of === null
        ? null
        : `重复件，并入 ${r.duplicate_of} 办理 / a duplicate, handled as request ${r.duplicate_of}`,
    requested_datetime: cstDateTime(msOf(r.reported_ms)),
    updated_datetime: cstDateTime(msOf(r.updated_ms)),
    expected_datetime: cstDateTime(msOf(r.due_ms)),
    address: r.address,
    address_id: r.address_code,
    zipcode: null,
    lat: Number(r.lat),
    long: Number(r.lon),
    media_url: null,
  }
}

/** Events of the caller's scope matching `where`, newest first (row-level security limits the area). */
async function selectRequests(s: Database, where: SQL[], limit: number): Promise<RequestRow[]> {
  return s.rows<RequestRow>(sql`
    SELECT e.id, e.status, e.title, e.body, e.address, a.code AS address_code,
      (extract(epoch FROM e.reported_at) * 1000)::float8 AS reported_ms,
      (extract(epoch FROM e.updated_at) * 1000)::float8 AS updated_ms,
      (extract(epoch FROM e.due_at) * 1000)::float8 AS due_ms,
      e.duplicate_of, c.code AS service_code, c.name AS service_name, o.name AS agency,
      ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat
    FROM events e
    LEFT JOIN categories c ON c.id = e.category_id
    LEFT JOIN organisations o ON o.id = e.department_id
    LEFT JOIN LATERAL (
      SELECT ad.code FROM addresses ad WHERE ad.full_text = e.address ORDER BY ad.id LIMIT 1
    ) a ON true
    WHERE ${where.length ? sql.join(where, sql` AND `) : sql`true`}
    ORDER BY e.reported_at DESC, e.id DESC
    LIMIT ${limit}`)
}

const ID_RE = /^\d{1,15}$/

/** Comma-separated values of a query field, blanks dropped. */
function list(fields: Fields, name: string): string[] {
  return (fields.get(name) ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
}

/**
 * The filters of GET /requests: service_request_id (overrides every other argument),
 * service_code, start_date, end_date (at most 90 days apart; default the last 90 days), status.
 */
export function requestFilters(fields: Fields, now: number): SQL[] {
  const ids = list(fields, 'service_request_id')
  if (ids.length) {
    if (ids.length > MAX_REQUESTS)
      throw new Open311Error(400, `service_request_id: 最多 ${MAX_REQUESTS} 个 / at most ${MAX_REQUESTS} ids`)
    for (const id of ids)
      if (!ID_RE.test(id))
        throw new Open311Error(400, `service_request_id: "${id}" 不是编号 / "${id}" is not a request id`)
    return [
      sql`e.id IN (${sql.join(
        ids.map((id) => sql`${Number(id)}`),
        sql`, `,
      )})`,
    ]
  }
  const where: SQL[] = []
  const codes = list(fields, 'service_code')
  if (codes.length)
    where.push(
      sql`c.code IN (${sql.join(
        codes.map((c) => sql`${c}`),
        sql`, `,
      )})`,
    )

  const date = (name: 'start_date' | 'end_date') => {
    const v = fields.get(name)
    if (v === undefined || v.trim() === '') return null
    const ms = parseW3cDateTime(v)
    if (ms === null)
      throw new Open311Error(
        400,
        `${name}: 须为带时区的 W3C 日期时间，如 2026-05-01T00:00:00+08:00 / ${name} must be a W3C datetime with a time zone, e.g. 2026-05-01T00:00:00+08:00`,
      )
    return ms
  }
  const start = date('start_date')
  const end = date('end_date')
  const range = MAX_RANGE_DAYS * DAY_MS
  const from = start ?? (end ?? now) - range
  const to = end ?? (start === null ? now : start + range)
  if (from > to) throw new Open311Error(400, 'end_date: 早于 start_date / end_date is before start_date')
  if (to - from > range)
    throw new Open311Error(
      400,
      `end_date: 时间范围不能超过 ${MAX_RANGE_DAYS} 天 / the date range may not span more than ${MAX_RANGE_DAYS} days`,
    )
  where.push(sql`e.reported_at >= ${new Date(from).toISOString()}::timestamptz`)
  // Without end_date, requests made since the query started (clock skew) are not cut off.
  if (end !== null || start !== null)
    where.push(sql`e.reported_at <= ${new Date(to).toISOString()}::timestamptz`)

  const statuses = list(fields, 'status').map((s) => s.toLowerCase())
  for (const s of statuses)
    if (s !== 'open' && s !== 'closed')
      throw new Open311Error(400, `status: 只能是 open 或 closed / status must be open or closed, not "${s}"`)
  const closed = sql.join(
    CLOSED.map((s) => sql`${s}`),
    sql`, `,
  )
  if (statuses.includes('open') && !statuses.includes('closed')) where.push(sql`e.status NOT IN (${closed})`)
  if (statuses.includes('closed') && !statuses.includes('open')) where.push(sql`e.status IN (${closed})`)
  return where
}

// ---------------------------------------------------------------------------------------------
// Posting a request

/** Names of the intake's fields as this API calls them (for 400 descriptions). */
const FIELD_NAMES: Record<string, string> = {
  title: 'description',
  body: 'description',
  address: 'address_string',
  lon: 'long',
  lat: 'lat',
  reporterName: 'first_name',
  reporterPhone: 'phone',
  idempotencyKey: 'Idempotency-Key',
  categoryId: 'service_code',
}

const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{8,64}$/
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

function coordinate(fields: Fields, name: 'lat' | 'long'): number | null {
  const v = fields.get(name)?.trim()
  if (!v) return null
  const max = name === 'lat' ? 90 : 180
  const n = NUMBER_RE.test(v) ? Number(v) : Number.NaN
  if (!Number.isFinite(n) || Math.abs(n) > max)
    throw new Open311Error(400, `${name}: "${v}" 不是有效的 WGS84 坐标 / ${name} is not a WGS84 coordinate`)
  return n
}

type Location =
  | { kind: 'point'; lon: number; lat: number; address: string | null }
  | { kind: 'address_id'; code: string }
  | { kind: 'address_string'; text: string }

function locationOf(fields: Fields): Location {
  const lat = coordinate(fields, 'lat')
  const lon = coordinate(fields, 'long')
  const addressString = fields.get('address_string')?.trim() || null
  const addressId = fields.get('address_id')?.trim() || null
  if (lat !== null && lon !== null) return { kind: 'point', lon, lat, address: addressString }
  if (lat !== null)
    throw new Open311Error(400, 'long: 给出 lat 时须同时给出 long / long is required with lat')
  if (lon !== null) throw new Open311Error(400, 'lat: 给出 long 时须同时给出 lat / lat is required with long')
  if (addressId) return { kind: 'address_id', code: addressId }
  if (addressString) return { kind: 'address_string', text: addressString }
  throw new Open311Error(
    400,
    'lat: 需要位置：lat 和 long，或 address_string，或 address_id / a location is required: lat and long, address_string or address_id',
  )
}

/** The title of the event: the service name and the first sentence of the description. */
function titleOf(serviceName: string, description: string): string {
  const head = (description.split(/[。！？!?\n;；]/)[0] ?? '').trim().slice(0, 40)
  return (head ? `${serviceName}：${head}` : serviceName).slice(0, 120)
}

/** An error as the specification's answer: status and description; null for unexpected errors. */
function describe(e: unknown): { status: number; description: string } | null {
  if (e instanceof Open311Error) return { status: e.status, description: e.message }
  if (e instanceof IntakeError) {
    if (e.code === 'no_pii_key') return { status: 400, description: `phone: ${e.message}` }
    return { status: 400, description: e.code === 'outside_area' ? `lat: ${e.message}` : e.message }
  }
  if (e instanceof ZodError) {
    const issue = e.issues[0]
    const key = String(issue?.path[0] ?? '')
    const field = FIELD_NAMES[key] ?? key
    return { status: 400, description: `${field}: ${issue?.message ?? 'invalid'}` }
  }
  return null
}

// ---------------------------------------------------------------------------------------------

/**
 * Register the gateway's routes under /open311/v2 (an encapsulated plugin: its form-body parser
 * and error handler apply to these routes only). Call after registerAuth, like the other routes.
 */
export function registerOpen311(app: FastifyInstance, deps: Open311Deps): void {
  const loopDeps = loopDepsCache()

  void app.register(
    async (scope) => {
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string' },
        (_req, body, done) => {
          const out: Record<string, string> = Object.create(null)
          for (const [k, v] of new URLSearchParams(String(body))) if (!(k in out)) out[k] = v
          done(null, out)
        },
      )

      scope.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
        const known = describe(err)
        if (known) return sendError(reply, formatOfUrl(req.url), known.status, known.description)
        const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
        if (status === 500) req.log.error(err)
        return sendError(
          reply,
          formatOfUrl(req.url),
          status,
          status === 500 ? '服务器内部错误 / Internal server error' : err.message,
        )
      })

      const notFound = (reply: FastifyReply, format: Format, what: string) =>
        sendError(reply, format, 404, `没有 ${what} / ${what} not found`)

      /** Run a read with the caller checked and every query in the caller's scope. */
      const read = async <T>(
        req: FastifyRequest,
        fields: Fields,
        fn: (s: Database, principal: Principal) => Promise<T>,
      ): Promise<T> => {
        const d = dbOf(deps)
        refuseNul(fields)
        const principal = await callerOf(req, d, fields, 'events.read')
        return withScope(d, principal.area, (s) => fn(s, principal))
      }

      const queryFields = (req: FastifyRequest) => fieldsOf(req.query)

      // discovery, services, requests (GET)
      scope.get<{ Params: { file: string } }>('/:file', async (req, reply) => {
        const f = splitFile(req.params.file)
        if (!f) return notFound(reply, 'json', req.params.file)
        const fields = queryFields(req)
        if (f.name === 'discovery') {
          await read(req, fields, async () => null)
          const url = `${req.protocol}://${req.host}${OPEN311_PREFIX}`
          return send(reply, f.format, 200, 'discovery', {
            changeset: OPEN311_CHANGESET,
            contact: '一网统管指挥中心系统管理员 / the Yiwang command centre administrator',
            key_service:
              'api_key 为本系统的 API 令牌，由管理员签发（npm run admin -- create-token）/ api_key is an API token of this system, issued by its administrator',
            endpoints: [
              {
                specification: OPEN311_SPEC,
                url,
                changeset: OPEN311_CHANGESET,
                type: 'production',
                formats: ['application/json', 'text/xml'],
              },
            ],
          })
        }
        if (f.name === 'services') {
          const rows = await read(req, fields, (s) =>
            s.rows<{ code: string; name: string; path_name: string }>(
              sql`SELECT code, name, path_name FROM categories WHERE level = 3 ORDER BY code`,
            ),
          )
          return send(
            reply,
            f.format,
            200,
            'services',
            rows.map((r) => {
              const path = r.path_name.split('/')
              return {
                service_code: r.code,
                service_name: r.name,
                description: r.path_name,
                metadata: false,
                type: 'realtime',
                keywords: [...path].reverse().join(', '),
                group: path[0] ?? r.name,
              }
            }),
          )
        }
        if (f.name === 'requests') {
          const rows = await read(req, fields, (s) =>
            selectRequests(s, requestFilters(fields, Date.now()), MAX_REQUESTS),
          )
          return send(reply, f.format, 200, 'service_requests', rows.map(toServiceRequest))
        }
        return notFound(reply, f.format, req.params.file)
      })

      scope.get<{ Params: { file: string } }>('/services/:file', async (req, reply) => {
        const f = splitFile(req.params.file)
        if (!f) return notFound(reply, 'json', req.params.file)
        const rows = await read(req, queryFields(req), (s) =>
          s.rows<{ code: string }>(sql`SELECT code FROM categories WHERE level = 3 AND code = ${f.name}`),
        )
        if (!rows[0]) return notFound(reply, f.format, `service_code ${f.name}`)
        return send(reply, f.format, 200, 'service_definition', {
          service_code: rows[0].code,
          attributes: [],
        })
      })

      scope.get<{ Params: { file: string } }>('/requests/:file', async (req, reply) => {
        const f = splitFile(req.params.file)
        if (!f) return notFound(reply, 'json', req.params.file)
        const rows = await read(req, queryFields(req), (s) =>
          ID_RE.test(f.name) ? selectRequests(s, [sql`e.id = ${Number(f.name)}`], 1) : Promise.resolve([]),
        )
        if (!rows[0]) return notFound(reply, f.format, `service_request_id ${f.name}`)
        return send(reply, f.format, 200, 'service_requests', rows.map(toServiceRequest))
      })

      // Requests are created at once, so a token is the request's id.
      scope.get<{ Params: { file: string } }>('/tokens/:file', async (req, reply) => {
        const f = splitFile(req.params.file)
        if (!f) return notFound(reply, 'json', req.params.file)
        const rows = await read(req, queryFields(req), (s) =>
          ID_RE.test(f.name)
            ? s.rows<{ id: string | number }>(sql`SELECT id FROM events WHERE id = ${Number(f.name)}`)
            : Promise.resolve([]),
        )
        if (!rows[0]) return notFound(reply, f.format, `token ${f.name}`)
        return send(reply, f.format, 200, 'service_requests', [
          { service_request_id: String(rows[0].id), token: f.name },
        ])
      })

      scope.post<{ Params: { file: string } }>('/:file', async (req, reply) => {
        const f = splitFile(req.params.file)
        if (f?.name !== 'requests') return notFound(reply, f?.format ?? 'json', req.params.file)
        const d = dbOf(deps)
        const fields = fieldsOf(req.body)
        const query = queryFields(req)
        if (!fields.has('api_key') && query.has('api_key')) fields.set('api_key', query.get('api_key')!)
        refuseNul(fields)
        const principal = await callerOf(req, d, fields, 'events.write')

        const code = fields.get('service_code')?.trim()
        if (!code) throw new Open311Error(400, 'service_code: 必填 / service_code is required')
        const location = locationOf(fields)
        const description = (fields.get('description') ?? '').trim()
        const name = [fields.get('first_name')?.trim(), fields.get('last_name')?.trim()]
          .filter(Boolean)
          .join(' ')
        const phone = fields.get('phone')?.trim() || null
        const rawKey = req.headers['idempotency-key']
        const key = Array.isArray(rawKey) ? rawKey[0] : rawKey
        if (key !== undefined && !IDEMPOTENCY_KEY_RE.test(key))
          throw new Open311Error(
            400,
            'Idempotency-Key: 须为 8–64 个可见 ASCII 字符 / Idempotency-Key must be 8–64 visible ASCII characters',
          )

        const done = await withScope(d, principal.area, async (s) => {
          const [cat] = await s.rows<{ id: number; name: string }>(
            sql`SELECT id, name FROM categories WHERE level = 3 AND code = ${code}`,
          )
          if (!cat)
            throw new Open311Error(404, `service_code: 没有服务 ${code} / service_code ${code} not found`)
          let point: { lon: number; lat: number; address: string | null }
          if (location.kind === 'point') point = location
          else {
            const match =
              location.kind === 'address_id'
                ? sql`code = ${location.code}`
                : sql`full_text = ${location.text}`
            const [a] = await s.rows<{ lon: number; lat: number; full_text: string }>(
              sql`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, full_text FROM addresses WHERE ${match} ORDER BY id LIMIT 1`,
            )
            if (!a)
              throw new Open311Error(
                400,
                `${location.kind}: 在您的辖区内找不到这个标准地址，请给出 lat 和 long / no such standard address in your area; send lat and long`,
              )
            point = { lon: Number(a.lon), lat: Number(a.lat), address: a.full_text }
          }
          const input: IntakeInput = {
            source: 'open311',
            categoryId: Number(cat.id),
            title: titleOf(cat.name, description),
            body: description,
            address: point.address,
            lon: point.lon,
            lat: point.lat,
            reporterName: name || null,
            reporterPhone: phone,
            // Keys are per API token: one client's key never finds another client's request.
            ...(key !== undefined ? { idempotencyKey: `open311:${principal.id}:${key}` } : {}),
          }
          const r = await intake(s, principal, input, await loopDeps.get(s, deps.pii), { duplicates: false })
          let placed: { path: string | null; status: string | null } | null = null
          if (r.created) {
            await appendAudit(s, {
              ...actorFields(actorOf(principal, req.ip)),
              action: 'event.intake',
              objectType: 'event',
              objectId: String(r.id),
              after: {
                source: 'open311',
                routed: r.route?.departmentId ?? null,
                unrouted: r.route?.unrouted ?? null,
              },
            })
            placed = {
              path: r.route?.gridPath ?? null,
              status: r.route?.departmentId ? 'dispatched' : 'received',
            }
          }
          return { r, placed }
        })
        const { r, placed } = done
        if (placed)
          liveBus.publish({
            kind: 'intake',
            eventId: r.id,
            action: 'receive',
            gridPath: placed.path,
            status: placed.status,
          })
        const notice = !r.created
          ? '重复提交：这是先前已受理的诉求 / a repeat: this request was received before'
          : r.route?.departmentName
            ? `已受理并派至 ${r.route.departmentName} / received and routed to ${r.route.departmentName}`
            : '已受理，待人工分派 / received; a dispatcher will route it'
        return send(reply, f.format, r.created ? 201 : 200, 'service_requests', [
          { service_request_id: String(r.id), service_notice: notice, account_id: null },
        ])
      })

      scope.all('/*', async (req, reply) =>
        notFound(reply, formatOfUrl(req.url), req.url.split('?')[0] ?? ''),
      )
    },
    { prefix: OPEN311_PREFIX },
  )
}
