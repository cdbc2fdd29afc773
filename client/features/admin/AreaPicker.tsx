import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useEffect, useId, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { errorMessage, trpc } from '../../trpc.ts'

/** An area as the forms hold it: a grid code, or null for the whole city. */
export interface AreaChoice {
  code: string | null
  name: string
}

interface AreaPickerProps {
  value: AreaChoice
  onChange: (value: AreaChoice) => void
  /** Whether "whole city" may be chosen (only by someone whose own area is the whole city). */
  allowWholeCity: boolean
  testId?: string
}

/** Picks an area by searching the hierarchy (grid.search, limited to the admin's own area). */
export function AreaPicker({ value, onChange, allowWholeCity, testId = 'area-picker' }: AreaPickerProps) {
  const { t, kind } = useI18n()
  const listId = useId()
  const [query, setQuery] = useState('')
  const [q, setQ] = useState('')
  useEffect(() => {
    const timer = setTimeout(() => setQ(query.trim()), 220)
    return () => clearTimeout(timer)
  }, [query])
  const hits = useQuery({
    ...trpc.grid.search.queryOptions({ q, limit: 12 }),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
  })

  return (
    <div className="area-picker" data-testid={testId}>
      <div className="area-current">
        <span className="area-current-name" data-testid={`${testId}-value`}>
          {value.name}
        </span>
        {value.code && <span className="mono area-current-code">{value.code}</span>}
        {allowWholeCity && value.code !== null && (
          <button
            type="button"
            className="link-button"
            data-testid={`${testId}-whole-city`}
            onClick={() => onChange({ code: null, name: t('users.wholeCity') })}
          >
            {t('area.wholeCity')}
          </button>
        )}
      </div>
      <input
        type="search"
        className="text-input"
        data-testid={`${testId}-search`}
        placeholder={t('area.search')}
        aria-label={t('area.search')}
        aria-controls={listId}
        value={query}
        maxLength={50}
        onChange={(event) => setQuery(event.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      {q.length > 0 && (
        <ul className="area-options" id={listId}>
          {hits.isError && <li className="form-error">{errorMessage(hits.error)}</li>}
          {hits.data?.length === 0 && <li className="tree-note">{t('area.empty')}</li>}
          {hits.data?.map((hit) => (
            <li key={hit.id}>
              <button
                type="button"
                className="search-hit"
                data-testid={`${testId}-option-${hit.code}`}
                onClick={() => {
                  onChange({ code: hit.code, name: hit.name })
                  setQuery('')
                  setQ('')
                }}
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
    </div>
  )
}
