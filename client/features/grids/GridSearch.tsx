import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type KeyboardEvent, useEffect, useRef, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { errorMessage, type GridSearchHit, trpc } from '../../trpc.ts'

const DEBOUNCE_MS = 220
const LIMIT = 30

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return debounced
}

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

/** Areas whose name or code matches, with the parent to tell namesakes apart. */
export function GridSearchResults({
  query,
  onSelect,
}: {
  query: string
  onSelect: (hit: GridSearchHit) => void
}) {
  const { t, kind } = useI18n()
  const q = useDebounced(query.trim(), DEBOUNCE_MS)
  const results = useQuery({
    ...trpc.grid.search.queryOptions({ q, limit: LIMIT }),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
  })
  const listRef = useRef<HTMLUListElement>(null)

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    const hits = [...(listRef.current?.querySelectorAll<HTMLElement>('.search-hit') ?? [])]
    const index = hits.indexOf(document.activeElement as HTMLElement)
    const next = hits[index + (event.key === 'ArrowDown' ? 1 : -1)]
    if (next) {
      event.preventDefault()
      next.focus()
    }
  }

  return (
    <section className="search-results" data-testid="grid-search-results" aria-label={t('search.results')}>
      {(results.isPending || q !== query.trim()) && !results.data && (
        <p className="tree-note">{t('tree.loading')}</p>
      )}
      {results.isError && <p className="tree-error">{errorMessage(results.error)}</p>}
      {results.data?.length === 0 && <p className="tree-note">{t('search.empty')}</p>}
      {results.data && results.data.length > 0 && (
        <ul ref={listRef} onKeyDown={onKeyDown}>
          {results.data.map((hit) => (
            <li key={hit.id}>
              <button
                type="button"
                className="search-hit"
                data-testid={`grid-search-result-${hit.code}`}
                onClick={() => onSelect(hit)}
              >
                <span className={`level-dot level-${hit.level}`} aria-hidden="true" />
                <span className="search-hit-main">
                  <span className="search-hit-name">{hit.name}</span>
                  <span className="search-hit-sub">
                    {hit.parentName ? `${hit.parentName} · ` : ''}
                    {hit.code}
                  </span>
                </span>
                <span className="tree-kind">{kind(hit.kind)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
