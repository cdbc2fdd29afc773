import type { Database } from '../client.ts'
import type { LeafCell } from './geometry.ts'
import type { Rng } from './rng.ts'
import {
  BatchWriter,
  ewktPolygon,
  M_PER_DEG_LAT,
  M_PER_DEG_LON,
  type Pt,
  pointAlongEdges,
  randomPointIn,
} from './sampling.ts'
import type { OnProgress, Scale } from './types.ts'

const KINDS = [
  'camera',
  'smart_lock',
  'smoke_detector',
  'hydrant',
  'manhole_sensor',
  'water_level_sensor',
  'air_quality_sensor',
  'charging_pile',
] as const
const KIND_W = [34, 14, 16, 14, 8, 3, 3, 8]
const KIND_ZH: Record<(typeof KINDS)[number], string> = {
  camera: '视频监控',
  smart_lock: '智能门禁',
  smoke_detector: '烟感报警器',
  hydrant: '消火栓',
  manhole_sensor: '井盖传感器',
  water_level_sensor: '水位监测仪',
  air_quality_sensor: '空气质量监测站',
  charging_pile: '电动车充电桩',
}

/**
 * Things (物): 雪亮工程 cameras at road junctions with their field of view, door access and smoke
 * detectors in towns, hydrants along roads, sensors. Most online; some offline or faulty.
 */
export async function seedThings(
  d: Database,
  ctx: { rng: Rng; scale: Scale; cells: LeafCell[]; now: Date; onProgress?: OnProgress },
): Promise<number> {
  const rng = ctx.rng.fork('things')
  const w = new BatchWriter((rows) =>
    d.copy(
      'things',
      ['code', 'kind', 'name', 'status', 'coverage', 'installed_at', 'last_seen_at', 'geom'],
      rows,
    ),
  )
  const weights = ctx.cells.map((c) => 0.15 + c.urban ** 1.2)
  const wSum = weights.reduce((a, b) => a + b, 0)
  let n = 0
  for (let ci = 0; ci < ctx.cells.length; ci++) {
    const cell = ctx.cells[ci]!
    const count = Math.round((ctx.scale.things * weights[ci]!) / wSum + rng.next() - 0.5)
    for (let k = 0; k < count; k++) {
      const kind = rng.weighted(KINDS, KIND_W)
      let p: Pt
      let coverage: string | null = null
      if (kind === 'camera') {
        // At a junction (a cell vertex), looking into the block.
        const v = cell.ring[rng.int(0, cell.ring.length - 2)]!
        p = [v[0] + 0.03 * (cell.centroid[0] - v[0]), v[1] + 0.03 * (cell.centroid[1] - v[1])]
        const dir =
          Math.atan2((cell.centroid[1] - p[1]) * M_PER_DEG_LAT, (cell.centroid[0] - p[0]) * M_PER_DEG_LON) +
          rng.normal(0, 0.5)
        coverage = ewktPolygon(sector(p, dir, (rng.int(60, 100) * Math.PI) / 180, rng.int(35, 90)))
      } else if (kind === 'hydrant' || kind === 'manhole_sensor') {
        p = pointAlongEdges(cell.ring, cell.centroid, rng, 0.01).p
      } else {
        p = randomPointIn(cell.ring, cell.centroid, rng, 0.85)
      }
      const status = rng.weighted(['online', 'offline', 'fault', 'maintenance'] as const, [91, 5, 3, 1])
      const installed = new Date(ctx.now.getTime() - rng.int(30, 2500) * 86_400_000)
      const lastSeen =
        status === 'online'
          ? new Date(ctx.now.getTime() - rng.int(0, 300) * 1000)
          : new Date(ctx.now.getTime() - rng.int(1, 240) * 3_600_000)
      n++
      const code = `${kind.slice(0, 3).toUpperCase()}-${cell.code.slice(0, 6)}-${String(n).padStart(7, '0')}`
      await w.push([
        code,
        kind,
        `${KIND_ZH[kind]}${String(n).padStart(6, '0')}`,
        status,
        coverage,
        installed,
        lastSeen,
        `SRID=4326;POINT(${p[0].toFixed(7)} ${p[1].toFixed(7)})`,
      ])
    }
    if (ci % 500 === 0) ctx.onProgress?.({ stage: 'things', done: ci, total: ctx.cells.length })
  }
  await w.flush()
  ctx.onProgress?.({ stage: 'things', done: ctx.cells.length, total: ctx.cells.length })
  return n
}

/** A camera's field of view: a circular sector of `range` metres, `fov` radians wide. */
function sector(p: Pt, dir: number, fov: number, range: number): Pt[] {
  const ring: Pt[] = [p]
  for (let i = 0; i <= 8; i++) {
    const a = dir - fov / 2 + (fov * i) / 8
    ring.push([p[0] + (Math.cos(a) * range) / M_PER_DEG_LON, p[1] + (Math.sin(a) * range) / M_PER_DEG_LAT])
  }
  ring.push(p)
  return ring
}
