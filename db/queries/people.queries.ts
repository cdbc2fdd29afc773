import { type SQL, sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { PiiCipher } from '../../server/security/pii.ts'
import type { Database } from '../client.ts'
import type { PersonTag } from '../schema/people.ts'

/**
 * Residents (实有人口) as the register, the detail panel and exports show them. Personal data
 * leaves these functions masked only: the ciphertext is read by `personSecrets` alone, for the
 * audited unmasking of one person. Tags leave only when the caller may see them (`tags: true`).
 */

/** A resident as lists show them: personal data masked. */
export interface PersonSummary {
  id: number
  name: string
  gender: 'M' | 'F'
  birthYear: number
  residence: 'registered' | 'floating'
  relation: string
  idNumberMasked: string
  phoneMasked: string | null
  /** null when the caller may not see vulnerable-group tags. */
  tags: PersonTag[] | null
  gridId: number | null
  gridCode: string | null
  gridName: string | null
  householdId: number | null
  buildingId: number | null
  /** The standard address and room, e.g. "文化西路 18号 2单元301". */
  address: string | null
  /** Where the person lives: [lon, lat]. */
  center: [number, number]
}

export interface PeopleFilter {
  /** Only this area's subtree (a grid inside the caller's area), by id or by code. */
  gridId?: number | undefined
  gridCode?: string | undefined
  /** Name prefix. */
  name?: string | undefined
  /** Exact ID number, through the keyed hash. */
  idNumber?: string | undefined
  tag?: PersonTag | undefined
  residence?: 'registered' | 'floating' | undefined
}

export interface PeoplePage {
  items: PersonSummary[]
  /** The last id of this page, to ask for the next; null on the last page. */
  nextCursor: number | null
  /** How many match, counted up to COUNT_CAP (then `totalCapped`). */
  total: number
  totalCapped: boolean
}

export const COUNT_CAP = 10_000

interface Row {
  id: string | number
  name: string
  gender: 'M' | 'F'
  birth_year: number
  residence: 'registered' | 'floating'
  relation: string
  id_number_masked: string
  phone_masked: string | null
  tags: PersonTag[] | string | null
  grid_id: number | null
  grid_code: string | null
  grid_name: string | null
  household_id: string | number | null
  building_id: string | number | null
  address: string | null
  x: number
  y: number
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v))

/** PGlite returns text[] as an array; a driver without the array parser gives '{a,b}'. */
function tagsOf(v: PersonTag[] | string | null): PersonTag[] {
  if (Array.isArray(v)) return v
  if (!v || v === '{}') return []
  return v.replace(/^\{|\}$/g, '').split(',') as PersonTag[]
}

function toSummary(r: Row, withTags: boolean): PersonSummary {
  return {
    id: Number(r.id),
    name: r.name,
    gender: r.gender,
    birthYear: Number(r.birth_year),
    residence: r.residence,
    relation: r.relation,
    idNumberMasked: r.id_number_masked,
    phoneMasked: r.phone_masked,
    tags: withTags ? tagsOf(r.tags) : null,
    gridId: num(r.grid_id),
    gridCode: r.grid_code,
    gridName: r.grid_name,
    householdId: num(r.household_id),
    buildingId: num(r.building_id),
    address: r.address,
    center: [Number(r.x), Number(r.y)],
  }
}

const summaryColumns = (withTags: boolean) => sql`p.id, p.name, p.gender, p.birth_year, p.residence,
  p.relation, p.id_number_masked, p.phone_masked, ${withTags ? sql`p.tags` : sql`NULL::text[]`} AS tags,
  p.grid_id, g.code AS grid_code, g.name AS grid_name, p.household_id, p.building_id,
  nullif(concat_ws(' ', coalesce(a.full_text, b.name), h.room), '') AS address,
  ST_X(p.geom) AS x, ST_Y(p.geom) AS y`

const summaryFrom = sql`FROM people p
  JOIN grids g ON g.id = p.grid_id
  LEFT JOIN households h ON h.id = p.household_id
  LEFT JOIN buildings b ON b.id = p.building_id
  LEFT JOIN addresses a ON a.id = b.address_id`

/** `%` and `_` are literal in a name prefix. */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** The WHERE clause of a filter, always inside the caller's area. */
function where(area: Area, cipher: PiiCipher, f: PeopleFilter): SQL {
  const parts: SQL[] = [sql`g.path LIKE ${`${area.path}%`}`]
  if (f.gridId !== undefined)
    // The subtree of a grid the caller can see (row-level security hides the others: no rows).
    parts.push(sql`g.path LIKE (SELECT s.path FROM grids s WHERE s.id = ${f.gridId}) || '%'`)
  if (f.gridCode !== undefined)
    parts.push(sql`g.path LIKE (SELECT s.path FROM grids s WHERE s.code = ${f.gridCode}) || '%'`)
  if (f.name) parts.push(sql`p.name LIKE ${likePrefix(f.name)}`)
  if (f.idNumber) parts.push(sql`p.id_number_hash = ${cipher.lookupHash(f.idNumber)}`)
  if (f.tag) parts.push(sql`p.tags @> ARRAY[${f.tag}]::text[]`)
  if (f.residence) parts.push(sql`p.residence = ${f.residence}`)
  return sql.join(parts, sql` AND `)
}

/** One page of residents matching `filter`, in id order. */
export async function listPeople(
  d: Database,
  area: Area,
  cipher: PiiCipher,
  filter: PeopleFilter,
  page: { cursor?: number | undefined; limit: number; tags: boolean },
): Promise<PeoplePage> {
  const w = where(area, cipher, filter)
  const after = page.cursor !== undefined ? sql` AND p.id > ${page.cursor}` : sql``
  // With a name, find the names first (index on name) and sort those: ordered by the primary key
  // the planner would walk every resident in id order hoping to meet a rare name soon.
  const order = filter.name ? sql`p.id + 0` : sql`p.id`
  const rows = await d.rows<Row>(sql`SELECT ${summaryColumns(page.tags)} ${summaryFrom}
    WHERE ${w}${after} ORDER BY ${order} LIMIT ${page.limit + 1}`)
  const [count] = await d.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM (
    SELECT 1 FROM people p JOIN grids g ON g.id = p.grid_id WHERE ${w} LIMIT ${COUNT_CAP + 1}) c`)
  const more = rows.length > page.limit
  const items = rows.slice(0, page.limit).map((r) => toSummary(r, page.tags))
  const n = Number(count?.n ?? 0)
  return {
    items,
    nextCursor: more ? (items[items.length - 1]?.id ?? null) : null,
    total: Math.min(n, COUNT_CAP),
    totalCapped: n > COUNT_CAP,
  }
}

/** Residents by exact ID number inside the caller's area (the number is only ever hashed). */
export async function findPeopleByIdNumber(
  d: Database,
  area: Area,
  cipher: PiiCipher,
  idNumber: string,
  tags = false,
): Promise<PersonSummary[]> {
  const page = await listPeople(d, area, cipher, { idNumber }, { limit: 50, tags })
  return page.items
}

export interface PersonDetail extends PersonSummary {
  household: { id: number; room: string; size: number; members: PersonSummary[] } | null
  building: { id: number; name: string; use: string; address: string | null } | null
  /** The grid's ancestors below the city, top first. */
  gridPath: { id: number; code: string; name: string; level: number }[]
}

/** One resident with household and building, or null when not in the caller's area. */
export async function personDetail(
  d: Database,
  area: Area,
  id: number,
  tags: boolean,
): Promise<PersonDetail | null> {
  const [r] = await d.rows<Row>(sql`SELECT ${summaryColumns(tags)} ${summaryFrom}
    WHERE p.id = ${id} AND g.path LIKE ${`${area.path}%`}`)
  if (!r) return null
  const person = toSummary(r, tags)
  let household: PersonDetail['household'] = null
  if (person.householdId !== null) {
    const [h] = await d.rows<{ id: number; room: string; size: number }>(
      sql`SELECT id, room, size FROM households WHERE id = ${person.householdId}`,
    )
    const members = await d.rows<Row>(sql`SELECT ${summaryColumns(tags)} ${summaryFrom}
      WHERE p.household_id = ${person.householdId} AND g.path LIKE ${`${area.path}%`} ORDER BY p.id LIMIT 50`)
    if (h)
      household = {
        id: Number(h.id),
        room: h.room,
        size: Number(h.size),
        members: members.map((m) => toSummary(m, tags)),
      }
  }
  let building: PersonDetail['building'] = null
  if (person.buildingId !== null) {
    const [b] = await d.rows<{ id: number; name: string; use: string; address: string | null }>(
      sql`SELECT b.id, b.name, b.use, a.full_text AS address FROM buildings b
        LEFT JOIN addresses a ON a.id = b.address_id WHERE b.id = ${person.buildingId}`,
    )
    if (b) building = { id: Number(b.id), name: b.name, use: b.use, address: b.address }
  }
  const gridPath = await d.rows<{ id: number; code: string; name: string; level: number }>(sql`
    SELECT a.id, a.code, a.name, a.level FROM grids g
    JOIN grids a ON a.id = ANY (string_to_array(trim(both '/' from g.path), '/')::int[]) AND a.level > 1
    WHERE g.id = ${person.gridId} ORDER BY a.level`)
  return {
    ...person,
    household,
    building,
    gridPath: gridPath.map((g) => ({ id: Number(g.id), code: g.code, name: g.name, level: Number(g.level) })),
  }
}

/** The full ID number and phone of one resident in the caller's area, decrypted; null if none. */
export async function personSecrets(
  d: Database,
  area: Area,
  cipher: PiiCipher,
  id: number,
): Promise<{ name: string; idNumber: string; phone: string | null } | null> {
  const [r] = await d.rows<{
    name: string
    id_number_enc: Buffer | Uint8Array
    phone_enc: Buffer | Uint8Array | null
  }>(
    sql`SELECT p.name, p.id_number_enc, p.phone_enc FROM people p JOIN grids g ON g.id = p.grid_id
      WHERE p.id = ${id} AND g.path LIKE ${`${area.path}%`}`,
  )
  if (!r) return null
  return {
    name: r.name,
    idNumber: cipher.decrypt(Buffer.from(r.id_number_enc)),
    phone: r.phone_enc ? cipher.decrypt(Buffer.from(r.phone_enc)) : null,
  }
}

/** Every resident matching `filter` for an export, masked, in id order, at most `max` (+1 to tell). */
export async function exportPeople(
  d: Database,
  area: Area,
  cipher: PiiCipher,
  filter: PeopleFilter,
  opts: { tags: boolean; max: number },
): Promise<{ rows: PersonSummary[]; truncated: boolean }> {
  const out: PersonSummary[] = []
  let cursor: number | undefined
  for (;;) {
    const page = await d.rows<Row>(sql`SELECT ${summaryColumns(opts.tags)} ${summaryFrom}
      WHERE ${where(area, cipher, filter)}${cursor !== undefined ? sql` AND p.id > ${cursor}` : sql``}
      ORDER BY p.id LIMIT 5000`)
    for (const r of page) out.push(toSummary(r, opts.tags))
    if (out.length > opts.max) return { rows: out.slice(0, opts.max), truncated: true }
    if (page.length < 5000) return { rows: out, truncated: false }
    cursor = Number(page[page.length - 1]!.id)
  }
}
