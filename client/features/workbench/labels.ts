import type { MessageKey, useI18n } from '../../i18n/index.ts'

type T = ReturnType<typeof useI18n>['t']

/** A label from `prefix.value`, or the value itself when there is none. */
export function labelOf(t: T, prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey
  const s = t(key)
  return s === key ? value : s
}
