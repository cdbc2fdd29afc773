import { ROLE_IDS } from '../../db/schema/access.ts'

export const ADMIN_USAGE = `npm run admin -- <command>

  create-user NAME --role ROLE [--role ROLE2] [--area CODE] [--org ORG] [--display-name "显示名"]
                          create a user; prints a generated password once
                          (a department-handler needs --org: the department they work for)
  reset-password NAME     a new generated password (printed once); unlocks the account, ends its sessions
  set-active NAME true|false
                          enable or disable a user (disabling ends the user's sessions)
  set-org NAME ORG|none   attach a user to a department (their "my department's to-do"), or detach
  list-users              users with roles, area, department and last sign-in
  create-token NAME --role ROLE [--area CODE]
                          an API token for a machine client (Authorization: Bearer …); printed once
  revoke-token NAME       revoke the active token(s) with this name
  list-tokens             API tokens (active and revoked)

  ROLE: ${ROLE_IDS.join(', ')}
  CODE: a grid code (district 371002, street 371002001, …); without --area: the whole city.
  ORG:  a department (职能部门) by organisation id or code (e.g. DEPT-CGJ-371002), serving an area
        that contains the user's area or lies in it.

Opens the database as the app does (DATABASE_URL, else PGlite in YIWANG_DATA_DIR/pglite).
Exit 0 done, 1 refused (unknown role, area or department, name taken, not found), 2 usage error.`

export type AdminCommand =
  | {
      cmd: 'create-user'
      name: string
      roles: string[]
      area: string | null
      /** Department id or code. */
      org?: string
      displayName?: string
    }
  | { cmd: 'reset-password'; name: string }
  | { cmd: 'set-active'; name: string; active: boolean }
  /** org null: detach from the department. */
  | { cmd: 'set-org'; name: string; org: string | null }
  | { cmd: 'list-users' }
  | { cmd: 'create-token'; name: string; role: string; area: string | null }
  | { cmd: 'revoke-token'; name: string }
  | { cmd: 'list-tokens' }

export type ParsedAdmin = { ok: true; command: AdminCommand } | { ok: false; help?: boolean; message: string }

const COMMANDS = [
  'create-user',
  'reset-password',
  'set-active',
  'set-org',
  'list-users',
  'create-token',
  'revoke-token',
  'list-tokens',
]

export function parseAdminArgs(argv: readonly string[]): ParsedAdmin {
  const positional: string[] = []
  const roles: string[] = []
  let area: string | null = null
  let displayName: string | undefined
  let org: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '-h' || a === '--help' || a === 'help') return { ok: false, help: true, message: '' }
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined]
    if (flag === '--role' || flag === '--area' || flag === '--org' || flag === '--display-name') {
      const v = inline ?? argv[++i]
      if (v === undefined || v === '') return { ok: false, message: `${flag} needs a value` }
      if (flag === '--role') roles.push(...v.split(',').filter(Boolean))
      else if (flag === '--area') area = v
      else if (flag === '--org') org = v
      else displayName = v
    } else if (a.startsWith('--')) return { ok: false, message: `unknown option ${a}` }
    else positional.push(a)
  }
  const [cmd, name, extra, ...rest] = positional
  if (!cmd) return { ok: false, message: 'no command given' }
  if (!COMMANDS.includes(cmd))
    return { ok: false, message: `unknown command "${cmd}"; one of: ${COMMANDS.join(', ')}` }
  const needsName = !cmd.startsWith('list-')
  if (needsName && !name) return { ok: false, message: `${cmd} needs a NAME` }
  const allowedExtra = cmd === 'set-active' || cmd === 'set-org' ? 1 : 0
  const surplus = [...(allowedExtra ? [] : extra !== undefined ? [extra] : []), ...rest]
  if (!needsName && name !== undefined) surplus.unshift(name)
  if (surplus.length) return { ok: false, message: `unexpected argument(s): ${surplus.join(' ')}` }
  const roleCmd = cmd === 'create-user' || cmd === 'create-token'
  if (!roleCmd && (roles.length || area !== null))
    return { ok: false, message: `${cmd} takes no --role or --area` }
  if (displayName !== undefined && cmd !== 'create-user')
    return { ok: false, message: `${cmd} takes no --display-name` }
  if (org !== undefined && cmd !== 'create-user')
    return {
      ok: false,
      message:
        cmd === 'set-org' ? 'set-org NAME takes the department as ORG, not --org' : `${cmd} takes no --org`,
    }
  switch (cmd) {
    case 'create-user':
      if (!roles.length) return { ok: false, message: 'create-user needs --role ROLE' }
      return {
        ok: true,
        command: {
          cmd,
          name: name!,
          roles,
          area,
          ...(org ? { org } : {}),
          ...(displayName ? { displayName } : {}),
        },
      }
    case 'create-token':
      if (roles.length !== 1) return { ok: false, message: 'create-token needs exactly one --role ROLE' }
      return { ok: true, command: { cmd, name: name!, role: roles[0]!, area } }
    case 'set-active':
      if (extra !== 'true' && extra !== 'false')
        return { ok: false, message: 'set-active NAME needs true or false' }
      return { ok: true, command: { cmd, name: name!, active: extra === 'true' } }
    case 'set-org':
      if (extra === undefined || extra === '')
        return { ok: false, message: 'set-org NAME needs a department id or code, or none' }
      return { ok: true, command: { cmd, name: name!, org: extra.toLowerCase() === 'none' ? null : extra } }
    case 'reset-password':
    case 'revoke-token':
      return { ok: true, command: { cmd, name: name! } }
    case 'list-users':
    case 'list-tokens':
      return { ok: true, command: { cmd } }
  }
  return { ok: false, message: `unknown command "${cmd}"` }
}
