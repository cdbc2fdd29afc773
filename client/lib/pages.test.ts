import { describe, expect, it } from 'vitest'
import { allowedPage, isPage, pagesFor } from './pages.ts'

describe('pages', () => {
  it('offers the map to everyone and the others per permission', () => {
    expect(pagesFor([])).toEqual(['map'])
    expect(pagesFor(['grid.read', 'users.manage'])).toEqual(['map', 'users', 'loop-admin'])
    expect(pagesFor(['audit.read', 'users.manage'])).toEqual(['map', 'users', 'loop-admin', 'audit'])
    expect(pagesFor(['people.read'])).toEqual(['map', 'people'])
  })

  it('falls back to the map for a page the user may not open', () => {
    expect(allowedPage('audit', ['users.manage'])).toBe('map')
    expect(allowedPage('audit', ['audit.read'])).toBe('audit')
    expect(allowedPage('map', [])).toBe('map')
    expect(allowedPage('loop-admin', ['events.write'])).toBe('map')
    expect(allowedPage('loop-admin', ['users.manage'])).toBe('loop-admin')
  })

  it('knows its pages', () => {
    expect(isPage('users')).toBe(true)
    expect(isPage('admin')).toBe(false)
    expect(isPage(null)).toBe(false)
  })
})
