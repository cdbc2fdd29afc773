import { parseArgs } from 'node:util'
import { DATUMS, type Datum, datumProblem, isDatum } from './datum.ts'
import { LEVEL_NAMES, parseLevel } from './levels.ts'
import { DEFAULT_TOLERANCES, type Tolerances } from './report.ts'

export const USAGE = `usage: npm run import -- grids FILE.geojson --datum ${DATUMS.join('|')} --level LEVEL [options]

  --datum D          the file's datum, required: gcj02 (AMap, Tencent, DataV), bd09 (Baidu), wgs84 (GPS, OSM, Tianditu)
  --level L          ${LEVEL_NAMES.join(', ')} or 1-6
  --parent CODE      put the features under this existing grid (default: the grid one level up that covers each)
  --code-prop P      feature property with the code (default adcode)
  --name-prop P      feature property with the name (default name)
  --dry-run          validate and report what would change; store nothing
  --overlap-m2 N     overlaps between features up to N m² pass (default ${DEFAULT_TOLERANCES.overlapM2})
  --gap-m2 N         gaps in the parent, and parts outside it, up to N m² each pass (default ${DEFAULT_TOLERANCES.gapM2})
  --sliver-m N       overlaps, gaps and parts outside the parent narrower than N metres pass, whatever
                     their area (default off): for boundaries generalized differently (see docs/import.md)`

export interface ImportArgs {
  file: string
  datum: Datum
  level: number
  parent?: string | undefined
  codeProp: string
  nameProp: string
  dryRun: boolean
  tolerances: Tolerances
}

export type ParsedArgs = { ok: true; args: ImportArgs } | { ok: false; help: boolean; message: string }

/** The command line after `npm run import --`. Never throws: a usage problem is a value (exit code 2). */
export function parseImportArgs(argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (e) {
    return { ok: false, help: false, message: (e as Error).message }
  }
  const { values: v, positionals } = parsed
  if (v.help) return { ok: false, help: true, message: USAGE }
  const [what, file, ...rest] = positionals
  if (what !== 'grids')
    return fail(what ? `unknown import '${what}': only 'grids' can be imported` : 'say what to import: grids')
  if (!file) return fail('name the GeoJSON file to import')
  if (rest.length) return fail(`unexpected arguments: ${rest.join(' ')}`)
  if (!isDatum(v.datum)) return fail(datumProblem(v.datum))
  const level = parseLevel(v.level)
  if (level === null) {
    return fail(
      v.level === undefined
        ? `--level is required: ${LEVEL_NAMES.join(', ')} or 1-6`
        : `unknown level '${v.level}': use ${LEVEL_NAMES.join(', ')} or 1-6`,
    )
  }
  const overlap = area(v['overlap-m2'], DEFAULT_TOLERANCES.overlapM2)
  const gap = area(v['gap-m2'], DEFAULT_TOLERANCES.gapM2)
  const sliver = area(v['sliver-m'], DEFAULT_TOLERANCES.sliverM)
  if (overlap === null)
    return fail(`--overlap-m2 must be a number of square metres ≥ 0, not '${v['overlap-m2']}'`)
  if (gap === null) return fail(`--gap-m2 must be a number of square metres ≥ 0, not '${v['gap-m2']}'`)
  if (sliver === null) return fail(`--sliver-m must be a number of metres ≥ 0, not '${v['sliver-m']}'`)
  if (v.parent !== undefined && v.parent.trim() === '') return fail('--parent needs a grid code')
  return {
    ok: true,
    args: {
      file,
      datum: v.datum,
      level,
      parent: v.parent?.trim(),
      codeProp: v['code-prop'] ?? 'adcode',
      nameProp: v['name-prop'] ?? 'name',
      dryRun: v['dry-run'] ?? false,
      tolerances: { overlapM2: overlap, gapM2: gap, outsideM2: gap, sliverM: sliver },
    },
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      datum: { type: 'string' },
      level: { type: 'string' },
      parent: { type: 'string' },
      'code-prop': { type: 'string' },
      'name-prop': { type: 'string' },
      'dry-run': { type: 'boolean' },
      'overlap-m2': { type: 'string' },
      'gap-m2': { type: 'string' },
      'sliver-m': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

function area(s: string | undefined, dflt: number): number | null {
  if (s === undefined) return dflt
  const n = Number(s)
  return s.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : null
}

const fail = (message: string): ParsedArgs => ({ ok: false, help: false, message })
