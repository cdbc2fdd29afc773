/**
 * npm run admin -- create-user NAME --role ROLE [--area CODE] [--org ORG] [--display-name …]
 *   | reset-password NAME | set-active NAME true|false | set-org NAME ORG|none | list-users | create-token NAME --role ROLE [--area CODE]
 *   | revoke-token NAME | list-tokens
 * Opens the database as the app does (DATABASE_URL, else PGlite in YIWANG_DATA_DIR/pglite), migrates,
 * runs the command. Every change is audited (actor "admin-cli:<OS user>"). Exit 0 done, 1 refused,
 * 2 usage error.
 */
import { userInfo } from 'node:os'
import { join } from 'node:path'
import type { Database } from '../db/client.ts'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import type { UserInfo } from '../db/queries/access.queries.ts'
import { appendAudit } from '../server/audit/audit.ts'
import {
  AccessError,
  type AdminContext,
  createToken,
  createUser,
  listTokensIn,
  listUsersIn,
  resetPassword,
  revokeToken,
  updateUser,
} from '../server/auth/admin.ts'
import { ADMIN_USAGE, type AdminCommand, parseAdminArgs } from '../server/auth/admin-args.ts'

const dept = (u: UserInfo) => (u.department ? `${u.department.code} ${u.department.name}` : 'no department')

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '-')

async function run(d: Database, c: AdminCommand): Promise<number> {
  let os = 'unknown'
  try {
    os = userInfo().username
  } catch {}
  const ctx: AdminContext = {
    actor: { name: `admin-cli:${os}` },
    audit: async (e) => {
      await appendAudit(d, e)
    },
  }
  switch (c.cmd) {
    case 'create-user': {
      const { user, password } = await createUser(
        d,
        {
          username: c.name,
          roles: c.roles,
          areaCode: c.area,
          ...(c.org ? { department: c.org } : {}),
          ...(c.displayName ? { displayName: c.displayName } : {}),
        },
        ctx,
      )
      console.log(
        `created user ${user.username} (${user.roles.join(', ')}; area ${user.area ? `${user.area.code} ${user.area.name}` : 'whole city'}; ${dept(user)})`,
      )
      console.log(`password (shown once): ${password}`)
      return 0
    }
    case 'reset-password': {
      const { user, password } = await resetPassword(d, { username: c.name.toLowerCase() }, ctx)
      console.log(`new password for ${user.username} (shown once): ${password}`)
      return 0
    }
    case 'set-active': {
      const u = await updateUser(d, { username: c.name.toLowerCase() }, { active: c.active }, ctx)
      console.log(`${u.username} is now ${u.active ? 'active' : 'disabled'}`)
      return 0
    }
    case 'set-org': {
      const u = await updateUser(d, { username: c.name.toLowerCase() }, { department: c.org }, ctx)
      console.log(`${u.username}: ${u.department ? `department ${dept(u)}` : 'no department'}`)
      return 0
    }
    case 'list-users': {
      const users = await listUsersIn(d)
      if (!users.length) console.log('(no users)')
      for (const u of users)
        console.log(
          [
            u.username.padEnd(24),
            (u.active ? '' : '[disabled] ') + u.roles.join(',').padEnd(20),
            (u.area ? `${u.area.code} ${u.area.name}` : 'whole city').padEnd(24),
            (u.department ? dept(u) : '-').padEnd(32),
            `last sign-in ${when(u.lastLoginAt)}`,
            u.lockedUntil && u.lockedUntil > new Date() ? `locked until ${when(u.lockedUntil)}` : '',
          ]
            .join('  ')
            .trimEnd(),
        )
      return 0
    }
    case 'create-token': {
      const { token, info } = await createToken(
        d,
        { name: c.name, role: c.role, areaCode: c.area, createdBy: ctx.actor },
        ctx.audit,
      )
      console.log(
        `created token "${info.name}" (${info.role}; area ${info.area ? `${info.area.code} ${info.area.name}` : 'whole city'})`,
      )
      console.log(`token (shown once; send as "Authorization: Bearer <token>"): ${token}`)
      return 0
    }
    case 'revoke-token': {
      const revoked = await revokeToken(d, { name: c.name }, ctx)
      console.log(`revoked ${revoked.length} token(s) named "${c.name}"`)
      return 0
    }
    case 'list-tokens': {
      const tokens = await listTokensIn(d)
      if (!tokens.length) console.log('(no tokens)')
      for (const t of tokens)
        console.log(
          [
            t.name.padEnd(24),
            t.role.padEnd(18),
            (t.area ? `${t.area.code} ${t.area.name}` : 'whole city').padEnd(24),
            t.revokedAt ? `revoked ${when(t.revokedAt)}` : `last used ${when(t.lastUsedAt)}`,
          ].join('  '),
        )
      return 0
    }
  }
}

async function main(): Promise<number> {
  const parsed = parseAdminArgs(process.argv.slice(2))
  if (!parsed.ok) {
    if (parsed.help) {
      console.log(ADMIN_USAGE)
      return 0
    }
    console.error(`admin: ${parsed.message}\n\n${ADMIN_USAGE}`)
    return 2
  }
  const d = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: join(process.env.YIWANG_DATA_DIR ?? './data', 'pglite'),
  })
  try {
    await migrate(d)
    return await run(d, parsed.command)
  } catch (e) {
    if (e instanceof AccessError) {
      console.error(`admin: ${e.message}`)
      return 1
    }
    throw e
  } finally {
    await d.close()
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    console.error(e)
    process.exitCode = 1
  },
)
