import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { createServer } from '../../server/app.ts'
import { createPiiCipher, maskPhone } from '../../server/security/pii.ts'
import { bearerFor } from './callers.ts'
import { dbDescribe, testDb } from './harness.ts'

/**
 * Contract tests of the Open311 GeoReport v2 gateway (server/http/open311.ts), written from the
 * specification (http://wiki.open311.org/GeoReport_v2) and docs/open311.md.
 */

const pii = createPiiCipher(Buffer.alloc(32, 11))
const V2 = '/open311/v2'
const DAY = 86_400_000
const W3C_CST = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/

// ---- a minimal XML reader: well-formedness (declaration, balanced tags, entities) and a tree ----

interface XmlNode {
  name: string
  children: XmlNode[]
  text: string
}

function parseXml(doc: string): XmlNode {
  const decl = '<?xml version="1.0" encoding="utf-8"?>'
  expect(doc.startsWith(decl)).toBe(true)
  const body = doc.slice(decl.length)
  const token = /<(\/?)([A-Za-z_][\w.-]*)(\/?)>|([^<]+)/gy
  const root: XmlNode = { name: '#document', children: [], text: '' }
  const stack: XmlNode[] = [root]
  let m: RegExpExecArray | null = token.exec(body)
  let consumed = 0
  while (m) {
    consumed = token.lastIndex
    const [, close, name, selfClose, text] = m
    const top = stack[stack.length - 1]!
    if (text !== undefined) {
      if (stack.length === 1) expect(text.trim()).toBe('')
      for (const ref of text.match(/&[^;]*;?/g) ?? [])
        expect(ref).toMatch(/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/)
      expect(text).not.toMatch(/>/)
      top.text += text
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, '&')
    } else if (close) {
      expect(top.name).toBe(name)
      stack.pop()
    } else {
      const node: XmlNode = { name: name!, children: [], text: '' }
      top.children.push(node)
      if (!selfClose) stack.push(node)
    }
    m = token.exec(body)
  }
  expect(consumed).toBe(body.length)
  expect(stack.length).toBe(1)
  expect(root.children.length).toBe(1)
  return root.children[0]!
}

const kids = (n: XmlNode, name: string) => n.children.filter((c) => c.name === name)
const child = (n: XmlNode, name: string) => {
  const c = kids(n, name)[0]
  expect(c, `<${n.name}> has no <${name}>`).toBeDefined()
  return c!
}
const textOf = (n: XmlNode, name: string) => child(n, name).text

// ---------------------------------------------------------------------------------------------

dbDescribe('Open311 GeoReport v2 gateway', () => {
  let d: Database
  /** Events from here on are this file's: removed at the end (the test city is shared). */
  let firstEventId = 0
  let app: FastifyInstance
  let cityKey: string
  let districtKey: string
  let otherCityKey: string
  let plannerKey: string
  let district: { path: string; code: string }
  let at: { lon: number; lat: number }
  let elsewhere: { lon: number; lat: number }
  let service: { code: string; name: string }
  let otherService: { code: string }
  let address: { code: string; fullText: string; lon: number; lat: number }
  let seq = 0
  const marker = () => `O311-${process.pid}-${Date.now()}-${++seq}`

  const count = async (q: ReturnType<typeof sql>) => Number((await d.rows<{ n: number }>(q))[0]?.n ?? 0)
  const eventCount = () => count(sql`SELECT count(*) AS n FROM events`)

  const get = (url: string, key?: string | null, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'GET',
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    })

  /** POST form-encoded, the specification's way (api_key in the body unless `bearer`). */
  const postForm = (
    fields: Record<string, string>,
    opts: { key?: string | null; bearer?: boolean; headers?: Record<string, string>; ext?: string } = {},
  ) => {
    const key = opts.key === undefined ? cityKey : opts.key
    const body = new URLSearchParams({ ...(key && !opts.bearer ? { api_key: key } : {}), ...fields })
    return app.inject({
      method: 'POST',
      url: `${V2}/requests.${opts.ext ?? 'json'}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(key && opts.bearer ? { authorization: `Bearer ${key}` } : {}),
        ...opts.headers,
      },
      payload: body.toString(),
    })
  }

  const postJson = (fields: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: `${V2}/requests.json`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify({ api_key: cityKey, ...fields }),
    })

  const point = (p: { lon: number; lat: number }) => ({ lat: String(p.lat), long: String(p.lon) })
  const errorsOf = (body: string) => JSON.parse(body) as { code: number; description: string }[]

  beforeAll(async () => {
    d = await testDb()
    firstEventId = Number(
      (await d.rows<{ n: number }>(sql`SELECT coalesce(max(id), 0) AS n FROM events`))[0]?.n ?? 0,
    )
    app = await createServer({ db: () => d, state: () => ({ status: 'ready' }), pii })
    const ds = await d.rows<{ path: string; code: string }>(
      sql`SELECT path, code FROM grids WHERE level = 2 ORDER BY code LIMIT 2`,
    )
    district = { path: ds[0]!.path, code: ds[0]!.code }
    const pt = async (path: string) => {
      const [p] = await d.rows<{ x: number; y: number }>(sql`
        SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y
        FROM grids WHERE level = 5 AND path LIKE ${`${path}%`} ORDER BY code LIMIT 1`)
      return { lon: Number(p!.x), lat: Number(p!.y) }
    }
    at = await pt(ds[0]!.path)
    elsewhere = await pt(ds[1]!.path)
    const cats = await d.rows<{ code: string; name: string }>(
      sql`SELECT code, name FROM categories WHERE level = 3 ORDER BY code LIMIT 2`,
    )
    service = cats[0]!
    otherService = cats[1]!
    const [a] = await d.rows<{ code: string; full_text: string; lon: number; lat: number }>(sql`
      SELECT a.code, a.full_text, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat
      FROM addresses a JOIN grids g ON g.id = a.grid_id
      WHERE g.path LIKE ${`${district.path}%`}
        AND (SELECT count(*) FROM addresses b WHERE b.full_text = a.full_text) = 1
      ORDER BY a.id LIMIT 1`)
    address = { code: a!.code, fullText: a!.full_text, lon: Number(a!.lon), lat: Number(a!.lat) }
    const key = async (role: 'dispatcher' | 'planner', area: string | null = null) =>
      (await bearerFor(d, role, area)).slice('Bearer '.length)
    cityKey = await key('dispatcher')
    otherCityKey = await key('dispatcher')
    districtKey = await key('dispatcher', district.code)
    plannerKey = await key('planner')
  })
  afterAll(async () => {
    await app.close()
    // The test city is shared by the db test files: take this file's requests out again.
    await d.rows(sql`DELETE FROM events WHERE id > ${firstEventId}`)
  })

  it('describes itself: discovery in JSON and XML', async () => {
    const res = await get(`${V2}/discovery.json`, cityKey)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/)
    const body = res.json()
    expect(body).toMatchObject({ changeset: expect.stringMatching(W3C_CST) })
    expect(typeof body.contact).toBe('string')
    expect(typeof body.key_service).toBe('string')
    expect(body.endpoints).toHaveLength(1)
    expect(body.endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: expect.stringMatching(/\/open311\/v2$/),
      type: 'production',
    })
    expect(body.endpoints[0].formats.sort()).toEqual(['application/json', 'text/xml'])

    const xml = await get(`${V2}/discovery.xml`, cityKey)
    expect(xml.statusCode).toBe(200)
    expect(xml.headers['content-type']).toMatch(/^text\/xml; charset=utf-8/)
    const doc = parseXml(xml.body)
    expect(doc.name).toBe('discovery')
    const endpoint = child(child(doc, 'endpoints'), 'endpoint')
    expect(textOf(endpoint, 'specification')).toBe('http://wiki.open311.org/GeoReport_v2')
    expect(kids(child(endpoint, 'formats'), 'format').map((f) => f.text)).toContain('text/xml')
  })

  it('lists one service per level-3 category, with the specification’s fields', async () => {
    const n = await count(sql`SELECT count(*) AS n FROM categories WHERE level = 3`)
    expect(n).toBeGreaterThan(0)
    const res = await get(`${V2}/services.json`, cityKey)
    expect(res.statusCode).toBe(200)
    const list = res.json() as Record<string, unknown>[]
    expect(list).toHaveLength(n)
    for (const s of list) {
      expect(Object.keys(s).sort()).toEqual(
        ['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type'].sort(),
      )
      expect(s.metadata).toBe(false)
      expect(s.type).toBe('realtime')
      expect(typeof s.keywords).toBe('string')
    }
    const mine = list.find((s) => s.service_code === service.code)!
    expect(mine.service_name).toBe(service.name)
    const [row] = await d.rows<{ path_name: string; top: string }>(sql`
      SELECT c.path_name, t.name AS top FROM categories c JOIN categories p ON p.id = c.parent_id
      JOIN categories t ON t.id = p.parent_id WHERE c.code = ${service.code}`)
    expect(mine.description).toBe(row!.path_name)
    expect(mine.group).toBe(row!.top)

    const doc = parseXml((await get(`${V2}/services.xml`, cityKey)).body)
    expect(doc.name).toBe('services')
    const services = kids(doc, 'service')
    expect(services).toHaveLength(n)
    const x = services.find((s) => textOf(s, 'service_code') === service.code)!
    expect(textOf(x, 'service_name')).toBe(service.name)
    expect(textOf(x, 'metadata')).toBe('false')
    expect(textOf(x, 'type')).toBe('realtime')
  })

  it('gives a service definition without attributes, and 404 for an unknown code', async () => {
    const res = await get(`${V2}/services/${service.code}.json`, cityKey)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ service_code: service.code, attributes: [] })
    const doc = parseXml((await get(`${V2}/services/${service.code}.xml`, cityKey)).body)
    expect(doc.name).toBe('service_definition')
    expect(textOf(doc, 'service_code')).toBe(service.code)
    expect(child(doc, 'attributes').children).toEqual([])

    const missing = await get(`${V2}/services/NO-SUCH-SERVICE.json`, cityKey)
    expect(missing.statusCode).toBe(404)
    expect(errorsOf(missing.body)).toEqual([{ code: 404, description: expect.any(String) }])
    const missingXml = await get(`${V2}/services/NO-SUCH-SERVICE.xml`, cityKey)
    expect(missingXml.statusCode).toBe(404)
    const err = parseXml(missingXml.body)
    expect(err.name).toBe('errors')
    expect(textOf(child(err, 'error'), 'code')).toBe('404')
  })

  it('takes a request form-encoded and as JSON, and answers 201 with the id', async () => {
    const before = await eventCount()
    const form = await postForm({
      service_code: service.code,
      ...point(at),
      description: `路灯不亮。${marker()}`,
      email: 'someone@example.com',
      device_id: 'dev-1',
      'attribute[WHATEVER]': 'ignored',
    })
    expect(form.statusCode).toBe(201)
    const [created] = form.json() as { service_request_id: string; service_notice: string }[]
    expect(created!.service_request_id).toMatch(/^\d+$/)
    expect(typeof created!.service_notice).toBe('string')

    const json = await postJson({
      service_code: service.code,
      lat: at.lat,
      long: at.lon,
      description: marker(),
    })
    expect(json.statusCode).toBe(201)
    const id2 = (json.json() as { service_request_id: string }[])[0]!.service_request_id
    expect(id2).not.toBe(created!.service_request_id)
    expect(await eventCount()).toBe(before + 2)

    const [row] = await d.rows<{ source: string; category: string; body: string }>(sql`
      SELECT e.source, c.code AS category, e.body FROM events e JOIN categories c ON c.id = e.category_id
      WHERE e.id = ${Number(id2)}`)
    expect(row).toMatchObject({ source: 'open311', category: service.code })

    // the XML answer, with the key as a bearer token
    const xml = await postForm(
      { service_code: service.code, ...point(at), description: marker() },
      { ext: 'xml', bearer: true },
    )
    expect(xml.statusCode).toBe(201)
    const doc = parseXml(xml.body)
    expect(doc.name).toBe('service_requests')
    expect(textOf(child(doc, 'request'), 'service_request_id')).toMatch(/^\d+$/)
  })

  it('is audited as event.intake', async () => {
    const res = await postForm({ service_code: service.code, ...point(at), description: marker() })
    const id = (res.json() as { service_request_id: string }[])[0]!.service_request_id
    expect(
      await count(
        sql`SELECT count(*) AS n FROM audit_log WHERE action = 'event.intake' AND object_id = ${id}`,
      ),
    ).toBe(1)
  })

  it('takes a standard address for the location, and refuses one it cannot find', async () => {
    const res = await postForm({
      service_code: service.code,
      address_string: address.fullText,
      description: marker(),
    })
    expect(res.statusCode).toBe(201)
    const id = (res.json() as { service_request_id: string }[])[0]!.service_request_id
    const [r] = (await get(`${V2}/requests/${id}.json`, cityKey)).json() as Record<string, unknown>[]
    expect(r!.address).toBe(address.fullText)
    expect(r!.address_id).toBe(address.code)
    expect(r!.lat as number).toBeCloseTo(address.lat, 6)
    expect(r!.long as number).toBeCloseTo(address.lon, 6)

    const byId = await postForm({
      service_code: service.code,
      address_id: address.code,
      description: marker(),
    })
    expect(byId.statusCode).toBe(201)

    const unknown = await postForm({ service_code: service.code, address_string: '没有这个地址 999 号' })
    expect(unknown.statusCode).toBe(400)
    expect(errorsOf(unknown.body)[0]!.description).toMatch(/address_string/)
  })

  it('reads a request back by id with the same data and China-time datetimes', async () => {
    const description = `井盖缺失 <危险> & "急"，行人易跌落。${marker()}`
    const t0 = Date.now()
    const res = await postForm({ service_code: service.code, ...point(at), description })
    const id = (res.json() as { service_request_id: string }[])[0]!.service_request_id

    const one = await get(`${V2}/requests/${id}.json`, cityKey)
    expect(one.statusCode).toBe(200)
    const list = one.json() as Record<string, unknown>[]
    expect(list).toHaveLength(1)
    const r = list[0]!
    expect(r).toMatchObject({
      service_request_id: id,
      status: 'open',
      service_code: service.code,
      service_name: service.name,
      description,
    })
    expect(r.lat as number).toBeCloseTo(at.lat, 6)
    expect(r.long as number).toBeCloseTo(at.lon, 6)
    for (const f of [
      'service_request_id',
      'status',
      'status_notes',
      'service_name',
      'service_code',
      'description',
      'agency_responsible',
      'service_notice',
      'requested_datetime',
      'updated_datetime',
      'expected_datetime',
      'address',
      'address_id',
      'zipcode',
      'lat',
      'long',
      'media_url',
    ])
      expect(r).toHaveProperty(f)
    expect(r.requested_datetime).toMatch(W3C_CST)
    expect(r.updated_datetime).toMatch(W3C_CST)
    if (r.expected_datetime !== null) expect(r.expected_datetime).toMatch(W3C_CST)
    const requested = Date.parse(r.requested_datetime as string)
    expect(requested).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000 - 1000)
    expect(requested).toBeLessThanOrEqual(Date.now())

    // routed requests name the department and the due time
    const [e] = await d.rows<{ department: string | null; due: boolean }>(sql`
      SELECT o.name AS department, e.due_at IS NOT NULL AS due FROM events e
      LEFT JOIN organisations o ON o.id = e.department_id WHERE e.id = ${Number(id)}`)
    expect(r.agency_responsible).toBe(e!.department)
    expect(r.expected_datetime !== null).toBe(Boolean(e!.due))

    const doc = parseXml((await get(`${V2}/requests/${id}.xml`, cityKey)).body)
    expect(doc.name).toBe('service_requests')
    const x = child(doc, 'request')
    expect(textOf(x, 'service_request_id')).toBe(id)
    expect(textOf(x, 'description')).toBe(description)
    expect(textOf(x, 'requested_datetime')).toBe(r.requested_datetime)
    expect(Number(textOf(x, 'lat'))).toBeCloseTo(at.lat, 6)

    // the token of a request is its id
    const token = await get(`${V2}/tokens/${id}.json`, cityKey)
    expect(token.statusCode).toBe(200)
    expect(token.json()).toEqual([{ service_request_id: id, token: id }])
    expect((await get(`${V2}/tokens/999999999999.json`, cityKey)).statusCode).toBe(404)
    expect((await get(`${V2}/requests/999999999999.json`, cityKey)).statusCode).toBe(404)
    expect((await get(`${V2}/requests/abc.xml`, cityKey)).statusCode).toBe(404)
  })

  it('lists at most 1000 requests of the last 90 days by default, newest first', async () => {
    const res = await get(`${V2}/requests.json`, cityKey)
    expect(res.statusCode).toBe(200)
    const list = res.json() as { requested_datetime: string }[]
    const since = Date.now() - 90 * DAY
    const inRange = await count(
      sql`SELECT count(*) AS n FROM events WHERE reported_at >= ${new Date(since).toISOString()}::timestamptz`,
    )
    expect(list.length).toBe(Math.min(1000, inRange))
    expect(list.length).toBeGreaterThan(0)
    const times = list.map((r) => Date.parse(r.requested_datetime))
    for (const t of times) expect(t).toBeGreaterThanOrEqual(since - 60_000)
    expect([...times].sort((a, b) => b - a)).toEqual(times)

    const doc = parseXml((await get(`${V2}/requests.xml`, cityKey)).body)
    expect(kids(doc, 'request')).toHaveLength(list.length)
  })

  it('filters by status, service_code, dates and ids', async () => {
    const since = new Date(Date.now() - 90 * DAY).toISOString()
    const closed = (await get(`${V2}/requests.json?status=closed`, cityKey)).json() as { status: string }[]
    expect(closed.length).toBe(
      Math.min(
        1000,
        await count(sql`SELECT count(*) AS n FROM events WHERE reported_at >= ${since}::timestamptz
          AND status IN ('resolved', 'followed_up', 'archived')`),
      ),
    )
    expect(closed.every((r) => r.status === 'closed')).toBe(true)
    const open = (await get(`${V2}/requests.json?status=open`, cityKey)).json() as { status: string }[]
    expect(open.length).toBeGreaterThan(0)
    expect(open.every((r) => r.status === 'open')).toBe(true)

    const codes = `${service.code},${otherService.code}`
    const byCode = (await get(`${V2}/requests.json?service_code=${codes}`, cityKey)).json() as {
      service_code: string
    }[]
    expect(byCode.length).toBeGreaterThan(0)
    expect(byCode.every((r) => r.service_code === service.code || r.service_code === otherService.code)).toBe(
      true,
    )

    const cst = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`
    const from = Date.now() - 7 * DAY
    const to = Date.now() - 2 * DAY
    const url = `${V2}/requests.json?start_date=${encodeURIComponent(cst(from))}&end_date=${encodeURIComponent(cst(to))}`
    const window = (await get(url, cityKey)).json() as { requested_datetime: string }[]
    const fromS = Math.floor(from / 1000) * 1000
    const toS = Math.floor(to / 1000) * 1000
    expect(window.length).toBe(
      Math.min(
        1000,
        await count(sql`SELECT count(*) AS n FROM events
          WHERE reported_at >= ${new Date(fromS).toISOString()}::timestamptz
            AND reported_at <= ${new Date(toS).toISOString()}::timestamptz`),
      ),
    )
    for (const r of window) {
      const t = Date.parse(r.requested_datetime)
      expect(t).toBeGreaterThanOrEqual(fromS - 1000)
      expect(t).toBeLessThanOrEqual(toS + 1000)
    }
    // Z and a '+' left unencoded in the query string (read as a space) are both understood
    const utc = new Date(from).toISOString()
    expect((await get(`${V2}/requests.json?start_date=${utc}`, cityKey)).statusCode).toBe(200)
    expect((await get(`${V2}/requests.json?start_date=${cst(from)}`, cityKey)).statusCode).toBe(200)

    const tooWide = await get(
      `${V2}/requests.json?start_date=${encodeURIComponent(cst(Date.now() - 200 * DAY))}&end_date=${encodeURIComponent(cst(Date.now()))}`,
      cityKey,
    )
    expect(tooWide.statusCode).toBe(400)
    expect(errorsOf(tooWide.body)[0]!.description).toMatch(/90/)

    const a = (await postForm({ service_code: service.code, ...point(at), description: marker() })).json()[0]
      .service_request_id as string
    const b = (await postForm({ service_code: service.code, ...point(at), description: marker() })).json()[0]
      .service_request_id as string
    const byIds = (
      await get(`${V2}/requests.json?service_request_id=${a},${b}&status=closed`, cityKey)
    ).json() as {
      service_request_id: string
    }[]
    expect(byIds.map((r) => r.service_request_id).sort()).toEqual([a, b].sort())
  })

  it('refuses with the specification’s error arrays: 403, 400 naming the field, 404', async () => {
    const noKey = await get(`${V2}/services.json`)
    expect(noKey.statusCode).toBe(403)
    expect(errorsOf(noKey.body)).toEqual([{ code: 403, description: expect.stringMatching(/api_key/) }])
    const noKeyXml = await get(`${V2}/requests.xml`)
    expect(noKeyXml.statusCode).toBe(403)
    expect(textOf(child(parseXml(noKeyXml.body), 'error'), 'code')).toBe('403')
    expect((await get(`${V2}/services.json?api_key=yw_not-a-real-key`)).statusCode).toBe(403)
    expect((await get(`${V2}/services.json`, 'yw_not-a-real-key')).statusCode).toBe(403)
    expect((await get(`${V2}/services.json?api_key=${cityKey}`)).statusCode).toBe(200)
    // a token whose roles do not read events
    expect((await get(`${V2}/requests.json`, plannerKey)).statusCode).toBe(403)
    expect(
      (await postForm({ service_code: service.code, ...point(at) }, { key: plannerKey })).statusCode,
    ).toBe(403)

    const before = await eventCount()
    const postNoKey = await postForm({ service_code: service.code, ...point(at) }, { key: null })
    expect(postNoKey.statusCode).toBe(403)
    const postBadKey = await postForm({ service_code: service.code, ...point(at) }, { key: 'yw_bogus' })
    expect(postBadKey.statusCode).toBe(403)

    const noCode = await postForm({ ...point(at), description: 'x' })
    expect(noCode.statusCode).toBe(400)
    expect(errorsOf(noCode.body)).toEqual([{ code: 400, description: expect.stringMatching(/service_code/) }])
    const unknown = await postForm({ service_code: 'NO-SUCH-SERVICE', ...point(at) })
    expect(unknown.statusCode).toBe(404)
    const noPlace = await postForm({ service_code: service.code, description: '没有位置' })
    expect(noPlace.statusCode).toBe(400)
    expect(errorsOf(noPlace.body)[0]!.description).toMatch(/lat/)
    const halfPlace = await postForm({ service_code: service.code, lat: String(at.lat) })
    expect(halfPlace.statusCode).toBe(400)
    expect(errorsOf(halfPlace.body)[0]!.description).toMatch(/long/)
    const badLat = await postForm({ service_code: service.code, lat: 'north', long: String(at.lon) })
    expect(badLat.statusCode).toBe(400)
    expect(errorsOf(badLat.body)[0]!.description).toMatch(/^lat/)
    const badPhone = await postForm({ service_code: service.code, ...point(at), phone: '12345' })
    expect(badPhone.statusCode).toBe(400)
    expect(errorsOf(badPhone.body)[0]!.description).toMatch(/^phone/)
    const badKey = await postForm(
      { service_code: service.code, ...point(at) },
      { headers: { 'idempotency-key': 'short' } },
    )
    expect(badKey.statusCode).toBe(400)
    expect(errorsOf(badKey.body)[0]!.description).toMatch(/Idempotency-Key/)
    const badXml = await postForm({ ...point(at) }, { ext: 'xml' })
    expect(badXml.statusCode).toBe(400)
    expect(textOf(child(parseXml(badXml.body), 'error'), 'description')).toMatch(/service_code/)
    const brokenJson = await app.inject({
      method: 'POST',
      url: `${V2}/requests.json`,
      headers: { 'content-type': 'application/json' },
      payload: '{"api_key": ',
    })
    expect(brokenJson.statusCode).toBe(400)
    expect(errorsOf(brokenJson.body)[0]!.code).toBe(400)
    expect(await eventCount()).toBe(before)

    const nul = await postForm({ service_code: service.code, ...point(at), description: 'a\u0000b' })
    expect(nul.statusCode).toBe(400)
    expect(errorsOf(nul.body)[0]!.description).toMatch(/^description/)
    expect(await eventCount()).toBe(before)

    const badDate = await get(`${V2}/requests.json?start_date=yesterday`, cityKey)
    expect(badDate.statusCode).toBe(400)
    expect(errorsOf(badDate.body)[0]!.description).toMatch(/start_date/)
    const noZone = await get(`${V2}/requests.json?end_date=2026-01-01T00:00:00`, cityKey)
    expect(noZone.statusCode).toBe(400)
    expect(errorsOf(noZone.body)[0]!.description).toMatch(/end_date/)
    const badStatus = await get(`${V2}/requests.json?status=pending`, cityKey)
    expect(badStatus.statusCode).toBe(400)
    expect(errorsOf(badStatus.body)[0]!.description).toMatch(/status/)

    for (const url of [
      `${V2}/services.csv`,
      `${V2}/services`,
      `${V2}/nothing.json`,
      `${V2}/requests/1/extra.json`,
    ]) {
      const r = await get(url, cityKey)
      expect(r.statusCode, url).toBe(404)
      expect(errorsOf(r.body)[0]!.code).toBe(404)
    }
  })

  it('honours Idempotency-Key: a repeat returns the same id and stores nothing new', async () => {
    const key = `retry-${marker()}`
    const fields = { service_code: service.code, ...point(at), description: marker() }
    const first = await postForm(fields, { headers: { 'idempotency-key': key } })
    expect(first.statusCode).toBe(201)
    const id = first.json()[0].service_request_id as string
    const before = await eventCount()
    const again = await postForm(fields, { headers: { 'idempotency-key': key } })
    expect(again.statusCode).toBe(200)
    expect(again.json()[0].service_request_id).toBe(id)
    const json = await postJson(
      { service_code: service.code, lat: at.lat, long: at.lon, description: 'retried as JSON' },
      { 'idempotency-key': key },
    )
    expect(json.statusCode).toBe(200)
    expect(json.json()[0].service_request_id).toBe(id)
    expect(await eventCount()).toBe(before)
    // keys belong to one API token: another client's identical key is another request
    const other = await postForm(fields, { key: otherCityKey, headers: { 'idempotency-key': key } })
    expect(other.statusCode).toBe(201)
    expect(other.json()[0].service_request_id).not.toBe(id)
  })

  it('stores one request for 20 concurrent POSTs with one Idempotency-Key', async () => {
    const key = `burst-${marker()}`
    const description = marker()
    const before = await eventCount()
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        postForm(
          { service_code: service.code, ...point(at), description },
          { headers: { 'idempotency-key': key } },
        ),
      ),
    )
    const statuses = answers.map((a) => a.statusCode)
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 200)).toHaveLength(19)
    const ids = new Set(answers.map((a) => a.json()[0].service_request_id as string))
    expect(ids.size).toBe(1)
    expect(await eventCount()).toBe(before + 1)
    expect(await count(sql`SELECT count(*) AS n FROM events WHERE body = ${description}`)).toBe(1)
  })

  it('keeps a district’s token inside its district', async () => {
    const outside = (
      await postForm({ service_code: service.code, ...point(elsewhere), description: marker() })
    ).json()[0].service_request_id as string
    const inside = (
      await postForm({ service_code: service.code, ...point(at), description: marker() })
    ).json()[0].service_request_id as string
    expect((await get(`${V2}/requests/${outside}.json`, districtKey)).statusCode).toBe(404)
    expect((await get(`${V2}/tokens/${outside}.json`, districtKey)).statusCode).toBe(404)
    expect((await get(`${V2}/requests/${inside}.json`, districtKey)).statusCode).toBe(200)
    const both = (
      await get(`${V2}/requests.json?service_request_id=${outside},${inside}`, districtKey)
    ).json() as {
      service_request_id: string
    }[]
    expect(both.map((r) => r.service_request_id)).toEqual([inside])

    const list = (await get(`${V2}/requests.json`, districtKey)).json() as { service_request_id: string }[]
    expect(list.length).toBeGreaterThan(0)
    const ids = list.map((r) => Number(r.service_request_id))
    expect(
      await count(sql`SELECT count(*) AS n FROM events e JOIN grids g ON g.id = e.grid_id
        WHERE e.id IN (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )}) AND g.path LIKE ${`${district.path}%`}`),
    ).toBe(ids.length)

    const before = await eventCount()
    const refused = await postForm(
      { service_code: service.code, ...point(elsewhere), description: marker() },
      { key: districtKey },
    )
    expect(refused.statusCode).toBe(400)
    expect(errorsOf(refused.body)[0]!.description).toMatch(/outside your area/)
    expect(await eventCount()).toBe(before)
    const accepted = await postForm(
      { service_code: service.code, ...point(at), description: marker() },
      { key: districtKey },
    )
    expect(accepted.statusCode).toBe(201)
  })

  it('never shows the reporter: no name or phone in what GET returns', async () => {
    const phone = '13912345678'
    const res = await postForm({
      service_code: service.code,
      ...point(at),
      description: `垃圾满溢。${marker()}`,
      first_name: '李',
      last_name: '四海',
      phone,
      email: 'li.sihai@example.com',
    })
    expect(res.statusCode).toBe(201)
    const id = res.json()[0].service_request_id as string
    // stored (encrypted and masked), so its absence below means something
    const [row] = await d.rows<{ masked: string | null; name: string | null }>(
      sql`SELECT reporter_phone_masked AS masked, reporter_name AS name FROM events WHERE id = ${Number(id)}`,
    )
    expect(row!.masked).toBe(maskPhone(phone))
    expect(row!.name).toBe('李 四海')
    const answers = [
      (await get(`${V2}/requests/${id}.json`, cityKey)).body,
      (await get(`${V2}/requests/${id}.xml`, cityKey)).body,
      (await get(`${V2}/requests.json?service_request_id=${id}`, cityKey)).body,
      (await get(`${V2}/requests.xml`, cityKey)).body,
      (await get(`${V2}/tokens/${id}.json`, cityKey)).body,
    ]
    expect(answers[3]).toContain(`<service_request_id>${id}</service_request_id>`)
    for (const body of answers) {
      expect(body).not.toContain(phone)
      expect(body).not.toContain(maskPhone(phone))
      expect(body).not.toContain('四海')
      expect(body).not.toContain('li.sihai')
    }
  })
})
