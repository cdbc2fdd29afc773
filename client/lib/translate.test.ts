import { describe, expect, it } from 'vitest'
import { en } from '../i18n/en.ts'
import { zhCN } from '../i18n/zh-CN.ts'
import { interpolate, lookup } from './translate.ts'

describe('interpolate', () => {
  it('fills named placeholders', () => {
    expect(interpolate('{stage}：{done} / {total}', { stage: '网格', done: 3, total: 10 })).toBe(
      '网格：3 / 10',
    )
  })

  it('leaves unknown placeholders as they are', () => {
    expect(interpolate('{a} {b}', { a: 1 })).toBe('1 {b}')
  })

  it('returns the template without params', () => {
    expect(interpolate('{a}')).toBe('{a}')
  })
})

describe('lookup', () => {
  it('prefers the chosen language', () => {
    expect(lookup(en, zhCN, 'tree.title')).toBe('Grid hierarchy')
  })

  it('falls back to the other dictionary, then to the key', () => {
    expect(lookup({}, zhCN, 'tree.title')).toBe('网格层级')
    expect(lookup({}, {}, 'no.such.key')).toBe('no.such.key')
  })
})

describe('dictionaries', () => {
  it('have the same keys in zh-CN and en, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort())
    for (const value of [...Object.values(en), ...Object.values(zhCN)]) expect(value.trim()).not.toBe('')
  })

  it('use the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[])
      expect(names(en[key])).toEqual(names(zhCN[key]))
  })
})
