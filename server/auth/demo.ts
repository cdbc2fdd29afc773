import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from '../../db/client.ts'
import { cityGrid, firstGridUnder, gridByCode, usernamesLike } from '../../db/queries/access.queries.ts'
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
}

export const DEMO_PREFIX = 'demo-'
export const DEMO_FILE = 'demo-accounts.txt'
/** The district the district-level demo accounts get (环翠区); the first district when absent. */
export const DEMO_DISTRICT = '371002'

/**
 * On the embedded default's first start: one account per role (demo-city-leader …) with random
 * passwords, written to `<dataDir>/demo-accounts.txt` (mode 0600) and returned so the server can
 * print them once. Does nothing (returns []) when demo accounts exist already.
 * Areas: city leader, dispatcher, department handler, planner, auditor and admin the whole city;
 * the district leader district 371002; the street leader a street in it; the grid worker a grid.
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
  const plan: { role: RoleId; area: typeof district; zh: string }[] = [
    { role: 'city-leader', area: null, zh: '市级领导' },
    { role: 'district-leader', area: district, zh: '区级领导' },
    { role: 'street-leader', area: street, zh: '街道领导' },
    { role: 'dispatcher', area: null, zh: '派单员' },
    { role: 'department-handler', area: null, zh: '职能部门办理人' },
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
      },
      { actor: { name: 'system' }, audit, ...(opts.hasher ? { deps: { hasher: opts.hasher } } : {}) },
    )
    out.push({
      username: `${DEMO_PREFIX}${p.role}`,
      password,
      role: p.role,
      areaCode: p.area?.code ?? '',
      areaName: p.area?.name ?? `全市 ${city?.name ?? ''}`.trim(),
    })
  }
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, DEMO_FILE)
  writeFileSync(file, formatDemoAccounts(out), { mode: 0o600 })
  chmodSync(file, 0o600) // also when the file was there before (writeFileSync's mode applies on creation only)
  return out
}

export function formatDemoAccounts(accounts: readonly DemoAccount[]): string {
  const w = Math.max(...accounts.map((a) => a.username.length))
  const lines = [
    '# 一网 Yiwang demo accounts (演示账号) — generated on first start; change or disable them for real use.',
    '# username  password  role  area',
    ...accounts.map(
      (a) =>
        `${a.username.padEnd(w)}  ${a.password}  ${a.role.padEnd(18)}  ${a.areaCode || '-'} ${a.areaName}`,
    ),
  ]
  return `${lines.join('\n')}\n`
}
