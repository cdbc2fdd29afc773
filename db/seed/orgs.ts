import { sql } from 'drizzle-orm'
import type { Database } from '../client.ts'
import type { OrgKind } from '../schema/orgs.ts'
import {
  COMPOUND_HEADS,
  COMPOUND_TAILS,
  cityShort,
  ewktPoint,
  INDUSTRIES,
  isTownship,
  makeRingSampler,
  pathIds,
  rating,
  SOCIAL,
  shopName,
  uscc,
  ZIHAO,
} from './orgs-util.ts'
import type { Rng } from './rng.ts'
import { reserveIds } from './taxonomy.ts'
import type { OnProgress, Scale, SeededGrid } from './types.ts'

/**
 * City departments (职能部门), one a line: kind, code abbreviation, the name of its district branch
 * ('-': the city body serves all districts), and the street-office counterpart (街道科室) that does
 * the same work on the ground ('-': none).
 */
const CITY_DEPARTMENTS = table(`
城管局 CGJ 城管局 综合执法队
住建局 ZJJ 住建局 城建办
自然资源和规划局 ZRZY 自然资源局 城建办
生态环境局 STHJ 生态环境分局 综合执法队
交通运输局 JTYS 交通运输局 -
市场监管局 SCJG 市场监管局 市场监管所
人社局 RSJ 人社局 劳动保障所
医保局 YBJ 医保局 社会事务办
教育局 JYJ 教育局 -
卫健委 WJW 卫健局 社区卫生服务中心
民政局 MZJ 民政局 社会事务办
退役军人事务局 TYJR 退役军人事务局 社会事务办
公安局 GAJ 公安分局 派出所
司法局 SFJ 司法局 司法所
信访局 XFJ 信访局 综治中心
水务局 SWJ 水务局 -
供水公司 GSGS - -
供电公司 GDGS 供电中心 -
燃气公司 RQGS - -
热力公司 RLGS - -
应急管理局 YJGL 应急管理局 应急办
消防救援支队 XFZD 消防救援大队 -
文旅局 WLJ 文旅局 -
农业农村局 NYNC 农业农村局 农业办
住房公积金中心 GJJ - -
12345热线 RX - -`)

/** Street-office departments (kind, code abbreviation); 农业办 only in townships (镇/乡). */
const STREET_DEPARTMENTS = table(`
综合执法队 ZHZF
城建办 CJB
市场监管所 SCJGS
劳动保障所 LDBZ
社会事务办 SHSW
社区卫生服务中心 WSFW
派出所 PCS
司法所 SFS
综治中心 ZZZX
应急办 YJB
农业办 NYB`)

function table(text: string): (string | null)[][] {
  return text
    .trim()
    .split('\n')
    .map((l) =>
      l
        .trim()
        .split(/\s+/)
        .map((w) => (w === '-' ? null : w)),
    )
}

/** Kinds of city departments ('城管局', …): the lead and co-departments of the taxonomy. */
export const CITY_DEPARTMENT_KINDS: readonly string[] = CITY_DEPARTMENTS.map((d) => d[0] as string)
/** Kinds of street-office departments ('综合执法队', '派出所', …). */
export const STREET_DEPARTMENT_KINDS: readonly string[] = STREET_DEPARTMENTS.map((d) => d[0] as string)

/** The street counterpart of a city department kind, or the kind itself where there is none. */
export const STREET_COUNTERPART: ReadonlyMap<string, string> = new Map(
  CITY_DEPARTMENTS.filter((d) => d[3]).map((d) => [d[0] as string, d[3] as string]),
)

export interface OrgContext {
  rng: Rng
  scale: Scale
  city: SeededGrid
  districts: SeededGrid[]
  streets: SeededGrid[]
  leafGrids: SeededGrid[]
  onProgress?: OnProgress
}

/** A department as the event generator needs it. */
export interface SeededDepartment {
  id: number
  name: string
  code: string
  /** Department kind: a city kind ('城管局', also for its district branch) or a street kind ('派出所'). */
  kind: string
  areaGridId: number
  /** 1 city, 2 district, 3 street. */
  areaLevel: 1 | 2 | 3
}

export interface PlannedOrg {
  id: number
  kind: OrgKind
  name: string
  code: string
  parentId: number | null
  areaGridId: number | null
  creditRating?: string | null
  phone?: string | null
  /** Where the organisation sits; the database puts it into its grid. */
  point?: [number, number] | null
  /** For departments: the department kind and area level. */
  deptKind?: string
  areaLevel?: 1 | 2 | 3
}

/** Communities (社区/村) as the organisation planner needs them. */
export interface CommunityRef {
  id: number
  name: string
  code: string
}

/** Plan every organisation with ids from `firstId` (no database). */
export function planOrganisations(
  ctx: OrgContext,
  communities: readonly CommunityRef[],
  firstId = 1,
): PlannedOrg[] {
  const rng = ctx.rng.fork('organisations')
  const out: PlannedOrg[] = []
  let serial = 1
  const add = (
    kind: OrgKind,
    name: string,
    code: string,
    point: PlannedOrg['point'],
    more: Partial<PlannedOrg> = {},
  ) => {
    const o: PlannedOrg = { id: firstId + out.length, kind, name, code, parentId: null, areaGridId: null }
    Object.assign(o, { creditRating: null, phone: null, point, ...more })
    out.push(o)
    return o
  }
  // Leaf grids by area, most urban first: offices sit in the busiest grids of their area.
  const byArea = new Map<number, SeededGrid[]>()
  for (const g of ctx.leafGrids) {
    for (const id of pathIds(g.path)) {
      const list = byArea.get(id) ?? []
      if (!list.length) byArea.set(id, list)
      list.push(g)
    }
  }
  for (const list of byArea.values()) list.sort((a, b) => b.urban - a.urban || a.id - b.id)
  const samplers = new Map<number, (r: Rng) => [number, number]>()
  const pointIn = (g: SeededGrid) => {
    const s = samplers.get(g.id) ?? makeRingSampler(g.ring)
    samplers.set(g.id, s)
    return s(rng)
  }
  const officeIn = (areaId: number, top = 1) => {
    const list = byArea.get(areaId)
    return list?.length ? pointIn(list[Math.min(list.length - 1, rng.int(0, top - 1))] as SeededGrid) : null
  }
  const districtIds = new Set(ctx.districts.map((d) => d.id))
  const districtOf = (g: SeededGrid) =>
    ctx.districts.find((d) => d.id === pathIds(g.path).find((id) => districtIds.has(id)))
  const region = (g: SeededGrid) => (districtOf(g) ?? ctx.city).code.slice(0, 6)
  const { city } = ctx
  // 1. Departments: the city's, their district branches, the street offices'.
  const parentOf = new Map<string, number>()
  for (const [kind, abbr] of CITY_DEPARTMENTS as [string, string][]) {
    const name =
      kind === '12345热线'
        ? `${city.name}12345政务服务便民热线`
        : `${kind.endsWith('公司') ? cityShort(city.name) : city.name}${kind}`
    const more = {
      areaGridId: city.id,
      deptKind: kind,
      areaLevel: 1 as const,
      phone: kind === '12345热线' ? '12345' : null,
    }
    parentOf.set(kind, add('department', name, `DEPT-${abbr}-${city.code}`, officeIn(city.id, 3), more).id)
  }
  for (const dist of ctx.districts) {
    for (const [kind, abbr, branch] of CITY_DEPARTMENTS as [string, string, string | null][]) {
      if (!branch) continue
      const more = {
        parentId: parentOf.get(kind) ?? null,
        areaGridId: dist.id,
        deptKind: kind,
        areaLevel: 2 as const,
      }
      const o = add(
        'department',
        `${dist.name}${branch}`,
        `DEPT-${abbr}-${dist.code}`,
        officeIn(dist.id, 2),
        more,
      )
      parentOf.set(`${kind}|${dist.id}`, o.id)
    }
  }
  const parentKind = new Map<string, string>()
  for (const [kind, , , street] of CITY_DEPARTMENTS as [string, string, unknown, string | null][])
    if (street && !parentKind.has(street)) parentKind.set(street, kind)
  for (const st of ctx.streets) {
    const dist = districtOf(st)
    for (const [kind, abbr] of STREET_DEPARTMENTS as [string, string][]) {
      if (kind === '农业办' && !isTownship(st.name)) continue
      const parentId = (dist && parentOf.get(`${parentKind.get(kind)}|${dist.id}`)) ?? null
      const more = { parentId, areaGridId: st.id, deptKind: kind, areaLevel: 3 as const }
      add('department', `${st.name}${kind}`, `DEPT-${abbr}-${st.code}`, officeIn(st.id), more)
    }
  }
  // 2. Party organisations (党组织): a working committee per street, a committee per community.
  const streetParty = new Map<number, number>()
  for (const st of ctx.streets) {
    const name = isTownship(st.name) ? `中共${st.name}委员会` : `中共${st.name}工作委员会`
    streetParty.set(st.id, add('party', name, `PARTY-${st.code}`, officeIn(st.id)).id)
  }
  for (const c of communities) {
    const leaf = byArea.get(c.id)?.[0]
    if (!leaf) continue
    const stId = pathIds(leaf.path).find((id) => streetParty.has(id))
    const name = c.name.endsWith('村') ? `中共${c.name}支部委员会` : `中共${c.name}委员会`
    add('party', name, `PARTY-${c.code}`, pointIn(leaf), { parentId: streetParty.get(stId ?? -1) ?? null })
  }
  // 3. Social organisations (社会组织): a few per street.
  for (const st of ctx.streets) {
    const start = rng.int(0, SOCIAL.length - 1)
    for (let i = 0, n = rng.int(2, 4); i < n; i++) {
      const [what, prefix] = SOCIAL[(start + i) % SOCIAL.length] as (typeof SOCIAL)[number]
      add('social', `${st.name}${what}`, uscc(prefix, region(st), serial++), officeIn(st.id, 3))
    }
  }
  // 4. Property companies (物业公司) and owners' committees (业主委员会) in the urban grids.
  const urbanGrids = ctx.leafGrids.filter((g) => g.urban >= 0.5)
  for (let i = 0, n = Math.max(2, Math.round(urbanGrids.length * 0.12)); i < n && urbanGrids.length; i++) {
    const g = rng.pick(urbanGrids)
    const z = rng.pick(ZIHAO)
    const name = rng.chance(0.5) ? `${cityShort(city.name)}${z}物业服务有限公司` : `${z}物业管理有限公司`
    add('property_company', name, uscc('91', region(g), serial++), pointIn(g), { creditRating: rating(rng) })
  }
  let oc = 0
  for (const g of urbanGrids) {
    if (!rng.chance(0.25)) continue
    const compound = `${rng.pick(COMPOUND_HEADS)}${rng.pick(COMPOUND_TAILS)}`
    add('owners_committee', `${compound}业主委员会`, `YWH-${g.code}-${++oc}`, pointIn(g))
  }
  // 5. Enterprises and merchants (企业/商户), about one per 30 residents, more where it is urban.
  const cum: number[] = []
  let tot = 0
  for (const g of ctx.leafGrids) {
    tot += 0.02 + g.urban * g.urban
    cum.push(tot)
  }
  for (
    let i = 0, n = Math.max(20, Math.round(ctx.scale.residents / 30));
    i < n && ctx.leafGrids.length;
    i++
  ) {
    const r = rng.next() * tot
    let lo = 0
    let hi = cum.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((cum[mid] as number) < r) lo = mid + 1
      else hi = mid
    }
    const g = ctx.leafGrids[lo] as SeededGrid
    const company = rng.chance(0.45)
    const name = company
      ? `${cityShort(city.name)}${rng.pick(ZIHAO)}${rng.pick(INDUSTRIES)}有限公司`
      : shopName(rng)
    add('enterprise', name, uscc(company ? '91' : '92', region(g), serial++), pointIn(g), {
      creditRating: rating(rng),
    })
  }
  return out
}

/** COPY all organisations and return the departments, for routing events. */
export async function seedOrganisations(d: Database, ctx: OrgContext): Promise<SeededDepartment[]> {
  const communities = await d.rows<CommunityRef>(
    sql`select id, name, code from grids where level = 4 order by id`,
  )
  // Plan once to know how many ids to take; planning is deterministic, so the second plan is the same.
  const firstId = await reserveIds(d, 'organisations', planOrganisations(ctx, communities).length)
  const orgs = planOrganisations(ctx, communities, firstId)
  ctx.onProgress?.({ stage: 'organisations', done: 0, total: orgs.length })
  await d.copy(
    'organisations',
    [
      'id',
      'kind',
      'name',
      'code',
      'department_kind',
      'parent_id',
      'area_grid_id',
      'credit_rating',
      'phone',
      'geom',
    ],
    orgs.map((o) => [
      o.id,
      o.kind,
      o.name,
      o.code,
      o.deptKind ?? null,
      o.parentId,
      o.areaGridId,
      o.creditRating,
      o.phone,
      o.point && ewktPoint(o.point),
    ]),
  )
  ctx.onProgress?.({ stage: 'organisations', done: orgs.length, total: orgs.length })
  return departmentsOf(orgs)
}

export function departmentsOf(orgs: readonly PlannedOrg[]): SeededDepartment[] {
  return orgs
    .filter((o) => o.kind === 'department' && o.deptKind && o.areaLevel && o.areaGridId !== null)
    .map((o) => ({
      id: o.id,
      name: o.name,
      code: o.code,
      kind: o.deptKind as string,
      areaGridId: o.areaGridId as number,
      areaLevel: o.areaLevel as 1 | 2 | 3,
    }))
}
