import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Database } from '../../db/client.ts'
import {
  attachmentBySha,
  attachmentBytes,
  attachmentCount,
  attachmentHead,
  eventVisible,
  insertAttachment,
  listAttachments,
  lockEventForAttachment,
} from '../../db/queries/attachments.queries.ts'
import { addAction } from '../../db/queries/loop.queries.ts'
import { withScope } from '../../db/scope.ts'
import { appendAudit } from '../audit/audit.ts'
import { actorFields, actorOf } from '../auth/audit.ts'
import { liveBus } from '../loop/live.ts'
import type { Permission } from '../security/permissions.ts'
import { guardRoute } from './guard.ts'
import { type PhotoType, sniffImage } from './image-sniff.ts'

/**
 * Photos of an event (现场照片), as plain HTTP routes beside tRPC (a photo is a raw body, not JSON):
 *
 * - `POST /api/events/:id/attachments` — the body is the image itself, `Content-Type` image/jpeg,
 *   image/png or image/webp, at most MAX_PHOTO_BYTES; the type is checked against the content's
 *   magic bytes. The same bytes sent again to the same event are stored once: 200 with the first
 *   one's id (a retry after a lost answer), else 201. At most MAX_PHOTOS_PER_EVENT per event.
 *   Needs events.write; each stored photo is one timeline entry ('attach') and one audit record.
 * - `GET /api/events/:id/attachments` — the list (no bytes).
 * - `GET /api/attachments/:id` — the bytes, with an ETag (the SHA-256) and no shared caching.
 *
 * Every query runs in the caller's scope (row-level security): an event or photo outside the
 * caller's area is 404, exactly like one that does not exist. The session cookie is SameSite=Strict
 * and a cross-site form cannot send an image content type without a CORS preflight (which this
 * server never grants), so the upload needs no further anti-forgery token.
 */

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024
export const MAX_PHOTOS_PER_EVENT = 9
/** Uploads per minute and client address. */
export const UPLOADS_PER_MINUTE = 120

const ACCEPTED: readonly PhotoType[] = ['image/jpeg', 'image/png', 'image/webp']
const EXTENSION: Record<PhotoType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }

/** The media type of a Content-Type header, lower-case and without parameters. */
export function mediaTypeOf(header: string | undefined): string {
  return String(header ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
}

/** A positive integer id from a path segment, or null. */
export function parseId(s: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(s)) return null
  const n = Number(s)
  return Number.isSafeInteger(n) ? n : null
}

const errors = {
  badId: (what: string) => ({
    error: 'bad_id',
    message: `编号无效：${what} / Not a valid id: ${what}`,
  }),
  eventMissing: (id: number) => ({
    error: 'not_found',
    message: `事件 ${id} 不存在或不在您的辖区内 / Event ${id} does not exist or is outside your area`,
  }),
  photoMissing: (id: number) => ({
    error: 'not_found',
    message: `照片 ${id} 不存在或不在您的辖区内 / Photo ${id} does not exist or is outside your area`,
  }),
  unsupported: (type: string) => ({
    error: 'unsupported_type',
    message: `只接受 JPEG、PNG 或 WebP 照片，收到的类型为 ${type || '（未注明）'} / Only JPEG, PNG or WebP photos are accepted; the Content-Type was ${type || '(none)'}`,
  }),
  mismatch: (declared: string, zh: string, en: string) => ({
    error: 'type_mismatch',
    message: `内容与声明的类型不符：声明为 ${declared}，实际为「${zh}」 / The content does not match its declared type: declared ${declared}, found ${en}`,
  }),
  empty: {
    error: 'empty',
    message: '没有收到照片内容 / The request carried no photo',
  },
  full: (n: number) => ({
    error: 'too_many_photos',
    message: `每个事件最多 ${MAX_PHOTOS_PER_EVENT} 张照片，此事件已有 ${n} 张 / At most ${MAX_PHOTOS_PER_EVENT} photos per event; this one has ${n}`,
  }),
  archived: (id: number) => ({
    error: 'archived',
    message: `事件 ${id} 已归档，不能再添加照片 / Event ${id} is archived: no more photos can be added`,
  }),
}

interface Deps {
  db: () => Database | null
}

/** 503 / 401 / 403 as every plain route answers them; null once the reply is sent. */
const guard = (req: FastifyRequest, reply: FastifyReply, needs: readonly Permission[], deps: Deps) =>
  guardRoute(req, reply, deps.db(), needs)

export function registerAttachments(app: FastifyInstance, deps: Deps): void {
  void app.register(async (scope) => {
    // The photo is the body itself, read into one Buffer (at most the route's bodyLimit).
    scope.addContentTypeParser([...ACCEPTED], { parseAs: 'buffer' }, (_req, body, done) => done(null, body))

    scope.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      const code = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
      if (code === 500) req.log.error(err)
      const error =
        code === 413 ? 'too_large' : code === 429 ? 'rate_limited' : code === 500 ? 'internal' : 'bad_request'
      return reply.code(code).send({
        error,
        message: code === 500 ? '服务器内部错误 / Internal server error' : err.message,
      })
    })

    scope.post<{ Params: { id: string } }>(
      '/api/events/:id/attachments',
      {
        bodyLimit: MAX_PHOTO_BYTES,
        config: {
          rateLimit: {
            max: UPLOADS_PER_MINUTE,
            timeWindow: 60_000,
            errorResponseBuilder: (_req: FastifyRequest, ctx: { statusCode: number; ttl: number }) => {
              const s = Math.ceil(ctx.ttl / 1000)
              return Object.assign(
                new Error(`上传过于频繁，请 ${s} 秒后再试 / Too many uploads; try again in ${s} s`),
                { statusCode: ctx.statusCode },
              )
            },
          },
        },
        // Refuse before the body is read: no caller, no permission, or not a photo type.
        onRequest: async (req, reply) => {
          if (!guard(req, reply, ['events.write'], deps)) return reply
          const type = mediaTypeOf(req.headers['content-type'])
          if (!(ACCEPTED as readonly string[]).includes(type))
            return reply.code(415).send(errors.unsupported(type))
        },
      },
      async (req, reply) => {
        const ok = guard(req, reply, ['events.write'], deps)
        if (!ok) return reply
        const eventId = parseId(req.params.id)
        if (eventId === null) return reply.code(400).send(errors.badId(req.params.id))
        const declared = mediaTypeOf(req.headers['content-type']) as PhotoType
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
        const found = sniffImage(body)
        if (found.kind === 'empty') return reply.code(400).send(errors.empty)
        if (found.mime !== declared)
          return reply.code(415).send(errors.mismatch(declared, found.zh, found.en))
        const sha256 = createHash('sha256').update(body).digest('hex')
        const { d, principal } = ok
        const userId = principal.kind === 'user' ? principal.id : null

        const outcome = await withScope(d, principal.area, async (s) => {
          const event = await lockEventForAttachment(s, eventId)
          if (!event) return { kind: 'missing' } as const
          const existing = await attachmentBySha(s, eventId, sha256)
          if (existing !== null) return { kind: 'stored', id: existing, created: false, event } as const
          if (event.status === 'archived') return { kind: 'archived' } as const
          const n = await attachmentCount(s, eventId)
          if (n >= MAX_PHOTOS_PER_EVENT) return { kind: 'full', n } as const
          const r = await insertAttachment(s, {
            eventId,
            mime: declared,
            bytes: body,
            sha256,
            createdBy: userId,
          })
          if (r.created) {
            const detail = { attachmentId: r.id, mime: declared, size: body.length, sha256 }
            await addAction(s, {
              eventId,
              at: new Date(),
              action: 'attach',
              fromStatus: null,
              toStatus: null,
              actorUserId: userId,
              actorOrgId: null,
              note: null,
              detail,
            })
            await appendAudit(s, {
              ...actorFields(actorOf(principal, req.ip)),
              action: 'event.attach',
              objectType: 'event',
              objectId: String(eventId),
              after: detail,
            })
          }
          return { kind: 'stored', id: r.id, created: r.created, event } as const
        })

        if (outcome.kind === 'missing') return reply.code(404).send(errors.eventMissing(eventId))
        if (outcome.kind === 'archived') return reply.code(409).send(errors.archived(eventId))
        if (outcome.kind === 'full') return reply.code(400).send(errors.full(outcome.n))
        // The transaction has committed: tell open clients (the timeline gained an entry).
        if (outcome.created)
          liveBus.publish({
            kind: 'attach',
            eventId,
            status: outcome.event.status,
            action: 'attach',
            gridPath: outcome.event.gridPath,
          })
        const url = `/api/attachments/${outcome.id}`
        return reply
          .code(outcome.created ? 201 : 200)
          .header('location', url)
          .header('cache-control', 'no-store')
          .send({
            id: outcome.id,
            eventId,
            created: outcome.created,
            mime: declared,
            size: body.length,
            sha256,
            url,
          })
      },
    )

    scope.get<{ Params: { id: string } }>('/api/events/:id/attachments', async (req, reply) => {
      const ok = guard(req, reply, ['events.read'], deps)
      if (!ok) return reply
      const eventId = parseId(req.params.id)
      if (eventId === null) return reply.code(400).send(errors.badId(req.params.id))
      const list = await withScope(ok.d, ok.principal.area, async (s) =>
        (await eventVisible(s, eventId)) ? listAttachments(s, eventId) : null,
      )
      if (!list) return reply.code(404).send(errors.eventMissing(eventId))
      return reply.header('cache-control', 'no-store').send({
        eventId,
        max: MAX_PHOTOS_PER_EVENT,
        maxBytes: MAX_PHOTO_BYTES,
        attachments: list.map((a) => ({ ...a, url: `/api/attachments/${a.id}` })),
      })
    })

    scope.get<{ Params: { id: string } }>('/api/attachments/:id', async (req, reply) => {
      const ok = guard(req, reply, ['events.read'], deps)
      if (!ok) return reply
      const id = parseId(req.params.id)
      if (id === null) return reply.code(400).send(errors.badId(req.params.id))
      const ifNoneMatch = req.headers['if-none-match']
      const photo = await withScope(ok.d, ok.principal.area, async (s) => {
        // A revalidation reads the hash only; the bytes are read when they are sent.
        if (ifNoneMatch) {
          const head = await attachmentHead(s, id)
          if (!head) return null
          if (etagMatches(ifNoneMatch, head.sha256)) return { ...head, bytes: null }
        }
        return attachmentBytes(s, id)
      })
      if (!photo) return reply.code(404).send(errors.photoMissing(id))
      // Private: never in a shared cache; revalidated on every use, so that a caller who lost
      // access to the event (another area, a revoked session) is refused from then on.
      reply
        .header('etag', `"${photo.sha256}"`)
        .header('cache-control', 'private, no-cache')
        .header('vary', 'Cookie, Authorization')
        .header('x-content-type-options', 'nosniff')
      if (!photo.bytes) return reply.code(304).send()
      const ext = EXTENSION[photo.mime as PhotoType] ?? 'bin'
      return reply
        .header('content-type', photo.mime)
        .header('content-disposition', `inline; filename="event-${photo.eventId}-photo-${photo.id}.${ext}"`)
        .send(photo.bytes)
    })
  })
}

/** Does an If-None-Match header name this hash (quoted, weak or not, in a list, or `*`)? */
export function etagMatches(header: string, sha256: string): boolean {
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === `"${sha256}"`)
}
