import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Database } from '../../db/client.ts'
import type { Permission } from '../security/permissions.ts'
import type { Principal } from '../security/principal.ts'

/**
 * The checks every plain HTTP route (tiles, exports) makes before it reads data, in the order a
 * client can act on: 503 while the database is starting, 401 without a caller, 403 without each
 * permission. Returns the database and the caller, or null once the reply has been sent.
 */
export function guardRoute(
  req: FastifyRequest,
  reply: FastifyReply,
  db: Database | null,
  needs: readonly Permission[],
): { d: Database; principal: Principal } | null {
  if (!db) {
    void reply
      .code(503)
      .header('retry-after', '5')
      .send({ error: 'starting', message: '服务正在启动 / The server is still starting' })
    return null
  }
  const principal = req.principal ?? null
  if (!principal) {
    void reply.code(401).send({ error: 'unauthorized', message: '请先登录 / Please sign in' })
    return null
  }
  for (const p of needs) {
    if (!principal.permissions.has(p)) {
      void reply.code(403).send({
        error: 'forbidden',
        message: `没有权限：需要 "${p}" / Forbidden: this needs "${p}"`,
      })
      return null
    }
  }
  return { d: db, principal }
}
