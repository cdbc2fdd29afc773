import { describe, expect, it } from 'vitest'
import { isRoleId, sortRoles } from './roles.ts'

describe('roles', () => {
  it('knows the role ids', () => {
    expect(isRoleId('grid-worker')).toBe(true)
    expect(isRoleId('root')).toBe(false)
  })

  it('sorts roles from the city down, unknown ones last, without duplicates', () => {
    expect(sortRoles(['admin', 'grid-worker', 'city-leader', 'admin'])).toEqual([
      'city-leader',
      'grid-worker',
      'admin',
    ])
    expect(sortRoles(['zeta', 'auditor'])).toEqual(['auditor', 'zeta'])
  })
})
