import { addProtocol, type StyleSpecification } from 'maplibre-gl'
import { PMTiles, Protocol, TileType } from 'pmtiles'
// Only the type crosses from the server: what GET /api/basemap answers.
import type { BasemapConfig } from '../../server/http/basemap.ts'
import type { BasemapSource } from './basemap-style.ts'

export type { BasemapConfig }

let protocol: Protocol | null = null

/** The PMTiles protocol for MapLibre (`pmtiles://…`), added once. */
function pmtilesProtocol(): Protocol {
  if (!protocol) {
    protocol = new Protocol()
    addProtocol('pmtiles', protocol.tile)
  }
  return protocol
}

const absolute = (origin: string, url: string) => (url.startsWith('/') ? `${origin}${url}` : url)

/**
 * Turns the server's configuration into tiles for the style: a PMTiles file is opened (its header
 * says vector or raster), a style URL is fetched. Null for none or when it cannot be used; the map
 * then stays on its offline style.
 */
export async function resolveBasemap(config: BasemapConfig, origin: string): Promise<BasemapSource | null> {
  switch (config.kind) {
    case 'none':
      return null
    case 'xyz':
      return {
        kind: 'raster',
        tiles: config.tiles.map((url) => absolute(origin, url)),
        tileSize: config.tileSize,
      }
    case 'tianditu':
      return { kind: 'raster', tiles: config.tiles, labels: config.labels, tileSize: 256 }
    case 'vector': {
      if ('tiles' in config)
        return { kind: 'vector', tiles: config.tiles.map((url) => absolute(origin, url)) }
      const res = await fetch(absolute(origin, config.style))
      if (!res.ok) throw new Error(`base map style: HTTP ${res.status}`)
      return { kind: 'style', style: (await res.json()) as StyleSpecification }
    }
    case 'pmtiles': {
      const url = absolute(origin, config.url)
      const archive = new PMTiles(url)
      pmtilesProtocol().add(archive)
      const header = await archive.getHeader()
      return header.tileType === TileType.Mvt
        ? { kind: 'vector', url: `pmtiles://${url}` }
        : { kind: 'raster', url: `pmtiles://${url}`, tileSize: 256 }
    }
  }
}
