import { useMemo, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import type { CategoryRow, KindRow } from './rule-words.ts'

const LEVEL_SHORT = {
  1: 'loopAdmin.levelShort.1',
  2: 'loopAdmin.levelShort.2',
  3: 'loopAdmin.levelShort.3',
} as const

/** "城管局（市·区）": a kind with the levels where it has departments. */
function useKindLabel() {
  const { t } = useI18n()
  return (k: KindRow) => {
    const levels = k.levels.filter((l): l is 1 | 2 | 3 => l === 1 || l === 2 || l === 3)
    return levels.length ? `${k.kind}（${levels.map((l) => t(LEVEL_SHORT[l])).join('·')}）` : k.kind
  }
}

interface KindSelectProps {
  value: string
  onChange: (kind: string) => void
  kinds: readonly KindRow[]
  label: string
  testId: string
}

/** The lead department: one of the known kinds (a kind not known is shown as such, to be replaced). */
export function KindSelect({ value, onChange, kinds, label, testId }: KindSelectProps) {
  const { t } = useI18n()
  const kindLabel = useKindLabel()
  const known = kinds.some((k) => k.kind === value)
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select
        className="text-input"
        value={value}
        data-testid={testId}
        aria-invalid={value !== '' && !known}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{t('loopAdmin.kind.choose')}</option>
        {!known && value && <option value={value}>{t('loopAdmin.kind.unknown', { kind: value })}</option>}
        {kinds.map((k) => (
          <option key={k.kind} value={k.kind}>
            {kindLabel(k)}
          </option>
        ))}
      </select>
    </label>
  )
}

interface CoKindsProps {
  value: readonly string[]
  onChange: (kinds: string[]) => void
  kinds: readonly KindRow[]
  lead: string
  testId: string
}

/** Co-departments: chips that can be removed, and a select that adds one of the known kinds. */
export function CoKinds({ value, onChange, kinds, lead, testId }: CoKindsProps) {
  const { t } = useI18n()
  const kindLabel = useKindLabel()
  const known = new Set(kinds.map((k) => k.kind))
  const free = kinds.filter((k) => !value.includes(k.kind) && k.kind !== lead)
  return (
    <div className="field la-co" data-testid={testId}>
      <span className="field-label">{t('loopAdmin.col.co')}</span>
      <div className="la-co-row">
        {value.map((k) => (
          <span key={k} className={known.has(k) && k !== lead ? 'chip la-chip' : 'chip chip-danger la-chip'}>
            {k}
            <button
              type="button"
              className="la-chip-remove"
              aria-label={t('loopAdmin.co.remove', { kind: k })}
              data-testid={`${testId}-remove`}
              onClick={() => onChange(value.filter((x) => x !== k))}
            >
              ×
            </button>
          </span>
        ))}
        <select
          className="text-input la-co-add"
          value=""
          aria-label={t('loopAdmin.co.add')}
          data-testid={`${testId}-add`}
          onChange={(e) => e.target.value && onChange([...value, e.target.value])}
        >
          <option value="">{t('loopAdmin.co.add')}</option>
          {free.map((k) => (
            <option key={k.kind} value={k.kind}>
              {kindLabel(k)}
            </option>
          ))}
        </select>
      </div>
    </div>
  )
}

const MAX_MATCHES = 10

interface CategoryPickerProps {
  categories: readonly CategoryRow[]
  /** The chosen category's code ('' for none). */
  value: string
  onChange: (code: string) => void
  testId: string
}

/**
 * A category of the taxonomy by code or name: rules route by the smallest (level-3) category,
 * so those come first; a category above them can be chosen but is marked.
 */
export function CategoryPicker({ categories, value, onChange, testId }: CategoryPickerProps) {
  const { t } = useI18n()
  const [query, setQuery] = useState('')
  const byCode = useMemo(() => new Map(categories.map((c) => [c.code, c])), [categories])
  const path = (c: CategoryRow) => {
    const names: string[] = []
    for (let x: CategoryRow | undefined = c; x; x = x.parentCode ? byCode.get(x.parentCode) : undefined)
      names.unshift(x.name)
    return names.join(' › ')
  }
  const q = query.trim()
  const matches = q
    ? categories
        .filter((c) => c.code.startsWith(q) || path(c).includes(q))
        .sort((a, b) => b.level - a.level || a.code.localeCompare(b.code))
        .slice(0, MAX_MATCHES)
    : []
  const chosen = byCode.get(value)
  return (
    <div className="field la-category" data-testid={testId}>
      <span className="field-label">{t('loopAdmin.col.category')}</span>
      {chosen && (
        <p className="la-category-chosen" data-testid={`${testId}-chosen`}>
          <span className="mono">{chosen.code}</span> {path(chosen)}
          {chosen.level < 3 && <span className="la-warn"> · {t('loopAdmin.category.notLeaf')}</span>}
        </p>
      )}
      <input
        type="search"
        className="text-input"
        placeholder={t('loopAdmin.category.search')}
        aria-label={t('loopAdmin.category.search')}
        value={query}
        data-testid={`${testId}-search`}
        onChange={(e) => setQuery(e.target.value)}
      />
      {matches.length > 0 && (
        <ul className="la-category-matches">
          {matches.map((c) => (
            <li key={c.code}>
              <button
                type="button"
                className="link-button"
                data-testid={`${testId}-match-${c.code}`}
                onClick={() => {
                  onChange(c.code)
                  setQuery('')
                }}
              >
                <span className="mono">{c.code}</span> {path(c)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {q && matches.length === 0 && <p className="field-note">{t('loopAdmin.category.noMatch')}</p>}
    </div>
  )
}
