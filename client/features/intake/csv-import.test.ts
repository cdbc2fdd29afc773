import { describe, expect, it } from 'vitest'
import { parseCsv } from './CsvImport.tsx'

describe('parseCsv', () => {
  it('reads rows with their file line numbers, a BOM and blank lines ignored', () => {
    const r = parseCsv(
      '\uFEFFexternal_id,Title,lon,lat\nA-1,路灯不亮,122.1,37.5\n\nA-2,"井盖, 缺失",122.2,37.6\n',
    )
    expect('rows' in r && r.rows).toEqual([
      { line: 2, external_id: 'A-1', title: '路灯不亮', lon: '122.1', lat: '37.5' },
      { line: 4, external_id: 'A-2', title: '井盖, 缺失', lon: '122.2', lat: '37.6' },
    ])
  })
  it('refuses unknown and missing columns, naming them', () => {
    expect(parseCsv('external_id,title,lon,lat,colour\nA,b,1,2,red')).toEqual({
      error: 'unknown columns: colour',
    })
    expect(parseCsv('external_id,title,lon\nA,b,1')).toEqual({ error: 'missing column: lat' })
  })
})
