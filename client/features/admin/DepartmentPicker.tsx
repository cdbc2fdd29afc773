import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type FocusEvent, useEffect, useId, useRef, useState } from 'react'
import { type MessageKey, useI18n } from '../../i18n/index.ts'
import { errorMessage, trpc } from '../../trpc.ts'

/** A department as the user forms hold it (users.org_id); null: none. */
export interface DepartmentChoice {
  id: number
  code: string
  name: string
}

/** How many departments one search lists; more are found by typing. */
const LIMIT = 40

interface DepartmentPickerProps {
  value: DepartmentChoice | null
  onChange: (value: DepartmentChoice | null) => void
  /** The roles chosen need a department (department handler): marked, and "none" is not offered. */
  required: boolean
  /** Show the field as wrong (a required department is missing). */
  invalid?: boolean
  /** The user's area (grid code; null the whole city): only departments that fit it are offered. */
  areaCode: string | null
  testId?: string
}

/**
 * Picks the department a user works for by searching those serving the administrator's area
 * (users.departments): the city's, the districts' and the streets', by name, code or kind; only
 * those that serve the user's area, a part of it or an area containing it (the others' events the
 * user would not see).
 */
export function DepartmentPicker({
  value,
  onChange,
  required,
  invalid = false,
  areaCode,
  testId = 'department-picker',
}: DepartmentPickerProps) {
  const { t, server } = useI18n()
  const listId = useId()
  const root = useRef<HTMLDivElement>(null)
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState('')
  const [q, setQ] = useState('')
  useEffect(() => {
    const timer = setTimeout(() => setQ(query.trim()), 220)
    return () => clearTimeout(timer)
  }, [query])
  const hits = useQuery({
    ...trpc.users.departments.queryOptions({ q, limit: LIMIT, ...(areaCode ? { areaCode } : {}) }),
    enabled: open,
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  })
  const choose = (choice: DepartmentChoice | null) => {
    onChange(choice)
    setQuery('')
    setQ('')
    setOpen(false)
  }
  /** Focus leaving the picker (not to one of its options) closes the list. */
  const leave = (event: FocusEvent) => {
    if (!root.current?.contains(event.relatedTarget as Node | null)) setOpen(false)
  }

  return (
    <div className="area-picker" data-testid={testId} ref={root}>
      <div className="area-current">
        {value ? (
          <>
            <span className="area-current-name" data-testid={`${testId}-value`} data-id={value.id}>
              {value.name}
            </span>
            <span className="mono area-current-code">{value.code}</span>
            {!required && (
              <button
                type="button"
                className="link-button"
                data-testid={`${testId}-clear`}
                onClick={() => choose(null)}
              >
                {t('usersOrg.clear')}
              </button>
            )}
          </>
        ) : (
          <span className="dim" data-testid={`${testId}-value`} data-id="">
            {t('usersOrg.none')}
          </span>
        )}
      </div>
      <input
        type="search"
        className="text-input"
        data-testid={`${testId}-search`}
        placeholder={t('usersOrg.search')}
        aria-label={t('usersOrg.search')}
        aria-controls={listId}
        aria-invalid={invalid}
        value={query}
        maxLength={50}
        autoComplete="off"
        spellCheck={false}
        onFocus={() => setOpen(true)}
        onBlur={leave}
        onChange={(event) => {
          setQuery(event.target.value)
          setOpen(true)
        }}
      />
      {open && (
        <ul className="area-options" id={listId} data-testid={`${testId}-options`}>
          {hits.isPending && <li className="tree-note">{t('common.loading')}</li>}
          {hits.isError && (
            <li className="form-error" role="alert">
              {t('usersOrg.unavailable', { message: server(errorMessage(hits.error)) })}
            </li>
          )}
          {hits.data?.length === 0 && <li className="tree-note">{t('usersOrg.empty')}</li>}
          {hits.data?.map((o) => (
            <li key={o.id}>
              <button
                type="button"
                className="search-hit"
                data-testid={`${testId}-option-${o.code}`}
                aria-pressed={value?.id === o.id}
                onBlur={leave}
                onClick={() => choose({ id: o.id, code: o.code, name: o.name })}
              >
                <span className={`level-dot level-${o.areaLevel ?? 0}`} aria-hidden="true" />
                <span className="search-hit-main">
                  <span className="search-hit-name">{o.name}</span>
                  <span className="search-hit-sub">
                    {o.areaName ? `${o.areaName} · ` : ''}
                    {o.code}
                  </span>
                </span>
                <span className="tree-kind">{t(`wb.levelName.${o.areaLevel ?? 0}` as MessageKey)}</span>
              </button>
            </li>
          ))}
          {hits.data?.length === LIMIT && (
            <li className="tree-note">{t('usersOrg.more', { count: LIMIT })}</li>
          )}
        </ul>
      )}
    </div>
  )
}

/** The user form's department field: label (marked when required), picker and what it is for. */
export function DepartmentField(props: Omit<DepartmentPickerProps, 'testId'>) {
  const { t } = useI18n()
  return (
    <div className="field">
      <span className="field-label">
        {t('usersOrg.label')}
        {props.required && <span className="required"> * {t('usersOrg.requiredMark')}</span>}
      </span>
      <DepartmentPicker {...props} testId="user-form-department" />
      <span className="field-note">{t('usersOrg.hint')}</span>
    </div>
  )
}

/** The department column of the users table. */
export function DepartmentCell({ department }: { department: DepartmentChoice | null }) {
  const { t } = useI18n()
  if (!department) return <span className="dim">{t('common.none')}</span>
  return (
    <span title={department.code} data-testid="user-department" data-id={department.id}>
      {department.name}
    </span>
  )
}
