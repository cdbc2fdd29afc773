import type { RoleId } from '../../db/schema/access.ts'
import type { Area } from '../domain/area.ts'
import type { Permission } from './permissions.ts'

/** Who is calling: a signed-in user or a machine client with an API token. */
export interface Principal {
  kind: 'user' | 'token'
  /** users.id or api_tokens.id */
  id: number
  /** User name or token name, for the audit trail. */
  name: string
  displayName: string
  roles: RoleId[]
  permissions: Set<Permission>
  /** Everything this caller sees lies in this area (fail-closed: no principal, no area). */
  area: Area
  /** For users: the session token hash, so sign-out can end this session. */
  sessionHash?: Buffer
}
