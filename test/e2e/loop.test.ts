import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { demoLogin, RESULTS_DIR, type RunningApp, startApp } from './app.ts'
import { type BrowserSession, launchBrowser } from './browser.ts'
import { leafPoint, mutate, submitSignIn } from './page-api.ts'

/**
 * One whole closed loop in a real browser, through the workbench and intake pages: the dispatcher
 * takes a request in (routed by the responsibility list) and blows the whistle to two
 * departments; the department handler signs, starts (meeting a concurrent change on the way),
 * has both sub-tasks reported and resolves; the dispatcher scores the sub-tasks and follows up
 * "satisfied". A grid worker then reports from a phone with the device's position. Screenshots
 * land in test-results/e2e/loop-*.png.
 */

const SHOTS = join(RESULTS_DIR, 'e2e')

const eventView = (page: Page) => page.getByTestId('event-view')

async function waitStatus(page: Page, status: string) {
  await expect.poll(() => eventView(page).getAttribute('data-status'), { timeout: 30_000 }).toBe(status)
}

/** Picks the `index`-th real option (0 is the empty choice) once the options have loaded. */
async function chooseOption(select: Locator, index: number) {
  await expect
    .poll(async () => Number(await select.getAttribute('data-count')), { timeout: 30_000 })
    .toBeGreaterThan(index)
  const values = await select
    .locator('option:not([disabled])')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean))
  const value = values[index - 1]
  if (!value) throw new Error(`no option ${index}`)
  await select.selectOption(value)
}

describe.skipIf(!inject('parts').chromium.ok)('the closed loop on the workbench, in Chromium', () => {
  let app: RunningApp
  let browser: BrowserSession
  let page: Page
  let eventId = 0
  let taskIds: number[] = []
  let reportId = 0

  const shot = async (name: string) => {
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(SHOTS, `loop-${name}.png`) })
  }

  const signInAs = async (role: string) => {
    if (await page.getByTestId('signout').isVisible()) {
      await page.getByTestId('signout').click()
    } else {
      await page.goto(app.url, { waitUntil: 'load' })
    }
    await page.getByTestId('signin').waitFor({ state: 'visible', timeout: 60_000 })
    const login = demoLogin(app, role)
    await submitSignIn(page, login)
  }

  const openEvent = async (id: number) => {
    await page.evaluate((id) => {
      location.hash = `#page=workbench&feature=event:${id}`
    }, id)
    await expect.poll(() => eventView(page).getAttribute('data-id'), { timeout: 30_000 }).toBe(String(id))
    await expect.poll(() => eventView(page).getAttribute('data-version'), { timeout: 30_000 }).not.toBe('')
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    app = await startApp()
    browser = await launchBrowser()
    page = await browser.newPage({ width: 1600, height: 1000 })
    await page.emulateMedia({ reducedMotion: 'reduce' })
  }, 400_000)

  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  it('takes a request in as the dispatcher: routed by the responsibility list, stored once', async () => {
    browser.step = 'intake'
    await signInAs('dispatcher')
    await page.getByTestId('nav-intake').click()
    await page.getByTestId('intake-form').waitFor({ state: 'visible', timeout: 30_000 })
    expect(await page.getByTestId('intake-page').getAttribute('data-mode')).toBe('dispatcher')

    // A level-3 category through the cascade.
    await page.getByTestId('intake-category-1').selectOption({ index: 1 })
    await page.getByTestId('intake-category-2').selectOption({ index: 1 })
    await page.getByTestId('intake-category-3').selectOption({ index: 1 })
    await page.getByTestId('intake-title').fill('小区门口路灯不亮')
    await page.getByTestId('intake-body').fill('e2e：小区门口路灯连续三晚不亮，夜间行人不便')
    await page.getByTestId('intake-address').fill('e2e 测试路 1 号')
    await page.getByTestId('intake-reporter-name').fill('张先生')
    await page.getByTestId('intake-phone').fill('13812345678')
    await page.getByTestId('intake-priority').selectOption('2')
    expect(await page.getByTestId('intake-phone-note').textContent()).toContain('加密')

    // A click on the small map chooses a point and shows it …
    const map = page.getByTestId('intake-map')
    await expect.poll(() => map.getAttribute('data-ready'), { timeout: 60_000 }).toBe('true')
    await map.locator('canvas').click({ position: { x: 200, y: 150 } })
    await expect.poll(() => page.getByTestId('intake-lon').inputValue()).toMatch(/^\d+\.\d{6}$/)
    await page.getByTestId('intake-map-marker').waitFor({ state: 'attached' })
    // … and typed coordinates put it exactly in a grid of 环翠区.
    const [lon, lat] = await leafPoint(page, '371002')
    await page.getByTestId('intake-lon').fill(lon.toFixed(6))
    await page.getByTestId('intake-lat').fill(lat.toFixed(6))
    await page.waitForTimeout(800)
    await shot('intake-form')

    const key = await page.getByTestId('intake-submit').getAttribute('data-key')
    expect(key).toMatch(/^[0-9a-f-]{36}$/)
    // A double click stores the request once.
    await page.getByTestId('intake-submit').dblclick()
    const result = page.getByTestId('intake-result')
    await result.waitFor({ state: 'visible', timeout: 30_000 })
    expect(await result.getAttribute('data-created')).toBe('true')
    expect(await result.getAttribute('data-routed')).toBe('true')
    eventId = Number(await result.getAttribute('data-event-id'))
    expect(eventId).toBeGreaterThan(0)
    await page.getByTestId('intake-due').waitFor({ state: 'visible', timeout: 30_000 })
    const routed = await page.getByTestId('intake-routed').textContent()
    process.stderr.write(`[e2e] event ${eventId}: ${routed}\n`)
    expect(routed).toContain('派至')
    await shot('intake-result')

    // The same key again (a retry) returns the first event and creates nothing.
    const again = await mutate(page, 'events.intake', {
      source: 'hotline',
      idempotencyKey: key,
      categoryId: null,
      title: '重复提交',
      lon,
      lat,
    })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ result: { data: { id: eventId, created: false } } })
  })

  it('blows the whistle to two departments from the event page', async () => {
    browser.step = 'whistle'
    await page.getByTestId('intake-open').click()
    await page.getByTestId('workbench').waitFor({ state: 'visible', timeout: 30_000 })
    await expect
      .poll(() => eventView(page).getAttribute('data-id'), { timeout: 30_000 })
      .toBe(String(eventId))
    await waitStatus(page, 'dispatched')
    await page.getByTestId('event-timeline').waitFor({ state: 'visible', timeout: 30_000 })
    await expect
      .poll(() => page.getByTestId('event-map').getAttribute('data-ready'), { timeout: 60_000 })
      .toBe('true')

    await page.getByTestId('whistle-open').click()
    await chooseOption(page.getByTestId('whistle-dept-0'), 1)
    await chooseOption(page.getByTestId('whistle-dept-1'), 2)
    await page.getByTestId('whistle-ask-0').fill('清理路灯周边占道堆物')
    await page.getByTestId('whistle-ask-1').fill('检修供电线路')
    await page.getByTestId('whistle-amount-1').fill('4')
    await page.getByTestId('whistle-unit-1').selectOption('working_hours')
    await page.getByTestId('whistle-submit').click()
    const tasks = page.locator('li.wb-task')
    await expect.poll(() => tasks.count(), { timeout: 30_000 }).toBe(2)
    taskIds = (await tasks.evaluateAll((els) => els.map((el) => el.getAttribute('data-testid') ?? ''))).map(
      (s) => Number(s.replace('task-', '')),
    )
    expect(taskIds.every((id) => id > 0)).toBe(true)
    await page.getByTestId('event-notice').waitFor({ state: 'visible' })
    await shot('whistle')
  })

  it('is handled by the department: sign, a concurrent change shown plainly, reports, resolve', async () => {
    browser.step = 'handler'
    await signInAs('department-handler')
    await page.getByTestId('nav-workbench').click()
    await page.getByTestId('workbench').waitFor({ state: 'visible', timeout: 30_000 })
    // The demo handler belongs to the busiest department of 环翠区 (users.org_id): its own queue
    // holds that department's open events. This event may be another department's: it is opened
    // by number.
    await expect
      .poll(() => page.getByTestId('queue-my_todo').getAttribute('data-count'), { timeout: 30_000 })
      .toMatch(/^[1-9]\d*$/)
    process.stderr.write(
      `[e2e] department handler's my_todo: ${await page.getByTestId('queue-my_todo').getAttribute('data-count')}\n`,
    )
    await page.getByTestId('wb-open-id').fill(String(eventId))
    await page.getByTestId('wb-open').click()
    await expect
      .poll(() => eventView(page).getAttribute('data-id'), { timeout: 30_000 })
      .toBe(String(eventId))
    await waitStatus(page, 'dispatched')
    await page.getByTestId('action-sign').click()
    await waitStatus(page, 'signed')

    // Someone else starts it meanwhile: the page still shows the old version.
    browser.step = 'conflict'
    const seen = Number(await eventView(page).getAttribute('data-version'))
    const other = await mutate(page, 'events.transition', { id: eventId, version: seen, action: 'start' })
    expect(other.status).toBe(200)
    await page.getByTestId('action-start').click()
    const alert = page.getByTestId('event-error')
    await alert.waitFor({ state: 'visible', timeout: 30_000 })
    expect(await alert.getAttribute('data-code')).toBe('CONFLICT')
    expect(await alert.textContent()).toContain('已被他人更新')
    // The page refetched: it shows the event as it is now.
    await waitStatus(page, 'in_progress')
    await shot('conflict')

    browser.step = 'handler'
    for (const id of taskIds) {
      await page.getByTestId(`task-report-${id}`).fill(`已到场处置（子任务 ${id}）`)
      await page.getByTestId(`task-report-submit-${id}`).click()
      await expect
        .poll(() => page.getByTestId(`task-${id}`).getAttribute('data-status'), { timeout: 30_000 })
        .toBe('reported')
    }
    await page.getByTestId('action-resolve').click()
    await page.getByTestId('action-result').fill('已更换灯泡并清理周边，路灯恢复正常')
    await page.getByTestId('action-submit').click()
    await waitStatus(page, 'resolved')
    await shot('resolved')
  })

  it('is followed up by the dispatcher: sub-tasks scored, the reporter satisfied', async () => {
    browser.step = 'follow-up'
    await signInAs('dispatcher')
    await page.getByTestId('nav-workbench').click()
    await page.getByTestId('queue-awaiting_follow_up').click()
    await page
      .getByTestId('queue-list')
      .locator('[data-testid^="queue-item-"]')
      .first()
      .waitFor({ timeout: 30_000 })
    // The queue lists the most urgent first (the demo city has hundreds resolved): this one is
    // opened from the list when it is there, by its number otherwise.
    const row = page.getByTestId(`queue-item-${eventId}`)
    if (await row.count()) await row.click()
    else {
      await page.getByTestId('wb-open-id').fill(String(eventId))
      await page.getByTestId('wb-open').click()
    }
    await expect
      .poll(() => eventView(page).getAttribute('data-id'), { timeout: 30_000 })
      .toBe(String(eventId))
    await waitStatus(page, 'resolved')
    for (const [i, id] of taskIds.entries()) {
      await page.getByTestId(`task-score-${id}`).selectOption(String(5 - i))
      await page.getByTestId(`task-score-submit-${id}`).click()
      await expect
        .poll(() => page.getByTestId(`task-${id}`).getAttribute('data-status'), { timeout: 30_000 })
        .toBe('scored')
    }
    await page.getByTestId('action-follow_up').click()
    await page.getByTestId('action-submit').click()
    // Without a choice the form says what is missing and sends nothing.
    await page.getByTestId('action-problem').waitFor({ state: 'visible' })
    await page.getByTestId('action-satisfaction-satisfied').check()
    await page.getByTestId('action-reason').fill('回访：群众表示满意')
    await page.getByTestId('action-submit').click()
    await waitStatus(page, 'followed_up')
    const timeline = await page
      .getByTestId('event-timeline')
      .locator('li')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-action')))
    process.stderr.write(`[e2e] timeline: ${timeline.join(' → ')}\n`)
    for (const a of [
      'receive',
      'dispatch',
      'whistle',
      'sign',
      'start',
      'task_report',
      'resolve',
      'task_score',
      'follow_up',
    ])
      expect(timeline).toContain(a)
    await shot('followed-up')
  })

  it('counts every queue on its tab, and lists the overdue in red', async () => {
    browser.step = 'queues'
    const counts: Record<string, string | null> = {}
    for (const q of ['to_dispatch', 'my_todo', 'nearly_due', 'overdue', 'awaiting_follow_up', 'extensions']) {
      const tab = page.getByTestId(`queue-${q}`)
      await expect.poll(() => tab.getAttribute('data-count'), { timeout: 30_000 }).not.toBe('')
      counts[q] = await tab.getAttribute('data-count')
    }
    process.stderr.write(`[e2e] queue counts: ${JSON.stringify(counts)}\n`)
    await page.getByTestId('event-close').click()
    await page.getByTestId('queue-overdue').click()
    const badge = page.getByTestId('queue-list').locator('[data-testid^="queue-due-"]').first()
    await badge.waitFor({ state: 'visible', timeout: 30_000 })
    expect(await badge.getAttribute('data-urgency')).toBe('overdue')
    await shot('queue-overdue')
    if (Number(counts.nearly_due) > 0) {
      await page.getByTestId('queue-nearly_due').click()
      const near = page.getByTestId('queue-list').locator('[data-testid^="queue-due-"]').first()
      await expect.poll(() => near.getAttribute('data-urgency'), { timeout: 30_000 }).toBe('near')
      await shot('queue-nearly-due')
    }
    for (const [q, n] of Object.entries(counts)) expect(n, `the ${q} count`).toMatch(/^\d+$/)
  })

  it('fits a 3840×2160 wall without overflowing', async () => {
    browser.step = 'wall'
    await page.setViewportSize({ width: 3840, height: 2160 })
    await openEvent(eventId)
    await page.waitForTimeout(800)
    const overflow = await page.evaluate(() => {
      const over = (sel: string) => {
        const el = document.querySelector(sel)
        return el ? el.scrollWidth - el.clientWidth : 0
      }
      return {
        page: document.documentElement.scrollWidth - window.innerWidth,
        list: over('.wb-list'),
        event: over('.wb-event'),
      }
    })
    expect(overflow).toEqual({ page: 0, list: 0, event: 0 })
    await shot('wall-3840x2160')
    await page.setViewportSize({ width: 1600, height: 1000 })
  })

  it('speaks English too, with no message key left untranslated', async () => {
    browser.step = 'english'
    await page.getByTestId('lang-switch').click()
    await expect.poll(() => page.getByTestId('event-status').textContent()).toBe('Followed up')
    const text = (await page.getByTestId('workbench').textContent()) ?? ''
    expect(text).not.toMatch(/\b(wb|intake|enum)\.[a-z]/)
    expect(text).toContain('Follow up')
    await shot('workbench-en')
    await page.getByTestId('lang-switch').click()
  })

  it('lets a grid worker report from a phone with the device’s position', async () => {
    browser.step = 'report'
    await signInAs('grid-worker')
    const [lon, lat] = await leafPoint(page)
    await browser.context.grantPermissions(['geolocation'], { origin: app.url })
    await browser.context.setGeolocation({ longitude: lon, latitude: lat, accuracy: 12 })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.getByTestId('nav-intake').click()
    await page.getByTestId('intake-form').waitFor({ state: 'visible', timeout: 30_000 })
    expect(await page.getByTestId('intake-page').getAttribute('data-mode')).toBe('patrol')
    expect(await page.getByTestId('intake-phone').count()).toBe(0)
    expect(await page.getByTestId('intake-photos-note').textContent()).toContain('上传')
    await page.getByTestId('intake-locate').click()
    await expect
      .poll(() => page.getByTestId('intake-lon').inputValue(), { timeout: 30_000 })
      .toBe(lon.toFixed(6))
    expect(await page.getByTestId('intake-lat').inputValue()).toBe(lat.toFixed(6))
    await page.getByTestId('intake-category-1').selectOption({ index: 1 })
    await page.getByTestId('intake-category-2').selectOption({ index: 1 })
    await page.getByTestId('intake-category-3').selectOption({ index: 1 })
    await page.getByTestId('intake-title').fill('井盖破损')
    await page.getByTestId('intake-body').fill('e2e：人行道井盖破损，已设置警示')
    await page.getByTestId('intake-address').fill('e2e 测试路 1 号')
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(390)
    await page.waitForTimeout(800)
    await shot('report-phone-form')
    await page.getByTestId('intake-submit').click()
    const result = page.getByTestId('intake-result')
    await result.waitFor({ state: 'visible', timeout: 30_000 })
    expect(await result.getAttribute('data-created')).toBe('true')
    reportId = Number(await result.getAttribute('data-event-id'))
    process.stderr.write(`[e2e] grid worker's report: routed ${await result.getAttribute('data-routed')}\n`)
    await shot('report-phone-result')
    await page.setViewportSize({ width: 1600, height: 1000 })
  })

  it('merges the grid worker’s report into the dispatcher’s event as its duplicate', async () => {
    browser.step = 'merge'
    await signInAs('dispatcher')
    await openEvent(reportId)
    // Same address (and category and place): the dispatcher's event is its likely duplicate.
    const dup = page.getByTestId(`duplicate-${eventId}`)
    await dup.waitFor({ state: 'visible', timeout: 30_000 })
    await page.getByTestId(`merge-${eventId}`).click()
    await page.getByTestId(`merge-${eventId}-confirm`).click()
    await waitStatus(page, 'archived')
    await page.getByTestId('event-notice').waitFor({ state: 'visible' })
    await shot('merged')
    await openEvent(eventId)
    const timeline = await page
      .getByTestId('event-timeline')
      .locator('li')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-action')))
    expect(timeline).toContain('merged_in')
  })

  it('imports a CSV file with a progress bar, reporting the bad row by its line', async () => {
    browser.step = 'csv'
    const [lon, lat] = await leafPoint(page)
    await page.evaluate(() => {
      location.hash = '#page=intake'
    })
    await page.getByTestId('csv-import').waitFor({ state: 'visible', timeout: 30_000 })
    const tag = `E2E-CSV-${Date.now()}`
    const csv = [
      'external_id,source,title,lon,lat,address',
      `${tag}-1,hotline,路面坑洼,${lon},${lat},e2e 导入路 1 号`,
      `${tag}-2,hotline,路灯不亮,${lon},${lat},e2e 导入路 2 号`,
      `${tag}-3,hotline,坐标颠倒,${lat},${lon},e2e 导入路 3 号`,
    ].join('\n')
    const upload = () =>
      page
        .getByTestId('csv-file')
        .setInputFiles({ name: 'import.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await upload()
    const summary = page.getByTestId('csv-summary')
    await expect.poll(() => summary.getAttribute('data-stored'), { timeout: 30_000 }).toBe('2')
    expect(await summary.getAttribute('data-failed')).toBe('1')
    expect(await page.getByTestId('csv-progress').getAttribute('value')).toBe('3')
    await page.getByTestId('csv-errors').locator('tr[data-line="4"]').waitFor({ state: 'visible' })
    await shot('csv-import')
    // The same file again: nothing new is stored.
    await upload()
    await expect.poll(() => summary.getAttribute('data-repeats'), { timeout: 30_000 }).toBe('2')
    expect(await summary.getAttribute('data-stored')).toBe('0')
  })

  it('shows the KPIs as charts, counting the loop just run', async () => {
    browser.step = 'kpi'
    await page.evaluate(() => {
      location.hash = '#page=kpi'
    })
    await page.getByTestId('kpi-page').waitFor({ state: 'visible', timeout: 30_000 })
    // The loop above was followed up "satisfied" today: the last 30 days hold a rated event.
    await expect
      .poll(() => page.getByTestId('kpi-total-satisfaction').getAttribute('data-value'), { timeout: 30_000 })
      .toMatch(/^\d/)
    const rate = Number(await page.getByTestId('kpi-total-satisfaction').getAttribute('data-value'))
    expect(rate).toBeGreaterThan(0)
    expect(rate).toBeLessThanOrEqual(1)
    for (const chart of ['rates', 'volume', 'hours', 'league'])
      await page
        .getByTestId(`kpi-chart-${chart}`)
        .locator('canvas')
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 })
    await page.getByTestId('kpi-by-month').click()
    await expect.poll(() => page.getByTestId('kpi-by-month').getAttribute('aria-pressed')).toBe('true')
    await shot('kpi')
  })

  it('hears a request taken in elsewhere at once: the open workbench updates live, not by polling', async () => {
    browser.step = 'live'
    await signInAs('dispatcher')
    await page.evaluate(() => {
      location.hash = '#page=workbench'
    })
    await page.getByTestId('workbench').waitFor({ state: 'visible', timeout: 30_000 })
    await expect
      .poll(() => page.getByTestId('wb-live').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('pending')
    const tab = page.getByTestId('queue-to_dispatch')
    await expect.poll(() => tab.getAttribute('data-count'), { timeout: 30_000 }).toMatch(/^\d+$/)
    const before = Number(await tab.getAttribute('data-count'))
    const [lon, lat] = await leafPoint(page)
    // Unclassified: it waits in the dispatcher's queue. The workbench polls only every 2 minutes.
    const t0 = Date.now()
    const r = await mutate(page, 'events.intake', {
      source: 'hotline',
      categoryId: null,
      title: 'e2e 实时推送',
      lon,
      lat,
    })
    expect(r.status).toBe(200)
    await expect
      .poll(() => tab.getAttribute('data-count'), { timeout: 5_000, interval: 50 })
      .toBe(String(before + 1))
    process.stderr.write(
      `[e2e] live: the queue count changed ${Date.now() - t0} ms after the intake was sent\n`,
    )
    await shot('live')
  })

  it('logged no console errors beyond the refused stale step, and asked nothing of other machines', () => {
    // The browser logs the CONFLICT answer (HTTP 409) of the stale step; nothing else may fail.
    const errors = browser.errors.filter((e) => !(e.startsWith('[conflict]') && e.includes('409')))
    expect(errors).toEqual([])
    expect(browser.external()).toEqual([])
  })
})
