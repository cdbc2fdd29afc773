import { beforeAll, inject, it as test } from 'vitest'
import { type Database, openDatabase } from '../../db/client.ts'
import { LiveBus, type LiveMessage } from '../../server/loop/live.ts'
import { backend, dbDescribe, testDb } from './harness.ts'

/** The first message `bus` delivers inside `area`, or null after `ms`. */
function next(bus: LiveBus, area: string, ms: number): Promise<LiveMessage | null> {
  const ac = new AbortController()
  const timer = setTimeout(() => ac.abort(), ms)
  return (async () => {
    try {
      for await (const m of bus.listen(area, ac.signal)) return m
    } catch {
      // aborted: nothing came
    } finally {
      clearTimeout(timer)
    }
    return null
  })()
}

const message = (eventId: number, gridPath: string) => ({
  kind: 'transition' as const,
  eventId,
  status: 'dispatched',
  action: 'dispatch',
  gridPath,
})

dbDescribe('live bus relay between server processes (LISTEN/NOTIFY)', () => {
  let d: Database
  // The shared test city (seeded once per worker) in the hook, with the hooks' longer timeout.
  beforeAll(async () => {
    d = await testDb()
  })

  test('a message published in one process reaches the other, once, and only inside its area', async (ctx) => {
    if (backend === 'pglite') {
      // PGlite is one process: the relay is a no-op and the bus delivers locally.
      const bus = new LiveBus()
      const stop = await bus.relayThrough(d)
      const got = next(bus, '/', 2000)
      bus.publish(message(1, '/1/'))
      ctx.expect((await got)?.eventId).toBe(1)
      await stop()
      return
    }
    // Two "processes": two buses, each on its own connection pool to the same database.
    const second: Database = await openDatabase({ databaseUrl: inject('postgresTestUrl') })
    const a = new LiveBus()
    const b = new LiveBus()
    const stopA = await a.relayThrough(d)
    const stopB = await b.relayThrough(second)
    try {
      const heardByB = next(b, '/', 3000)
      const heardByA = next(a, '/', 3000)
      const t0 = Date.now()
      a.publish(message(42, '/1/2/'))
      const mb = await heardByB
      ctx.expect(mb?.eventId).toBe(42)
      ctx.expect(mb?.gridPath).toBe('/1/2/')
      ctx.expect(mb && 'origin' in mb).toBe(false)
      ctx.expect(Date.now() - t0).toBeLessThan(1000)
      ctx.expect((await heardByA)?.eventId).toBe(42)

      // A does not hear its own message a second time when it comes back through NOTIFY.
      const again = next(a, '/', 500)
      ctx.expect(await again).toBeNull()

      // Area filtering applies to relayed messages too.
      const outside = next(b, '/9/', 500)
      a.publish(message(43, '/1/2/'))
      ctx.expect(await outside).toBeNull()
    } finally {
      await stopA()
      await stopB()
      await second.close()
    }
  })
})
