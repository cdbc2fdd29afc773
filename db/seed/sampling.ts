import type { Rng } from './rng.ts'

/** Geometry helpers for the generators: metres ↔ degrees near 37°N, points in convex cells. */
export const M_PER_DEG_LAT = 111_320
export const M_PER_DEG_LON = 88_900

export type Pt = [number, number]

export function pointInConvex(ring: Pt[], p: Pt): boolean {
  let sign = 0
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i]!
    const b = ring[i + 1]!
    const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
    if (cross === 0) continue
    const s = cross > 0 ? 1 : -1
    if (sign === 0) sign = s
    else if (s !== sign) return false
  }
  return true
}

/** A random point inside a convex ring: pull a random edge point towards the centroid. */
export function randomPointIn(ring: Pt[], centroid: Pt, rng: Rng, maxPull = 1): Pt {
  const i = rng.int(0, ring.length - 2)
  const a = ring[i]!
  const b = ring[i + 1]!
  const t = rng.next()
  const e: Pt = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
  const f = 0.02 + rng.next() * (maxPull - 0.02)
  return [e[0] + f * (centroid[0] - e[0]), e[1] + f * (centroid[1] - e[1])]
}

/** An edge chosen by length, a position along it, and the edge's direction (for orienting footprints). */
export function pointAlongEdges(
  ring: Pt[],
  centroid: Pt,
  rng: Rng,
  pull: number,
): { p: Pt; angle: number; edge: number } {
  let total = 0
  const lens: number[] = []
  for (let i = 0; i < ring.length - 1; i++) {
    const l = Math.hypot(
      (ring[i + 1]![0] - ring[i]![0]) * M_PER_DEG_LON,
      (ring[i + 1]![1] - ring[i]![1]) * M_PER_DEG_LAT,
    )
    lens.push(l)
    total += l
  }
  let r = rng.next() * total
  let i = 0
  for (; i < lens.length - 1; i++) {
    r -= lens[i]!
    if (r <= 0) break
  }
  const a = ring[i]!
  const b = ring[i + 1]!
  const t = 0.06 + rng.next() * 0.88
  const e: Pt = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
  const angle = Math.atan2((b[1] - a[1]) * M_PER_DEG_LAT, (b[0] - a[0]) * M_PER_DEG_LON)
  return { p: [e[0] + pull * (centroid[0] - e[0]), e[1] + pull * (centroid[1] - e[1])], angle, edge: i }
}

/** A rectangle of w × h metres centred on p, rotated by angle (radians), as a closed ring. */
export function rectangle(p: Pt, w: number, h: number, angle: number): Pt[] {
  const c = Math.cos(angle)
  const s = Math.sin(angle)
  const corners: Pt[] = [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ]
  const ring = corners.map(
    ([x, y]) => [p[0] + (x * c - y * s) / M_PER_DEG_LON, p[1] + (x * s + y * c) / M_PER_DEG_LAT] as Pt,
  )
  ring.push(ring[0]!)
  return ring
}

export const ewktPoint = (p: Pt) => `SRID=4326;POINT(${p[0].toFixed(7)} ${p[1].toFixed(7)})`
export const ewktPolygon = (ring: Pt[]) =>
  `SRID=4326;POLYGON((${ring.map((q) => `${q[0].toFixed(7)} ${q[1].toFixed(7)}`).join(',')}))`

/** Collects rows and COPYs them in batches, so city-scale tables never sit in memory whole. */
export class BatchWriter {
  private rows: unknown[][] = []
  written = 0
  constructor(
    private readonly write: (rows: unknown[][]) => Promise<number>,
    private readonly size = 50_000,
  ) {}
  async push(row: unknown[]) {
    this.rows.push(row)
    if (this.rows.length >= this.size) await this.flush()
  }
  async flush() {
    if (!this.rows.length) return
    const batch = this.rows
    this.rows = []
    this.written += await this.write(batch)
  }
}
