/**
 * npm run audit -- verify          walk the audit chain; exit 1 naming the first broken record
 * npm run audit -- prune [days]    delete records older than the retention (YIWANG_AUDIT_RETENTION_DAYS, default 365)
 * Uses DATABASE_URL (PostgreSQL) or the PGlite folder under YIWANG_DATA_DIR, as the server does.
 * PGlite is single-process: with the embedded database, stop the server first (or use the
 * `audit.verify` procedure of the running server).
 */
import { openDatabase } from '../db/client.ts'
import { auditRetentionDays, pruneAudit, verifyAuditChain } from '../server/audit/audit.ts'
import { parseEnv } from '../server/env.ts'

async function main(): Promise<number> {
  const [cmd, arg] = process.argv.slice(2).filter((a) => a !== '--')
  if (cmd !== 'verify' && cmd !== 'prune') {
    process.stderr.write('usage: npm run audit -- verify | prune [days]\n')
    return 2
  }
  const env = parseEnv()
  const d = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.pgliteDir })
  try {
    if (cmd === 'verify') {
      const started = Date.now()
      const v = await verifyAuditChain(d, {
        onProgress: (n) => {
          if (process.stderr.isTTY) process.stderr.write(`\r${n} records checked…`)
        },
      })
      if (process.stderr.isTTY) process.stderr.write('\r')
      const secs = ((Date.now() - started) / 1000).toFixed(1)
      const from = v.anchor ? ` (from the prune anchor after record ${v.anchor.lastPrunedId})` : ''
      if (v.ok) {
        process.stdout.write(`审计链完整 / audit chain OK: ${v.records} records${from}, ${secs} s\n`)
        return 0
      }
      process.stdout.write(
        `审计链被破坏 / audit chain BROKEN at record ${v.firstBroken!.id}: ${v.firstBroken!.reason}\n` +
          `(${v.records} records before it verified${from})\n`,
      )
      return 1
    }
    const days = arg !== undefined ? Number(arg) : auditRetentionDays()
    const r = await pruneAudit(d, days, { actorName: 'cli' })
    process.stdout.write(
      r.pruned
        ? `已清理 ${r.pruned} 条 / pruned ${r.pruned} records older than ${days} days (through id ${r.lastPrunedId}); anchor record ${r.record!.id}\n`
        : `无可清理记录 / nothing older than ${days} days\n`,
    )
    return 0
  } finally {
    await d.close()
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${(e as Error).message}\n`)
    process.exit(2)
  },
)
