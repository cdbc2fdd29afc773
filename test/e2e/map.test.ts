import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { en } from '../../client/i18n/en.ts'
import { zhCN } from '../../client/i18n/zh-CN.ts'
import { loadWeihaiDivisions } from '../../db/seed/divisions.ts'
import { SCALES } from '../../db/seed/scales.ts'
import type { ScaleName } from '../../db/seed/types.ts'
import { demoLogin, RESULTS_DIR, type RunningApp, startApp } from './app.ts'
import { type BrowserSession, decodePng, launchBrowser, pixelDiff, pixelStats, type Rgba } from './browser.ts'

/**
 * The one map in a real browser: `npm start` on a fresh PGlite data folder, driven in Debian's
 * Chromium. Screenshots land in test-results/.
 */

const SHOTS = join(RESULTS_DIR, 'e2e')
const WEIHAI = loadWeihaiDivisions()
/** County-level codes of Weihai (3710xx), not the city's own (371000). */
const isDistrictCode = (code: string) => /^3710\d\d$/.test(code) && code !== WEIHAI.city.code

async function shot(target: Page | Locator, name: string): Promise<Rgba> {
  const png = await target.screenshot({ animations: 'disabled' })
  writeFileSync(join(SHOTS, `${name}.png`), png)
  return decodePng(png)
}

/**
 * Screenshots of the map until two in a row are alike (tiles loaded, camera still), so that a
 * check never looks at a half-drawn frame. Returns the last one.
 */
async function settledMap(page: Page, timeoutMs = 60_000): Promise<Rgba> {
  const map = page.getByTestId('map')
  const deadline = Date.now() + timeoutMs
  let prev = decodePng(await map.screenshot())
  for (;;) {
    await page.waitForTimeout(750)
    const cur = decodePng(await map.screenshot())
    const change = pixelDiff(prev, cur)
    if (change < 0.0005 && pixelStats(cur).colours > 1) return cur
    if (Date.now() > deadline)
      throw new Error(`the map kept changing for ${timeoutMs / 1000} s (last ${change})`)
    prev = cur
  }
}

describe.skipIf(!inject('parts').chromium.ok)('the one map in Chromium', () => {
  let app: RunningApp
  let browser: BrowserSession
  let page: Page
  let drawn: Rgba
  const scale = (process.env.YIWANG_E2E_SCALE || 'demo') as ScaleName

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    app = await startApp()
    browser = await launchBrowser()
    page = await browser.newPage({ width: 1600, height: 1000 })
  }, 400_000)

  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  it('answers /healthz with the database and the counts of the city', async () => {
    const res = await fetch(`${app.url}/healthz`)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({
      ok: true,
      db: { kind: 'pglite', postgis: expect.any(String) },
      counts: {
        grids: expect.any(Number),
        people: expect.any(Number),
        places: expect.any(Number),
        things: expect.any(Number),
        events: expect.any(Number),
        orgs: expect.any(Number),
      },
    })
    const { counts } = body as RunningApp['health']
    for (const [k, n] of Object.entries(counts)) expect(n, k).toBeGreaterThan(0)
    if (scale === 'demo') {
      expect(counts.grids).toBeGreaterThanOrEqual(2000)
      expect(counts.people).toBeGreaterThanOrEqual(100_000)
      expect(counts.events).toBeGreaterThanOrEqual(50_000)
    }
    process.stderr.write(`[e2e] ready in ${(app.readyMs / 1000).toFixed(1)} s at scale ${scale}\n`)
  })

  it('asks for sign-in first, and signs in with a demo account', async () => {
    browser.step = 'signin'
    const res = await page.goto(app.url, { waitUntil: 'load' })
    // The page runs under the strict Content-Security-Policy (no inline scripts, nothing from elsewhere).
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'")
    await page.getByTestId('signin').waitFor({ state: 'visible', timeout: 60_000 })
    expect(await page.getByTestId('map').count()).toBe(0)
    await shot(page, 'signin-1600x1000')
    const login = demoLogin(app, 'city-leader')
    await page.getByTestId('signin-username').fill(login.username)
    await page.getByTestId('signin-password').fill(login.password)
    await page.getByTestId('signin-submit').click()
    await page.getByTestId('signin').waitFor({ state: 'detached', timeout: 30_000 })
  })

  it('draws the map', async () => {
    browser.step = 'draw'
    await page.getByTestId('map').waitFor({ state: 'visible', timeout: 60_000 })
    await page.getByTestId('loading').waitFor({ state: 'hidden', timeout: 120_000 })
    drawn = await settledMap(page)
    await shot(page, 'map-1600x1000')
    const stats = pixelStats(drawn)
    process.stderr.write(`[e2e] map pixels: ${JSON.stringify(stats)}\n`)
    // A blank canvas has one colour; the grid boundaries, fills and labels give many.
    expect(stats.colours).toBeGreaterThanOrEqual(16)
    expect(stats.nonBackground).toBeGreaterThan(0.02)
  })

  it("lists the city's districts in the grid tree", async () => {
    browser.step = 'tree'
    const tree = page.getByTestId('grid-tree')
    await tree.waitFor({ state: 'visible' })
    const districts = tree.locator('[data-testid^="grid-node-3710"]')
    const expected = SCALES[scale].districts
    await expect
      .poll(async () => (await nodeCodes(districts)).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(expected)
    const names = new Map(WEIHAI.counties.map((c) => [c.code, c.name]))
    const codes = await nodeCodes(districts)
    expect(codes.length).toBe(expected)
    for (const code of codes) {
      expect(names.has(code), `${code} is a Weihai county-level code`).toBe(true)
      await expect
        .poll(() => page.getByTestId(`grid-node-${code}`).first().textContent())
        .toContain(names.get(code))
    }
  })

  it('selects a district from the tree: the map changes and the detail panel opens', async () => {
    browser.step = 'select'
    const districts = page.getByTestId('grid-tree').locator('[data-testid^="grid-node-3710"]')
    const [code] = await nodeCodes(districts)
    const node = page.getByTestId(`grid-node-${code}`)
    await node.scrollIntoViewIfNeeded()
    await node.click()
    const detail = page.getByTestId('grid-detail')
    await detail.waitFor({ state: 'visible', timeout: 30_000 })
    const name = WEIHAI.counties.find((c) => c.code === code)?.name ?? ''
    await expect.poll(() => detail.textContent(), { timeout: 30_000 }).toContain(name)
    const after = await settledMap(page)
    await shot(page, 'district-selected-1600x1000')
    const changed = pixelDiff(drawn, after)
    process.stderr.write(`[e2e] selecting ${code} changed ${(changed * 100).toFixed(1)}% of the map\n`)
    expect(changed).toBeGreaterThan(0.005)
    expect(pixelStats(after).colours).toBeGreaterThanOrEqual(16)
  })

  it('switches the interface to English', async () => {
    browser.step = 'english'
    const body = page.locator('body')
    expect(await body.textContent()).toContain(zhCN['tree.title'])
    const lang = page.getByTestId('lang-switch')
    if ((await lang.evaluate((el) => el.tagName)) === 'SELECT') await lang.selectOption('en')
    else {
      await lang.click()
      const choice = page
        .getByRole('menuitemradio', { name: 'English' })
        .or(page.getByRole('option', { name: 'English' }))
      if (await choice.count()) await choice.first().click()
    }
    await expect.poll(() => body.textContent(), { timeout: 10_000 }).toContain(en['tree.title'])
    expect(await body.textContent()).not.toContain(zhCN['tree.title'])
    expect(await page.evaluate(() => document.documentElement.lang)).toMatch(/^en/)
    await settledMap(page)
    await shot(page, 'english-1600x1000')
  })

  it('fits a 3840×2160 screen without overflowing', async () => {
    browser.step = '3840x2160'
    await page.setViewportSize({ width: 3840, height: 2160 })
    await settledMap(page)
    await shot(page, 'english-3840x2160')
    const size = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      scrollHeight: document.documentElement.scrollHeight,
      innerWidth,
      innerHeight,
    }))
    expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth)
    expect(size.scrollHeight).toBeLessThanOrEqual(size.innerHeight)
    const box = await page.getByTestId('map').boundingBox()
    expect(box?.width ?? 0).toBeGreaterThan(1920)
    await page.setViewportSize({ width: 1600, height: 1000 })
  })

  it('lists residents masked; a street leader unmasks one for a reason, and the auditor sees it', async () => {
    browser.step = 'people'
    const signInAs = async (role: string) => {
      await page.getByTestId('signout').click()
      await page.getByTestId('signin').waitFor({ state: 'visible', timeout: 30_000 })
      const login = demoLogin(app, role)
      await page.getByTestId('signin-username').fill(login.username)
      await page.getByTestId('signin-password').fill(login.password)
      await page.getByTestId('signin-submit').click()
      await page.getByTestId('signin').waitFor({ state: 'detached', timeout: 30_000 })
    }
    await signInAs('street-leader')
    await page.getByTestId('nav-people').click()
    const table = page.getByTestId('people-table')
    await table.waitFor({ state: 'visible', timeout: 30_000 })
    const masked = page.getByTestId('people-id-masked')
    await expect.poll(() => masked.count(), { timeout: 30_000 }).toBeGreaterThan(0)
    for (const text of await masked.allTextContents()) expect(text).toMatch(/^\d{6}\*{8}[\dX]{4}$/)
    expect(Number(await page.getByTestId('people-total').getAttribute('data-value'))).toBeGreaterThan(0)
    await shot(page, 'people-1600x1000')

    await page.getByTestId('people-row').first().click()
    const panel = page.getByTestId('person-panel')
    await panel.waitFor({ state: 'visible', timeout: 30_000 })
    const idCell = page.getByTestId('person-id-number')
    await expect.poll(() => idCell.textContent(), { timeout: 30_000 }).toMatch(/\*{8}/)
    await page.getByTestId('person-unmask').click()
    await page.getByTestId('person-reason').selectOption('visit')
    await page.getByTestId('person-reason-detail').fill('e2e 核对')
    await page.getByTestId('person-unmask-submit').click()
    await page.getByTestId('person-unmasked').waitFor({ state: 'visible', timeout: 30_000 })
    expect(await idCell.textContent()).toMatch(/^\d{17}[\dX]$/)
    await shot(page, 'person-unmasked-1600x1000')

    await signInAs('auditor')
    await page.getByTestId('nav-audit').click()
    const row = page.locator('[data-testid="audit-row"][data-action="person.unmask"]')
    await row.first().waitFor({ state: 'visible', timeout: 30_000 })
    expect(await row.first().textContent()).toContain('e2e 核对')
    await shot(page, 'audit-1600x1000')
  })

  it('logged no console errors and asked nothing of other machines', () => {
    expect(browser.errors).toEqual([])
    expect(browser.external()).toEqual([])
    expect(browser.requests.length).toBeGreaterThan(0)
  })
})

/** The codes of the grid-node elements a locator matches, from their data-testid. */
async function nodeCodes(nodes: Locator): Promise<string[]> {
  const ids = await nodes.evaluateAll((els) => els.map((el) => el.getAttribute('data-testid') ?? ''))
  return [...new Set(ids.map((id) => id.replace(/^grid-node-/, '')).filter(isDistrictCode))]
}
