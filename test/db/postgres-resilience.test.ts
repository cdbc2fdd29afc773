import { expect, inject, it } from 'vitest'
import { dbDescribe, testDb } from './harness.ts'

/**
 * postgres.js 3.4.9 crashed the whole Node process when the server ended a connection inside
 * sql.begin() (an uncatchable TypeError from a queued write). patches/postgres+3.4.9.patch makes
 * it fail the transaction with CONNECTION_CLOSED instead; this proves it against real PostgreSQL.
 */
dbDescribe('the postgres.js client survives the server ending a connection mid-transaction', () => {
  it('rejects the transaction, keeps the process alive and serves the next query', async () => {
    const d = await testDb()
    if (d.driver.kind !== 'postgres') throw new Error('expected the postgres driver')
    const sql = d.driver.sql
    const { default: postgres } = await import('postgres')
    const killer = postgres(inject('postgresTestUrl'), { max: 1, onnotice: () => {} })
    const uncaught: unknown[] = []
    const onUncaught = (e: unknown) => uncaught.push(e)
    process.on('uncaughtException', onUncaught)
    try {
      for (let i = 0; i < 3; i++) {
        const attempt = sql.begin(async (tx) => {
          const [{ pid }] = (await tx`SELECT pg_backend_pid() AS pid`) as unknown as [{ pid: number }]
          await killer`SELECT pg_terminate_backend(${pid})`
          // Let the close reach the client before the next write (the crashing order).
          await new Promise((r) => setTimeout(r, 100))
          await tx`SELECT 1`
        })
        await expect(attempt).rejects.toMatchObject({
          code: expect.stringMatching(/CONNECTION_CLOSED|57P01|CONNECTION_ENDED/),
        })
      }
      await new Promise((r) => setTimeout(r, 200))
      const [row] = (await sql`SELECT 42 AS answer`) as unknown as [{ answer: number }]
      expect(row.answer).toBe(42)
      expect(uncaught).toEqual([])
    } finally {
      process.off('uncaughtException', onUncaught)
      await killer.end()
    }
  })
})
