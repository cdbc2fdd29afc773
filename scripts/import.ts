/**
 * npm run import -- grids FILE.geojson --datum gcj02|wgs84|bd09 --level district [--parent CODE]
 *   [--code-prop adcode] [--name-prop name] [--dry-run] [--overlap-m2 N] [--gap-m2 N]
 * Opens the database as the app does (DATABASE_URL, else PGlite in YIWANG_DATA_DIR), migrates,
 * imports. Exit 0 stored (or dry run valid), 1 the file failed validation, 2 usage error.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { parseImportArgs, USAGE } from '../server/import/args.ts'
import { importGrids } from '../server/import/import-grids.ts'
import { formatReport, type ImportProgress } from '../server/import/report.ts'

async function main(): Promise<number> {
  const parsed = parseImportArgs(process.argv.slice(2))
  if (!parsed.ok) {
    if (parsed.help) {
      console.log(USAGE)
      return 0
    }
    console.error(`import: ${parsed.message}\n\n${USAGE}`)
    return 2
  }
  const a = parsed.args
  let input: unknown
  try {
    input = JSON.parse(await readFile(a.file, 'utf8'))
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const why =
      err.code === 'ENOENT'
        ? 'no such file'
        : err instanceof SyntaxError
          ? `not JSON: ${err.message}`
          : err.message
    console.error(`import: cannot read ${a.file}: ${why}`)
    return 2
  }
  const d = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: process.env.YIWANG_DATA_DIR ?? './data/pglite',
  })
  try {
    await migrate(d)
    const report = await importGrids(d, input, {
      ...a,
      source: `import:${basename(a.file)}`,
      onProgress: featureCount(input) > 500 ? progressLine() : undefined,
    })
    for (const line of formatReport(report)) (report.ok ? console.log : console.error)(line)
    return report.ok ? 0 : 1
  } finally {
    await d.close()
  }
}

function featureCount(input: unknown): number {
  const features = (input as { features?: unknown } | null)?.features
  return Array.isArray(features) ? features.length : 0
}

/** One updating line on a terminal, a line per step otherwise. */
function progressLine() {
  const tty = process.stderr.isTTY
  return (p: ImportProgress) => {
    const line = `${p.stage} ${p.done}/${p.total}`
    if (tty) process.stderr.write(`\r${line}\x1b[K${p.stage === 'store' && p.done === p.total ? '\n' : ''}`)
    else console.error(line)
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    console.error(e)
    process.exitCode = 1
  },
)
