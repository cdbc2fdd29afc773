import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { createServer } from '../../server/app.ts'
import { createUser } from '../../server/auth/admin.ts'
import { MAX_PHOTO_BYTES, MAX_PHOTOS_PER_EVENT, UPLOADS_PER_MINUTE } from '../../server/http/attachments.ts'
import { bearerFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

/**
 * Photos of an event through the real HTTP server (server/http/attachments.ts): upload, list and
 * serve under the caller's row-level security, the limits, idempotent repeats, the timeline and
 * the audit trail. The bodies carry each format's magic bytes followed by random data: the server
 * checks the signature and stores the bytes as sent; it does not decode images.
 */

const JPEG = [0xff, 0xd8, 0xff, 0xe0]
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const photo = (magic: number[], size = 2000) => Buffer.concat([Buffer.from(magic), randomBytes(size)])
const jpeg = (size?: number) => photo(JPEG, size)
const png = (size?: number) => photo(PNG, size)
const webp = () => {
  const b = Buffer.concat([Buffer.from('RIFF0000WEBPVP8 '), randomBytes(1000)])
  b.writeUInt32LE(b.length - 8, 4)
  return b
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

dbDescribe('Event photos over HTTP', () => {
  let d: Database
  let app: FastifyInstance
  let firstEventId = 0
  /** A grid worker signed in with a session cookie, over the first district. */
  let cookie = ''
  let workerName = ''
  let workerId = 0
  /** API tokens: a dispatcher over the whole city, a grid worker over the first district, a reader. */
  let cityWriter = ''
  let districtWorker = ''
  let reader = ''
  let inside: { lon: number; lat: number }
  let outside: { lon: number; lat: number }
  let seq = 0

  /** A new event at `at` (as the owner: no scope), removed at the end with this file's others. */
  const newEvent = async (at: { lon: number; lat: number }, status = 'received') => {
    const [r] = await d.rows<{ id: number }>(sql`
      INSERT INTO events (source, external_id, title, geom, reported_at, status)
      VALUES ('hotline', ${`ATT-${process.pid}-${Date.now()}-${++seq}`}, '照片测试',
        ST_SetSRID(ST_MakePoint(${at.lon}, ${at.lat}), 4326), now(), ${status})
      RETURNING id`)
    return Number(r!.id)
  }

  const auth = (who: string): Record<string, string> =>
    who.startsWith('Bearer ') ? { authorization: who } : { cookie: who }
  const upload = (eventId: number | string, body: Buffer, type: string, who = cityWriter, ip?: string) =>
    app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/attachments`,
      headers: { 'content-type': type, ...(who ? auth(who) : {}) },
      payload: body,
      ...(ip ? { remoteAddress: ip } : {}),
    })
  const get = (url: string, who = cityWriter, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers: { ...(who ? auth(who) : {}), ...headers } })
  const stored = async (eventId: number) =>
    Number(
      (
        await d.rows<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM event_attachments WHERE event_id = ${eventId}`,
        )
      )[0]?.n,
    )

  beforeAll(async () => {
    d = await testDb()
    firstEventId = Number(
      (await d.rows<{ n: number }>(sql`SELECT coalesce(max(id), 0) AS n FROM events`))[0]?.n ?? 0,
    )
    app = await createServer({ db: () => d, state: () => ({ status: 'ready' }) })
    const ds = await d.rows<{ path: string; code: string }>(
      sql`SELECT path, code FROM grids WHERE level = 2 ORDER BY code LIMIT 2`,
    )
    const pt = async (path: string) => {
      const [p] = await d.rows<{ x: number; y: number }>(sql`
        SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y
        FROM grids WHERE level = 5 AND path LIKE ${`${path}%`} ORDER BY code LIMIT 1`)
      return { lon: Number(p!.x), lat: Number(p!.y) }
    }
    inside = await pt(ds[0]!.path)
    outside = await pt(ds[1]!.path)
    cityWriter = await bearerFor(d, 'dispatcher')
    districtWorker = await bearerFor(d, 'grid-worker', ds[0]!.code)
    reader = await bearerFor(d, 'city-leader')
    workerName = `att-${process.pid}-${Date.now() % 100000}`
    const { password, user } = await createUser(
      d,
      { username: workerName, displayName: '张网格', roles: ['grid-worker'], areaCode: ds[0]!.code },
      { actor: { name: 'test' }, audit: async () => {} },
    )
    workerId = user.id
    const res = await app.inject({
      method: 'POST',
      url: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json' },
      payload: { username: workerName, password },
    })
    expect(res.statusCode).toBe(200)
    cookie = String(res.headers['set-cookie']).split(';')[0]!
  })
  afterAll(async () => {
    await app?.close()
    // The test city is shared by the db test files: take this file's events (and photos) out.
    await d.rows(sql`DELETE FROM event_actions WHERE event_id > ${firstEventId}`)
    await d.rows(sql`DELETE FROM events WHERE id > ${firstEventId}`)
  })

  it('stores a photo from a signed-in grid worker and serves the same bytes back, privately', async () => {
    const eventId = await newEvent(inside)
    const body = jpeg(50_000)
    const res = await upload(eventId, body, 'image/jpeg', cookie)
    expect(res.statusCode).toBe(201)
    const created = res.json()
    expect(created).toMatchObject({
      eventId,
      created: true,
      mime: 'image/jpeg',
      size: body.length,
      sha256: sha(body),
    })
    expect(res.headers.location).toBe(`/api/attachments/${created.id}`)

    const list = await get(`/api/events/${eventId}/attachments`, cookie)
    expect(list.statusCode).toBe(200)
    expect(list.headers['cache-control']).toBe('no-store')
    expect(list.json()).toMatchObject({ eventId, max: MAX_PHOTOS_PER_EVENT, maxBytes: MAX_PHOTO_BYTES })
    expect(list.json().attachments).toEqual([
      {
        id: created.id,
        mime: 'image/jpeg',
        size: body.length,
        sha256: sha(body),
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        createdBy: workerId,
        createdByName: '张网格',
        url: `/api/attachments/${created.id}`,
      },
    ])

    // As an <img src> would fetch it: with the session cookie.
    const img = await get(`/api/attachments/${created.id}`, cookie)
    expect(img.statusCode).toBe(200)
    expect(img.headers['content-type']).toBe('image/jpeg')
    expect(img.rawPayload.equals(body)).toBe(true)
    expect(img.headers.etag).toBe(`"${sha(body)}"`)
    expect(img.headers['cache-control']).toBe('private, no-cache')
    expect(img.headers['x-content-type-options']).toBe('nosniff')
    expect(img.headers['content-disposition']).toBe(
      `inline; filename="event-${eventId}-photo-${created.id}.jpg"`,
    )
    // Revalidation: 304 without the bytes.
    const again = await get(`/api/attachments/${created.id}`, cookie, {
      'if-none-match': String(img.headers.etag),
    })
    expect(again.statusCode).toBe(304)
    expect(again.rawPayload.length).toBe(0)
    expect(again.headers.etag).toBe(img.headers.etag)

    // PNG and WebP too, each served with its own type.
    for (const [b, type] of [
      [png(), 'image/png'],
      [webp(), 'image/webp'],
    ] as const) {
      const r = await upload(eventId, b, type)
      expect(r.statusCode).toBe(201)
      const back = await get(r.json().url)
      expect(back.headers['content-type']).toBe(type)
      expect(back.rawPayload.equals(b)).toBe(true)
    }
    expect(await stored(eventId)).toBe(3)
  })

  it('writes one timeline entry and one audit record per stored photo', async () => {
    const eventId = await newEvent(inside)
    const body = jpeg()
    const { id } = (await upload(eventId, body, 'image/jpeg', cookie)).json()
    const actions = await d.rows<{ action: string; actor_user_id: number; detail: Record<string, unknown> }>(
      sql`SELECT action, actor_user_id, detail FROM event_actions WHERE event_id = ${eventId}`,
    )
    expect(actions).toHaveLength(1)
    expect(actions[0]).toMatchObject({
      action: 'attach',
      actor_user_id: workerId,
      detail: { attachmentId: id, mime: 'image/jpeg', size: body.length, sha256: sha(body) },
    })
    const audit = await d.rows<{ actor_name: string; actor_user_id: number; after: Record<string, unknown> }>(
      sql`SELECT actor_name, actor_user_id, after FROM audit_log
          WHERE action = 'event.attach' AND object_type = 'event' AND object_id = ${String(eventId)}`,
    )
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({
      actor_name: workerName,
      actor_user_id: workerId,
      after: { attachmentId: id },
    })
    // The event page's timeline (feature.get) shows it.
    const q = encodeURIComponent(JSON.stringify({ kind: 'event', id: eventId }))
    const detail = await get(`/trpc/feature.get?input=${q}`, cookie)
    expect(detail.json().result.data.timeline.map((a: { action: string }) => a.action)).toEqual(['attach'])
  })

  it('stores the same photo once per event: a repeat answers 200 with the first id', async () => {
    const eventId = await newEvent(inside)
    const body = jpeg()
    const first = await upload(eventId, body, 'image/jpeg')
    expect(first.statusCode).toBe(201)
    const repeat = await upload(eventId, body, 'image/jpeg', districtWorker)
    expect(repeat.statusCode).toBe(200)
    expect(repeat.json()).toMatchObject({ id: first.json().id, created: false })
    expect(await stored(eventId)).toBe(1)
    const attach = await d.rows(
      sql`SELECT id FROM event_actions WHERE event_id = ${eventId} AND action = 'attach'`,
    )
    expect(attach).toHaveLength(1)
    // The same bytes on another event are that event's own photo.
    const other = await newEvent(inside)
    const elsewhere = await upload(other, body, 'image/jpeg')
    expect(elsewhere.statusCode).toBe(201)
    expect(elsewhere.json().id).not.toBe(first.json().id)
  })

  it('refuses a photo over the size limit with 413 in both languages, and takes one at the limit', async () => {
    const eventId = await newEvent(inside)
    const over = await upload(eventId, jpeg(MAX_PHOTO_BYTES - JPEG.length + 1), 'image/jpeg')
    expect(over.statusCode).toBe(413)
    expect(over.json()).toMatchObject({
      error: 'too_large',
      message: expect.stringMatching(/过大.*8 MiB.*too large.*8 MiB/),
    })
    // Without a declared length (chunked), the parser's limit refuses it the same way.
    const chunked = await app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/attachments`,
      headers: { 'content-type': 'image/jpeg', authorization: cityWriter },
      payload: Readable.from([jpeg(MAX_PHOTO_BYTES / 2), jpeg(MAX_PHOTO_BYTES / 2)]),
    })
    expect(chunked.statusCode).toBe(413)
    expect(chunked.json().error).toBe('too_large')
    expect(await stored(eventId)).toBe(0)
    const atLimit = jpeg(MAX_PHOTO_BYTES - JPEG.length)
    const ok = await upload(eventId, atLimit, 'image/jpeg')
    expect(ok.statusCode).toBe(201)
    expect((await get(ok.json().url)).rawPayload.equals(atLimit)).toBe(true)
    // Other routes keep the app's 1 MiB limit.
    const trpc = await app.inject({
      method: 'POST',
      url: '/trpc/grid.children',
      headers: { 'content-type': 'application/json', authorization: cityWriter },
      payload: JSON.stringify({ parentId: null, pad: 'x'.repeat(2 * 1024 * 1024) }),
    })
    expect(trpc.statusCode).toBe(413)
    expect(trpc.json().message).toMatch(/1 MiB/)
  })

  it('checks the type against the magic bytes and names what was sent', async () => {
    const eventId = await newEvent(inside)
    const asJpeg = await upload(eventId, png(), 'image/jpeg')
    expect(asJpeg.statusCode).toBe(415)
    expect(asJpeg.json()).toMatchObject({
      error: 'type_mismatch',
      message: expect.stringMatching(/PNG 图片.*found a PNG image/),
    })
    const text = await upload(eventId, Buffer.from('hello, not a photo'), 'image/png')
    expect(text.statusCode).toBe(415)
    expect(text.json().message).toMatch(/纯文本.*plain text/)
    const pdf = await upload(eventId, Buffer.from('%PDF-1.7\n...'), 'image/webp')
    expect(pdf.json().message).toMatch(/PDF/)
    const gif = await upload(eventId, Buffer.from('GIF89a\x01\x00\x01\x00'), 'image/gif')
    expect(gif.statusCode).toBe(415)
    expect(gif.json()).toMatchObject({
      error: 'unsupported_type',
      message: expect.stringMatching(/image\/gif/),
    })
    const json = await upload(eventId, Buffer.from('{}'), 'application/json')
    expect(json.statusCode).toBe(415)
    expect(json.json().message).toMatch(/JPEG、PNG 或 WebP.*JPEG, PNG or WebP/)
    const empty = await upload(eventId, Buffer.alloc(0), 'image/jpeg')
    expect(empty.statusCode).toBe(400)
    expect(empty.json().error).toBe('empty')
    // Parameters on the type are fine.
    expect((await upload(eventId, jpeg(), 'Image/JPEG; q=1')).statusCode).toBe(201)
    expect(await stored(eventId)).toBe(1)
  })

  it(`refuses the ${MAX_PHOTOS_PER_EVENT + 1}th photo, naming the limit; a repeat of a stored one still answers`, async () => {
    const eventId = await newEvent(inside)
    const bodies = Array.from({ length: MAX_PHOTOS_PER_EVENT }, () => jpeg())
    for (const b of bodies) expect((await upload(eventId, b, 'image/jpeg')).statusCode).toBe(201)
    const tenth = await upload(eventId, jpeg(), 'image/jpeg')
    expect(tenth.statusCode).toBe(400)
    expect(tenth.json()).toMatchObject({
      error: 'too_many_photos',
      message: expect.stringMatching(
        new RegExp(`最多 ${MAX_PHOTOS_PER_EVENT} 张.*At most ${MAX_PHOTOS_PER_EVENT} photos`),
      ),
    })
    expect((await upload(eventId, bodies[3]!, 'image/jpeg')).statusCode).toBe(200)
    expect(await stored(eventId)).toBe(MAX_PHOTOS_PER_EVENT)
  })

  it('holds the limit under concurrent uploads to one event', async () => {
    const eventId = await newEvent(inside)
    const results = await Promise.all(Array.from({ length: 14 }, () => upload(eventId, jpeg(), 'image/jpeg')))
    const codes = results.map((r) => r.statusCode).sort()
    expect(codes.filter((c) => c === 201)).toHaveLength(MAX_PHOTOS_PER_EVENT)
    expect(codes.filter((c) => c === 400)).toHaveLength(14 - MAX_PHOTOS_PER_EVENT)
    expect(await stored(eventId)).toBe(MAX_PHOTOS_PER_EVENT)
  })

  it('answers 404 for an event or photo outside the caller’s area, exactly as for none', async () => {
    const away = await newEvent(outside)
    const theirs = await upload(away, jpeg(), 'image/jpeg')
    expect(theirs.statusCode).toBe(201)
    const photoUrl = theirs.json().url
    for (const who of [districtWorker, cookie]) {
      const up = await upload(away, jpeg(), 'image/jpeg', who)
      expect(up.statusCode).toBe(404)
      expect(up.json().message).toMatch(/不在您的辖区内.*outside your area/)
      expect((await get(`/api/events/${away}/attachments`, who)).statusCode).toBe(404)
      const img = await get(photoUrl, who)
      expect(img.statusCode).toBe(404)
      expect(img.headers['content-type']).toMatch(/application\/json/)
      // Even a conditional request with the right ETag learns nothing.
      expect((await get(photoUrl, who, { 'if-none-match': String(theirs.json().sha256) })).statusCode).toBe(
        404,
      )
    }
    expect(await stored(away)).toBe(1)
    // Nothing there at all: the same answer.
    const none = await upload(2 ** 52, jpeg(), 'image/jpeg')
    expect(none.statusCode).toBe(404)
    expect((await get('/api/attachments/999999999')).statusCode).toBe(404)
    expect((await get('/api/attachments/abc')).statusCode).toBe(400)
    expect((await upload('1e3', jpeg(), 'image/jpeg')).statusCode).toBe(400)
  })

  it('needs a caller (401) and events.write to upload (403); a reader may look', async () => {
    const eventId = await newEvent(inside)
    const { url } = (await upload(eventId, jpeg(), 'image/jpeg')).json()
    const anon = await upload(eventId, jpeg(), 'image/jpeg', '')
    expect(anon.statusCode).toBe(401)
    expect(anon.json().message).toMatch(/请先登录.*sign in/)
    expect((await get(`/api/events/${eventId}/attachments`, '')).statusCode).toBe(401)
    expect((await get(url, '')).statusCode).toBe(401)
    expect((await get(url, 'yw_session=not-a-session')).statusCode).toBe(401)
    const readOnly = await upload(eventId, jpeg(), 'image/jpeg', reader)
    expect(readOnly.statusCode).toBe(403)
    expect(readOnly.json().message).toMatch(/events\.write/)
    expect((await get(url, reader)).statusCode).toBe(200)
    expect(await stored(eventId)).toBe(1)
  })

  it('refuses new photos on an archived event', async () => {
    const eventId = await newEvent(inside, 'archived')
    const res = await upload(eventId, jpeg(), 'image/jpeg')
    expect(res.statusCode).toBe(409)
    expect(res.json().message).toMatch(/已归档.*archived/)
    expect(await stored(eventId)).toBe(0)
  })

  it(`limits uploads to ${UPLOADS_PER_MINUTE} a minute per address, in both languages`, async () => {
    const eventId = await newEvent(inside)
    const ip = '10.9.8.7'
    for (let i = 0; i < UPLOADS_PER_MINUTE; i++)
      expect((await upload(eventId, Buffer.alloc(0), 'image/jpeg', cityWriter, ip)).statusCode).toBe(400)
    const limited = await upload(eventId, jpeg(), 'image/jpeg', cityWriter, ip)
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toMatchObject({
      error: 'rate_limited',
      message: expect.stringMatching(/频繁.*Too many uploads/),
    })
    expect(limited.headers['retry-after']).toBeDefined()
    expect((await upload(eventId, jpeg(), 'image/jpeg', cityWriter, '10.9.8.6')).statusCode).toBe(201)
  })
})
