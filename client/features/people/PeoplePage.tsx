import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type FormEvent, useEffect, useMemo, useState } from 'react'
import { type MessageKey, useI18n } from '../../i18n/index.ts'
import {
  ageIn,
  EMPTY_PEOPLE_FILTER,
  PERSON_TAGS,
  type PeopleFilterForm,
  peopleExportUrl,
  peopleFilterProblem,
  peopleQuery,
} from '../../lib/people-filter.ts'
import { errorMessage, type RouterInputs, type RouterOutputs, trpc } from '../../trpc.ts'
import { type AreaChoice, AreaPicker } from '../admin/AreaPicker.tsx'
import { useSession } from '../auth/session.ts'
import { PersonPanel } from './PersonPanel.tsx'

const PAGE_SIZE = 50

type Person = RouterOutputs['people']['list']['items'][number]

interface PeoplePageProps {
  /** The area selected on the map (URL `grid=`), the register's starting filter. */
  gridCode: string | null
}

/**
 * The register of residents (实有人口) in the caller's area: filter, page through, open one person.
 * Everything is masked; tags appear only for roles allowed to see them; exports are audited.
 */
export function PeoplePage({ gridCode }: PeoplePageProps) {
  const { t, server, number } = useI18n()
  const { me } = useSession()
  const canTags = me.permissions.includes('people.tags')
  const canExport = me.permissions.includes('export')
  const ownArea = useMemo<AreaChoice>(
    () => ({ code: me.area.gridId === null ? null : me.area.code, name: me.area.name }),
    [me.area],
  )
  const start: PeopleFilterForm = { ...EMPTY_PEOPLE_FILTER, gridCode: gridCode ?? '' }
  const [form, setForm] = useState<PeopleFilterForm>(start)
  const [area, setArea] = useState<AreaChoice>(gridCode ? { code: gridCode, name: gridCode } : ownArea)
  // The map's selection arrives as a code; its name follows.
  const selected = useQuery({
    ...trpc.grid.get.queryOptions({ code: gridCode ?? '' }),
    enabled: gridCode !== null,
  })
  const areaShown =
    area.code !== null && area.code === selected.data?.code ? { ...area, name: selected.data.name } : area
  // A selection outside this user's area (a link from someone else, the previous user's view):
  // the register starts from the user's own area instead of showing nothing.
  const outside = gridCode !== null && selected.isError
  useEffect(() => {
    if (!outside) return
    setArea(ownArea)
    setForm((current) => (current.gridCode === gridCode ? { ...current, gridCode: '' } : current))
    setApplied((current) => (current.gridCode === gridCode ? { ...current, gridCode: '' } : current))
  }, [outside, gridCode, ownArea])
  const [applied, setApplied] = useState<PeopleFilterForm>(start)
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined])
  const [open, setOpen] = useState<number | null>(null)
  const cursor = cursors[cursors.length - 1]
  const problem = peopleFilterProblem(form)

  const input = useMemo(
    () =>
      ({
        ...peopleQuery(applied),
        ...(cursor !== undefined ? { cursor } : {}),
        limit: PAGE_SIZE,
      }) as RouterInputs['people']['list'],
    [applied, cursor],
  )
  const list = useQuery({ ...trpc.people.list.queryOptions(input), placeholderData: keepPreviousData })

  const apply = (event: FormEvent) => {
    event.preventDefault()
    if (problem) return
    setApplied(form)
    setCursors([undefined])
  }
  const reset = () => {
    setForm(EMPTY_PEOPLE_FILTER)
    setApplied(EMPTY_PEOPLE_FILTER)
    setArea(ownArea)
    setCursors([undefined])
  }
  const field = (key: keyof PeopleFilterForm) => ({
    value: form[key],
    onChange: (event: { target: { value: string } }) =>
      setForm((current) => ({ ...current, [key]: event.target.value })),
  })
  const nextCursor = list.data?.nextCursor ?? null

  return (
    <main className="admin-page people-page" data-testid="people-page">
      <div className="admin-scroll">
        <header className="page-header">
          <div>
            <h1 className="page-title">{t('people.title')}</h1>
            <p className="page-subtitle">{t('people.subtitle')}</p>
          </div>
          <div className="page-actions">
            {list.data && (
              <span className="page-count" data-testid="people-total" data-value={list.data.total}>
                {list.data.totalCapped
                  ? t('people.totalCapped', { count: number(list.data.total) })
                  : t('people.total', { count: number(list.data.total) })}
              </span>
            )}
            {canExport && (
              <a
                className="primary-button"
                data-testid="people-export"
                href={peopleExportUrl(applied)}
                download
                title={t('people.exportHint')}
              >
                {t('people.export')}
              </a>
            )}
          </div>
        </header>

        <form className="filter-bar" data-testid="people-filter" onSubmit={apply} noValidate>
          <div className="field field-wide">
            <span className="field-label">{t('people.area')}</span>
            <AreaPicker
              value={areaShown}
              allowWholeCity={me.area.gridId === null}
              testId="people-area"
              onChange={(next) => {
                setArea(next)
                setForm((current) => ({ ...current, gridCode: next.code ?? '' }))
              }}
            />
          </div>
          <label className="field">
            <span className="field-label">{t('people.name')}</span>
            <input
              type="text"
              className="text-input"
              data-testid="people-name"
              placeholder={t('people.namePlaceholder')}
              maxLength={20}
              {...field('name')}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('people.idNumber')}</span>
            <input
              type="text"
              className="text-input mono"
              data-testid="people-id-number"
              placeholder={t('people.idNumberHint')}
              maxLength={24}
              spellCheck={false}
              autoComplete="off"
              {...field('idNumber')}
            />
          </label>
          {canTags && (
            <label className="field">
              <span className="field-label">{t('people.tag')}</span>
              <select className="text-input" data-testid="people-tag" {...field('tag')}>
                <option value="">{t('people.any')}</option>
                {PERSON_TAGS.map((tag) => (
                  <option key={tag} value={tag}>
                    {t(`tag.${tag}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="field">
            <span className="field-label">{t('people.residence')}</span>
            <select className="text-input" data-testid="people-residence" {...field('residence')}>
              <option value="">{t('people.any')}</option>
              <option value="registered">{t('people.residence.registered')}</option>
              <option value="floating">{t('people.residence.floating')}</option>
            </select>
          </label>
          <div className="filter-actions">
            <button
              type="submit"
              className="primary-button"
              data-testid="people-apply"
              disabled={problem !== null}
            >
              {t('people.apply')}
            </button>
            <button type="button" className="plain-button" onClick={reset}>
              {t('people.reset')}
            </button>
          </div>
          {problem && (
            <p className="form-error filter-problem" role="alert">
              {t('people.idNumberBad')}
            </p>
          )}
        </form>

        <div className="people-body">
          <section className="table-card" aria-busy={list.isFetching}>
            {list.isPending && <p className="tree-note">{t('common.loading')}</p>}
            {list.isError && (
              <p className="tree-error" role="alert" data-testid="people-error">
                {t('common.error', { message: server(errorMessage(list.error)) })}
              </p>
            )}
            {list.data?.items.length === 0 && <p className="tree-note">{t('people.empty')}</p>}
            {list.data && list.data.items.length > 0 && (
              <PeopleTable people={list.data.items} open={open} onOpen={setOpen} showTags={canTags} />
            )}
            <footer className="pager">
              <button
                type="button"
                className="plain-button"
                disabled={cursors.length === 1}
                onClick={() => setCursors([undefined])}
              >
                {t('people.first')}
              </button>
              <button
                type="button"
                className="plain-button"
                disabled={cursors.length === 1}
                onClick={() => setCursors((current) => current.slice(0, -1))}
              >
                ‹ {t('people.prev')}
              </button>
              <span className="pager-page">{t('people.page', { page: cursors.length })}</span>
              <button
                type="button"
                className="plain-button"
                data-testid="people-next"
                disabled={nextCursor === null || list.isPlaceholderData}
                onClick={() => nextCursor !== null && setCursors((current) => [...current, nextCursor])}
              >
                {t('people.next')} ›
              </button>
            </footer>
          </section>
          {open !== null && <PersonPanel id={open} onOpen={setOpen} onClose={() => setOpen(null)} />}
        </div>
      </div>
    </main>
  )
}

function PeopleTable({
  people,
  open,
  onOpen,
  showTags,
}: {
  people: readonly Person[]
  open: number | null
  onOpen: (id: number) => void
  showTags: boolean
}) {
  const { t } = useI18n()
  const year = new Date().getFullYear()
  return (
    <table className="data-table" data-testid="people-table">
      <thead>
        <tr>
          <th>{t('people.col.name')}</th>
          <th>{t('people.col.gender')}</th>
          <th>{t('people.col.birth')}</th>
          <th>{t('people.col.residence')}</th>
          <th>{t('people.col.idNumber')}</th>
          <th>{t('people.col.phone')}</th>
          <th>{t('people.col.grid')}</th>
          <th>{t('people.col.address')}</th>
          {showTags && <th>{t('people.col.tags')}</th>}
        </tr>
      </thead>
      <tbody>
        {people.map((p) => (
          <tr
            key={p.id}
            data-testid="people-row"
            data-id={p.id}
            className={open === p.id ? 'row-selected' : undefined}
            onClick={() => onOpen(p.id)}
          >
            <td>
              <button type="button" className="link-button" onClick={() => onOpen(p.id)}>
                {p.name}
              </button>
            </td>
            <td>{t(`people.gender.${p.gender}` as MessageKey)}</td>
            <td className="nowrap">
              {p.birthYear} <span className="dim">{t('people.age', { age: ageIn(year, p.birthYear) })}</span>
            </td>
            <td>{t(`people.residence.${p.residence}` as MessageKey)}</td>
            <td className="mono nowrap" data-testid="people-id-masked">
              {p.idNumberMasked}
            </td>
            <td className="mono nowrap">{p.phoneMasked ?? ''}</td>
            <td className="nowrap">{p.gridName ?? ''}</td>
            <td className="cell-clip" title={p.address ?? undefined}>
              {p.address ?? ''}
            </td>
            {showTags && (
              <td>
                <span className="chips">
                  {(p.tags ?? []).map((tag) => (
                    <span key={tag} className="chip">
                      {t(`tag.${tag}` as MessageKey)}
                    </span>
                  ))}
                </span>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
