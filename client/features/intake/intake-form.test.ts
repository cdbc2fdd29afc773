import { describe, expect, it } from 'vitest'
import {
  buildIntake,
  emptyIntakeForm,
  formatCoordinate,
  intakeProblems,
  parseCoordinate,
} from './intake-form.ts'

const filled = {
  ...emptyIntakeForm('hotline'),
  categoryId: '12',
  title: ' 路灯不亮 ',
  body: '小区门口路灯连续三晚不亮',
  address: '',
  lon: '122.120000',
  lat: '37.500000',
  reporterName: '张先生',
  reporterPhone: '138 1234 5678',
}

describe('the intake form', () => {
  it('becomes the body of events.intake with the form’s idempotency key', () => {
    expect(buildIntake(filled, 'key-12345678', true)).toEqual({
      ok: true,
      body: {
        source: 'hotline',
        idempotencyKey: 'key-12345678',
        categoryId: 12,
        title: '路灯不亮',
        body: '小区门口路灯连续三晚不亮',
        address: null,
        lon: 122.12,
        lat: 37.5,
        priority: 3,
        reporterName: '张先生',
        reporterPhone: '13812345678',
      },
    })
  })

  it('leaves the reporter out of a patrol report and the category out when none is chosen', () => {
    const r = buildIntake(
      { ...filled, source: 'grid_patrol', categoryId: '', reporterPhone: 'oops' },
      'k',
      false,
    )
    expect(r.ok && r.body).toMatchObject({ categoryId: null, reporterName: null, reporterPhone: null })
  })

  it('says what is missing or wrong, once each', () => {
    expect(intakeProblems(emptyIntakeForm('hotline'))).toEqual(['title', 'location'])
    expect(intakeProblems({ ...filled, lon: '12', lat: 'north' })).toEqual(['lon', 'lat'])
    expect(intakeProblems({ ...filled, reporterPhone: '12345' })).toEqual(['phone'])
    expect(intakeProblems({ ...filled, reporterPhone: '0631-5212345' })).toEqual([])
    expect(intakeProblems({ ...filled, priority: '9' })).toEqual(['priority'])
  })

  it('reads and writes coordinates', () => {
    expect(parseCoordinate(' 122.5 ')).toBe(122.5)
    expect(parseCoordinate('1e3')).toBeNull()
    expect(parseCoordinate('')).toBeNull()
    expect(formatCoordinate(122.123456789)).toBe('122.123457')
  })
})
