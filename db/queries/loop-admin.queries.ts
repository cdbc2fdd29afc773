import { sql } from 'drizzle-orm'
import type { Database } from '../client.ts'
import { LOOP_DEFAULTS, type LoopSettings } from './loop.queries.ts'

/**
 * Administration of the closed loop: the responsibility list (责任清单) page by page, the
 * department kinds a rule may name, validated writes of rules, and the loop settings. Runs in the
 * caller's scope: the department kinds are those of the departments the caller can see.
 */

export type TimeLimitUnit = 'working_hours' | 'working_days'

/** One rule of the list as the editor shows it. */
export interface RuleRow {
  id: number
  categoryId: number
  categoryCode: string
  categoryName: string
  /** "城乡建设/市政/路灯". */
  categoryPath: string
  /** 1–3; rules route events of level-3 (leaf) categories. */
  categoryLevel: number
  areaLevel: 1 | 2 | 3
  leadDepartment: string
  coDepartments: string[]
  timeLimit: number
  timeLimitUnit: TimeLimitUnit
  basis: string | null
}

/** A rule to write: the category by code, the departments by kind. */
export interface RuleInput {
  categoryCode: string
  areaLevel: 1 | 2 | 3
  leadDepartment: string
  coDepartments: string[]
  timeLimit: number
  timeLimitUnit: TimeLimitUnit
  basis: string | null
}

/** A JSON column: postgres.js parses it, PGlite may hand over its text. */
function json<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T
}

/** A text array as a parameter both drivers pass the same way. */
const textArray = (values: readonly string[]) =>
  sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))::text[]`

const SELECT_RULE = sql`
  SELECT r.id, r.category_id, c.code AS category_code, c.name AS category_name, c.path_name,
    c.level AS category_level, r.area_level, r.lead_department, to_jsonb(r.co_departments) AS co,
    r.time_limit, r.time_limit_unit, r.basis
  FROM responsibilities r JOIN categories c ON c.id = r.category_id`

type RawRule = {
  id: number
  category_id: number
  category_code: string
  category_name: string
  path_name: string
  category_level: number
  area_level: number
  lead_department: string
  co: unknown
  time_limit: number
  time_limit_unit: TimeLimitUnit
  basis: string | null
}

const toRule = (r: RawRule): RuleRow => ({
  id: Number(r.id),
  categoryId: Number(r.category_id),
  categoryCode: r.category_code,
  categoryName: r.category_name,
  categoryPath: r.path_name,
  categoryLevel: Number(r.category_level),
  areaLevel: Number(r.area_level) as 1 | 2 | 3,
  leadDepartment: r.lead_department,
  coDepartments: json<string[] | null>(r.co) ?? [],
  timeLimit: Number(r.time_limit),
  timeLimitUnit: r.time_limit_unit,
  basis: r.basis,
})

export interface RuleFilter {
  /** A category code prefix, or text in the category's path of names. */
  q?: string
  areaLevel?: 1 | 2 | 3
  /** Rules naming this kind as lead or co-department. */
  departmentKind?: string
}

/** LIKE pattern text with its wildcards taken literally. */
const likeText = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

function where(f: RuleFilter) {
  const parts = [sql`true`]
  const q = f.q?.trim()
  if (q)
    parts.push(
      sql`(c.code LIKE ${`${likeText(q)}%`} OR c.path_name ILIKE ${`%${likeText(q)}%`} OR r.basis ILIKE ${`%${likeText(q)}%`})`,
    )
  if (f.areaLevel) parts.push(sql`r.area_level = ${f.areaLevel}`)
  if (f.departmentKind)
    parts.push(sql`(r.lead_department = ${f.departmentKind} OR ${f.departmentKind} = ANY (r.co_departments))`)
  return sql.join(parts, sql` AND `)
}

/** One page of the list, in category code and level order, with the number of matching rules. */
export async function rulePage(
  d: Database,
  f: RuleFilter,
  page: { offset: number; limit: number },
): Promise<{ total: number; items: RuleRow[] }> {
  const w = where(f)
  const [n] = await d.rows<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM responsibilities r JOIN categories c ON c.id = r.category_id WHERE ${w}`)
  const rows = await d.rows<RawRule>(
    sql`${SELECT_RULE} WHERE ${w} ORDER BY c.code, r.area_level LIMIT ${page.limit} OFFSET ${page.offset}`,
  )
  return { total: Number(n?.n ?? 0), items: rows.map(toRule) }
}

export async function ruleById(d: Database, id: number): Promise<RuleRow | null> {
  const [r] = await d.rows<RawRule>(sql`${SELECT_RULE} WHERE r.id = ${id}`)
  return r ? toRule(r) : null
}

/** One department kind of those the caller can see, with the levels of the areas it serves. */
export interface DepartmentKind {
  kind: string
  /** Levels (1 city, 2 district, 3 street) with at least one department of this kind. */
  levels: number[]
  departments: number
}

/** The kinds of departments (organisations.department_kind): what a rule may name. */
export async function departmentKinds(d: Database): Promise<DepartmentKind[]> {
  const rows = await d.rows<{ kind: string; levels: unknown; n: number }>(sql`
    SELECT o.department_kind AS kind, count(*)::int AS n,
      to_jsonb(array_remove(array_agg(DISTINCT g.level ORDER BY g.level), NULL)) AS levels
    FROM organisations o LEFT JOIN grids g ON g.id = o.area_grid_id
    WHERE o.kind = 'department' AND o.department_kind IS NOT NULL AND o.department_kind <> ''
    GROUP BY o.department_kind ORDER BY o.department_kind`)
  return rows.map((r) => ({
    kind: r.kind,
    levels: (json<number[] | null>(r.levels) ?? []).map(Number),
    departments: Number(r.n),
  }))
}

/** Category ids by code, for the codes given that exist. */
export async function categoryIds(
  d: Database,
  codes: readonly string[],
): Promise<Map<string, { id: number; level: number }>> {
  if (!codes.length) return new Map()
  const rows = await d.rows<{ id: number; code: string; level: number }>(sql`
    SELECT id, code, level FROM categories
    WHERE code IN (SELECT jsonb_array_elements_text(${JSON.stringify([...new Set(codes)])}::jsonb))`)
  return new Map(rows.map((r) => [r.code, { id: Number(r.id), level: Number(r.level) }]))
}

/** The id of the rule for a category and level, if there is one. */
export async function ruleIdAt(d: Database, categoryId: number, areaLevel: number): Promise<number | null> {
  const [r] = await d.rows<{ id: number }>(
    sql`SELECT id FROM responsibilities WHERE category_id = ${categoryId} AND area_level = ${areaLevel}`,
  )
  return r ? Number(r.id) : null
}

export async function insertRule(d: Database, categoryId: number, it: RuleInput): Promise<number> {
  const [r] = await d.rows<{ id: number }>(sql`
    INSERT INTO responsibilities (category_id, area_level, lead_department, co_departments, time_limit, time_limit_unit, basis)
    VALUES (${categoryId}, ${it.areaLevel}, ${it.leadDepartment}, ${textArray(it.coDepartments)},
      ${it.timeLimit}, ${it.timeLimitUnit}, ${it.basis})
    RETURNING id`)
  return Number(r?.id)
}

export async function updateRule(
  d: Database,
  id: number,
  categoryId: number,
  it: RuleInput,
): Promise<boolean> {
  const rows = await d.rows<{ id: number }>(sql`
    UPDATE responsibilities SET category_id = ${categoryId}, area_level = ${it.areaLevel},
      lead_department = ${it.leadDepartment}, co_departments = ${textArray(it.coDepartments)},
      time_limit = ${it.timeLimit}, time_limit_unit = ${it.timeLimitUnit}, basis = ${it.basis}
    WHERE id = ${id} RETURNING id`)
  return rows.length > 0
}

export async function deleteRule(d: Database, id: number): Promise<boolean> {
  const rows = await d.rows<{ id: number }>(sql`DELETE FROM responsibilities WHERE id = ${id} RETURNING id`)
  return rows.length > 0
}

/**
 * Insert or replace rules (category × level) in one statement; the categories must exist (the
 * caller checked). Returns how many were new and how many replaced a rule.
 */
export async function upsertRules(
  d: Database,
  items: readonly { categoryId: number; rule: RuleInput }[],
): Promise<{ inserted: number; updated: number }> {
  if (!items.length) return { inserted: 0, updated: 0 }
  const payload = JSON.stringify(
    items.map(({ categoryId, rule }) => ({
      c: categoryId,
      l: rule.areaLevel,
      lead: rule.leadDepartment,
      co: rule.coDepartments,
      n: rule.timeLimit,
      u: rule.timeLimitUnit,
      b: rule.basis,
    })),
  )
  // xmax = 0 tells a fresh row from an updated one.
  const rows = await d.rows<{ inserted: boolean }>(sql`
    INSERT INTO responsibilities (category_id, area_level, lead_department, co_departments, time_limit, time_limit_unit, basis)
    SELECT (x->>'c')::int, (x->>'l')::smallint, x->>'lead',
      ARRAY(SELECT jsonb_array_elements_text(x->'co'))::text[], (x->>'n')::int, x->>'u', x->>'b'
    FROM jsonb_array_elements(${payload}::jsonb) x
    ON CONFLICT (category_id, area_level) DO UPDATE SET lead_department = excluded.lead_department,
      co_departments = excluded.co_departments, time_limit = excluded.time_limit,
      time_limit_unit = excluded.time_limit_unit, basis = excluded.basis
    RETURNING (xmax = 0) AS inserted`)
  const inserted = rows.filter((r) => r.inserted === true || String(r.inserted) === 'true').length
  return { inserted, updated: rows.length - inserted }
}

/** The loop settings as stored, with defaults, and when they were last changed. */
export async function settingsWithTime(
  d: Database,
): Promise<{ settings: LoopSettings; updatedAt: string | null }> {
  const rows = await d.rows<{ key: string; value: unknown; updated_at: string | Date }>(
    sql`SELECT key, value, updated_at FROM loop_settings`,
  )
  const settings: LoopSettings = { ...LOOP_DEFAULTS }
  let latest: Date | null = null
  for (const r of rows) {
    const v = json<unknown>(r.value)
    if (r.key in settings && typeof v === 'number') {
      settings[r.key as keyof LoopSettings] = v
      const at = new Date(r.updated_at)
      if (!latest || at > latest) latest = at
    }
  }
  return { settings, updatedAt: latest ? latest.toISOString() : null }
}

/** Write the settings given (one row a key). */
export async function writeSettings(d: Database, values: Partial<LoopSettings>): Promise<void> {
  const entries = Object.entries(values).filter(([, v]) => typeof v === 'number')
  if (!entries.length) return
  await d.rows(sql`
    INSERT INTO loop_settings (key, value, updated_at) VALUES ${sql.join(
      entries.map(([k, v]) => sql`(${k}, ${JSON.stringify(v)}::jsonb, now())`),
      sql`, `,
    )}
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
}
