import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { useBasemap } from '../../hooks/use-basemap.ts'
import { useEventPoints } from '../../hooks/use-event-points.ts'
import type { Bbox } from '../../lib/bbox.ts'
import type { CategoryNode } from '../../lib/category-selection.ts'
import { type MapLayers, pointsUrl } from '../../lib/map-layers.ts'
import { dayExtent } from '../../lib/time-window.ts'
import { trpc } from '../../trpc.ts'
import { useSession } from '../auth/session.ts'
import { useLayerCounts } from './use-layer-counts.ts'

const NO_CATEGORIES: readonly CategoryNode[] = []

/**
 * What the map's layers need besides the URL's state: the role's rights, the taxonomy and time
 * extent (map.meta), the counts in view (map.counts), all points when asked for, the base map.
 */
export function useLayerData(layers: MapLayers, bbox: Bbox | null) {
  const { me } = useSession()
  const canTags = me.permissions.includes('people.tags')
  const can = useMemo(() => ({ tags: canTags }), [canTags])
  const meta = useQuery(trpc.map.meta.queryOptions())
  const categories = meta.data?.categories ?? NO_CATEGORIES
  const extent = useMemo(() => dayExtent(meta.data?.events), [meta.data])
  const counts = useLayerCounts(bbox, layers, can)
  const points = useEventPoints(pointsUrl(layers), layers.on.events && layers.events.points)
  const basemap = useBasemap()
  return { can, categories, extent, counts, points, basemap }
}
