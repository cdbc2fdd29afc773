import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from '../../db/client.ts'
import {
  type AreaGrid,
  cityGrid,
  firstGridUnder,
  gridByCode,
  gridById,
  usernamesLike,
} from '../../db/queries/access.queries.ts'
import { busiestDepartmentServing, type OrgRef } from '../../db/queries/user-departments.queries.ts'
import type { RoleId } from '../../db/schema/access.ts'
import { createUser } from './admin.ts'
import type { AuditSink } from './audit.ts'
import type { Hasher } from './password.ts'

export interface DemoAccount {
  username: string
  password: string
  role: RoleId
  /** The area's code and name ('' / 全市 for the whole city). */
  areaCode: string
  areaName: string
  /** The department the account works for (the department handler's); none for the others. */
  department?: { id: number; code: string; name: string }
}

export const DEMO_PREFIX = 'demo-'
export const DEMO_FILE = 'demo-accounts.txt'
/** The district the district-level demo accounts get (环翠区); the first district when absent. */
export const DEMO_DISTRICT = '371002'

/**
 * On the embedded default's first start: one account per role (demo-city-leader …) with random
 * passwords, written to `<dataDir>/demo-accounts.txt` (mode 0600) and returned so the server can
 * print them once. Does nothing (returns []) when demo accounts exist already.
 * Areas: city leader, dispatcher, planner, auditor and admin the whole city; the district leader
 * district 371002; the street leader a street in it; the grid worker a grid. The department
 * handler works for a real department — of those serving that district (the city's and the
 * district's own), the one with the most open dispatched events, so that "my department's to-do"
 * is not empty — and sees that department's area, where every event sent to it lies (the whole
 * city for a city department). Without any department in the city there is no handler account.
 */
export async function ensureDemoAccounts(
  d: Database,
  dataDir: string,
  audit: AuditSink,
  opts: { hasher?: Hasher } = {},
): Promise<DemoAccount[]> {
  if ((await usernamesLike(d, DEMO_PREFIX)).length) return []
  const city = await cityGrid(d)
  const district =
    (await gridByCode(d, DEMO_DISTRICT)) ?? (city ? await firstGridUnder(d, city.path, 2) : null)
  const street = district ? await firstGridUnder(d, district.path, 3) : null
  const grid = street ? await firstGridUnder(d, street.path, 5) : null
  const dept = await demoDepartment(d, district ?? city)
  const plan: { role: RoleId; area: AreaGrid | null; zh: string; department?: OrgRef }[] = [
    { role: 'city-leader', area: null, zh: '市级领导' },
    { role: 'district-leader', area: district, zh: '区级领导' },
    { role: 'street-leader', area: street, zh: '街道领导' },
    { role: 'dispatcher', area: null, zh: '派单员' },
    ...(dept ? [{ role: 'department-handler' as const, ...dept, zh: '职能部门办理人' }] : []),
    { role: 'grid-worker', area: grid, zh: '网格员' },
    { role: 'planner', area: null, zh: '网格规划员' },
    { role: 'auditor', area: null, zh: '审计员' },
    { role: 'admin', area: null, zh: '系统管理员' },
  ]
  const out: DemoAccount[] = []
  for (const p of plan) {
    const { password } = await createUser(
      d,
      {
        username: `${DEMO_PREFIX}${p.role}`,
        displayName: `演示${p.zh}`,
        roles: [p.role],
        areaCode: p.area?.code ?? null,
        ...(p.department ? { department: p.department.id } : {}),
      },
      { actor: { name: 'system' }, audit, ...(opts.hasher ? { deps: { hasher: opts.hasher } } : {}) },
    )
    out.push({
      username: `${DEMO_PREFIX}${p.role}`,
      password,
      role: p.role,
      areaCode: p.area?.code ?? '',
      areaName: p.area?.name ?? `全市 ${city?.name ?? ''}`.trim(),
      ...(p.department
        ? { department: { id: p.department.id, code: p.department.code, name: p.department.name } }
        : {}),
    })
  }
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, DEMO_FILE)
  writeFileSync(file, formatDemoAccounts(out), { mode: 0o600 })
  chmodSync(file, 0o600) // also when the file was there before (writeFileSync's mode applies on creation only)
  return out
}

/** The demo handler's department and area (its department's; null = the whole city). */
async function demoDepartment(
  d: Database,
  serving: AreaGrid | null,
): Promise<{ department: OrgRef; area: AreaGrid | null } | null> {
  const department = await busiestDepartmentServing(d, serving?.path ?? '/')
  if (!department) return null
  const g = department.areaGridId === null ? null : await gridById(d, department.areaGridId)
  return { department, area: g && g.level > 1 ? g : null }
}

export function formatDemoAccounts(accounts: readonly DemoAccount[]): string {
  const w = Math.max(...accounts.map((a) => a.username.length))
  const lines = [
    '# 一网 Yiwang demo accounts (演示账号) — generated on first start; change or disable them for real use.',
    '# username  password  role  area  [department]',
    ...accounts.map((a) =>
      `${a.username.padEnd(w)}  ${a.password}  ${a.role.padEnd(18)}  ${a.areaCode || '-'} ${a.areaName}${
        a.department ? `  部门 department ${a.department.code} ${a.department.name}` : ''
      }`.trimEnd(),
    ),
  ]
  return `${lines.join('\n')}\n`
}
