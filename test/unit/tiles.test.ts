import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { describe, expect, it } from 'vitest'
import { gridLevelsForZoom } from '../../db/queries/tiles.queries.ts'
import { encodeTile, parseLevels, parseTileAddress } from '../../server/tiles/grid-tiles.ts'

describe('tile addresses and filters', () => {
  it('accepts z/x/y inside the pyramid and refuses the rest', () => {
    expect(parseTileAddress('0', '0', '0')).toEqual({ z: 0, x: 0, y: 0 })
    expect(parseTileAddress('14', '13727', '6290')).toEqual({ z: 14, x: 13727, y: 6290 })
    expect(parseTileAddress('1', '2', '0')).toBeNull()
    expect(parseTileAddress('23', '0', '0')).toBeNull()
    expect(parseTileAddress('-1', '0', '0')).toBeNull()
    expect(parseTileAddress('1e1', '0', '0')).toBeNull()
  })

  it('allows only level lists of 1–6 and never passes other text on', () => {
    expect(parseLevels(undefined, 9)).toEqual(gridLevelsForZoom(9))
    expect(parseLevels('2,3,3', 9)).toEqual([2, 3])
    for (const bad of ['1;DROP TABLE grids', '7', '1,,2', "1' OR '1'='1", '0', ['1']]) {
      expect(parseLevels(bad, 9)).toHaveProperty('error')
    }
  })

  it('shows coarser levels at low zoom and grids at high zoom', () => {
    expect(gridLevelsForZoom(7)).toContain(2)
    expect(gridLevelsForZoom(15)).toContain(5)
  })

  it('encodes features that decode back with their properties and geometry', () => {
    const buf = encodeTile({
      grids: [
        {
          type: 3,
          geometry: [
            [
              [0, 0],
              [100, 0],
              [100, 100],
              [0, 100],
              [0, 0],
            ],
          ],
          properties: { id: 7, code: '371002', name: '环翠区', level: 2, kind: '区' },
        },
      ],
      grid_labels: [
        {
          type: 1,
          geometry: [[[50, 50]]],
          properties: { id: 7, code: '371002', name: '环翠区', level: 2, kind: '区' },
        },
      ],
    })
    const tile = new VectorTile(new PbfReader(buf))
    expect(Object.keys(tile.layers).sort()).toEqual(['grid_labels', 'grids'])
    const f = tile.layers.grids!.feature(0)
    expect(f.properties.name).toBe('环翠区')
    expect(f.type).toBe(3)
    expect(f.loadGeometry()[0]).toHaveLength(5)
    expect(tile.layers.grid_labels!.feature(0).loadGeometry()[0]![0]).toMatchObject({ x: 50, y: 50 })
  })

  it('gives an empty buffer for a tile without features', () => {
    expect(encodeTile({ grids: [], grid_labels: [] }).length).toBe(0)
  })
})
