import { useMutation, useQuery } from '@tanstack/react-query'
import { type FormEvent, useEffect, useState } from 'react'
import { type MessageKey, useI18n } from '../../i18n/index.ts'
import { errorMessage, type RouterOutputs, trpc } from '../../trpc.ts'
import { useSession } from '../auth/session.ts'

/** How long unmasked details stay on screen. */
const SHOW_SECONDS = 60
const REASONS = ['visit', 'service', 'case', 'care', 'other'] as const
type Reason = (typeof REASONS)[number]
const RELATIONS = new Set(['head', 'spouse', 'child', 'relative'])

type Secrets = RouterOutputs['people']['unmask']

interface PersonPanelProps {
  id: number
  onOpen: (id: number) => void
  onClose: () => void
}

/** One resident: masked details, household, building, grid; the audited unmasking for allowed roles. */
export function PersonPanel({ id, onOpen, onClose }: PersonPanelProps) {
  const { t, server } = useI18n()
  const { me } = useSession()
  const relation = (r: string) => (RELATIONS.has(r) ? t(`relation.${r}` as MessageKey) : r)
  const person = useQuery(trpc.people.get.queryOptions({ id }))
  const [secrets, setSecrets] = useState<Secrets | null>(null)
  // Another person, another unmasking: nothing shown for one is carried to the next.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset whenever the person changes
  useEffect(() => setSecrets(null), [id])
  const p = person.data

  return (
    <aside className="person-panel table-card" data-testid="person-panel" aria-label={t('person.title')}>
      <header className="detail-header">
        <span className="detail-eyebrow">{t('person.title')}</span>
        <button type="button" className="icon-button" aria-label={t('person.close')} onClick={onClose}>
          ×
        </button>
      </header>
      {person.isPending && <p className="tree-note">{t('person.loading')}</p>}
      {person.isError && (
        <p className="tree-error" role="alert">
          {t('common.error', { message: server(errorMessage(person.error)) })}
        </p>
      )}
      {p && (
        <>
          <h2 className="detail-name" data-testid="person-name">
            {p.name}
            <span className="detail-kind">{t(`people.residence.${p.residence}` as MessageKey)}</span>
          </h2>
          <dl className="detail-facts person-facts">
            <div>
              <dt>{t('people.col.idNumber')}</dt>
              <dd className="mono" data-testid="person-id-number">
                {secrets?.idNumber ?? p.idNumberMasked}
              </dd>
            </div>
            <div>
              <dt>{t('people.col.phone')}</dt>
              <dd className="mono" data-testid="person-phone">
                {secrets ? (secrets.phone ?? '—') : (p.phoneMasked ?? '—')}
              </dd>
            </div>
            <div>
              <dt>{t('people.col.gender')}</dt>
              <dd>
                {t(`people.gender.${p.gender}` as MessageKey)} · {p.birthYear}
              </dd>
            </div>
            <div>
              <dt>{t('person.relation')}</dt>
              <dd>{relation(p.relation)}</dd>
            </div>
          </dl>
          {p.tags === null ? (
            <p className="dim small">{t('person.tagsHidden')}</p>
          ) : (
            p.tags.length > 0 && (
              <span className="chips" data-testid="person-tags">
                {p.tags.map((tag) => (
                  <span key={tag} className="chip">
                    {t(`tag.${tag}` as MessageKey)}
                  </span>
                ))}
              </span>
            )
          )}
          <dl className="detail-facts person-facts">
            <div className="wide">
              <dt>{t('person.grid')}</dt>
              <dd>{p.gridPath.map((g) => g.name).join(' › ')}</dd>
            </div>
            {p.building && (
              <div className="wide">
                <dt>{t('person.building')}</dt>
                <dd>{[p.building.address, p.building.name].filter(Boolean).join(' · ')}</dd>
              </div>
            )}
          </dl>
          {me.permissions.includes('people.unmask') && (
            <Unmask id={p.id} shown={secrets !== null} onShown={setSecrets} onHide={() => setSecrets(null)} />
          )}
          {p.household && (
            <section className="person-household">
              <h3 className="card-title small">
                {t('person.household', { room: p.household.room, size: p.household.size })}
              </h3>
              <ul className="person-members">
                {p.household.members.map((m) => (
                  <li key={m.id}>
                    <button
                      type="button"
                      className="link-button"
                      disabled={m.id === p.id}
                      onClick={() => onOpen(m.id)}
                    >
                      {m.name}
                    </button>
                    <span className="dim">
                      {' '}
                      {relation(m.relation)} · {m.birthYear}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </aside>
  )
}

function Unmask({
  id,
  shown,
  onShown,
  onHide,
}: {
  id: number
  shown: boolean
  onShown: (s: Secrets) => void
  onHide: () => void
}) {
  const { t, server } = useI18n()
  const [asking, setAsking] = useState(false)
  const [reason, setReason] = useState<Reason>('visit')
  const [detail, setDetail] = useState('')
  const [left, setLeft] = useState(SHOW_SECONDS)
  const unmask = useMutation(trpc.people.unmask.mutationOptions())
  const text =
    reason === 'other'
      ? detail.trim()
      : [t(`person.reason.${reason}` as MessageKey), detail.trim()].filter(Boolean).join('：')
  const tooShort = [...text].length < 4

  // The details hide themselves after SHOW_SECONDS.
  useEffect(() => {
    if (!shown) return
    setLeft(SHOW_SECONDS)
    const timer = setInterval(() => setLeft((s) => s - 1), 1000)
    return () => clearInterval(timer)
  }, [shown])
  useEffect(() => {
    if (shown && left <= 0) onHide()
  }, [shown, left, onHide])

  if (shown)
    return (
      <p className="page-notice person-unmasked" role="status" data-testid="person-unmasked">
        {t('person.unmasked', { seconds: left })}{' '}
        <button type="button" className="link-button" onClick={onHide}>
          {t('person.hide')}
        </button>
      </p>
    )
  if (!asking)
    return (
      <button
        type="button"
        className="plain-button"
        data-testid="person-unmask"
        onClick={() => setAsking(true)}
      >
        {t('person.unmask')}
      </button>
    )
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (tooShort) return
    unmask.mutate(
      { id, reason: text },
      {
        onSuccess: (s) => {
          setAsking(false)
          onShown(s)
        },
      },
    )
  }
  return (
    <form className="person-unmask" data-testid="person-unmask-form" onSubmit={submit} noValidate>
      <strong>{t('person.unmaskTitle')}</strong>
      <p className="dim small">{t('person.unmaskHint')}</p>
      <label className="field">
        <span className="field-label">{t('person.reason')}</span>
        <select
          className="text-input"
          data-testid="person-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value as Reason)}
        >
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`person.reason.${r}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">{t('person.reasonDetail')}</span>
        <input
          type="text"
          className="text-input"
          data-testid="person-reason-detail"
          maxLength={150}
          value={detail}
          onChange={(e) => setDetail(e.target.value)}
        />
      </label>
      {tooShort && <p className="form-error">{t('person.reasonTooShort')}</p>}
      {unmask.isError && (
        <p className="form-error" role="alert">
          {t('person.unmaskError', { message: server(errorMessage(unmask.error)) })}
        </p>
      )}
      <div className="filter-actions">
        <button
          type="submit"
          className="primary-button"
          data-testid="person-unmask-submit"
          disabled={tooShort || unmask.isPending}
        >
          {unmask.isPending ? t('person.unmasking') : t('person.unmaskSubmit')}
        </button>
        <button type="button" className="plain-button" onClick={() => setAsking(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  )
}
