import type { Database } from '../client.ts'
import { PUBLIC_PLACE_KINDS } from '../schema/places.ts'
import type { LeafCell } from './geometry.ts'
import type { Rng } from './rng.ts'
import {
  BatchWriter,
  ewktPoint,
  ewktPolygon,
  type Pt,
  pointAlongEdges,
  pointInConvex,
  randomPointIn,
  rectangle,
} from './sampling.ts'
import type { OnProgress, Scale } from './types.ts'

/** Where a cell sits in the hierarchy, for address texts and ID-number region codes. */
export interface CellContext {
  district: string
  districtCode: string
  street: string
  community: string
}

/** A residential building as the people generator needs it. */
export interface ResidentialBuilding {
  id: number
  p: Pt
  /** Households the building can hold, and how many people the generator should put in. */
  households: number
  residents: number
  floors: number
  units: number
  districtCode: string
  rural: boolean
}

const ROAD_A = [
  '海滨',
  '文化',
  '青岛',
  '新威',
  '统一',
  '世昌',
  '古寨',
  '塔山',
  '环山',
  '昆明',
  '沈阳',
  '香港',
  '花园',
  '金线顶',
  '松涧',
  '福山',
  '望岛',
  '戚家庄',
  '皂埠',
  '峰西',
  '龙山',
  '温泉',
  '米山',
  '昌阳',
  '石岛',
  '俚岛',
  '成山',
  '夏村',
  '育黎',
  '冯家',
]
const ROAD_B = ['路', '中路', '北路', '南路', '东路', '西路', '大道', '街']
const COMPOUND_A = [
  '海景',
  '金海湾',
  '翠竹',
  '阳光',
  '海悦',
  '锦绣',
  '东方',
  '福泰',
  '银河',
  '天润',
  '华夏',
  '蓝海',
  '望海',
  '紫薇',
  '丽景',
  '盛德',
]
const COMPOUND_B = ['花园', '小区', '苑', '家园', '新城', '名居', '嘉园', '公寓']
/** Relative frequency of each public place kind, in the order of PUBLIC_PLACE_KINDS. */
const PLACE_WEIGHTS = [5, 1, 4, 3, 3, 1, 1, 1, 2, 1, 0.3, 0.5]
const PLACE_NAMES: Record<(typeof PUBLIC_PLACE_KINDS)[number], string[]> = {
  school: ['实验小学', '第二中学', '育才小学', '第一中学', '外国语学校'],
  hospital: ['市立医院', '中医院', '妇幼保健院', '人民医院'],
  clinic: ['社区卫生服务站', '卫生院'],
  market: ['农贸市场', '海鲜市场', '蔬菜批发市场'],
  park: ['公园', '滨海公园', '口袋公园'],
  square: ['文化广场', '市民广场'],
  station: ['汽车站', '公交枢纽站', '火车站'],
  mall: ['购物中心', '百货大楼', '万达广场'],
  hotel: ['大酒店', '商务酒店', '快捷酒店'],
  internet_cafe: ['网咖', '网吧'],
  religious_site: ['寺', '教堂'],
  government_hall: ['便民服务中心', '政务服务大厅'],
}

export interface PlacesResult {
  residential: ResidentialBuilding[]
  buildings: number
  addresses: number
  compounds: number
  publicPlaces: number
}

/**
 * Addresses, buildings, compounds (小区) and public places. Cell edges stand for roads: buildings
 * line them (urban blocks) or cluster into villages (rural cells); each gets a standard address on
 * its road. Residents are shared among cells by urbanity; buildings follow from the residents.
 */
export async function seedPlaces(
  d: Database,
  ctx: {
    rng: Rng
    scale: Scale
    cells: LeafCell[]
    where: (code: string) => CellContext
    onProgress?: OnProgress
  },
): Promise<PlacesResult> {
  const rng = ctx.rng.fork('places')
  const addrW = new BatchWriter((rows) =>
    d.copy('addresses', ['id', 'code', 'road', 'number', 'full_text', 'geom'], rows),
  )
  const cmpW = new BatchWriter((rows) => d.copy('compounds', ['id', 'name', 'footprint', 'geom'], rows))
  // Buildings refer to addresses and compounds: those are written first.
  const bldW = new BatchWriter(async (rows) => {
    await addrW.flush()
    await cmpW.flush()
    return d.copy(
      'buildings',
      ['id', 'address_id', 'compound_id', 'name', 'use', 'floors', 'footprint', 'geom'],
      rows,
    )
  })
  const pubW = new BatchWriter((rows) =>
    d.copy('public_places', ['id', 'name', 'kind', 'address_text', 'geom'], rows),
  )
  const weights = ctx.cells.map((c) => 0.12 + c.urban ** 1.4)
  const wSum = weights.reduce((a, b) => a + b, 0)
  const residential: ResidentialBuilding[] = []
  const roadNumbers = new Map<string, number>()
  let addrId = 0
  let bldId = 0
  let cmpId = 0
  let pubId = 0

  const newAddress = async (cell: LeafCell, where: CellContext, p: Pt, edge: number) => {
    const a = cell.ring[edge]!
    const b = cell.ring[edge + 1]!
    const key = `${where.districtCode}:${Math.round((a[0] + b[0]) * 500)}:${Math.round((a[1] + b[1]) * 500)}`
    const road = `${ROAD_A[hashStr(key) % ROAD_A.length]}${ROAD_B[hashStr(`${key}b`) % ROAD_B.length]}`
    const rk = `${where.districtCode}${road}`
    const num = (roadNumbers.get(rk) ?? 0) + 1
    roadNumbers.set(rk, num)
    addrId++
    const full = `威海市${where.district}${where.street}${road}${num}号`
    await addrW.push([addrId, `A${String(addrId).padStart(9, '0')}`, road, `${num}号`, full, ewktPoint(p)])
    return { id: addrId, full }
  }

  // Shops, offices, workshops and public buildings along the roads.
  const addOther = async (cell: LeafCell, where: CellContext) => {
    const urban = cell.urban > 0.3
    const e = pointAlongEdges(cell.ring, cell.centroid, rng, 0.02 + rng.next() * (urban ? 0.2 : 0.6))
    const use = urban
      ? rng.weighted(['commercial', 'office', 'mixed', 'public'] as const, [5, 2, 2, 1])
      : rng.weighted(['industrial', 'commercial', 'public'] as const, [4, 3, 1])
    const addr = await newAddress(cell, where, e.p, e.edge)
    bldId++
    const floors = use === 'office' ? rng.int(5, 25) : rng.int(1, 4)
    const fp = rectangle(e.p, 16 + rng.next() * 30, 10 + rng.next() * 10, e.angle)
    await bldW.push([
      bldId,
      addr.id,
      null,
      addr.full.replace(/^威海市/, ''),
      use,
      floors,
      ewktPolygon(fp),
      ewktPoint(e.p),
    ])
  }

  for (let ci = 0; ci < ctx.cells.length; ci++) {
    const cell = ctx.cells[ci]!
    const where = ctx.where(cell.code)
    const target = Math.ceil((ctx.scale.residents * weights[ci]!) / wSum)
    const urban = cell.urban > 0.3
    let housed = 0
    let compound: { id: number; name: string; pts: Pt[]; left: number } | null = null
    const flushCompound = async () => {
      if (!compound || compound.pts.length === 0) return
      const xs = compound.pts.map((p) => p[0])
      const ys = compound.pts.map((p) => p[1])
      const pad = 0.0003
      const ring: Pt[] = [
        [Math.min(...xs) - pad, Math.min(...ys) - pad],
        [Math.max(...xs) + pad, Math.min(...ys) - pad],
        [Math.max(...xs) + pad, Math.max(...ys) + pad],
        [Math.min(...xs) - pad, Math.max(...ys) + pad],
      ]
      ring.push(ring[0]!)
      const c: Pt = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2]
      await cmpW.push([compound.id, compound.name, ewktPolygon(ring), ewktPoint(c)])
      compound = null
    }
    const villages: Pt[] = urban
      ? []
      : Array.from({ length: rng.int(1, 3) }, () => randomPointIn(cell.ring, cell.centroid, rng, 0.7))
    let n = 0
    const cellBuildings: unknown[][] = []
    while (housed < target) {
      n++
      let p: Pt
      let angle: number
      let edge: number
      if (urban) {
        const e = pointAlongEdges(cell.ring, cell.centroid, rng, 0.03 + rng.next() * 0.4)
        p = e.p
        angle = e.angle
        edge = e.edge
      } else {
        const v = rng.pick(villages)
        p = [v[0] + rng.normal(0, 0.0012), v[1] + rng.normal(0, 0.0009)]
        if (!pointInConvex(cell.ring, p)) p = [(v[0] + cell.centroid[0]) / 2, (v[1] + cell.centroid[1]) / 2]
        angle = rng.normal(0, 0.3)
        edge = rng.int(0, cell.ring.length - 2)
      }
      const floors = urban ? Math.max(4, Math.round(6 + cell.urban * rng.next() * 26)) : rng.int(1, 2)
      const units = urban ? rng.int(2, 4) : 1
      const households = urban ? floors * units * 2 : 1
      const residents = urban ? Math.round(households * (0.75 + rng.next() * 0.2) * 2.6) : rng.int(1, 5)
      const addr = await newAddress(cell, where, p, edge)
      bldId++
      let compoundId: number | null = null
      let name: string
      if (urban) {
        if (!compound) {
          cmpId++
          compound = {
            id: cmpId,
            name: `${rng.pick(COMPOUND_A)}${rng.pick(COMPOUND_B)}`,
            pts: [],
            left: rng.int(3, 16),
          }
        }
        compound.pts.push(p)
        compoundId = compound.id
        name = `${compound.name}${compound.pts.length}号楼`
        if (--compound.left <= 0) await flushCompound()
      } else {
        name = `${where.community}${n}号`
      }
      const fp = urban ? rectangle(p, 40 + units * 12, 14, angle) : rectangle(p, 12, 9, angle)
      cellBuildings.push([
        bldId,
        addr.id,
        compoundId,
        name,
        'residential',
        floors,
        ewktPolygon(fp),
        ewktPoint(p),
      ])
      residential.push({
        id: bldId,
        p,
        households,
        residents: Math.min(residents, target - housed),
        floors,
        units,
        districtCode: where.districtCode,
        rural: !urban,
      })
      housed += residents
    }
    await flushCompound()
    for (const b of cellBuildings) await bldW.push(b)
    // A few shops along the roads of every block.
    const shops = urban ? rng.int(1, 4) : rng.int(0, 2)
    for (let k = 0; k < shops; k++) await addOther(cell, where)
    // Public places: about one per 900 residents, more in towns.
    const places = Math.round(target / 900 + (rng.chance(0.15) ? 1 : 0))
    for (let k = 0; k < places; k++) {
      const kind = rng.weighted(PUBLIC_PLACE_KINDS, PLACE_WEIGHTS)
      const p = randomPointIn(cell.ring, cell.centroid, rng, 0.9)
      pubId++
      await pubW.push([
        pubId,
        `${where.community.replace(/(社区|村)$/, '')}${rng.pick(PLACE_NAMES[kind])}`,
        kind,
        `威海市${where.district}${where.street}`,
        ewktPoint(p),
      ])
    }
    if (ci % 200 === 0) ctx.onProgress?.({ stage: 'places', done: ci, total: ctx.cells.length })
  }
  // Up to the scale's building count: the rest spread over the city by urbanity.
  const missing = ctx.scale.minBuildings - bldId
  if (missing > 0) {
    for (let ci = 0; ci < ctx.cells.length; ci++) {
      const cell = ctx.cells[ci]!
      const where = ctx.where(cell.code)
      const k = Math.ceil((missing * weights[ci]!) / wSum)
      for (let j = 0; j < k; j++) await addOther(cell, where)
    }
  }
  await addrW.flush()
  await cmpW.flush()
  await bldW.flush()
  await pubW.flush()
  ctx.onProgress?.({ stage: 'places', done: ctx.cells.length, total: ctx.cells.length })
  return { residential, buildings: bldId, addresses: addrId, compounds: cmpId, publicPlaces: pubId }
}

function hashStr(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}
