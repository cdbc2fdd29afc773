import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { demoLogin, RESULTS_DIR, type RunningApp, startApp } from './app.ts'
import { type BrowserSession, launchBrowser } from './browser.ts'
import { leafPoint, submitSignIn } from './page-api.ts'

/**
 * Photos on events in a real browser: a grid worker reports from a phone with two photos taken
 * (generated JPEGs, larger than the upload size, set on the file input); the photos are scaled in
 * the browser, shown as thumbnails (one removed and another added), and sent after the report is
 * stored — the first attempts fail (the network is cut), the report stands, the failure is shown
 * and a retry sends them. The event's gallery then shows them, one opens large and Esc closes it.
 * Screenshots land in test-results/e2e/photos-*.png.
 */

const SHOTS = join(RESULTS_DIR, 'e2e')
const UPLOADS = '**/api/events/*/attachments'

/** A JPEG drawn by the page's canvas (width × height, a gradient with a label), as bytes. */
async function makeJpeg(page: Page, width: number, height: number, label: string): Promise<Buffer> {
  const b64 = await page.evaluate(
    ({ width, height, label }) => {
      const c = document.createElement('canvas')
      c.width = width
      c.height = height
      const g = c.getContext('2d')!
      const grad = g.createLinearGradient(0, 0, width, height)
      grad.addColorStop(0, '#2a6f97')
      grad.addColorStop(1, '#e9c46a')
      g.fillStyle = grad
      g.fillRect(0, 0, width, height)
      g.fillStyle = '#fff'
      g.font = `bold ${Math.round(height / 6)}px sans-serif`
      g.fillText(label, width / 10, height / 2)
      return c.toDataURL('image/jpeg', 0.92).split(',')[1]!
    },
    { width, height, label },
  )
  return Buffer.from(b64, 'base64')
}

describe.skipIf(!inject('parts').chromium.ok)('photos on events, in Chromium', () => {
  let app: RunningApp
  let browser: BrowserSession
  let page: Page
  let eventId = 0

  const shot = async (name: string) => {
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(SHOTS, `photos-${name}.png`) })
  }

  const signInAs = async (role: string) => {
    if (await page.getByTestId('signout').isVisible()) await page.getByTestId('signout').click()
    else await page.goto(app.url, { waitUntil: 'load' })
    await page
      .getByTestId('signin')
      .waitFor({ state: 'visible', timeout: 60_000 })
      .catch((e: Error) => {
        throw new Error(`${e.message}\npage errors:\n${browser.errors.join('\n')}`)
      })
    const login = demoLogin(app, role)
    await submitSignIn(page, login)
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    app = await startApp()
    browser = await launchBrowser()
    page = await browser.newPage({ width: 390, height: 844 })
    await page.emulateMedia({ reducedMotion: 'reduce' })
  }, 400_000)

  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  it('reports from a phone with photos: scaled, thumbnails, sent after the report, retried', async () => {
    browser.step = 'report'
    await signInAs('grid-worker')
    const [lon, lat] = await leafPoint(page)
    // A phone's touch screen (pointer: coarse): the camera and the album are two buttons.
    const cdp = await browser.context.newCDPSession(page)
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 })
    await page.getByTestId('nav-intake').click()
    await page.getByTestId('intake-form').waitFor({ state: 'visible', timeout: 30_000 })
    expect(await page.getByTestId('intake-page').getAttribute('data-mode')).toBe('patrol')
    const input = page.getByTestId('intake-photos-input')
    expect(await input.getAttribute('accept')).toBe('image/*')
    expect(await input.getAttribute('capture')).toBe('environment')
    expect(await input.getAttribute('multiple')).not.toBeNull()
    expect(await page.getByTestId('intake-photos-camera').textContent()).toBe('拍照')
    expect(await page.getByTestId('intake-photos-album').locator('input').getAttribute('capture')).toBeNull()

    await page.getByTestId('intake-category-1').selectOption({ index: 1 })
    await page.getByTestId('intake-category-2').selectOption({ index: 1 })
    await page.getByTestId('intake-category-3').selectOption({ index: 1 })
    await page.getByTestId('intake-title').fill('路面塌陷（带照片）')
    await page.getByTestId('intake-body').fill('e2e：人行道路面塌陷，附现场照片')
    await page.getByTestId('intake-lon').fill(lon.toFixed(6))
    await page.getByTestId('intake-lat').fill(lat.toFixed(6))

    // Two photos from the camera, one not an image.
    const big = await makeJpeg(page, 4000, 3000, '现场 1')
    const tall = await makeJpeg(page, 1500, 2600, '现场 2')
    await input.setInputFiles([
      { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: big },
      { name: 'IMG_0002.jpg', mimeType: 'image/jpeg', buffer: tall },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
    ])
    const thumbs = page.getByTestId('intake-photo')
    await expect.poll(() => thumbs.count(), { timeout: 30_000 }).toBe(2)
    // Scaled to 1600 px on the long side (the tall one is small enough on its short side).
    expect(await thumbs.nth(0).getAttribute('data-width')).toBe('1600')
    expect(await thumbs.nth(0).getAttribute('data-height')).toBe('1200')
    expect(await thumbs.nth(1).getAttribute('data-height')).toBe('1600')
    expect(await page.getByTestId('intake-photos-refused').textContent()).toContain('notes.txt')
    // Remove the first, take another.
    await page.getByTestId('intake-photo-remove').first().click()
    await expect.poll(() => thumbs.count()).toBe(1)
    await input.setInputFiles([
      { name: 'IMG_0003.jpg', mimeType: 'image/jpeg', buffer: await makeJpeg(page, 2400, 1800, '现场 3') },
    ])
    await expect.poll(() => thumbs.count(), { timeout: 30_000 }).toBe(2)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.getByTestId('intake-photos').scrollIntoViewIfNeeded()
    await shot('phone-form')

    // The network drops for the uploads: the report is stored all the same.
    let cut = true
    let refusedUploads = 0
    await page.route(UPLOADS, (route) => {
      if (cut && route.request().method() === 'POST') {
        refusedUploads++
        return route.abort('internetdisconnected')
      }
      return route.continue()
    })
    await page.getByTestId('intake-submit').click()
    const result = page.getByTestId('intake-result')
    await result.waitFor({ state: 'visible', timeout: 30_000 })
    expect(await result.getAttribute('data-created')).toBe('true')
    eventId = Number(await result.getAttribute('data-event-id'))
    const uploads = page.getByTestId('photo-uploads')
    // Three automatic attempts each (after 2 s and 6 s), then the user is told which failed.
    await expect.poll(() => uploads.getAttribute('data-failed'), { timeout: 30_000 }).toBe('2')
    expect(refusedUploads).toBe(6)
    expect(await page.getByTestId('photo-uploads-summary').textContent()).toContain('2 张照片上传失败')
    expect(await page.getByTestId('photo-upload-status').first().textContent()).toContain('网络连接失败')
    await shot('phone-upload-failed')
    cut = false
    await page.getByTestId('photo-retry-all').click()
    await expect.poll(() => uploads.getAttribute('data-done'), { timeout: 30_000 }).toBe('2')
    expect(await page.getByTestId('photo-uploads-summary').textContent()).toContain('2 张照片已全部上传')
    await shot('phone-uploaded')
    await page.unroute(UPLOADS)

    // The event's page: the gallery, one photo large, Esc closes.
    await page.getByTestId('intake-open').click()
    const gallery = page.getByTestId('event-photos')
    await expect.poll(() => gallery.getAttribute('data-count'), { timeout: 30_000 }).toBe('2')
    // As stored: scaled in the browser (the 4000 × 3000 one was removed before sending).
    const sizes = () =>
      page
        .getByTestId('event-photo')
        .locator('img')
        .evaluateAll((els) =>
          els
            .map((e) => `${(e as HTMLImageElement).naturalWidth}x${(e as HTMLImageElement).naturalHeight}`)
            .sort(),
        )
    await expect.poll(sizes, { timeout: 30_000 }).toEqual(['1600x1200', '923x1600'])
    await gallery.scrollIntoViewIfNeeded()
    await shot('phone-gallery')
    const first = page.getByTestId('event-photo').first()
    await first.click()
    const viewer = page.getByTestId('photo-viewer')
    await viewer.waitFor({ state: 'visible' })
    await expect
      .poll(() =>
        page.getByTestId('photo-viewer-image').evaluate((img) => (img as HTMLImageElement).naturalWidth),
      )
      .toBeGreaterThan(0)
    await shot('phone-viewer')
    await page.keyboard.press('ArrowRight')
    const ids = await page
      .getByTestId('event-photo')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-photo-id')))
    expect(await viewer.getAttribute('data-photo-id')).toBe(ids[1])
    await page.keyboard.press('Escape')
    await viewer.waitFor({ state: 'detached' })
    // The focus is back on the thumbnail that opened it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('event-photo')
    const timeline = await page
      .getByTestId('event-timeline')
      .locator('li')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-action')))
    expect(timeline.filter((a) => a === 'attach')).toHaveLength(2)
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false })
    await cdp.detach()
  })

  it('shows the gallery to the dispatcher on a wide screen, who adds a photo there', async () => {
    browser.step = 'gallery'
    await page.setViewportSize({ width: 1600, height: 1000 })
    await signInAs('dispatcher')
    await page.evaluate((id) => {
      location.hash = `#page=workbench&feature=event:${id}`
    }, eventId)
    const gallery = page.getByTestId('event-photos')
    await expect.poll(() => gallery.getAttribute('data-count'), { timeout: 30_000 }).toBe('2')
    await page
      .getByTestId('event-photos-input')
      .setInputFiles([
        { name: 'dispatch.jpg', mimeType: 'image/jpeg', buffer: await makeJpeg(page, 1200, 900, '补充') },
      ])
    await expect.poll(() => gallery.getAttribute('data-count'), { timeout: 30_000 }).toBe('3')
    await shot('desktop-gallery')
    await page.getByTestId('event-photo').nth(2).click()
    await page.getByTestId('photo-viewer').waitFor({ state: 'visible' })
    await shot('desktop-viewer')
    await page.getByTestId('photo-viewer-close').click()
    await page.getByTestId('photo-viewer').waitFor({ state: 'detached' })
    // The photo as an <img> loads it: with the session cookie, privately cached, not sniffed.
    const head = await page.evaluate(async () => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="event-photo"] img')!
      const res = await fetch(img.src)
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        cache: res.headers.get('cache-control'),
        nosniff: res.headers.get('x-content-type-options'),
      }
    })
    expect(head).toEqual({ status: 200, type: 'image/jpeg', cache: 'private, no-cache', nosniff: 'nosniff' })
    // The only console errors are the uploads refused while the network was cut.
    expect(browser.errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([])
    expect(browser.external()).toEqual([])
  })
})
