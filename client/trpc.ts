import { QueryCache, QueryClient } from '@tanstack/react-query'
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client'
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query'
// Only the router's type crosses into the client; no server code is bundled.
import type { AppRouter } from '../server/routers/index.ts'

export type { AppRouter }

export type RouterInputs = inferRouterInputs<AppRouter>
export type RouterOutputs = inferRouterOutputs<AppRouter>

/** One area of the grid hierarchy as the tree and the search list show it. */
export type GridNode = RouterOutputs['grid']['children'][number]
/** One area with its geometry, ancestors and element counts. */
export type GridDetail = RouterOutputs['grid']['get']
export type GridSearchHit = RouterOutputs['grid']['search'][number]
/** The signed-in caller: name, roles, permissions and area. */
export type Me = RouterOutputs['auth']['me']

/** Whether the server refused a request because nobody (or an expired session) is signed in. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && error.data?.code === 'UNAUTHORIZED'
}

/** Told when any request comes back UNAUTHORIZED: the session ended (expired, revoked, signed out). */
export const sessionEvents = new EventTarget()
export const SESSION_LOST = 'session-lost'

export const queryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      // auth.session's own refusal (an old server, or a token gone) is how the sign-in screen learns it is needed; anything else means the
      // session ended under the user's feet.
      if (isUnauthorized(error) && !isMeKey(query.queryKey))
        sessionEvents.dispatchEvent(new Event(SESSION_LOST))
    },
  }),
  defaultOptions: {
    queries: {
      // The hierarchy changes only when a planner publishes a new version.
      staleTime: 5 * 60_000,
      gcTime: 30 * 60_000,
      refetchOnWindowFocus: false,
      retry: (failureCount, error) => {
        // A request the server refused for a reason stays refused; a network hiccup is retried.
        if (error instanceof TRPCClientError && error.data?.httpStatus && error.data.httpStatus < 500)
          return false
        return failureCount < 2
      },
    },
  },
})

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    // Subscriptions (events.live) over Server-Sent Events: the browser's EventSource reconnects
    // by itself after a network drop; everything else in batches.
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url: '/trpc' }),
      false: httpBatchLink({ url: '/trpc', maxURLLength: 3500, maxItems: 20 }),
    }),
  ],
})

export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient })

function isMeKey(key: readonly unknown[]): boolean {
  const path = key[0]
  return Array.isArray(path) && path[0] === 'auth' && (path[1] === 'me' || path[1] === 'session')
}

/** The message a person can act on, from a tRPC error or anything else thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
