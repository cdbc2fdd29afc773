import type { Datum } from './datum.ts'

/** What can be wrong with an import file. Everything but 'datum' is found per feature or per parent. */
export type ImportErrorKind =
  | 'datum'
  | 'not-geojson'
  | 'empty'
  | 'geometry-type'
  | 'coordinates'
  | 'swapped-coordinates'
  | 'outside-china'
  | 'ring-not-closed'
  | 'invalid-geometry'
  | 'missing-code'
  | 'missing-name'
  | 'duplicate-code'
  | 'level-conflict'
  | 'parent'
  | 'no-parent'
  | 'overlap'
  | 'gap'
  | 'outside-parent'

export interface ImportError {
  kind: ImportErrorKind
  /** 0-based index into the file's features; null for what belongs to no one feature (a gap). */
  feature: number | null
  code?: string | undefined
  name?: string | undefined
  /**
   * Where to look: lon/lat in WGS84. For swapped or outside-China positions: the position as found
   * in the file, not converted (a swapped one put back in lon, lat order).
   */
  at?: [number, number] | undefined
  /** Size in m² of an overlap, a gap or the part outside the parent. */
  areaM2?: number | undefined
  /** Its width in metres (diameter of the largest circle inside it). */
  widthM?: number | undefined
  /** The other side of an overlap, or the parent of a gap: a feature of the file or a stored grid. */
  other?: { feature: number | null; code?: string | undefined; name?: string | undefined } | undefined
  message: string
}

/**
 * When an overlap, a gap or a part outside the parent passes: each connected part is measured on
 * its own. Parts up to the area (m², geodesic) are float noise. `sliverM` (off by default) also
 * lets through parts narrower than that many metres whatever their area — the strips two
 * differently generalized boundaries leave along each other.
 */
export interface Tolerances {
  overlapM2: number
  gapM2: number
  outsideM2: number
  sliverM: number
}

export const DEFAULT_TOLERANCES: Tolerances = { overlapM2: 1, gapM2: 1_000, outsideM2: 1_000, sliverM: 0 }

export interface ImportProgress {
  stage: 'load' | 'check' | 'store'
  done: number
  total: number
}

export interface ImportOptions {
  datum: Datum
  /** 1 city … 6 micro-grid. */
  level: number
  /** Code of the existing grid the features go under; otherwise found per feature at level-1. */
  parent?: string | undefined
  /** Feature property holding the code (default 'adcode', as in DataV files). */
  codeProp?: string | undefined
  /** Feature property holding the name (default 'name'). */
  nameProp?: string | undefined
  /** Validate and report, change nothing. */
  dryRun?: boolean | undefined
  /** Stored in grids.source, e.g. 'import:districts.geojson'. */
  source?: string | undefined
  tolerances?: Partial<Tolerances> | undefined
  onProgress?: ((p: ImportProgress) => void) | undefined
}

export interface ImportReport {
  ok: boolean
  dryRun: boolean
  features: number
  level: number
  errors: ImportError[]
  /** Things worth knowing that do not stop the import (noise below tolerance, skipped checks). */
  notes: string[]
  inserted: number
  updated: number
  unchanged: number
  /** Elements (people, places, things, events, organisations) placed again into their grids. */
  replaced: number
  tolerances: Tolerances
}

export function emptyReport(
  opts: { level: number; dryRun?: boolean | undefined },
  tol: Tolerances,
): ImportReport {
  return {
    ok: false,
    dryRun: opts.dryRun ?? false,
    features: 0,
    level: opts.level,
    errors: [],
    notes: [],
    inserted: 0,
    updated: 0,
    unchanged: 0,
    replaced: 0,
    tolerances: tol,
  }
}

/** "#3 371002 环翠区" — how a feature is named in messages. */
export function featureLabel(idx: number | null, code?: string | null, name?: string | null): string {
  const parts = [idx === null ? null : `#${idx}`, code, name].filter(
    (s) => s !== null && s !== undefined && s !== '',
  )
  return parts.join(' ')
}

export function fmtPoint(p: readonly [number, number]): string {
  return `${p[0].toFixed(5)},${p[1].toFixed(5)}`
}

export function fmtArea(m2: number): string {
  if (m2 >= 1e6) return `${(m2 / 1e6).toFixed(2)} km²`
  return `${Math.round(m2).toLocaleString('en-US')} m²`
}

/** The report as lines for a console. */
export function formatReport(r: ImportReport, maxErrors = 50): string[] {
  const out: string[] = []
  for (const e of r.errors.slice(0, maxErrors)) {
    out.push(`  ${e.kind}: ${e.message}${e.at ? ` at ${fmtPoint(e.at)}` : ''}`)
  }
  if (r.errors.length > maxErrors) out.push(`  … and ${r.errors.length - maxErrors} more errors`)
  for (const n of r.notes) out.push(`  note: ${n}`)
  const t = r.tolerances
  const sliver = t.sliverM > 0 ? `, slivers narrower than ${t.sliverM} m` : ''
  const tol = `tolerances: overlap ${t.overlapM2} m², gap ${t.gapM2} m², outside parent ${t.outsideM2} m²${sliver}`
  if (!r.ok) {
    out.unshift(`${r.errors.length} error(s) in ${r.features} feature(s); nothing was stored (${tol})`)
  } else {
    const verb = r.dryRun ? 'dry run, nothing stored — would have' : 'stored'
    out.unshift(
      `${r.features} feature(s) valid (${tol}); ${verb}: ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged, ${r.replaced} elements re-placed`,
    )
  }
  return out
}
