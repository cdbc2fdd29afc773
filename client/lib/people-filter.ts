/** The group tags, in the order the filter offers them (the server's list: db/schema/people.ts). */
export const PERSON_TAGS = [
  'elderly_alone',
  'elderly',
  'disabled',
  'low_income',
  'veteran',
  'party_member',
  'key_group',
  'left_behind_child',
] as const

/** The people register's filter as the form holds it (strings), and what the server is asked. */
export interface PeopleFilterForm {
  /** An area code, or '' for the caller's whole area. */
  gridCode: string
  name: string
  idNumber: string
  tag: string
  residence: string
}

export const EMPTY_PEOPLE_FILTER: PeopleFilterForm = {
  gridCode: '',
  name: '',
  idNumber: '',
  tag: '',
  residence: '',
}

const ID_NUMBER = /^(\d{17}[\dXx]|\d{15})$/

/** What is wrong with the form, or null: only an ID number can be malformed. */
export function peopleFilterProblem(form: PeopleFilterForm): 'idNumber' | null {
  const id = form.idNumber.replace(/\s+/g, '')
  return id && !ID_NUMBER.test(id) ? 'idNumber' : null
}

export interface PeopleQuery {
  gridCode?: string
  name?: string
  idNumber?: string
  tag?: string
  residence?: 'registered' | 'floating'
}

/** The list's input: empty fields left out, whitespace trimmed. */
export function peopleQuery(form: PeopleFilterForm): PeopleQuery {
  const q: PeopleQuery = {}
  if (form.gridCode.trim()) q.gridCode = form.gridCode.trim()
  if (form.name.trim()) q.name = form.name.trim().slice(0, 20)
  const id = form.idNumber.replace(/\s+/g, '')
  if (id) q.idNumber = id.toUpperCase()
  if (form.tag) q.tag = form.tag
  if (form.residence === 'registered' || form.residence === 'floating') q.residence = form.residence
  return q
}

/** The CSV export of the same selection. ID numbers never go into a URL, so they are left out. */
export function peopleExportUrl(form: PeopleFilterForm): string {
  const { idNumber: _id, ...rest } = peopleQuery(form)
  const params = new URLSearchParams(Object.entries(rest) as [string, string][])
  const qs = params.toString()
  return `/exports/people.csv${qs ? `?${qs}` : ''}`
}

/** Age in whole years this year (birth dates are not kept, only the year). */
export function ageIn(year: number, birthYear: number): number {
  return Math.max(0, year - birthYear)
}
