import type { PrincipalRow } from '../../db/queries/access.queries.ts'
import { permissionsOf } from '../security/permissions.ts'
import type { Principal } from '../security/principal.ts'

/** A Principal from a session or token row; null when its area grid is gone (fail closed). */
export function principalFrom(
  row: PrincipalRow,
  kind: 'user' | 'token',
  sessionHash?: Buffer,
): Principal | null {
  if (row.areaPath === null) return null
  return {
    kind,
    id: row.id,
    name: row.name,
    displayName: row.displayName,
    roles: row.roles,
    permissions: permissionsOf(row.roles),
    area: { gridId: row.areaGridId, path: row.areaPath },
    ...(sessionHash ? { sessionHash } : {}),
  }
}
