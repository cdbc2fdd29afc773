import { describe, expect, it } from 'vitest'
import { ROLE_IDS } from '../lib/roles.ts'
import { createI18n, isLang } from './index.ts'

describe('createI18n', () => {
  it('names levels and kinds in each language, passing unknown kinds through', () => {
    const zh = createI18n('zh-CN')
    const en = createI18n('en')
    expect(zh.level(4)).toBe('社区村')
    expect(en.level(4)).toBe('Community / village')
    expect(en.kind('县级市')).toBe('County-level city')
    expect(en.kind('片区')).toBe('片区')
  })

  it('shortens large numbers the way each language counts', () => {
    expect(createI18n('zh-CN').compact(175_097)).toBe('17.5万')
    expect(createI18n('en').compact(175_097)).toBe('175.1K')
    expect(createI18n('en').compact(9_999)).toBe('9,999')
  })

  it('knows its languages', () => {
    expect(isLang('zh-CN')).toBe(true)
    expect(isLang('fr')).toBe(false)
  })
})

describe('roles, times and server messages', () => {
  it('names every role in both languages and passes unknown ids through', () => {
    const zh = createI18n('zh-CN')
    const en = createI18n('en')
    expect(zh.role('city-leader')).toBe('市级领导')
    expect(zh.role('department-handler')).toBe('职能部门办理人')
    expect(en.role('planner')).toBe('Grid planner')
    expect(en.role('admin')).toBe('Administrator')
    expect(en.role('janitor')).toBe('janitor')
    for (const id of ROLE_IDS) {
      expect(zh.role(id)).not.toBe(id)
      expect(en.role(id)).not.toBe(id)
    }
  })

  it('writes a time to the minute and nothing for none', () => {
    const en = createI18n('en')
    expect(en.dateTime(null)).toBe('')
    expect(en.dateTime('not a time')).toBe('')
    expect(en.dateTime(new Date(2026, 10, 23, 9, 5))).toContain('09:05')
  })

  it('picks the reader’s half of a bilingual message', () => {
    const message = '用户名或密码错误 / Wrong user name or password'
    expect(createI18n('zh-CN').server(message)).toBe('用户名或密码错误')
    expect(createI18n('en').server(message)).toBe('Wrong user name or password')
  })
})
