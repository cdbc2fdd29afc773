/**
 * A database of its own on the server of `adminUrl`, with PostGIS, for a test suite or a
 * benchmark run: nothing in the database that `adminUrl` names is written. `drop()` removes it.
 */
export async function createScratchDatabase(
  adminUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const { default: postgresFn } = await import('postgres')
  const name = `yiwang_test_${process.pid}_${Date.now().toString(36)}`
  const admin = postgresFn(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE DATABASE ${name}`)
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  const url = u.toString()
  const inner = postgresFn(url, { max: 1, onnotice: () => {} })
  await inner.unsafe('CREATE EXTENSION IF NOT EXISTS postgis')
  await inner.end()
  return {
    url,
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
    },
  }
}
