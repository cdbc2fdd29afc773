import type { Rng } from './rng.ts'

/**
 * Split a set of cells into k contiguous regions of similar cell counts: k-means on the cell
 * centroids picks the region centres, then regions grow from their seed cells across neighbouring
 * cells (nearest centre first), so every region is connected wherever the cells are.
 */
export function partitionCells(
  cells: readonly number[],
  k: number,
  centroid: (i: number) => [number, number],
  neighbours: (i: number) => Iterable<number>,
  rng: Rng,
): number[][] {
  if (k <= 1 || cells.length <= 1) return [cells.slice()]
  if (k >= cells.length) return cells.map((c) => [c])
  const pts = cells.map(centroid)
  const centres = kmeans(pts, k, rng)
  const inSet = new Map<number, number>()
  cells.forEach((c, j) => {
    inSet.set(c, j)
  })
  const region = new Int32Array(cells.length).fill(-1)
  const heap = new MinHeap()
  // Seed each region with the cell nearest its centre.
  centres.forEach((ctr, r) => {
    let best = -1
    let bestD = Number.POSITIVE_INFINITY
    pts.forEach((p, j) => {
      if (region[j] !== -1) return
      const d = dist2(p, ctr)
      if (d < bestD) {
        bestD = d
        best = j
      }
    })
    if (best >= 0) heap.push(0, best, r)
  })
  while (heap.size) {
    const [, j, r] = heap.pop()
    if (region[j] !== -1) continue
    region[j] = r
    for (const n of neighbours(cells[j]!)) {
      const jn = inSet.get(n)
      if (jn === undefined || region[jn] !== -1) continue
      heap.push(dist2(pts[jn]!, centres[r]!), jn, r)
    }
  }
  // Cells cut off from every seed (islands) join the nearest centre.
  region.forEach((r, j) => {
    if (r === -1) region[j] = nearest(pts[j]!, centres)
  })
  const out: number[][] = centres.map(() => [])
  region.forEach((r, j) => {
    out[r]!.push(cells[j]!)
  })
  return out.filter((g) => g.length > 0)
}

function kmeans(pts: [number, number][], k: number, rng: Rng): [number, number][] {
  // k-means++ initialisation, then a few Lloyd iterations.
  const centres: [number, number][] = [pts[Math.floor(rng.next() * pts.length)]!]
  const d = pts.map((p) => dist2(p, centres[0]!))
  while (centres.length < k) {
    const total = d.reduce((a, b) => a + b, 0)
    let r = rng.next() * total
    let idx = 0
    for (; idx < d.length - 1; idx++) {
      r -= d[idx]!
      if (r <= 0) break
    }
    const c = pts[idx]!
    centres.push(c)
    pts.forEach((p, i) => {
      d[i] = Math.min(d[i]!, dist2(p, c))
    })
  }
  for (let iter = 0; iter < 8; iter++) {
    const sx = new Float64Array(k)
    const sy = new Float64Array(k)
    const n = new Float64Array(k)
    for (const p of pts) {
      const c = nearest(p, centres)
      sx[c]! += p[0]
      sy[c]! += p[1]
      n[c]! += 1
    }
    for (let c = 0; c < k; c++) if (n[c]! > 0) centres[c] = [sx[c]! / n[c]!, sy[c]! / n[c]!]
  }
  return centres
}

function nearest(p: [number, number], centres: [number, number][]): number {
  let best = 0
  let bestD = Number.POSITIVE_INFINITY
  centres.forEach((c, i) => {
    const d = dist2(p, c)
    if (d < bestD) {
      bestD = d
      best = i
    }
  })
  return best
}

/** Squared distance with longitude scaled for latitude ~37° (cos 37° ≈ 0.8). */
function dist2(a: [number, number], b: [number, number]): number {
  const dx = (a[0] - b[0]) * 0.8
  const dy = a[1] - b[1]
  return dx * dx + dy * dy
}

/** A binary min-heap of (key, item, region) triples. */
class MinHeap {
  private keys: number[] = []
  private items: number[] = []
  private regions: number[] = []
  get size() {
    return this.keys.length
  }
  push(key: number, item: number, region: number) {
    this.keys.push(key)
    this.items.push(item)
    this.regions.push(region)
    let i = this.keys.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (this.keys[p]! <= this.keys[i]!) break
      this.swap(i, p)
      i = p
    }
  }
  pop(): [number, number, number] {
    const top: [number, number, number] = [this.keys[0]!, this.items[0]!, this.regions[0]!]
    const last = this.keys.length - 1
    this.swap(0, last)
    this.keys.pop()
    this.items.pop()
    this.regions.pop()
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < this.keys.length && this.keys[l]! < this.keys[m]!) m = l
      if (r < this.keys.length && this.keys[r]! < this.keys[m]!) m = r
      if (m === i) break
      this.swap(i, m)
      i = m
    }
    return top
  }
  private swap(a: number, b: number) {
    for (const arr of [this.keys, this.items, this.regions]) {
      const t = arr[a]!
      arr[a] = arr[b]!
      arr[b] = t
    }
  }
}
