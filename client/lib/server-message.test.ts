import { describe, expect, it } from 'vitest'
import { localMessage } from './server-message.ts'

describe('localMessage', () => {
  const throttled = '登录尝试过多，请 12 分钟后再试 / Too many sign-in attempts; try again in 12 min'

  it('picks the Chinese part for Chinese and the English part otherwise', () => {
    expect(localMessage(throttled, 'zh-CN')).toBe('登录尝试过多，请 12 分钟后再试')
    expect(localMessage(throttled, 'en')).toBe('Too many sign-in attempts; try again in 12 min')
  })

  it('keeps an English part that itself holds a slash', () => {
    expect(localMessage('请先登录 / Please sign in / out', 'en')).toBe('Please sign in / out')
  })

  it('leaves messages in one language whole', () => {
    expect(localMessage('Network error', 'zh-CN')).toBe('Network error')
    expect(localMessage('a / b', 'en')).toBe('a / b')
    expect(localMessage('只有中文', 'en')).toBe('只有中文')
  })
})
