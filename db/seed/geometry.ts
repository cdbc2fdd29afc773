import { Delaunay } from 'd3-delaunay'
import type { Polygon } from 'geojson'
import { communityName, countyKind, type Divisions, townshipKind } from './divisions.ts'
import { partitionCells } from './partition.ts'
import type { Rng } from './rng.ts'
import type { GenArea, Scale } from './types.ts'

/**
 * The demo city's geometry: a coastal-looking outline filled with Voronoi cells (the grids 网格),
 * denser in the urban cores, grouped into contiguous communities, streets and districts. Every cell
 * is made of circumcentres shared with its neighbours, so the cells tile the city exactly: no gaps,
 * no overlaps. Upper levels are unions of their cells (made in SQL, see grids seeding).
 */
export interface LeafCell {
  code: string
  ring: [number, number][]
  centroid: [number, number]
  /** 0 rural … 1 city centre. */
  urban: number
}

export interface CityPlan {
  areas: GenArea[]
  /** Level-5 grids with their geometry, for the places, people and events generators. */
  cells: LeafCell[]
}

/** Urban cores (district seats): lon, lat, weight, spread in degrees. */
const CORES: [number, number, number, number][] = [
  [122.1, 37.43, 1, 0.05], // main city (环翠)
  [122.06, 37.19, 0.55, 0.035], // 文登
  [122.42, 37.16, 0.5, 0.035], // 荣成
  [121.58, 36.98, 0.45, 0.03], // 乳山
  [122.2, 37.38, 0.35, 0.025], // 经区
  [121.98, 37.45, 0.3, 0.025], // 高区
]
const CENTRE: [number, number] = [121.95, 37.17]
const RADII: [number, number] = [0.62, 0.36]

export function planCity(scale: Scale, rng: Rng, div: Divisions): CityPlan {
  const r = rng.fork('geometry')
  const wobble = [r.next() * 6.28, r.next() * 6.28, r.next() * 6.28]
  const inside = (p: [number, number]) => {
    const dx = (p[0] - CENTRE[0]) / RADII[0]
    const dy = (p[1] - CENTRE[1]) / RADII[1]
    const th = Math.atan2(dy, dx)
    const lim =
      1 +
      0.1 * Math.sin(3 * th + wobble[0]!) +
      0.06 * Math.sin(5 * th + wobble[1]!) +
      0.03 * Math.sin(11 * th + wobble[2]!)
    return Math.hypot(dx, dy) < lim * 0.92
  }
  const density = (p: [number, number]) => {
    let d = 1
    for (const [x, y, w, s] of CORES)
      d += 60 * w * Math.exp(-((p[0] - x) ** 2 * 0.64 + (p[1] - y) ** 2) / (2 * s * s))
    return d
  }
  const urbanOf = (p: [number, number]) => {
    let u = 0
    for (const [x, y, w, s] of CORES)
      u = Math.max(
        u,
        Math.min(1, w * 1.2) * Math.exp(-((p[0] - x) ** 2 * 0.64 + (p[1] - y) ** 2) / (2 * (1.8 * s) ** 2)),
      )
    return u
  }
  // Sample points by density; points outside the outline bound the outer cells.
  const bx0 = CENTRE[0] - RADII[0] * 1.25
  const bx1 = CENTRE[0] + RADII[0] * 1.25
  const by0 = CENTRE[1] - RADII[1] * 1.25
  const by1 = CENTRE[1] + RADII[1] * 1.25
  let maxD = 0
  for (const c of CORES) maxD = Math.max(maxD, density([c[0], c[1]]))
  let pts: [number, number][] = []
  let nIn = 0
  while (nIn < scale.grids) {
    const p: [number, number] = [bx0 + r.next() * (bx1 - bx0), by0 + r.next() * (by1 - by0)]
    if (r.next() * maxD > density(p)) continue
    pts.push(p)
    if (inside(p)) nIn++
  }
  const bounds: [number, number, number, number] = [bx0 - 0.2, by0 - 0.2, bx1 + 0.2, by1 + 0.2]
  // Two Lloyd relaxations make the cells rounder while keeping the density.
  for (let it = 0; it < 2; it++) {
    const v = Delaunay.from(pts).voronoi(bounds)
    pts = pts.map((p, i) => {
      const c = ringCentroid((v.cellPolygon(i) ?? [p]) as [number, number][])
      return [(p[0] + c[0]) / 2, (p[1] + c[1]) / 2]
    })
  }
  const delaunay = Delaunay.from(pts)
  const vor = delaunay.voronoi(bounds)
  const cellIdx: number[] = []
  pts.forEach((p, i) => {
    if (inside(p)) cellIdx.push(i)
  })
  const rings = new Map<number, [number, number][]>()
  for (const i of cellIdx)
    rings.set(
      i,
      (vor.cellPolygon(i) as [number, number][]).map((q) => [q[0], q[1]]),
    )
  const centroidOf = (i: number) => ringCentroid(rings.get(i)!)
  const nb = (i: number) => delaunay.neighbors(i)

  const areas: GenArea[] = []
  const cells: LeafCell[] = []
  const add = (a: Omit<GenArea, 'idx'>) => {
    const g = { ...a, idx: areas.length }
    areas.push(g)
    return g
  }
  const city = add({
    parentIdx: null,
    level: 1,
    code: div.city.code,
    name: div.city.name,
    kind: '地级市',
    geom: null,
  })
  const counties = div.counties.slice(0, scale.districts)
  const districtCells = orderByCore(partitionCells(cellIdx, counties.length, centroidOf, nb, r), centroidOf)
  districtCells.forEach((dCells, di) => {
    const county = counties[di]!
    const d = add({
      parentIdx: city.idx,
      level: 2,
      code: county.code,
      name: county.name,
      kind: countyKind(county.name),
      geom: null,
    })
    const towns = div.townships.filter((t) => t.parentCode === county.code).slice(0, scale.streetsPerDistrict)
    const streetCells = partitionCells(dCells, Math.max(1, towns.length), centroidOf, nb, r)
    streetCells.forEach((sCells, si) => {
      const town = towns[si] ?? {
        code: `${county.code}${String(900 + si).padStart(3, '0')}`,
        name: `新区${si + 1}街道`,
      }
      const s = add({
        parentIdx: d.idx,
        level: 3,
        code: town.code,
        name: town.name,
        kind: townshipKind(town.name),
        geom: null,
      })
      const k = Math.max(1, Math.round(sCells.length / scale.gridsPerCommunity))
      const villages = div.villages.filter((v) => v.parentCode === town.code)
      partitionCells(sCells, k, centroidOf, nb, r).forEach((cCells, ci) => {
        const real = villages[ci]
        const cn = real ? communityName(real.name) : { name: syntheticCommunity(r), kind: '社区' }
        const code = real?.code ?? `${town.code}${String(900 + ci).padStart(3, '0')}`
        const c = add({ parentIdx: s.idx, level: 4, code, name: cn.name, kind: cn.kind, geom: null })
        cCells.forEach((cell, gi) => {
          const ring = rings.get(cell)!
          const centroid = centroidOf(cell)
          const gcode = `${code}${String(gi + 1).padStart(3, '0')}`
          const g = add({
            parentIdx: c.idx,
            level: 5,
            code: gcode,
            name: `${cn.name}第${gi + 1}网格`,
            kind: '网格',
            geom: polygon(ring),
          })
          const urban = urbanOf(centroid)
          cells.push({ code: gcode, ring, centroid, urban })
          if (urban > 0.45 && r.chance(scale.microGridShare / 0.3)) {
            splitConvex(ring, centroid, r.next() * Math.PI).forEach((part, mi) => {
              add({
                parentIdx: g.idx,
                level: 6,
                code: `${gcode}${String(mi + 1).padStart(2, '0')}`,
                name: `${g.name}${mi + 1}号微网格`,
                kind: '微网格',
                geom: polygon(part),
              })
            })
          }
        })
      })
    })
  })
  return { areas, cells }
}

/** Put the region nearest the main urban core first, so that it gets the first (central) district. */
function orderByCore(regions: number[][], centroidOf: (i: number) => [number, number]): number[][] {
  const main = CORES[0]!
  const score = (reg: number[]) =>
    Math.min(...reg.map((i) => Math.hypot(centroidOf(i)[0] - main[0], centroidOf(i)[1] - main[1])))
  return regions.slice().sort((a, b) => score(a) - score(b))
}

function syntheticCommunity(r: Rng): string {
  const a = [
    '新华',
    '和平',
    '幸福',
    '海滨',
    '阳光',
    '振华',
    '文化',
    '光明',
    '翠竹',
    '金山',
    '望海',
    '福泰',
    '青松',
    '长安',
  ]
  const b = ['社区', '家园社区', '花园社区', '里社区']
  return `${r.pick(a)}${r.pick(b)}`
}

export function ringCentroid(ring: [number, number][]): [number, number] {
  let a = 0
  let cx = 0
  let cy = 0
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i]!
    const [x1, y1] = ring[i + 1]!
    const f = x0 * y1 - x1 * y0
    a += f
    cx += (x0 + x1) * f
    cy += (y0 + y1) * f
  }
  if (Math.abs(a) < 1e-18) return ring[0] ?? [0, 0]
  return [cx / (3 * a), cy / (3 * a)]
}

function polygon(ring: [number, number][]): Polygon {
  return { type: 'Polygon', coordinates: [ring] }
}

/**
 * Split a convex ring by the line through `c` at angle `theta`. The two cut points are computed
 * once and shared by both halves, so the halves tile the cell exactly.
 */
export function splitConvex(
  ring: [number, number][],
  c: [number, number],
  theta: number,
): [number, number][][] {
  const n = [Math.cos(theta), Math.sin(theta)] as const
  const side = (p: [number, number]) => (p[0] - c[0]) * n[0] + (p[1] - c[1]) * n[1]
  const a: [number, number][] = []
  const b: [number, number][] = []
  for (let i = 0; i < ring.length - 1; i++) {
    const p = ring[i]!
    const q = ring[i + 1]!
    const sp = side(p)
    const sq = side(q)
    ;(sp >= 0 ? a : b).push(p)
    if (sp >= 0 !== sq >= 0) {
      const t = sp / (sp - sq)
      const x: [number, number] = [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]
      a.push(x)
      b.push(x)
    }
  }
  if (a.length < 3 || b.length < 3) return [ring]
  return [
    [...a, a[0]!],
    [...b, b[0]!],
  ]
}
