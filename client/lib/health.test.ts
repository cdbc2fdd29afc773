import { describe, expect, it } from 'vitest'
import { nextPollDelay, readHealth, UNREACHABLE } from './health.ts'

describe('readHealth', () => {
  it('reads seeding progress', () => {
    const view = readHealth({
      ok: false,
      status: 'seeding',
      progress: { stage: 'grids', done: 25, total: 100 },
    })
    expect(view).toEqual({
      ready: false,
      status: 'seeding',
      stage: 'grids',
      done: 25,
      total: 100,
      fraction: 0.25,
      error: null,
    })
  })

  it('is ready only when ok is true', () => {
    expect(readHealth({ ok: true, status: 'ready' })).toMatchObject({
      ready: true,
      status: 'ready',
      fraction: 1,
    })
    expect(readHealth({ ok: false, status: 'ready' }).ready).toBe(false)
  })

  it('has no fraction without a total, and clamps one past the end', () => {
    expect(readHealth({ ok: false, status: 'migrating' }).fraction).toBeNull()
    expect(
      readHealth({ ok: false, status: 'seeding', progress: { stage: 'x', done: 12, total: 10 } }).fraction,
    ).toBe(1)
  })

  it('treats a body it cannot read as unreachable, and an unknown status as starting', () => {
    expect(readHealth('<html>')).toEqual(UNREACHABLE)
    expect(readHealth(null)).toEqual(UNREACHABLE)
    expect(readHealth({ ok: false, status: 'booting' }).status).toBe('starting')
  })
})

describe('readHealth on failure', () => {
  it('passes the reason on', () => {
    expect(readHealth({ ok: false, status: 'failed', error: 'disk full' })).toMatchObject({
      ready: false,
      status: 'failed',
      error: 'disk full',
    })
  })
})

describe('nextPollDelay', () => {
  it('backs off to two seconds', () => {
    expect([0, 1, 2, 3, 10].map(nextPollDelay)).toEqual([250, 500, 1000, 2000, 2000])
  })
})
