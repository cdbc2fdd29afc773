import { useQuery } from '@tanstack/react-query'
import { createTRPCClient, httpBatchLink } from '@trpc/client'
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query'
// Only the router's type crosses into the client, as for AppRouter (client/trpc.ts).
import type { DepartmentItem, DepartmentsApi } from '../../../server/routers/departments.router.ts'
import { queryClient } from '../../trpc.ts'

export type { DepartmentItem }

/**
 * departments.list (server/routers/departments.router.ts), typed on its own router so that the
 * workbench builds before it is mounted in appRouter as `departments`; the path is the same.
 */
const client = createTRPCClient<DepartmentsApi>({
  links: [httpBatchLink({ url: '/trpc', maxURLLength: 3500, maxItems: 20 })],
})
const departments = createTRPCOptionsProxy<DepartmentsApi>({ client, queryClient })

/** The departments to dispatch to or summon: those serving the event's place, or all visible. */
export function useDepartments(eventId?: number, enabled = true) {
  return useQuery({
    ...departments.departments.list.queryOptions(eventId === undefined ? {} : { eventId }),
    staleTime: 10 * 60_000,
    enabled,
  })
}

/** A department as a select shows it: name, with the area it serves when that is not in its name. */
export function departmentLabel(d: DepartmentItem): string {
  return d.areaName && !d.name.startsWith(d.areaName) ? `${d.name}（${d.areaName}）` : d.name
}
