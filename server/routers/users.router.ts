import { z } from 'zod'
import { gridByCode } from '../../db/queries/access.queries.ts'
import { departmentsUnder } from '../../db/queries/user-departments.queries.ts'
import { ROLE_IDS } from '../../db/schema/access.ts'
import {
  type AdminContext,
  createToken,
  createUser,
  listTokensIn,
  listUsersIn,
  resetPassword,
  revokeToken,
  updateUser,
} from '../auth/admin.ts'
import { actorOf } from '../auth/audit.ts'
import { auditOf, httpOf, requirePermission, toTrpcError } from '../auth/procedures.ts'
import type { Context } from '../context.ts'
import type { Principal } from '../security/principal.ts'
import { router } from '../trpc.ts'

const manage = requirePermission('users.manage')
const id = z.number().int().positive().max(2_147_483_647)
const role = z.enum(ROLE_IDS)
const areaCode = z
  .string()
  .trim()
  .max(40)
  .regex(/^[0-9A-Za-z-]*$/, '区划/网格代码只含数字和字母 / a code has digits and letters only')
  .nullable()
/** A department: its organisation id, or its code (DEPT-CGJ-371002); null none. */
const department = z
  .union([
    id,
    z
      .string()
      .trim()
      .max(64)
      .regex(
        /^[0-9A-Za-z_-]*$/,
        '部门代码只含字母、数字、- 和 _ / a department code has letters, digits, - and _',
      ),
  ])
  .nullable()

function adminCtx(ctx: Context & { principal: Principal }): AdminContext {
  const http = httpOf(ctx)
  const deps = http?.env?.deps
  return {
    actor: actorOf(ctx.principal, http?.req.ip),
    audit: auditOf(ctx),
    scope: ctx.principal.area,
    ...(deps ? { deps } : {}),
  }
}

/**
 * Users and API tokens, for administrators ('users.manage'). An administrator sees and assigns
 * only areas inside their own; every change is audited with before and after.
 */
export const usersRouter = router({
  list: manage.query(({ ctx }) => listUsersIn(ctx.db, ctx.principal.area)),

  /** Returns the generated password once. */
  create: manage
    .input(
      z.object({
        username: z.string().min(2).max(64),
        displayName: z.string().max(100).optional(),
        roles: z.array(role).min(1).max(ROLE_IDS.length),
        areaCode,
        department: department.optional(),
      }),
    )
    .mutation(({ ctx, input }) => createUser(ctx.db, input, adminCtx(ctx)).catch(toTrpcError)),

  update: manage
    .input(
      z.object({
        id,
        displayName: z.string().max(100).optional(),
        roles: z.array(role).min(1).max(ROLE_IDS.length).optional(),
        areaCode: areaCode.optional(),
        department: department.optional(),
        active: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { id: userId, ...changes } = input
      return updateUser(ctx.db, { id: userId }, changes, adminCtx(ctx)).catch(toTrpcError)
    }),

  /**
   * The departments a user may be attached to: those serving the administrator's area or a part of
   * it (not the city's departments for a district administrator); `q` matches name, code or kind;
   * with `areaCode` (the user's area), only those serving a part of it or an area containing it.
   */
  departments: manage
    .input(
      z
        .object({
          q: z.string().max(50).default(''),
          limit: z.number().int().min(1).max(500).default(50),
          areaCode: areaCode.optional(),
        })
        .strict()
        .default({ q: '', limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      const area = input.areaCode ? await gridByCode(ctx.db, input.areaCode) : null
      // An area the caller cannot see offers nothing (the admin cannot give it anyway).
      if (input.areaCode && !area) return []
      const rows = await departmentsUnder(ctx.db, ctx.principal.area.path, {
        q: input.q,
        limit: input.limit,
        ...(area ? { overlapping: area.path } : {}),
      })
      return rows.map((o) => ({
        id: o.id,
        code: o.code,
        name: o.name,
        departmentKind: o.departmentKind,
        areaLevel: o.areaLevel,
        areaCode: o.areaCode,
        areaName: o.areaName,
      }))
    }),

  /** A new generated password (returned once); unlocks the account and ends its sessions. */
  resetPassword: manage
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => resetPassword(ctx.db, { id: input.id }, adminCtx(ctx)).catch(toTrpcError)),

  tokens: manage.query(({ ctx }) => listTokensIn(ctx.db, ctx.principal.area)),

  /** Returns the token (yw_…) once. */
  createToken: manage
    .input(z.object({ name: z.string().min(1).max(64), role, areaCode }))
    .mutation(({ ctx, input }) => {
      const a = adminCtx(ctx)
      return createToken(ctx.db, { ...input, createdBy: a.actor }, a.audit, {
        scope: ctx.principal.area,
        ...(a.deps ? { deps: a.deps } : {}),
      }).catch(toTrpcError)
    }),

  revokeToken: manage
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => revokeToken(ctx.db, { id: input.id }, adminCtx(ctx)).catch(toTrpcError)),
})
