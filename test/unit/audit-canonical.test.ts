import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { auditRetentionDays } from '../../server/audit/audit.ts'
import {
  type AuditContent,
  auditHash,
  canonicalJson,
  GENESIS_HEX,
  isoMicros,
  storableText,
  toJsonValue,
} from '../../server/audit/canonical.ts'
import { requirePermission } from '../../server/auth/procedures.ts'
import { hasNul, scrubTrpcInternal, trpcProcedures } from '../../server/http/hardening.ts'
import { createAuditRouter } from '../../server/routers/audit.router.ts'
import { readyProcedure } from '../../server/trpc.ts'

const base: AuditContent = {
  id: '1',
  at: isoMicros(new Date('2026-01-02T03:04:05.678Z')),
  actorUserId: 3,
  actorTokenId: null,
  actorName: 'wang',
  action: 'person.unmask',
  objectType: 'person',
  objectId: '42',
  reason: '核实身份',
  before: null,
  after: { b: 1, a: [1, { d: null, c: 'x' }] },
  ip: '10.0.0.1',
  outcome: 'ok',
  prevHash: GENESIS_HEX,
}

describe('audit canonical serialization', () => {
  it('sorts keys at every depth, so key order never changes the hash', () => {
    expect(canonicalJson({ b: 1, a: { z: 1, y: [2, { q: 1, p: 2 }] } })).toBe(
      '{"a":{"y":[2,{"p":2,"q":1}],"z":1},"b":1}',
    )
    const reordered = { ...base, after: { a: [1, { c: 'x', d: null }], b: 1 } }
    expect(auditHash(reordered)).toBe(auditHash(base))
  })

  it('changes the hash when any field or the previous hash changes', () => {
    const h = auditHash(base)
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    for (const [k, v] of Object.entries({
      id: '2',
      at: isoMicros(new Date('2026-01-02T03:04:05.679Z')),
      actorUserId: null,
      actorTokenId: 1,
      actorName: 'li',
      action: 'export',
      objectType: null,
      objectId: '43',
      reason: null,
      before: {},
      after: { b: 2, a: [1, { d: null, c: 'x' }] },
      ip: null,
      outcome: 'denied',
      prevHash: 'ff'.repeat(32),
    }))
      expect(auditHash({ ...base, [k]: v }), k).not.toBe(h)
  })

  it('timestamps are ISO UTC with microseconds, as timestamptz gives them back', () => {
    expect(isoMicros(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678000Z')
  })

  it('normalizes values as jsonb stores them (round trip through JSON is the identity)', () => {
    const d = new Date('2026-05-01T00:00:00Z')
    expect(
      toJsonValue({ a: undefined, b: d, c: [undefined, Number.NaN], d: 10n, e: -0, f: 'a\u0000b' }),
    ).toEqual({
      b: '2026-05-01T00:00:00.000Z',
      c: [null, null],
      d: '10',
      e: 0,
      f: 'a\uFFFDb',
    })
    fc.assert(
      fc.property(fc.anything({ withDate: true, withBigInt: true, withNullPrototype: true }), (v) => {
        const j = toJsonValue(v)
        const back = JSON.parse(JSON.stringify(j))
        expect(canonicalJson(back)).toBe(canonicalJson(j))
      }),
    )
  })

  it('makes text storable: NUL and lone surrogates become U+FFFD, pairs survive', () => {
    expect(storableText('a\u0000b\uD800c\uDC00d😀')).toBe('a\uFFFDb\uFFFDc\uFFFDd😀')
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const t = storableText(s)
        expect(t.includes('\u0000')).toBe(false)
        expect(Buffer.from(t, 'utf8').toString('utf8')).toBe(t)
      }),
    )
  })

  it('rejects cycles with a clear error', () => {
    const a: Record<string, unknown> = {}
    a.self = a
    expect(() => toJsonValue(a)).toThrow(/cycles/)
  })
})

describe('audit retention setting', () => {
  it('defaults to 365 days and refuses less than 184', () => {
    expect(auditRetentionDays({})).toBe(365)
    expect(auditRetentionDays({ YIWANG_AUDIT_RETENTION_DAYS: '200' })).toBe(200)
    expect(() => auditRetentionDays({ YIWANG_AUDIT_RETENTION_DAYS: '30' })).toThrow(/at least 184 days/)
    expect(() => auditRetentionDays({ YIWANG_AUDIT_RETENTION_DAYS: 'a year' })).toThrow(/whole number/)
  })
})

describe('hardening helpers', () => {
  it('names the procedures of a (batched) tRPC call', () => {
    expect(trpcProcedures('/trpc/auth.signIn?batch=1')).toEqual(['auth.signIn'])
    expect(trpcProcedures('/trpc/grid.get,auth.signIn?batch=1')).toEqual(['grid.get', 'auth.signIn'])
    expect(trpcProcedures('/trpc/auth%2EsignIn')).toEqual(['auth.signIn'])
    expect(trpcProcedures('/tiles/grids/1/0/0.mvt')).toEqual([])
  })

  it('finds NUL characters, raw or JSON-escaped, but not an escaped backslash before u0000', () => {
    expect(hasNul('{"q":"a\\u0000"}')).toBe(true) // JSON escape
    expect(hasNul('{"q":"a\u0000"}')).toBe(true) // raw NUL
    expect(hasNul('{"q":"a\\\\u0000"}')).toBe(false) // an escaped backslash, then text "u0000"
    expect(hasNul('{"q":"a\\\\\\u0000"}')).toBe(true) // escaped backslash, then the escape
    expect(hasNul('"\\u0000"')).toBe(true)
    expect(hasNul('{"q":"plain"}')).toBe(false)
    expect(hasNul(undefined)).toBe(false)
  })

  it('replaces the message of internal tRPC errors, single or batched', () => {
    const one = JSON.stringify({
      error: {
        message: 'Failed query: SELECT secret',
        code: -32603,
        data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 },
      },
    })
    expect(scrubTrpcInternal(one)).not.toContain('secret')
    const batch = JSON.stringify([
      { result: { data: 'ok' } },
      { error: { message: 'Failed query: SELECT secret', data: { code: 'INTERNAL_SERVER_ERROR' } } },
      { error: { message: 'No grid 1', data: { code: 'NOT_FOUND' } } },
    ])
    const out = scrubTrpcInternal(batch)
    expect(out).not.toContain('secret')
    expect(out).toContain('No grid 1')
    expect(scrubTrpcInternal('{"result":1}')).toBe('{"result":1}')
  })

  it('the audit router accepts a guard that adds to the context', () => {
    // like the real guard: narrows the context (a signed-in principal) and adds to it
    const guarded = readyProcedure.use(({ ctx, next }) => {
      const c = ctx as typeof ctx & { principal?: unknown }
      if (!c.principal) throw new Error('unauthorized')
      return next({ ctx: { ...ctx, principal: c.principal, checked: 'audit.read' as const } })
    })
    expect(Object.keys(createAuditRouter(guarded)._def.procedures).sort()).toEqual(['list', 'verify'])
    expect(Object.keys(createAuditRouter(requirePermission('audit.read'))._def.procedures)).toHaveLength(2)
  })
})
