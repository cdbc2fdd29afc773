import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import type { I18n } from '../../i18n/index.ts'
import { type RouterOutputs, trpc } from '../../trpc.ts'
import type { CheckContext, Reason, Warning } from './rule-check.ts'

export type RuleRow = RouterOutputs['loopAdmin']['responsibilities']['list']['items'][number]
export type KindRow = RouterOutputs['loopAdmin']['departmentKinds'][number]
export type CategoryRow = RouterOutputs['map']['meta']['categories'][number]

type T = I18n['t']

/** A reason a rule is refused, in the reader's language. */
export function reasonText(t: T, r: Reason): string {
  switch (r.code) {
    case 'noCategory':
    case 'noLead':
      return t(`loopAdmin.reason.${r.code}`)
    case 'badLimit':
      return t('loopAdmin.reason.badLimit', { value: r.value || '—', max: r.max })
    case 'tooManyCo':
    case 'basisTooLong':
      return t(`loopAdmin.reason.${r.code}`, { max: r.max })
    case 'duplicate':
      return t('loopAdmin.reason.duplicate', { line: r.line })
    default:
      return t(`loopAdmin.reason.${r.code}`, { value: r.value || '—' })
  }
}

export function warningText(t: T, w: Warning): string {
  switch (w.code) {
    case 'notLeaf':
      return t('loopAdmin.warning.notLeaf', { value: w.value })
    case 'leadNotAtLevel':
      return t('loopAdmin.warning.leadNotAtLevel', {
        value: w.value,
        level: t(`loopAdmin.levelShort.${w.level}`),
      })
    case 'codePadded':
      return t('loopAdmin.warning.codePadded', { value: w.value, from: w.from })
  }
}

export const levelText = (t: T, level: number) =>
  level === 1 || level === 2 || level === 3 ? t(`loopAdmin.level.${level}`) : String(level)

export const unitText = (t: T, unit: string) =>
  unit === 'working_hours' || unit === 'working_days' ? t(`loopAdmin.unit.${unit}`) : unit

/**
 * What the checks need, from the server: the taxonomy (map.meta) and the department kinds.
 * `ctx` is null until both have arrived.
 */
export function useRuleContext() {
  const meta = useQuery(trpc.map.meta.queryOptions())
  const kinds = useQuery(trpc.loopAdmin.departmentKinds.queryOptions())
  const ctx = useMemo((): CheckContext | null => {
    if (!meta.data || !kinds.data) return null
    return {
      categories: new Map(meta.data.categories.map((c) => [c.code, { level: c.level }])),
      kinds: new Map(kinds.data.map((k) => [k.kind, k.levels])),
    }
  }, [meta.data, kinds.data])
  return {
    ctx,
    categories: meta.data?.categories ?? [],
    kinds: kinds.data ?? [],
    error: meta.error ?? kinds.error ?? null,
  }
}
