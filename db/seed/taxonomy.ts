import { sql } from 'drizzle-orm'
import { type Database, quoteIdent } from '../client.ts'
import type { Rng } from './rng.ts'
import { SEASONS, TAXONOMY_TEXT } from './taxonomy-data.ts'

/** How a kind of request usually reaches the platform. */
export type Channel = 'hotline' | 'patrol' | 'both'
export type TimeLimitUnit = 'working_hours' | 'working_days'
export interface TimeLimit {
  value: number
  unit: TimeLimitUnit
}

/** What the generators know about a level-3 category (三级分类) beyond its name. */
export interface LeafInfo {
  /** Relative frequency among all requests, before seasonality. */
  weight: number
  channel: Channel
  /** Can come from an IoT sensor alarm (物联感知). */
  sensor: boolean
  /** Typically transferred from 110 (非警务警情). */
  police: boolean
  /** A dispute (矛盾纠纷) that mediation picks up. */
  dispute: boolean
  /** Mostly reported in the evening and at night (noise and the like). */
  night: boolean
  /** Urgent: handled round the clock within hours. */
  urgent: boolean
  /** A consultation (咨询) that the hotline can often answer at once. */
  consult: boolean
  /** Mostly in villages and the countryside. */
  rural: boolean
  /** Twelve monthly multipliers, January first. */
  season: readonly number[]
  seasonName: string | null
  limit: TimeLimit
  /** Kind of the lead department at city level (e.g. '城管局'); see orgs.ts for the lower levels. */
  lead: string
  co: readonly string[]
  /** The regulation the duty rests on, when one is named. */
  basis: string | null
  /** Title templates: {addr} a short place, {n} a few, {m} some months. */
  titles: readonly string[]
  /** Body sentences with the same placeholders ({addr} is the full address here). */
  bodies: readonly string[]
}

export interface TaxonomyEntry {
  code: string
  name: string
  level: 1 | 2 | 3
  parentCode: string | null
  /** Names from the root, "城乡建设/市政设施/路灯不亮": unique, unlike the names. */
  pathName: string
  /** Only level-3 entries carry it. */
  leaf: LeafInfo | null
}

export interface SeededCategory extends TaxonomyEntry {
  id: number
  parentId: number | null
}

const FLAT = Array.from({ length: 12 }, () => 1)

function parseLimit(s: string, where: string): TimeLimit {
  const m = /^(\d+)([hd])$/.exec(s)
  if (!m) throw new Error(`taxonomy: bad time limit "${s}" at ${where}`)
  return { value: Number(m[1]), unit: m[2] === 'h' ? 'working_hours' : 'working_days' }
}

const none = (s: string | undefined) => !s || s === '-'

/** Parse TAXONOMY_TEXT (format described in taxonomy-data.ts). Throws on a malformed line. */
export function parseTaxonomy(text: string): TaxonomyEntry[] {
  const out: TaxonomyEntry[] = []
  let l1: TaxonomyEntry | null = null
  let l2: TaxonomyEntry | null = null
  let l2Defaults: { lead: string; co: string[]; limit: TimeLimit; basis: string | null } | null = null
  let n1 = 0
  let n2 = 0
  let n3 = 0
  const pad = (n: number) => String(n).padStart(2, '0')
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line) continue
    if (line.startsWith('## ')) {
      if (!l1) throw new Error(`taxonomy: level 2 before level 1: ${line}`)
      const [name, lead, co, limit, basis] = line
        .slice(3)
        .split('|')
        .map((s) => s.trim())
      if (!name || none(lead) || !limit) throw new Error(`taxonomy: bad level-2 line: ${line}`)
      n2++
      n3 = 0
      l2 = {
        code: `${l1.code}${pad(n2)}`,
        name,
        level: 2,
        parentCode: l1.code,
        pathName: `${l1.pathName}/${name}`,
        leaf: null,
      }
      l2Defaults = {
        lead: lead as string,
        co: none(co) ? [] : (co as string).split(','),
        limit: parseLimit(limit, line),
        basis: none(basis) ? null : (basis as string),
      }
      out.push(l2)
    } else if (line.startsWith('# ')) {
      const name = line.slice(2).trim()
      n1++
      n2 = 0
      l1 = { code: pad(n1), name, level: 1, parentCode: null, pathName: name, leaf: null }
      l2 = null
      out.push(l1)
    } else {
      if (!l2 || !l2Defaults) throw new Error(`taxonomy: level 3 before level 2: ${line}`)
      const f = line.split('|').map((s) => s.trim())
      if (f.length !== 7) throw new Error(`taxonomy: expected 7 fields, got ${f.length}: ${line}`)
      const [name, weight, flags, season, limitField, titles, bodies] = f as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ]
      const [limitText, leadOverride] = limitField.split('@')
      const seasonRow = none(season) ? FLAT : SEASONS[season]
      if (!seasonRow) throw new Error(`taxonomy: unknown season "${season}": ${line}`)
      const has = (c: string) => flags.includes(c)
      n3++
      out.push({
        code: `${l2.code}${pad(n3)}`,
        name,
        level: 3,
        parentCode: l2.code,
        pathName: `${l2.pathName}/${name}`,
        leaf: {
          weight: Number(weight),
          channel: has('p') ? (has('h') ? 'both' : 'patrol') : 'hotline',
          sensor: has('s'),
          police: has('1'),
          dispute: has('d'),
          night: has('n'),
          urgent: has('!'),
          consult: has('c'),
          rural: has('r'),
          season: seasonRow,
          seasonName: none(season) ? null : season,
          limit: none(limitText) ? l2Defaults.limit : parseLimit(limitText as string, line),
          lead: leadOverride || l2Defaults.lead,
          co: l2Defaults.co.filter((k) => k !== (leadOverride || l2Defaults?.lead)),
          basis: l2Defaults.basis,
          titles: titles.split('；'),
          bodies: bodies.split('；'),
        },
      })
    }
  }
  return out
}

/** The whole taxonomy, parents before children. */
export const TAXONOMY: readonly TaxonomyEntry[] = parseTaxonomy(TAXONOMY_TEXT)

/** Give the taxonomy ids from `firstId` on, in order, and resolve parent ids (no database). */
export function planCategories(taxonomy: readonly TaxonomyEntry[] = TAXONOMY, firstId = 1): SeededCategory[] {
  const byCode = new Map<string, number>()
  return taxonomy.map((t, i) => {
    const id = firstId + i
    byCode.set(t.code, id)
    const parentId = t.parentCode === null ? null : (byCode.get(t.parentCode) ?? null)
    if (t.parentCode !== null && parentId === null) throw new Error(`category ${t.code}: parent comes later`)
    return { ...t, id, parentId }
  })
}

/**
 * Take `n` ids of `table`'s serial id for rows written with explicit ids (COPY), and return the
 * first. Works the same on PGlite and PostgreSQL; the sequence is left past the block.
 */
export async function reserveIds(d: Database, table: string, n: number): Promise<number> {
  if (n <= 0) return 0
  const seq = sql.raw(`pg_get_serial_sequence('${quoteIdent(table).slice(1, -1)}', 'id')`)
  const [row] = await d.rows<{ last: string }>(
    sql`select setval(${seq}, nextval(${seq}) + ${sql.raw(String(n - 1))})::text as last`,
  )
  if (!row) throw new Error(`reserveIds: no answer for ${table}`)
  return Number(row.last) - n + 1
}

/** COPY the taxonomy into `categories` (level 1 first) and return the stored rows with ids. */
export async function seedCategories(d: Database, _rng?: Rng): Promise<SeededCategory[]> {
  const firstId = await reserveIds(d, 'categories', TAXONOMY.length)
  const rows = planCategories(TAXONOMY, firstId)
  await d.copy(
    'categories',
    ['id', 'code', 'name', 'level', 'parent_id', 'path_name'],
    rows.map((c) => [c.id, c.code, c.name, c.level, c.parentId, c.pathName]),
  )
  return rows
}
