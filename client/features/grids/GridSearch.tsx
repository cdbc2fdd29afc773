import type { KeyboardEvent } from 'react'
import { useI18n } from '../../i18n/index.ts'

/** The one search box (its results: features/search/MapSearchResults). */
export function GridSearchBox({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useI18n()
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') onChange('')
    if (event.key === 'ArrowDown') {
      const first = document.querySelector<HTMLElement>('.search-results .search-hit')
      if (first) {
        event.preventDefault()
        first.focus()
      }
    }
  }
  return (
    <div className="search-box">
      <svg className="search-icon" viewBox="0 0 24 24" aria-hidden="true">
        <circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" strokeWidth="2" />
        <path d="m15.5 15.5 5 5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      </svg>
      <input
        type="search"
        data-testid="grid-search"
        aria-label={t('search.label')}
        placeholder={t('search.placeholder')}
        value={value}
        maxLength={60}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        autoComplete="off"
        spellCheck={false}
      />
      {value && (
        <button
          type="button"
          className="search-clear"
          aria-label={t('search.clear')}
          onClick={() => onChange('')}
        >
          ×
        </button>
      )}
    </div>
  )
}
