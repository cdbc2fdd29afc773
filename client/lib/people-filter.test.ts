import { describe, expect, it } from 'vitest'
import { PERSON_TAGS as SERVER_TAGS } from '../../db/schema/people.ts'
import {
  ageIn,
  EMPTY_PEOPLE_FILTER,
  PERSON_TAGS,
  peopleExportUrl,
  peopleFilterProblem,
  peopleQuery,
} from './people-filter.ts'

describe('people filter', () => {
  it('leaves empty fields out and trims the rest', () => {
    expect(peopleQuery(EMPTY_PEOPLE_FILTER)).toEqual({})
    expect(
      peopleQuery({ ...EMPTY_PEOPLE_FILTER, gridCode: ' 371002 ', name: ' 王 ', residence: 'floating' }),
    ).toEqual({ gridCode: '371002', name: '王', residence: 'floating' })
  })

  it('normalises an ID number and says when it is malformed', () => {
    const form = { ...EMPTY_PEOPLE_FILTER, idNumber: '37100219900101123x ' }
    expect(peopleFilterProblem(form)).toBeNull()
    expect(peopleQuery(form).idNumber).toBe('37100219900101123X')
    expect(peopleFilterProblem({ ...EMPTY_PEOPLE_FILTER, idNumber: '12345' })).toBe('idNumber')
    expect(peopleFilterProblem({ ...EMPTY_PEOPLE_FILTER, idNumber: "1' OR 1=1" })).toBe('idNumber')
  })

  it('builds the export URL without the ID number', () => {
    expect(peopleExportUrl(EMPTY_PEOPLE_FILTER)).toBe('/exports/people.csv')
    expect(
      peopleExportUrl({
        ...EMPTY_PEOPLE_FILTER,
        gridCode: '371002',
        tag: 'disabled',
        idNumber: '371002199001011234',
      }),
    ).toBe('/exports/people.csv?gridCode=371002&tag=disabled')
  })

  it('offers exactly the tags the server knows', () => {
    expect([...PERSON_TAGS].sort()).toEqual([...SERVER_TAGS].sort())
  })

  it('counts age from the birth year', () => {
    expect(ageIn(2026, 1946)).toBe(80)
    expect(ageIn(2026, 2030)).toBe(0)
  })
})
