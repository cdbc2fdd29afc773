import { describe, expect, it } from 'vitest'
import { parseImportArgs } from '../../server/import/args.ts'
import { kindFor, parseLevel } from '../../server/import/levels.ts'

const ok = (argv: string[]) => {
  const r = parseImportArgs(argv)
  if (!r.ok) throw new Error(r.message)
  return r.args
}
const usage = (argv: string[]) => {
  const r = parseImportArgs(argv)
  if (r.ok) throw new Error('expected a usage error')
  return r.message
}

describe('import arguments', () => {
  it('reads a full command line', () => {
    const a = ok([
      'grids',
      'd.geojson',
      '--datum',
      'gcj02',
      '--level',
      'district',
      '--parent',
      '371000',
      '--dry-run',
    ])
    expect(a).toMatchObject({ file: 'd.geojson', datum: 'gcj02', level: 2, parent: '371000', dryRun: true })
  })

  it('defaults to the DataV property names and the documented tolerances', () => {
    const a = ok(['grids', 'd.geojson', '--datum', 'wgs84', '--level', '3'])
    expect(a).toMatchObject({ codeProp: 'adcode', nameProp: 'name', dryRun: false, parent: undefined })
    expect(a.tolerances).toEqual({ overlapM2: 1, gapM2: 1000, outsideM2: 1000, sliverM: 0 })
  })

  it('takes other property names and tolerances', () => {
    const a = ok([
      'grids',
      'g.geojson',
      '--datum',
      'bd09',
      '--level',
      'grid',
      '--code-prop',
      'code',
      '--name-prop',
      'mc',
      '--overlap-m2',
      '5',
      '--gap-m2',
      '2500',
      '--sliver-m',
      '550',
    ])
    expect(a).toMatchObject({ codeProp: 'code', nameProp: 'mc', level: 5 })
    expect(a.tolerances).toEqual({ overlapM2: 5, gapM2: 2500, outsideM2: 2500, sliverM: 550 })
  })

  it('refuses a file without a declared datum, naming the option and the values', () => {
    const msg = usage(['grids', 'd.geojson', '--level', 'district'])
    expect(msg).toContain('--datum')
    expect(msg).toContain('gcj02, wgs84, bd09')
  })

  it('refuses an unknown datum', () => {
    expect(usage(['grids', 'd.geojson', '--datum', 'cgcs', '--level', '2'])).toContain("unknown datum 'cgcs'")
  })

  it('needs a known level', () => {
    expect(usage(['grids', 'd.geojson', '--datum', 'wgs84'])).toContain('--level is required')
    expect(usage(['grids', 'd.geojson', '--datum', 'wgs84', '--level', 'province'])).toContain(
      "unknown level 'province'",
    )
  })

  it('refuses unknown options, other imports, a missing file and bad numbers', () => {
    expect(usage(['grids', 'd.geojson', '--datum', 'wgs84', '--level', '2', '--snap', '5'])).toMatch(/snap/)
    expect(usage(['people', 'p.csv'])).toContain("unknown import 'people'")
    expect(usage(['grids', '--datum', 'wgs84', '--level', '2'])).toContain('name the GeoJSON file')
    expect(usage(['grids', 'd.geojson', '--datum', 'wgs84', '--level', '2', '--gap-m2', 'lots'])).toContain(
      '--gap-m2',
    )
    expect(usage(['grids', 'd.geojson', '--datum', 'wgs84', '--level', '2', '--sliver-m', '-1'])).toContain(
      '--sliver-m',
    )
  })

  it('answers --help with the usage', () => {
    const r = parseImportArgs(['--help'])
    expect(r).toMatchObject({ ok: false, help: true })
  })
})

describe('levels', () => {
  it('accepts names and numbers 1–6', () => {
    expect(['city', 'district', 'street', 'community', 'grid', 'micro-grid'].map(parseLevel)).toEqual([
      1, 2, 3, 4, 5, 6,
    ])
    expect(['1', '6', 'District', 'microGrid', 'micro_grid'].map(parseLevel)).toEqual([1, 6, 2, 6, 6])
    expect(['0', '7', 'province', '', '2.5'].map(parseLevel)).toEqual([null, null, null, null, null])
  })

  it('takes the kind within the level from the name', () => {
    expect(kindFor(2, '环翠区')).toBe('区')
    expect(kindFor(2, '荣成市')).toBe('市')
    expect(kindFor(3, '张村镇')).toBe('镇')
    expect(kindFor(4, '西山村')).toBe('村')
    expect(kindFor(4, null)).toBe('社区')
    expect(kindFor(5, '一网格')).toBe('网格')
  })
})
