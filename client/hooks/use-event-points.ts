import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type EventPoints, parseEventPoints } from '../lib/points-binary.ts'

export interface EventPointsState {
  points: EventPoints | null
  /** The server capped the answer (`x-points-truncated: 1`). */
  truncated: boolean
  loading: boolean
  error: string | null
}

/**
 * Every event matching the events filters, from `GET /points/events.bin?{filters}` (the session
 * cookie goes with it), parsed into typed arrays for deck.gl. The previous points stay drawn while
 * the next filters load.
 */
export function useEventPoints(url: string, enabled: boolean): EventPointsState {
  const query = useQuery({
    queryKey: ['points', url],
    queryFn: async ({ signal }) => {
      const res = await fetch(url, { signal, headers: { accept: 'application/octet-stream' } })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      const parsed = parseEventPoints(await res.arrayBuffer())
      if (!parsed.ok) throw new Error(parsed.reason)
      return { points: parsed.points, truncated: res.headers.get('x-points-truncated') === '1' }
    },
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    // Megabytes each: keep little in memory.
    gcTime: 30_000,
    retry: false,
  })
  const data = enabled ? query.data : undefined
  return {
    points: data?.points ?? null,
    truncated: data?.truncated ?? false,
    loading: enabled && query.isFetching,
    error:
      enabled && query.error
        ? query.error instanceof Error
          ? query.error.message
          : String(query.error)
        : null,
  }
}
