import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { useDebounced } from '../../hooks/use-debounced.ts'
import type { Bbox } from '../../lib/bbox.ts'
import type { LayerKind } from '../../lib/layer-enums.ts'
import { countsFilters, type MapLayers } from '../../lib/map-layers.ts'
import { type RouterOutputs, trpc } from '../../trpc.ts'

export interface LayerCounts {
  /** Elements in view per layer that is on; null until the first answer. */
  values: Partial<Record<LayerKind, number>> | null
  /** Layers whose count reached the server's cap (shown as "over …"). */
  capped: Partial<Record<LayerKind, boolean>>
  loading: boolean
}

type Answer = RouterOutputs['map']['counts']

/** Degrees to 5 decimals (about a metre), inside what the server accepts. */
function viewBox([w, s, e, n]: Bbox): [number, number, number, number] {
  const r = (v: number) => Math.round(v * 1e5) / 1e5
  const clamp = (v: number, limit: number) => Math.max(-limit, Math.min(limit, v))
  return [r(clamp(w, 180)), r(clamp(s, 85.05)), r(clamp(e, 180)), r(clamp(n, 85.05))]
}

/** The panel's numbers from map.counts: places are its buildings, compounds and public places. */
export function countsOf(answer: Answer): Pick<LayerCounts, 'values' | 'capped'> {
  const values: Partial<Record<LayerKind, number>> = {}
  const capped: Partial<Record<LayerKind, boolean>> = {}
  const take = (kind: LayerKind, parts: (Answer[keyof Answer] | undefined)[]) => {
    const present = parts.filter((p) => p !== undefined)
    if (!present.length) return
    values[kind] = present.reduce((sum, p) => sum + p.n, 0)
    capped[kind] = present.some((p) => p.capped)
  }
  take('people', [answer.people])
  take('places', [answer.buildings, answer.compounds, answer.places])
  take('things', [answer.things])
  take('events', [answer.events])
  take('orgs', [answer.orgs])
  return { values, capped }
}

/**
 * How many elements of each layer that is on lie in the view (tRPC map.counts with the view's
 * bbox and the active filters), asked again once the camera has settled for 400 ms.
 */
export function useLayerCounts(bbox: Bbox | null, layers: MapLayers, can: { tags: boolean }): LayerCounts {
  const settled = useDebounced(bbox, 400)
  const filters = useMemo(() => countsFilters(layers, can), [layers, can])
  const input = settled ? { bbox: viewBox(settled), layers: filters } : null
  const query = useQuery({
    ...trpc.map.counts.queryOptions(input ?? { bbox: [0, 0, 1, 1], layers: {} }),
    enabled: input !== null && Object.keys(filters).length > 0 && input.bbox[0] < input.bbox[2],
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  })
  const counts = useMemo(
    () => (query.data ? countsOf(query.data) : { values: null, capped: {} }),
    [query.data],
  )
  return { ...counts, loading: query.isFetching }
}
