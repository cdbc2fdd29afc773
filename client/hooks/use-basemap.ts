import { useQuery } from '@tanstack/react-query'
import { type BasemapConfig, resolveBasemap } from '../map/basemap-source.ts'
import type { BasemapSource } from '../map/basemap-style.ts'

/**
 * The base map the server is configured with (GET /api/basemap), ready for the style; null for
 * none, while loading, or when it cannot be used (the map then keeps its offline style).
 */
export function useBasemap(): {
  basemap: BasemapSource | null
  configured: BasemapConfig['kind']
  error: string | null
} {
  const config = useQuery({
    queryKey: ['basemap', 'config'],
    queryFn: async (): Promise<BasemapConfig> => {
      const res = await fetch('/api/basemap', { headers: { accept: 'application/json' } })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      return (await res.json()) as BasemapConfig
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: 1,
  })
  const kind = config.data?.kind ?? 'none'
  const source = useQuery({
    queryKey: ['basemap', 'source', config.data],
    queryFn: () => resolveBasemap(config.data ?? { kind: 'none' }, location.origin),
    enabled: kind !== 'none',
    staleTime: Number.POSITIVE_INFINITY,
    retry: 1,
  })
  const failure = config.error ?? source.error
  return {
    basemap: kind === 'none' ? null : (source.data ?? null),
    configured: kind,
    error: failure ? (failure instanceof Error ? failure.message : String(failure)) : null,
  }
}
