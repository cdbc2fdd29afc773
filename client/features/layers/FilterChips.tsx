import { useI18n } from '../../i18n/index.ts'

export interface FilterChipsProps<T extends string> {
  /** For tests: `filter-<testId>` on the group, `filter-<testId>-<value>` on each chip. */
  testId: string
  label: string
  values: readonly T[]
  selected: readonly T[]
  name: (value: T) => string
  onChange: (next: T[]) => void
}

/** A multi-select as a row of toggle chips: none selected means all. */
export function FilterChips<T extends string>({
  testId,
  label,
  values,
  selected,
  name,
  onChange,
}: FilterChipsProps<T>) {
  const { t } = useI18n()
  const toggle = (value: T) =>
    onChange(
      selected.includes(value)
        ? selected.filter((v) => v !== value)
        : values.filter((v) => v === value || selected.includes(v)),
    )
  return (
    <fieldset className="filter-group" data-testid={`filter-${testId}`}>
      <legend className="filter-label">
        <span>{label}</span>
        {selected.length > 0 ? (
          <button type="button" className="link-button" onClick={() => onChange([])}>
            {t('layers.clear')}
          </button>
        ) : (
          <span className="filter-any">{t('layers.any')}</span>
        )}
      </legend>
      <div className="chip-row">
        {values.map((value) => (
          <button
            key={value}
            type="button"
            className="filter-chip"
            aria-pressed={selected.includes(value)}
            data-testid={`filter-${testId}-${value}`}
            onClick={() => toggle(value)}
          >
            {name(value)}
          </button>
        ))}
      </div>
    </fieldset>
  )
}
