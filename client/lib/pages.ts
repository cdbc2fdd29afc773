/** The pages of the app and the permission each needs; the map is everyone's. */
export const PAGES = ['map', 'workbench', 'intake', 'kpi', 'people', 'users', 'loop-admin', 'audit'] as const
export type Page = (typeof PAGES)[number]

const NEEDS: Record<Page, string | null> = {
  map: null,
  workbench: 'events.read',
  intake: 'events.write',
  kpi: 'events.read',
  people: 'people.read',
  users: 'users.manage',
  'loop-admin': 'users.manage',
  audit: 'audit.read',
}

export function isPage(value: unknown): value is Page {
  return typeof value === 'string' && (PAGES as readonly string[]).includes(value)
}

/** The pages someone with `permissions` may open, in navigation order. */
export function pagesFor(permissions: readonly string[]): Page[] {
  return PAGES.filter((page) => {
    const needs = NEEDS[page]
    return needs === null || permissions.includes(needs)
  })
}

/** The page to show: the one asked for when allowed, the map otherwise. */
export function allowedPage(page: Page, permissions: readonly string[]): Page {
  return pagesFor(permissions).includes(page) ? page : 'map'
}
