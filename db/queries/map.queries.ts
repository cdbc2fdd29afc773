import { sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { Database } from '../client.ts'

/** A category of the 3-level taxonomy (诉求分类) as the layer panel's tree shows it. */
export interface CategoryNode {
  id: number
  code: string
  name: string
  level: number
  parentCode: string | null
}

/** The whole taxonomy, in code order (level-1 codes first come first). */
export async function categoryTree(d: Database): Promise<CategoryNode[]> {
  const rows = await d.rows<{
    id: number
    code: string
    name: string
    level: number
    parent_code: string | null
  }>(
    sql`SELECT c.id, c.code, c.name, c.level, p.code AS parent_code
      FROM categories c LEFT JOIN categories p ON p.id = c.parent_id ORDER BY c.code`,
  )
  return rows.map((r) => ({
    id: Number(r.id),
    code: r.code,
    name: r.name,
    level: Number(r.level),
    parentCode: r.parent_code,
  }))
}

/** When the caller's events begin and end (reported_at), or nulls when there are none. */
export async function eventTimeExtent(
  d: Database,
  area: Area,
): Promise<{ from: string | null; to: string | null }> {
  const inArea = sql`EXISTS (SELECT 1 FROM grids g WHERE g.id = e.grid_id AND g.path LIKE ${`${area.path}%`})`
  const [first] = await d.rows<{ at: string }>(
    sql`SELECT e.reported_at AS at FROM events e WHERE ${inArea} ORDER BY e.reported_at LIMIT 1`,
  )
  const [last] = await d.rows<{ at: string }>(
    sql`SELECT e.reported_at AS at FROM events e WHERE ${inArea} ORDER BY e.reported_at DESC LIMIT 1`,
  )
  const iso = (v: string | undefined) => (v === undefined ? null : new Date(v).toISOString())
  return { from: iso(first?.at), to: iso(last?.at) }
}
