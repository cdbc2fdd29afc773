import type { Database } from '../../db/client.ts'
import * as q from '../../db/queries/import.queries.ts'
import { datumProblem, isDatum } from './datum.ts'
import { prepareFeatures } from './features.ts'
import { kindFor, levelName } from './levels.ts'
import {
  DEFAULT_TOLERANCES,
  emptyReport,
  featureLabel,
  fmtArea,
  type ImportOptions,
  type ImportReport,
} from './report.ts'

export type { ImportError, ImportOptions, ImportReport } from './report.ts'

const BATCH = 500

/** Thrown inside the transaction to roll it back: on any error, and after a dry run. */
class Rollback extends Error {}

/**
 * Import a GeoJSON FeatureCollection of boundaries as grids of one level: check everything, then
 * upsert by code, all in one transaction. On any error nothing is stored and the report says what
 * is wrong and where. The CLI (scripts/import.ts) and an HTTP upload route share this.
 */
export async function importGrids(d: Database, input: unknown, opts: ImportOptions): Promise<ImportReport> {
  const tol = { ...DEFAULT_TOLERANCES, ...opts.tolerances }
  const report = emptyReport(opts, tol)
  if (!isDatum(opts.datum)) {
    report.errors.push({ kind: 'datum', feature: null, message: datumProblem(opts.datum) })
    return report
  }
  if (!Number.isInteger(opts.level) || opts.level < 1 || opts.level > 6) {
    throw new RangeError(`level must be 1–6, not ${opts.level}`)
  }
  const prep = prepareFeatures(input, {
    datum: opts.datum,
    codeProp: opts.codeProp ?? 'adcode',
    nameProp: opts.nameProp ?? 'name',
  })
  report.features = prep.count
  report.errors.push(...prep.errors)
  if (prep.features.length === 0) return report
  const progress = opts.onProgress ?? (() => {})
  try {
    await d.db.transaction(async (tx) => {
      await q.createImportTable(tx)
      const rows = prep.features.map((f) => ({
        i: f.idx,
        c: f.code,
        n: f.name,
        k: kindFor(opts.level, f.name),
        g: f.geometry,
      }))
      for (let i = 0; i < rows.length; i += BATCH) {
        await q.loadFeatures(tx, rows.slice(i, i + BATCH))
        progress({ stage: 'load', done: Math.min(i + BATCH, rows.length), total: rows.length })
      }
      await q.indexImportTable(tx)
      await check(tx, opts, report, prep.errors.length > 0)
      if (report.errors.length) throw new Rollback()
      progress({ stage: 'store', done: 0, total: rows.length })
      const counts = await q.storeFeatures(tx, opts.level, opts.source ?? 'import')
      Object.assign(report, counts)
      progress({ stage: 'store', done: rows.length, total: rows.length })
      if (opts.dryRun) throw new Rollback()
      await q.dropImportTable(tx)
    })
  } catch (e) {
    if (!(e instanceof Rollback)) throw e
  }
  report.ok = report.errors.length === 0
  return report
}

/** The spatial checks, in PostGIS, on the loaded features. Adds errors and notes to the report. */
async function check(tx: q.Tx, opts: ImportOptions, report: ImportReport, someExcluded: boolean) {
  const { level } = opts
  const tol = report.tolerances
  const errors = report.errors
  const steps = 5
  const step = (done: number) => opts.onProgress?.({ stage: 'check', done, total: steps })
  const at = (r: q.Located): [number, number] | undefined =>
    r.lon === null || r.lat === null ? undefined : [r.lon, r.lat]
  const base = (r: q.Located) => ({
    feature: r.idx,
    code: r.code ?? undefined,
    name: r.name ?? undefined,
    at: at(r),
  })
  const label = (r: q.Located) => featureLabel(r.idx, r.code, r.name)

  const invalid = await q.invalidFeatures(tx)
  for (const r of invalid) {
    errors.push({
      kind: 'invalid-geometry',
      ...base(r),
      message: `feature ${label(r)} is not a valid polygon: ${r.reason}`,
    })
  }
  step(1)
  for (const r of await q.levelConflicts(tx, level)) {
    errors.push({
      kind: 'level-conflict',
      ...base(r),
      message: `feature ${label(r)}: code ${r.code} is stored already as a ${levelName(r.level)} (level ${r.level}), not a ${levelName(level)}`,
    })
  }
  step(2)
  if (opts.parent !== undefined) {
    const p = await q.gridByCode(tx, opts.parent)
    if (!p) {
      errors.push({
        kind: 'parent',
        feature: null,
        message: `--parent ${opts.parent}: no stored grid has this code`,
      })
      return
    }
    if (p.level >= level) {
      const message = `--parent ${p.code} ${p.name} is a ${levelName(p.level)} (level ${p.level}); a ${levelName(level)} (level ${level}) goes under a higher level`
      errors.push({ kind: 'parent', feature: null, message })
      return
    }
    await q.setParent(tx, p.id)
  } else if (level > 1) {
    for (const r of await q.findParents(tx, level)) {
      errors.push({
        kind: 'no-parent',
        ...base(r),
        message: `feature ${label(r)} lies in no stored ${levelName(level - 1)}: import that level first, or pass --parent CODE`,
      })
    }
  }
  step(3)
  const size = (r: q.AreaProblem) =>
    `${fmtArea(r.area)}${r.width === null ? '' : `, ${Math.round(r.width)} m wide`}`
  const [over, overNoise] = split(await q.overlaps(tx, level, tol.overlapM2), tol.overlapM2, tol.sliverM)
  for (const r of over) {
    const other =
      r.other_idx === null
        ? `stored grid ${r.other_code} ${r.other_name}`
        : featureLabel(r.other_idx, r.other_code, r.other_name)
    errors.push({
      kind: 'overlap',
      ...measure(r),
      other: { feature: r.other_idx, code: r.other_code ?? undefined, name: r.other_name ?? undefined },
      message: `feature ${label(r)} overlaps ${other} by ${size(r)}`,
    })
  }
  noise(report, overNoise, 'overlaps between features', tol.overlapM2)
  step(4)
  const [out, outNoise] = split(await q.outsideParent(tx, tol.outsideM2), tol.outsideM2, tol.sliverM)
  for (const r of out) {
    errors.push({
      kind: 'outside-parent',
      ...measure(r),
      other: { feature: null, code: r.other_code ?? undefined, name: r.other_name ?? undefined },
      message: `feature ${label(r)} sticks out of its parent ${r.other_code} ${r.other_name} by ${size(r)}`,
    })
  }
  noise(report, outNoise, 'parts outside the parent', tol.outsideM2)
  if (someExcluded || errors.some((e) => e.kind === 'invalid-geometry' || e.kind === 'no-parent')) {
    report.notes.push('gaps were not checked: some features are broken or have no parent; fix those first')
  } else {
    const [gap, gapNoise] = split(await q.gaps(tx, level, tol.gapM2), tol.gapM2, tol.sliverM)
    for (const r of gap) {
      errors.push({
        kind: 'gap',
        ...measure(r),
        feature: null,
        other: { feature: null, code: r.other_code ?? undefined, name: r.other_name ?? undefined },
        message: `gap of ${size(r)} in ${r.other_code} ${r.other_name}: covered by no ${levelName(level)}`,
      })
    }
    noise(report, gapNoise, 'gaps in the parent', tol.gapM2)
  }
  step(5)

  function measure(r: q.AreaProblem) {
    return { ...base(r), areaM2: r.area, widthM: r.width ?? undefined }
  }
}

/** [errors, noise]: a part passes when it is small or (with a sliver tolerance) narrow. */
function split(rows: q.AreaProblem[], tolM2: number, sliverM: number): [q.AreaProblem[], q.AreaProblem[]] {
  const passes = (r: q.AreaProblem) => r.area <= tolM2 || (r.width !== null && r.width <= sliverM)
  return [rows.filter((r) => !passes(r)), rows.filter(passes)]
}

function noise(report: ImportReport, rows: q.AreaProblem[], what: string, tolM2: number) {
  if (!rows.length) return
  const small = rows.filter((r) => r.area <= tolM2)
  const sum = (xs: q.AreaProblem[]) => fmtArea(xs.reduce((s, r) => s + r.area, 0))
  if (small.length)
    report.notes.push(`${small.length} ${what} up to ${tolM2} m² each (${sum(small)} in all) passed as noise`)
  const narrow = rows.filter((r) => r.area > tolM2)
  if (narrow.length) {
    const widest = Math.max(...narrow.map((r) => r.width ?? 0))
    report.notes.push(
      `${narrow.length} ${what} larger than ${tolM2} m² (${sum(narrow)} in all, the widest ${Math.round(widest)} m) passed as slivers under ${report.tolerances.sliverM} m`,
    )
  }
}
