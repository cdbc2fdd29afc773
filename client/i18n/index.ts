import { createContext, createElement, type ReactNode, useContext, useMemo } from 'react'
import { localMessage } from '../lib/server-message.ts'
import { lookup, type Params } from '../lib/translate.ts'
import { en } from './en.ts'
import { type MessageKey, type Messages, zhCN } from './zh-CN.ts'

export type { MessageKey } from './zh-CN.ts'

export const LANGS = ['zh-CN', 'en'] as const
export type Lang = (typeof LANGS)[number]
export const DEFAULT_LANG: Lang = 'zh-CN'

const dictionaries: Record<Lang, Messages> = { 'zh-CN': zhCN, en }

/** The names each language is offered under in the switch, always in its own language. */
export const LANG_NAMES: Record<Lang, string> = { 'zh-CN': '中文', en: 'English' }

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value)
}

export interface I18n {
  lang: Lang
  t: (key: MessageKey, params?: Params) => string
  /** The name of a grid level (1 city … 6 micro-grid). */
  level: (level: number) => string
  /** The name of a grid kind as the server sends it (市, 区, 街道, …); unknown kinds pass through. */
  kind: (kind: string) => string
  /** The name of a role from its id (city-leader → 市级领导); unknown ids pass through. */
  role: (id: string) => string
  /** A date and time to the minute ('' for null or an unreadable value). */
  dateTime: (value: string | Date | null) => string
  /** The reader's half of a bilingual server message ("中文 / English"). */
  server: (message: string) => string
  number: (value: number, fractionDigits?: number) => string
  /** Short form for tight spaces: 175,097 → 17.5万 / 175.1K; below 10,000 as is. */
  compact: (value: number) => string
}

export function createI18n(lang: Lang): I18n {
  const messages = dictionaries[lang]
  const t = (key: MessageKey, params?: Params) => lookup(messages, zhCN, key, params)
  const numberFormats = new Map<number, Intl.NumberFormat>()
  const plain = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 })
  const t0 = (value: number) => plain.format(value)
  const dateTimeFormat = new Intl.DateTimeFormat(lang, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  })
  const compactFormat = new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 })
  return {
    lang,
    t,
    level: (level) => lookup(messages, zhCN, `level.${level}`),
    kind: (kind) => {
      const key = `kind.${kind}`
      return key in messages ? lookup(messages, zhCN, key) : kind
    },
    role: (id) => {
      const key = `role.${id}`
      return key in messages ? lookup(messages, zhCN, key) : id
    },
    dateTime: (value) => {
      if (value === null) return ''
      const date = value instanceof Date ? value : new Date(value)
      return Number.isNaN(date.getTime()) ? '' : dateTimeFormat.format(date)
    },
    server: (message) => localMessage(message, lang),
    number: (value, fractionDigits = 0) => {
      let format = numberFormats.get(fractionDigits)
      if (!format) {
        format = new Intl.NumberFormat(lang, {
          minimumFractionDigits: fractionDigits,
          maximumFractionDigits: fractionDigits,
        })
        numberFormats.set(fractionDigits, format)
      }
      return format.format(value)
    },
    compact: (value) => (Math.abs(value) < 10_000 ? t0(value) : compactFormat.format(value)),
  }
}

const I18nContext = createContext<I18n>(createI18n(DEFAULT_LANG))

export function I18nProvider({ lang, children }: { lang: Lang; children: ReactNode }) {
  const value = useMemo(() => createI18n(lang), [lang])
  return createElement(I18nContext.Provider, { value }, children)
}

export function useI18n(): I18n {
  return useContext(I18nContext)
}
