import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { ConfirmButton } from '../../components/ConfirmButton.tsx'
import { SecretOnce } from '../../components/SecretOnce.tsx'
import { useI18n } from '../../i18n/index.ts'
import { ROLE_IDS, type RoleId } from '../../lib/roles.ts'
import { errorMessage, trpc } from '../../trpc.ts'
import { useSession } from '../auth/session.ts'
import { type AreaChoice, AreaPicker } from './AreaPicker.tsx'

/** Same rule as the server's TOKEN_NAME_RE, so a bad name is caught before sending. */
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/

/** API tokens: list, create (the token is shown once), revoke. */
export function TokensPanel() {
  const { t, role, dateTime, server } = useI18n()
  const { me } = useSession()
  const queryClient = useQueryClient()
  const tokens = useQuery(trpc.users.tokens.queryOptions())
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.tokens.queryKey() })
  const wholeCity = me.area.gridId === null
  const defaultArea = (): AreaChoice =>
    wholeCity ? { code: null, name: t('users.wholeCity') } : { code: me.area.code, name: me.area.name }

  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [tokenRole, setTokenRole] = useState<RoleId>('dispatcher')
  const [area, setArea] = useState<AreaChoice>(defaultArea)
  const [problem, setProblem] = useState<string | null>(null)
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null)

  const create = useMutation(
    trpc.users.createToken.mutationOptions({
      onSuccess: (result) => {
        setShown({ name: result.info.name, token: result.token })
        setOpen(false)
        setName('')
        void refresh()
      },
    }),
  )
  const revoke = useMutation(trpc.users.revokeToken.mutationOptions({ onSuccess: () => void refresh() }))

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!TOKEN_NAME.test(name.trim())) return setProblem(t('tokens.nameHint'))
    setProblem(null)
    create.mutate({ name: name.trim(), role: tokenRole, areaCode: area.code })
  }

  return (
    <section className="table-card" data-testid="tokens-panel">
      <header className="card-header">
        <div>
          <h2 className="card-title">{t('tokens.title')}</h2>
          <p className="page-subtitle">{t('tokens.subtitle')}</p>
        </div>
        {!open && (
          <button
            type="button"
            className="primary-button"
            data-testid="token-create"
            onClick={() => {
              setShown(null)
              setArea(defaultArea())
              setOpen(true)
            }}
          >
            + {t('tokens.create')}
          </button>
        )}
      </header>

      {shown && (
        <SecretOnce
          message={t('tokens.once', { name: shown.name })}
          secret={shown.token}
          onClose={() => setShown(null)}
        />
      )}

      {open && (
        <form className="inline-form" data-testid="token-form" onSubmit={submit} noValidate>
          <label className="field">
            <span className="field-label">{t('tokens.col.name')}</span>
            <input
              type="text"
              className="text-input mono"
              data-testid="token-form-name"
              value={name}
              maxLength={64}
              placeholder="ops-dashboard"
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => setName(event.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('tokens.col.role')}</span>
            <select
              className="text-input"
              data-testid="token-form-role"
              value={tokenRole}
              onChange={(event) => setTokenRole(event.target.value as RoleId)}
            >
              {ROLE_IDS.map((id) => (
                <option key={id} value={id}>
                  {role(id)}
                </option>
              ))}
            </select>
          </label>
          <div className="field field-wide">
            <span className="field-label">{t('tokens.col.area')}</span>
            <AreaPicker value={area} onChange={setArea} allowWholeCity={wholeCity} testId="token-form-area" />
          </div>
          <div className="inline-form-actions">
            <button type="button" className="plain-button" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
            <button
              type="submit"
              className="primary-button"
              data-testid="token-form-submit"
              disabled={create.isPending}
            >
              {create.isPending ? t('common.saving') : t('tokens.create')}
            </button>
          </div>
          {(problem || create.isError) && (
            <p className="form-error field-wide" role="alert" data-testid="token-form-error">
              {problem ?? server(errorMessage(create.error))}
            </p>
          )}
        </form>
      )}

      {revoke.isError && (
        <p className="form-error" role="alert">
          {server(errorMessage(revoke.error))}
        </p>
      )}
      {tokens.isPending && <p className="tree-note">{t('common.loading')}</p>}
      {tokens.isError && (
        <p className="tree-error" role="alert">
          {t('common.error', { message: server(errorMessage(tokens.error)) })}
        </p>
      )}
      {tokens.data?.length === 0 && <p className="tree-note">{t('tokens.empty')}</p>}
      {tokens.data && tokens.data.length > 0 && (
        <table className="data-table" data-testid="tokens-table">
          <thead>
            <tr>
              <th>{t('tokens.col.name')}</th>
              <th>{t('tokens.col.role')}</th>
              <th>{t('tokens.col.area')}</th>
              <th>{t('tokens.col.created')}</th>
              <th>{t('tokens.col.lastUsed')}</th>
              <th>{t('tokens.col.status')}</th>
              <th className="col-actions">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => (
              <tr
                key={token.id}
                data-testid="token-row"
                data-name={token.name}
                data-revoked={token.revokedAt !== null}
                className={token.revokedAt ? 'row-dim' : undefined}
              >
                <td className="mono">{token.name}</td>
                <td>
                  <span className="chip">{role(token.role)}</span>
                </td>
                <td>{token.area ? token.area.name : <span className="dim">{t('users.wholeCity')}</span>}</td>
                <td className="nowrap">
                  {dateTime(token.createdAt)}
                  {token.createdBy && (
                    <span className="dim"> · {t('tokens.by', { name: token.createdBy })}</span>
                  )}
                </td>
                <td className="nowrap">
                  {token.lastUsedAt ? (
                    dateTime(token.lastUsedAt)
                  ) : (
                    <span className="dim">{t('common.none')}</span>
                  )}
                </td>
                <td className="nowrap">
                  {token.revokedAt ? (
                    <span className="status status-off">
                      {t('tokens.revokedAt', { time: dateTime(token.revokedAt) })}
                    </span>
                  ) : (
                    <span className="status status-ok">{t('tokens.valid')}</span>
                  )}
                </td>
                <td className="col-actions">
                  {!token.revokedAt && (
                    <ConfirmButton
                      label={t('tokens.revoke')}
                      question={t('tokens.confirmRevoke', { name: token.name })}
                      onConfirm={() => revoke.mutate({ id: token.id })}
                      disabled={revoke.isPending && revoke.variables?.id === token.id}
                      danger
                      testId="token-revoke"
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
