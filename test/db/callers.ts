import type { Database } from '../../db/client.ts'
import type { RoleId } from '../../db/schema/access.ts'
import { createToken } from '../../server/auth/admin.ts'
import type { Area } from '../../server/domain/area.ts'
import { WHOLE_CITY } from '../../server/domain/area.ts'
import { permissionsOf } from '../../server/security/permissions.ts'
import type { Principal } from '../../server/security/principal.ts'

/** A principal for createCaller tests: the given roles over the given area. */
export function principalFor(roles: RoleId[], area: Area = WHOLE_CITY): Principal {
  return {
    kind: 'user',
    id: 0,
    name: `test-${roles.join('+')}`,
    displayName: 'Test',
    roles,
    permissions: permissionsOf(roles),
    area,
  }
}

let n = 0
/** A real API token (Authorization: Bearer …) for HTTP tests. */
export async function bearerFor(d: Database, role: RoleId, areaCode: string | null = null): Promise<string> {
  n++
  const { token } = await createToken(
    d,
    { name: `test-${role}-${process.pid}-${n}`, role, areaCode, createdBy: { name: 'test-suite' } },
    async () => {},
  )
  return `Bearer ${token}`
}
