import { sql } from 'drizzle-orm'
import { expect, it } from 'vitest'
import { dbDescribe, testDb } from './harness.ts'

dbDescribe('bulk loads (COPY)', () => {
  it('fails with the server’s error when it refuses a row, instead of waiting for ever, and the pool goes on', async () => {
    const d = await testDb()
    await d.rows(sql`CREATE TABLE IF NOT EXISTS copy_probe (a int NOT NULL, b text)`)
    try {
      const started = Date.now()
      await expect(
        d.copy(
          'copy_probe',
          ['a', 'b'],
          [
            [1, 'x'],
            [null, 'y'],
          ],
        ),
      ).rejects.toThrow(/not-null|null value/)
      expect(Date.now() - started).toBeLessThan(10_000)
      // Nothing of the refused load is stored, and the next statements run.
      expect(await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM copy_probe`)).toEqual([{ n: 0 }])
      expect(
        await d.copy(
          'copy_probe',
          ['a', 'b'],
          [
            [2, 'tab\there'],
            [3, null],
          ],
        ),
      ).toBe(2)
      expect(await d.rows(sql`SELECT a, b FROM copy_probe ORDER BY a`)).toEqual([
        { a: 2, b: 'tab\there' },
        { a: 3, b: null },
      ])
    } finally {
      await d.rows(sql`DROP TABLE copy_probe`)
    }
  })
})
