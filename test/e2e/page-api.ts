import type { Page } from 'playwright-core'

/** Calls the app makes from inside a page, with the page's session cookie (the browser tests' helpers). */

type GridNode = { id: number; code: string; level: number; childCount: number; center: [number, number] }

/** A tRPC query; throws with the status and body when it fails. */
export async function query<T>(page: Page, path: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ({ path, input }) => {
      const res = await fetch(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`)
      const body = await res.json()
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`)
      return body.result.data
    },
    { path, input },
  ) as Promise<T>
}

/** A tRPC mutation; resolves to the HTTP status and the body. */
export async function mutate(
  page: Page,
  path: string,
  input: unknown,
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ path, input }) => {
      const res = await fetch(`/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      })
      return { status: res.status, body: await res.json() }
    },
    { path, input },
  )
}

/** A point surely inside a leaf grid of the caller's area (a grid's label point), under `code`. */
export async function leafPoint(page: Page, underCode?: string): Promise<[number, number]> {
  let nodes = await query<GridNode[]>(page, 'grid.children', { parentId: null })
  for (let depth = 0; depth < 8; depth++) {
    const node = nodes.find((n) => n.code === underCode) ?? nodes.find((n) => n.childCount > 0) ?? nodes[0]
    if (!node) throw new Error('no grids in the caller’s area')
    if (node.level >= 5 || node.childCount === 0) return node.center
    nodes = await query<GridNode[]>(page, 'grid.children', { parentId: node.id })
  }
  throw new Error('the grid hierarchy is deeper than expected')
}

/** Fill the sign-in form shown on `page` and wait until the app is ready behind it. */
export async function submitSignIn(page: Page, login: { username: string; password: string }) {
  await page.getByTestId('signin-username').fill(login.username)
  await page.getByTestId('signin-password').fill(login.password)
  await page.getByTestId('signin-submit').click()
  await page.getByTestId('signin').waitFor({ state: 'detached', timeout: 30_000 })
  await page.getByTestId('loading').waitFor({ state: 'hidden', timeout: 120_000 })
}
