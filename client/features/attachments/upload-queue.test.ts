import { describe, expect, it } from 'vitest'
import {
  emptyUploads,
  hasPending,
  isTransient,
  MAX_AUTO_ATTEMPTS,
  nextToStart,
  reduceUploads,
  shouldAutoRetry,
  summarize,
  type UploadAction,
  type UploadState,
} from './upload-queue.ts'

const blob = (n: number) => new Blob([new Uint8Array(n)], { type: 'image/jpeg' })
const run = (...actions: UploadAction[]) => actions.reduce(reduceUploads, emptyUploads)
const two: UploadAction = {
  type: 'enqueue',
  items: [
    { key: 'a', eventId: 7, name: 'a.jpg', blob: blob(1000) },
    { key: 'b', eventId: 7, name: 'b.jpg', blob: blob(3000) },
  ],
}
const status = (s: UploadState) => Object.fromEntries(s.items.map((i) => [i.key, i.status]))
const network = { kind: 'network', status: 0, message: null } as const
const refused = { kind: 'http', status: 415, message: '类型不符 / type mismatch' } as const

describe('the upload queue', () => {
  it('queues photos with their sizes, once per key', () => {
    const s = run(two, two)
    expect(s.items).toHaveLength(2)
    expect(s.items[1]).toMatchObject({ status: 'queued', loaded: 0, total: 3000, attempts: 0 })
  })

  it('starts at most `concurrency` at once, oldest first', () => {
    const s = run(two, { type: 'enqueue', items: [{ key: 'c', eventId: 8, name: 'c.jpg', blob: blob(10) }] })
    expect(nextToStart(s, 2).map((i) => i.key)).toEqual(['a', 'b'])
    const started = reduceUploads(s, { type: 'start', key: 'a' })
    expect(nextToStart(started, 2).map((i) => i.key)).toEqual(['b'])
    expect(nextToStart(reduceUploads(started, { type: 'start', key: 'b' }), 2)).toEqual([])
  })

  it('follows progress and marks success with the stored id', () => {
    let s = run(two, { type: 'start', key: 'a' }, { type: 'progress', key: 'a', loaded: 400, total: 1000 })
    expect(s.items[0]).toMatchObject({ status: 'uploading', loaded: 400, attempts: 1 })
    s = reduceUploads(s, { type: 'succeed', key: 'a', attachmentId: 42, created: false })
    expect(s.items[0]).toMatchObject({ status: 'done', loaded: 1000, attachmentId: 42, created: false })
    // Progress of an item not uploading changes nothing.
    expect(reduceUploads(s, { type: 'progress', key: 'b', loaded: 5, total: 3000 }).items[1]?.loaded).toBe(0)
  })

  it('waits after a transient failure, then queues again on retry', () => {
    let s = run(two, { type: 'start', key: 'a' }, { type: 'fail', key: 'a', error: network, willRetry: true })
    expect(status(s).a).toBe('waiting')
    expect(s.items[0]?.error).toEqual(network)
    expect(nextToStart(s, 2).map((i) => i.key)).toEqual(['b'])
    s = reduceUploads(s, { type: 'retry', key: 'a' })
    expect(s.items[0]).toMatchObject({ status: 'queued', attempts: 1 })
    s = reduceUploads(s, { type: 'start', key: 'a' })
    expect(s.items[0]).toMatchObject({ status: 'uploading', attempts: 2, error: null })
  })

  it('stops on a refusal until the user retries, with a fresh round of attempts', () => {
    let s = run(
      two,
      { type: 'start', key: 'b' },
      { type: 'fail', key: 'b', error: refused, willRetry: false },
    )
    expect(status(s).b).toBe('failed')
    expect(nextToStart(s, 2).map((i) => i.key)).toEqual(['a'])
    s = reduceUploads(s, { type: 'retry', key: 'b' })
    expect(s.items[1]).toMatchObject({ status: 'queued', attempts: 0 })
  })

  it('lets finished and failed photos go, never one on its way', () => {
    let s = run(two, { type: 'start', key: 'a' }, { type: 'dismiss', key: 'a' })
    expect(s.items).toHaveLength(2)
    s = run(two, { type: 'dismiss', key: 'b' })
    expect(s.items.map((i) => i.key)).toEqual(['a'])
    s = run(
      two,
      { type: 'start', key: 'a' },
      { type: 'succeed', key: 'a', attachmentId: 1, created: true },
      { type: 'enqueue', items: [{ key: 'c', eventId: 8, name: 'c.jpg', blob: blob(1) }] },
      { type: 'start', key: 'c' },
      { type: 'succeed', key: 'c', attachmentId: 2, created: true },
      { type: 'dismissDone', eventId: 7 },
    )
    expect(s.items.map((i) => i.key)).toEqual(['b', 'c'])
  })

  it('sums up an event’s uploads', () => {
    const s = run(
      two,
      { type: 'start', key: 'a' },
      { type: 'succeed', key: 'a', attachmentId: 1, created: true },
      { type: 'start', key: 'b' },
      { type: 'progress', key: 'b', loaded: 1000, total: 3000 },
    )
    expect(summarize(s.items)).toEqual({ total: 2, done: 1, failed: 0, active: 1, fraction: 0.5 })
    expect(hasPending(s)).toBe(true)
    const failed = reduceUploads(s, { type: 'fail', key: 'b', error: refused, willRetry: false })
    expect(summarize(failed.items)).toMatchObject({ done: 1, failed: 1, active: 0, fraction: 1 })
    expect(hasPending(failed)).toBe(false)
    expect(summarize([])).toEqual({ total: 0, done: 0, failed: 0, active: 0, fraction: 0 })
  })
})

describe('which failures are retried by themselves', () => {
  it('retries no answer, timeouts, overload and server errors, a few times', () => {
    expect(isTransient(network)).toBe(true)
    expect(isTransient({ kind: 'timeout', status: 0, message: null })).toBe(true)
    for (const status of [408, 429, 500, 502, 503])
      expect(isTransient({ kind: 'http', status, message: null })).toBe(true)
    expect(shouldAutoRetry(network, 1)).toBe(true)
    expect(shouldAutoRetry(network, MAX_AUTO_ATTEMPTS)).toBe(false)
  })

  it('does not repeat what the server refused for a reason', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 415])
      expect(isTransient({ kind: 'http', status, message: null })).toBe(false)
    expect(shouldAutoRetry(refused, 1)).toBe(false)
  })
})
