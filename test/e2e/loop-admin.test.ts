import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { demoLogin, RESULTS_DIR, type RunningApp, startApp } from './app.ts'
import { type BrowserSession, launchBrowser } from './browser.ts'
import { mutate, query, submitSignIn } from './page-api.ts'

/**
 * The loop's administration page in a real browser, as the administrator: a rule of the
 * responsibility list edited in place, a small CSV imported (preview with errors by line, the
 * valid lines stored), a day of the calendar added on the month grid and saved, and a setting
 * changed. Screenshots land in test-results/e2e/loop-admin-*.png.
 */

const SHOTS = join(RESULTS_DIR, 'e2e')

type Rule = {
  id: number
  categoryCode: string
  areaLevel: number
  leadDepartment: string
  coDepartments: string[]
  timeLimit: number
  timeLimitUnit: string
}

const rulesOf = async (page: Page, code: string) =>
  (
    await query<{ items: Rule[] }>(page, 'loopAdmin.responsibilities.list', { q: code, limit: 100 })
  ).items.filter((r) => r.categoryCode === code)

describe.skipIf(!inject('parts').chromium.ok)('loop administration, in Chromium', () => {
  let app: RunningApp
  let browser: BrowserSession
  let page: Page
  /** The category whose rules this file changes, and its street-level rule. */
  let code = ''
  let street: Rule

  const shot = async (name: string) => {
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(SHOTS, `loop-admin-${name}.png`) })
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    app = await startApp()
    browser = await launchBrowser()
    page = await browser.newPage({ width: 1600, height: 1000 })
    await page.emulateMedia({ reducedMotion: 'reduce' })
    await page.goto(app.url, { waitUntil: 'load' })
    await page.getByTestId('signin').waitFor({ state: 'visible', timeout: 60_000 })
    const login = demoLogin(app, 'admin')
    await submitSignIn(page, login)
  }, 400_000)

  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  it('lists the responsibility list and filters it by category text and level', async () => {
    browser.step = 'list'
    await page.getByTestId('nav-loop-admin').click()
    await page.getByTestId('rules-table').waitFor({ state: 'visible', timeout: 30_000 })
    const total = Number(await page.getByTestId('rules-total').getAttribute('data-total'))
    expect(total).toBeGreaterThan(100)
    code = String(await page.getByTestId('rule-row').first().getAttribute('data-code'))
    await page.getByTestId('rules-filter-text').fill(code)
    await page.getByTestId('rules-filter-level').selectOption('3')
    await expect.poll(() => page.getByTestId('rule-row').count(), { timeout: 10_000 }).toBe(1)
    expect(await page.getByTestId('rule-row').getAttribute('data-level')).toBe('3')
    street = (await rulesOf(page, code)).find((r) => r.areaLevel === 3)!
    expect(street).toBeDefined()
    await shot('filtered')
  })

  it('edits a rule in place: a limit out of range is said before saving, then the rule is saved', async () => {
    browser.step = 'edit'
    await page.getByTestId('rule-edit').click()
    const form = page.getByTestId(`rule-form-${street.id}`)
    await form.waitFor({ state: 'visible' })
    await form.getByTestId('rule-limit').fill('0')
    await expect.poll(() => form.getByTestId('rule-form-reasons').textContent()).toContain('时限须为 1–')
    expect(await form.getByTestId('rule-save').isDisabled()).toBe(true)
    const next = street.timeLimit === 6 ? 7 : 6
    await form.getByTestId('rule-limit').fill(String(next))
    await form.getByTestId('rule-unit').selectOption('working_days')
    await form.getByTestId('rule-basis').fill('e2e 编辑的依据')
    await shot('edit')
    await form.getByTestId('rule-save').click()
    await expect
      .poll(() => page.getByTestId('rules-notice').textContent(), { timeout: 10_000 })
      .toContain('已保存')
    await expect
      .poll(() => page.getByTestId('rule-limit-cell').first().textContent())
      .toContain(`${next} 工作日`)
    const saved = (await rulesOf(page, code)).find((r) => r.areaLevel === 3)!
    expect(saved).toMatchObject({ id: street.id, timeLimit: next, timeLimitUnit: 'working_days' })
    street = saved

    // The server refuses a department kind nobody has, naming it, whatever the client does.
    browser.step = 'refused'
    const r = await mutate(page, 'loopAdmin.responsibilities.save', {
      id: street.id,
      rule: {
        categoryCode: street.categoryCode,
        areaLevel: street.areaLevel,
        leadDepartment: '无此局',
        coDepartments: street.coDepartments,
        timeLimit: street.timeLimit,
        timeLimitUnit: street.timeLimitUnit,
        basis: null,
      },
    })
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toContain('未知的主办部门类型 \\"无此局\\"')
    expect((await rulesOf(page, code)).find((x) => x.areaLevel === 3)?.leadDepartment).toBe(
      street.leadDepartment,
    )
  })

  it('imports a small CSV: errors by line in the preview, the valid lines stored with a progress bar', async () => {
    browser.step = 'import'
    const [city] = (await rulesOf(page, code)).filter((r) => r.areaLevel === 1)
    const csv = [
      'category_code,category_name,area_level,lead_department,co_departments,time_limit,time_limit_unit,basis',
      `${code},,1,${city!.leadDepartment},,9,working_days,e2e 导入`,
      `${code},,3,无此局,,3,working_days,`,
      `${code},,1,${city!.leadDepartment},,4,working_days,重复的一行`,
      `${code},,2,${city!.leadDepartment},,30,working_hours,e2e 导入`,
      '999999,,2,城管局,,3,working_days,',
    ].join('\r\n')
    await page.getByTestId('rules-import-open').click()
    await page.getByTestId('rules-file').setInputFiles({
      name: 'rules.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\uFEFF${csv}\r\n`, 'utf8'),
    })
    const preview = page.getByTestId('rules-preview')
    await preview.waitFor({ state: 'visible' })
    expect(await preview.getAttribute('data-valid')).toBe('2')
    expect(await preview.getAttribute('data-invalid')).toBe('3')
    const errors = page.getByTestId('rules-import-errors')
    expect(
      await errors.locator('tr[data-line]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-line'))),
    ).toEqual(['3', '4', '6'])
    expect(await errors.locator('tr[data-line="3"]').textContent()).toContain('无此局')
    expect(await errors.locator('tr[data-line="4"]').textContent()).toContain('第 2 行')
    expect(await errors.locator('tr[data-line="6"]').textContent()).toContain('999999')
    await shot('import-preview')
    await page.getByTestId('rules-import-run').click()
    const done = page.getByTestId('rules-import-done')
    await done.waitFor({ state: 'visible', timeout: 30_000 })
    expect(await done.getAttribute('data-updated')).toBe('2')
    expect(await page.getByTestId('rules-progress').getAttribute('value')).toBe('2')
    await shot('import-done')
    const rules = await rulesOf(page, code)
    expect(rules.find((r) => r.areaLevel === 1)).toMatchObject({
      timeLimit: 9,
      timeLimitUnit: 'working_days',
    })
    expect(rules.find((r) => r.areaLevel === 2)).toMatchObject({
      timeLimit: 30,
      timeLimitUnit: 'working_hours',
    })
    expect(rules.find((r) => r.areaLevel === 3)?.leadDepartment).toBe(street.leadDepartment)
  })

  it('adds a holiday on the month grid, warns of one that changes nothing, and saves the year', async () => {
    browser.step = 'calendar'
    await page.getByTestId('loop-admin-tab-calendar').click()
    await page.getByTestId('calendar-months').waitFor({ state: 'visible' })
    // Next year, so the shipped year stays as it is.
    await page.getByTestId('calendar-next').click()
    const year = Number((await page.getByTestId('calendar-year').textContent())?.match(/\d{4}/)?.[0])
    const days = async () => query<{ day: string; kind: string }[]>(page, 'events.calendar.get', { year })
    const before = await days()
    // The first Wednesday of March not yet an exception becomes a holiday.
    const wednesday = [...Array(7)]
      .map((_, i) => `${year}-03-${String(i + 1).padStart(2, '0')}`)
      .find((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 3 && !before.some((b) => b.day === d))!
    const cell = page.locator(`[data-testid="calendar-months"] [data-day="${wednesday}"]`)
    await cell.click()
    expect(await cell.getAttribute('data-state')).toBe('holiday')
    const row = page.locator(`[data-testid="calendar-day"][data-day="${wednesday}"]`)
    await row.getByTestId('calendar-day-name').fill('e2e 假日')
    // A holiday on the Saturday after it changes nothing, and the row says so.
    await page.getByTestId('calendar-add').click()
    const added = page.locator('[data-testid="calendar-day"][data-day=""]')
    const saturday = new Date(Date.parse(`${wednesday}T00:00:00Z`) + 3 * 86_400_000)
      .toISOString()
      .slice(0, 10)
    await added.getByTestId('calendar-day-date').fill(saturday)
    const sat = page.locator(`[data-testid="calendar-day"][data-day="${saturday}"]`)
    await sat.getByTestId('calendar-day-name').fill('e2e 周六')
    await sat.getByTestId('calendar-day-noop').waitFor({ state: 'visible' })
    await shot('calendar')
    await page.getByTestId('calendar-save').click()
    await page.getByTestId('calendar-notice').waitFor({ state: 'visible', timeout: 10_000 })
    const after = await days()
    expect(after.find((d) => d.day === wednesday)).toEqual({
      day: wednesday,
      kind: 'holiday',
      name: 'e2e 假日',
    })
    expect(after).toHaveLength(before.length + 2)
  })

  it('changes the warning share, audited', async () => {
    browser.step = 'settings'
    await page.getByTestId('loop-admin-tab-settings').click()
    await page.getByTestId('settings-form').waitFor({ state: 'visible' })
    await page.getByTestId('setting-warnShare').fill('99')
    await page.getByTestId('settings-problems').waitFor({ state: 'visible' })
    expect(await page.getByTestId('settings-save').isDisabled()).toBe(true)
    await page.getByTestId('setting-warnShare').fill('75')
    await page.getByTestId('settings-save').click()
    await expect
      .poll(() => page.getByTestId('settings-notice').textContent(), { timeout: 10_000 })
      .toContain('预警比例')
    await shot('settings')
    const s = await query<{ settings: { warnShare: number } }>(page, 'loopAdmin.settings.get', {})
    expect(s.settings.warnShare).toBe(0.75)
    const audit = await query<{ items: { action: string }[] }>(page, 'audit.list', {
      action: 'loop_settings.set',
    })
    expect(audit.items.map((a) => a.action)).toContain('loop_settings.set')
  })

  it('logged no console errors beyond the refusal it asked for, and asked nothing of other machines', () => {
    const errors = browser.errors.filter((e) => !(e.startsWith('[refused]') && e.includes('400')))
    expect(errors).toEqual([])
    expect(browser.external()).toEqual([])
  })
})
