import type { Database } from '../client.ts'
import { STREET_COUNTERPART } from './orgs.ts'
import type { SeededCategory, TimeLimitUnit } from './taxonomy.ts'
import type { OnProgress } from './types.ts'

/** One item of the responsibility list (责任清单). */
export interface ResponsibilityRule {
  categoryId: number
  areaLevel: 1 | 2 | 3
  leadDepartment: string
  coDepartments: string[]
  timeLimit: number
  timeLimitUnit: TimeLimitUnit
  basis: string | null
}

/**
 * The responsibility list: every level-3 category × area level (1 city, 2 district, 3 street).
 * City and district levels name the city kind (its district branch at level 2); the street level
 * names the street office's counterpart where there is one. Street offices get a little less time
 * for routine work done on the spot, the city a little more for work that needs coordination.
 */
export function planResponsibilities(categories: readonly SeededCategory[]): ResponsibilityRule[] {
  const out: ResponsibilityRule[] = []
  for (const c of categories) {
    const leaf = c.leaf
    if (!leaf) continue
    for (const areaLevel of [1, 2, 3] as const) {
      const atStreet = (k: string) => (areaLevel === 3 ? (STREET_COUNTERPART.get(k) ?? k) : k)
      const lead = atStreet(leaf.lead)
      const co = [...new Set(leaf.co.map(atStreet))].filter((k) => k !== lead)
      let limit = leaf.limit.value
      if (leaf.limit.unit === 'working_days') {
        if (areaLevel === 1) limit += 2
        if (areaLevel === 3 && lead !== leaf.lead && limit > 3) limit -= 1
      }
      out.push({
        categoryId: c.id,
        areaLevel,
        leadDepartment: lead,
        coDepartments: co,
        timeLimit: limit,
        timeLimitUnit: leaf.limit.unit,
        basis: leaf.basis,
      })
    }
  }
  return out
}

export async function seedResponsibilities(
  d: Database,
  ctx: { categories: readonly SeededCategory[]; onProgress?: OnProgress },
): Promise<ResponsibilityRule[]> {
  const rules = planResponsibilities(ctx.categories)
  await d.copy(
    'responsibilities',
    [
      'category_id',
      'area_level',
      'lead_department',
      'co_departments',
      'time_limit',
      'time_limit_unit',
      'basis',
    ],
    rules.map((r) => [
      r.categoryId,
      r.areaLevel,
      r.leadDepartment,
      r.coDepartments,
      r.timeLimit,
      r.timeLimitUnit,
      r.basis,
    ]),
  )
  ctx.onProgress?.({ stage: 'responsibilities', done: rules.length, total: rules.length })
  return rules
}
