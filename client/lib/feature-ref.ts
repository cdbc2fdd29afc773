/** An element of the map the detail panel can show (server: feature.get). */
export const FEATURE_KINDS = ['event', 'building', 'compound', 'place', 'thing', 'org'] as const
export type FeatureKind = (typeof FEATURE_KINDS)[number]

export interface FeatureRef {
  kind: FeatureKind
  id: number
}

export function isFeatureKind(value: unknown): value is FeatureKind {
  return typeof value === 'string' && (FEATURE_KINDS as readonly string[]).includes(value)
}

/**
 * The element a clicked tile feature stands for, from its source layer and properties
 * (docs/layers.md); null for aggregated cells, which are counts, not elements.
 */
export function featureOfTile(sourceLayer: string, properties: Record<string, unknown>): FeatureRef | null {
  const id = Number(properties.building_id ?? properties.id)
  if (!Number.isSafeInteger(id) || id <= 0) return null
  switch (sourceLayer) {
    case 'events':
      return { kind: 'event', id }
    case 'buildings':
    case 'building_points':
    case 'people_buildings':
      return { kind: 'building', id }
    case 'compounds':
      return { kind: 'compound', id }
    case 'public_places':
      return { kind: 'place', id }
    case 'things':
    case 'camera_coverage':
      return { kind: 'thing', id }
    case 'orgs':
      return { kind: 'org', id }
    default:
      return null
  }
}

/** `event:123` in the URL. */
export function encodeFeatureRef(f: FeatureRef): string {
  return `${f.kind}:${f.id}`
}

export function decodeFeatureRef(s: string | null): FeatureRef | null {
  const m = /^([a-z]+):(\d{1,15})$/.exec(s ?? '')
  if (!m || !isFeatureKind(m[1])) return null
  const id = Number(m[2])
  return id > 0 ? { kind: m[1], id } : null
}

export const featureTitleKey = (kind: FeatureKind) => `feature.title.${kind}` as const
