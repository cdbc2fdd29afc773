import { describe, expect, it } from 'vitest'
import { createUploadStore, type SendPhoto, UploadFailure } from './upload-store.ts'

const blob = (n: number) => new Blob([new Uint8Array(n)], { type: 'image/jpeg' })
const tick = () => new Promise((r) => setTimeout(r, 0))

/** A sender whose calls the test answers one by one. */
function fakeSender() {
  const calls: {
    eventId: number
    size: number
    progress: (loaded: number, total: number) => void
    ok: (id: number, created?: boolean) => void
    fail: (e: unknown) => void
  }[] = []
  const send: SendPhoto = (eventId, b, progress) =>
    new Promise((resolve, reject) =>
      calls.push({
        eventId,
        size: b.size,
        progress,
        ok: (id, created = true) => resolve({ id, created }),
        fail: reject,
      }),
    )
  return { send, calls }
}

function fakeTimers() {
  const due: { fn: () => void; ms: number }[] = []
  return { schedule: (fn: () => void, ms: number) => void due.push({ fn, ms }), due }
}

describe('the upload store', () => {
  it('sends two at a time, reports progress, and starts the next as one finishes', async () => {
    const { send, calls } = fakeSender()
    const uploaded: number[] = []
    const store = createUploadStore({ send, onUploaded: (_e, id) => uploaded.push(id) })
    let changes = 0
    store.subscribe(() => changes++)
    const keys = store.enqueue(5, [
      { name: 'a.jpg', blob: blob(100) },
      { name: 'b.jpg', blob: blob(200) },
      { name: 'c.jpg', blob: blob(300) },
    ])
    expect(keys).toHaveLength(3)
    expect(calls.map((c) => c.size)).toEqual([100, 200])
    calls[0]!.progress(50, 100)
    expect(store.getState().items[0]).toMatchObject({ status: 'uploading', loaded: 50 })
    calls[0]!.ok(11)
    await tick()
    expect(store.getState().items[0]).toMatchObject({ status: 'done', attachmentId: 11 })
    expect(calls.map((c) => c.size)).toEqual([100, 200, 300])
    calls[1]!.ok(12, false)
    calls[2]!.ok(13)
    await tick()
    expect(store.getState().items.map((i) => i.status)).toEqual(['done', 'done', 'done'])
    expect(store.getState().items[1]?.created).toBe(false)
    expect(uploaded).toEqual([11, 12, 13])
    expect(changes).toBeGreaterThan(5)
  })

  it('retries a dropped connection after a delay, up to three attempts, then waits for the user', async () => {
    const { send, calls } = fakeSender()
    const timers = fakeTimers()
    const store = createUploadStore({ send, schedule: timers.schedule })
    const [key] = store.enqueue(5, [{ name: 'a.jpg', blob: blob(100) }])
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(calls).toHaveLength(attempt)
      calls[attempt - 1]!.fail(new TypeError('network down'))
      await tick()
      if (attempt < 3) {
        expect(store.getState().items[0]).toMatchObject({ status: 'waiting', attempts: attempt })
        expect(timers.due).toHaveLength(attempt)
        timers.due[attempt - 1]!.fn()
      }
    }
    expect(timers.due.map((t) => t.ms)).toEqual([2000, 6000])
    expect(store.getState().items[0]).toMatchObject({
      status: 'failed',
      error: { kind: 'network', status: 0 },
    })
    // The user's retry: a new round.
    store.retry(key!)
    expect(calls).toHaveLength(4)
    calls[3]!.ok(21)
    await tick()
    expect(store.getState().items[0]).toMatchObject({ status: 'done', attachmentId: 21 })
  })

  it('does not repeat a refusal by itself, and keeps the server’s reason', async () => {
    const { send, calls } = fakeSender()
    const timers = fakeTimers()
    const store = createUploadStore({ send, schedule: timers.schedule })
    store.enqueue(5, [
      { name: 'a.jpg', blob: blob(100) },
      { name: 'b.jpg', blob: blob(100) },
    ])
    const refusal = {
      kind: 'http',
      status: 400,
      message: '每个事件最多 9 张照片 / At most 9 photos per event',
    } as const
    calls[0]!.fail(new UploadFailure(refusal))
    calls[1]!.fail(new UploadFailure(refusal))
    await tick()
    expect(timers.due).toHaveLength(0)
    expect(store.getState().items.map((i) => [i.status, i.error?.message])).toEqual([
      ['failed', refusal.message],
      ['failed', refusal.message],
    ])
    store.retryFailed(5)
    expect(calls).toHaveLength(4)
  })

  it('keeps each event’s uploads apart', async () => {
    const { send, calls } = fakeSender()
    const store = createUploadStore({ send, concurrency: 1 })
    store.enqueue(1, [{ name: 'a.jpg', blob: blob(1) }])
    store.enqueue(2, [{ name: 'b.jpg', blob: blob(2) }])
    expect(calls.map((c) => c.eventId)).toEqual([1])
    calls[0]!.ok(1)
    await tick()
    expect(calls.map((c) => c.eventId)).toEqual([1, 2])
    store.dismissDone(1)
    expect(store.getState().items.map((i) => i.eventId)).toEqual([2])
  })
})
