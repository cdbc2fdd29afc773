import { describe, expect, it } from 'vitest'
import { auditFilterProblem, auditListInput, EMPTY_AUDIT_FILTER, localToIso } from './audit-filter.ts'

describe('audit filter', () => {
  it('sends nothing for an empty form', () => {
    expect(auditListInput(EMPTY_AUDIT_FILTER)).toEqual({})
  })

  it('trims text and turns local times into instants', () => {
    const input = auditListInput({
      ...EMPTY_AUDIT_FILTER,
      from: '2026-11-01T08:30',
      actor: '  admin ',
      action: 'auth.',
      objectId: ' ',
    })
    expect(input).toEqual({
      from: new Date(2026, 10, 1, 8, 30).toISOString(),
      actor: 'admin',
      action: 'auth.',
    })
  })

  it('ignores unreadable times', () => {
    expect(localToIso('yesterday')).toBeUndefined()
    expect(localToIso('')).toBeUndefined()
  })

  it('catches a range the wrong way round', () => {
    expect(
      auditFilterProblem({ ...EMPTY_AUDIT_FILTER, from: '2026-11-02T00:00', to: '2026-11-01T00:00' }),
    ).toBe('order')
    expect(
      auditFilterProblem({ ...EMPTY_AUDIT_FILTER, from: '2026-11-01T00:00', to: '2026-11-02T00:00' }),
    ).toBeNull()
    expect(auditFilterProblem({ ...EMPTY_AUDIT_FILTER, to: '2026-11-01T00:00' })).toBeNull()
  })
})
