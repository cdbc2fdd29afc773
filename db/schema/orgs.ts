import {
  type AnyPgColumn,
  index,
  integer,
  pgTable,
  serial,
  smallint,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import type { Point } from 'geojson'
import { categories } from './events.ts'
import { geometry } from './geometry.ts'
import { grids } from './grids.ts'
import { placed } from './placed.ts'

/** Kinds of organisations (组织). */
export const ORG_KINDS = [
  'department', // 职能部门
  'party', // 党组织
  'social', // 社会组织
  'enterprise', // 企业/商户
  'property_company', // 物业公司
  'owners_committee', // 业主委员会
] as const
export type OrgKind = (typeof ORG_KINDS)[number]

/**
 * Organisations. A department belongs to an administrative area (`areaGridId`: the city, a district
 * or a street it serves); others have a location and are placed in a grid like every element.
 */
export const organisations = pgTable(
  'organisations',
  {
    id: serial('id').primaryKey(),
    kind: text('kind', { enum: ORG_KINDS }).notNull(),
    name: text('name').notNull(),
    /** Unified social credit code (统一社会信用代码) or internal department code. */
    code: text('code').notNull(),
    /**
     * For departments: the kind the responsibility list names as lead (e.g. '城管局'), the same for
     * the city department and its district branches whose names differ (公安局 → 环翠公安分局).
     */
    departmentKind: text('department_kind'),
    parentId: integer('parent_id').references((): AnyPgColumn => organisations.id),
    /** The area a department serves (for departments) — a grid of level city, district or street. */
    areaGridId: integer('area_grid_id').references(() => grids.id),
    /** Credit rating A–D for enterprises (信治), when known. */
    creditRating: text('credit_rating'),
    phone: text('phone'),
    geom: geometry<Point>('geom', 'Point'),
    ...placed(),
  },
  (t) => [
    uniqueIndex('organisations_code_key').on(t.code),
    index('organisations_kind_idx').on(t.kind),
    index('organisations_department_kind_idx').on(t.departmentKind, t.areaGridId),
    index('organisations_area_idx').on(t.areaGridId),
    index('organisations_grid_idx').on(t.gridId),
    index('organisations_geom_idx').using('gist', t.geom),
  ],
)

/**
 * The responsibility list (责任清单): for a category and the level of the area an event falls in,
 * which department leads, which co-operate, and the time limit.
 */
export const responsibilities = pgTable(
  'responsibilities',
  {
    id: serial('id').primaryKey(),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id),
    /** Level of the handling area: 1 city, 2 district, 3 street. */
    areaLevel: smallint('area_level').notNull(),
    /** Kind of lead department, resolved within the event's area (e.g. "城管局"). */
    leadDepartment: text('lead_department').notNull(),
    coDepartments: text('co_departments').array().notNull().default([]),
    timeLimit: integer('time_limit').notNull(),
    timeLimitUnit: text('time_limit_unit', { enum: ['working_hours', 'working_days'] }).notNull(),
    basis: text('basis'),
  },
  (t) => [uniqueIndex('responsibilities_category_level_key').on(t.categoryId, t.areaLevel)],
)
