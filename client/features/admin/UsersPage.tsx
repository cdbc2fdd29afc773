import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useState } from 'react'
import { ConfirmButton } from '../../components/ConfirmButton.tsx'
import { SecretOnce } from '../../components/SecretOnce.tsx'
import { useI18n } from '../../i18n/index.ts'
import { ROLE_IDS, type RoleId, sortRoles } from '../../lib/roles.ts'
import { errorMessage, type RouterOutputs, trpc } from '../../trpc.ts'
import { useSession } from '../auth/session.ts'
import { type AreaChoice, AreaPicker } from './AreaPicker.tsx'
import { DepartmentCell, type DepartmentChoice, DepartmentField } from './DepartmentPicker.tsx'
import { TokensPanel } from './TokensPanel.tsx'

export type UserRow = RouterOutputs['users']['list'][number]

/** A secret to show once, with what it is for. */
interface Shown {
  message: string
  secret: string
}

/** Users and API tokens in the administrator's area ('users.manage'). */
export function UsersPage() {
  const { t, server } = useI18n()
  const queryClient = useQueryClient()
  const users = useQuery(trpc.users.list.queryOptions())
  const [editing, setEditing] = useState<UserRow | 'new' | null>(null)
  const [shown, setShown] = useState<Shown | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() })

  const reset = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSuccess: (result) => {
        setNotice(null)
        setShown({
          message: t('users.passwordOnce', { name: result.user.username }),
          secret: result.password,
        })
        void refresh()
      },
    }),
  )

  return (
    <main className="admin-page" data-testid="admin-users">
      <div className="admin-scroll">
        <header className="page-header">
          <div>
            <h1 className="page-title">{t('users.title')}</h1>
            <p className="page-subtitle">{t('users.subtitle')}</p>
          </div>
          <div className="page-actions">
            {users.data && (
              <span className="page-count">{t('users.count', { count: users.data.length })}</span>
            )}
            <button
              type="button"
              className="primary-button"
              data-testid="user-create"
              onClick={() => {
                setShown(null)
                setEditing('new')
              }}
            >
              + {t('users.create')}
            </button>
          </div>
        </header>

        {shown && <SecretOnce message={shown.message} secret={shown.secret} onClose={() => setShown(null)} />}
        {notice && (
          <p className="page-notice" role="status">
            {notice}
          </p>
        )}
        {reset.isError && (
          <p className="form-error" role="alert">
            {server(errorMessage(reset.error))}
          </p>
        )}

        <section className="table-card">
          {users.isPending && <p className="tree-note">{t('common.loading')}</p>}
          {users.isError && (
            <p className="tree-error" role="alert">
              {t('common.error', { message: server(errorMessage(users.error)) })}{' '}
              <button type="button" className="link-button" onClick={() => void users.refetch()}>
                {t('common.retry')}
              </button>
            </p>
          )}
          {users.data?.length === 0 && <p className="tree-note">{t('users.empty')}</p>}
          {users.data && users.data.length > 0 && (
            <UsersTable
              users={users.data}
              onEdit={(user) => {
                setShown(null)
                setEditing(user)
              }}
              onReset={(user) => reset.mutate({ id: user.id })}
              resetting={reset.isPending ? reset.variables?.id : undefined}
            />
          )}
        </section>

        <TokensPanel />
      </div>

      {editing !== null && (
        <UserDialog
          user={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onCreated={(username, password) => {
            setEditing(null)
            setNotice(null)
            setShown({ message: t('users.passwordOnce', { name: username }), secret: password })
            void refresh()
          }}
          onSaved={(username) => {
            setEditing(null)
            setNotice(t('users.saved', { name: username }))
            void refresh()
          }}
        />
      )}
    </main>
  )
}

interface UsersTableProps {
  users: readonly UserRow[]
  onEdit: (user: UserRow) => void
  onReset: (user: UserRow) => void
  resetting: number | undefined
}

function UsersTable({ users, onEdit, onReset, resetting }: UsersTableProps) {
  const { t, role, dateTime } = useI18n()
  const now = Date.now()
  return (
    <table className="data-table" data-testid="users-table">
      <thead>
        <tr>
          <th>{t('users.col.username')}</th>
          <th>{t('users.col.displayName')}</th>
          <th>{t('users.col.roles')}</th>
          <th>{t('users.col.area')}</th>
          <th>{t('usersOrg.col')}</th>
          <th>{t('users.col.active')}</th>
          <th>{t('users.col.lastLogin')}</th>
          <th>{t('users.col.locked')}</th>
          <th className="col-actions">{t('common.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => {
          const locked = user.lockedUntil !== null && new Date(user.lockedUntil).getTime() > now
          return (
            <tr key={user.id} data-testid="user-row" data-username={user.username}>
              <td className="mono">{user.username}</td>
              <td>{user.displayName}</td>
              <td>
                <span className="chips">
                  {sortRoles(user.roles).map((id) => (
                    <span key={id} className="chip">
                      {role(id)}
                    </span>
                  ))}
                </span>
              </td>
              <td>
                {user.area ? (
                  <span title={user.area.code}>{user.area.name}</span>
                ) : (
                  <span className="dim">{t('users.wholeCity')}</span>
                )}
              </td>
              <td>
                <DepartmentCell department={user.department} />
              </td>
              <td>
                <span className={user.active ? 'status status-ok' : 'status status-off'}>
                  {user.active ? t('users.active') : t('users.inactive')}
                </span>
              </td>
              <td className="nowrap">
                {user.lastLoginAt ? (
                  dateTime(user.lastLoginAt)
                ) : (
                  <span className="dim">{t('users.never')}</span>
                )}
              </td>
              <td className="nowrap" data-testid="user-locked" data-locked={locked}>
                {locked && user.lockedUntil ? (
                  <span className="status status-bad">
                    {t('users.lockedUntil', { time: dateTime(user.lockedUntil) })}
                  </span>
                ) : user.failedLogins > 0 ? (
                  <span className="dim">{t('users.failedLogins', { count: user.failedLogins })}</span>
                ) : (
                  <span className="dim">{t('common.none')}</span>
                )}
              </td>
              <td className="col-actions">
                <span className="row-actions">
                  <button
                    type="button"
                    className="plain-button"
                    data-testid="user-edit"
                    onClick={() => onEdit(user)}
                  >
                    {t('users.edit')}
                  </button>
                  <ConfirmButton
                    label={t('users.resetPassword')}
                    question={t('users.confirmReset', { name: user.username })}
                    onConfirm={() => onReset(user)}
                    disabled={resetting === user.id}
                    testId="user-reset"
                  />
                </span>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

interface UserDialogProps {
  /** null: a new user. */
  user: UserRow | null
  onClose: () => void
  onCreated: (username: string, password: string) => void
  onSaved: (username: string) => void
}

/** Create a user, or change one's display name, roles, area, department and whether it is active. */
function UserDialog({ user, onClose, onCreated, onSaved }: UserDialogProps) {
  const { t, role, server } = useI18n()
  const { me } = useSession()
  const wholeCity = me.area.gridId === null
  const [username, setUsername] = useState(user?.username ?? '')
  const [displayName, setDisplayName] = useState(user?.displayName ?? '')
  const [roles, setRoles] = useState<RoleId[]>(user ? sortRoles(user.roles) : [])
  const [area, setArea] = useState<AreaChoice>(() =>
    user
      ? user.area
        ? { code: user.area.code, name: user.area.name }
        : { code: null, name: t('users.wholeCity') }
      : wholeCity
        ? { code: null, name: t('users.wholeCity') }
        : { code: me.area.code, name: me.area.name },
  )
  const [department, setDepartment] = useState<DepartmentChoice | null>(user?.department ?? null)
  const [active, setActive] = useState(user?.active ?? true)
  const [problem, setProblem] = useState<string | null>(null)

  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (result) => onCreated(result.user.username, result.password),
    }),
  )
  const update = useMutation(
    trpc.users.update.mutationOptions({ onSuccess: (result) => onSaved(result.username) }),
  )
  const pending = create.isPending || update.isPending
  const failure = create.error ?? update.error

  const needsDepartment = roles.includes('department-handler')
  const toggleRole = (id: RoleId) =>
    setRoles((current) =>
      current.includes(id) ? current.filter((r) => r !== id) : sortRoles([...current, id]),
    )

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!user && username.trim().length < 2) return setProblem(t('users.usernameRequired'))
    if (roles.length === 0) return setProblem(t('users.rolesRequired'))
    const previousDepartment = user?.department?.id ?? null
    const rolesChanged = !user || roles.join() !== sortRoles(user.roles).join()
    // As the server: asked when roles or the department change (older handlers keep working).
    if (needsDepartment && !department && (rolesChanged || previousDepartment !== null))
      return setProblem(t('usersOrg.required'))
    setProblem(null)
    const name = displayName.trim()
    if (!user) {
      create.mutate({
        username: username.trim(),
        ...(name ? { displayName: name } : {}),
        roles,
        areaCode: area.code,
        ...(department ? { department: department.id } : {}),
      })
      return
    }
    const previousArea = user.area?.code ?? null
    update.mutate({
      id: user.id,
      ...(name && name !== user.displayName ? { displayName: name } : {}),
      ...(rolesChanged ? { roles } : {}),
      ...(area.code !== previousArea ? { areaCode: area.code } : {}),
      ...((department?.id ?? null) !== previousDepartment ? { department: department?.id ?? null } : {}),
      ...(active !== user.active ? { active } : {}),
    })
  }

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])

  const title = user ? t('users.editTitle', { name: user.username }) : t('users.createTitle')
  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid="user-form"
        onSubmit={submit}
        noValidate
      >
        <header className="dialog-header">
          <h2 className="dialog-title">{title}</h2>
          <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onClose}>
            ×
          </button>
        </header>
        <div className="dialog-body">
          <label className="field">
            <span className="field-label">{t('users.col.username')}</span>
            <input
              type="text"
              className="text-input mono"
              data-testid="user-form-username"
              value={username}
              readOnly={user !== null}
              maxLength={64}
              autoComplete="off"
              spellCheck={false}
              // biome-ignore lint/a11y/noAutofocus: a dialog opened to type into
              autoFocus={user === null}
              onChange={(event) => setUsername(event.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('users.col.displayName')}</span>
            <input
              type="text"
              className="text-input"
              data-testid="user-form-displayname"
              value={displayName}
              maxLength={100}
              autoComplete="off"
              onChange={(event) => setDisplayName(event.target.value)}
            />
          </label>
          <fieldset className="field role-set" data-testid="user-form-roles">
            <legend className="field-label">{t('users.col.roles')}</legend>
            {ROLE_IDS.map((id) => (
              <label key={id} className="check">
                <input
                  type="checkbox"
                  data-testid={`user-form-role-${id}`}
                  checked={roles.includes(id)}
                  onChange={() => toggleRole(id)}
                />
                {role(id)}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <span className="field-label">{t('area.label')}</span>
            <AreaPicker value={area} onChange={setArea} allowWholeCity={wholeCity} testId="user-form-area" />
          </div>
          <DepartmentField
            value={department}
            onChange={setDepartment}
            required={needsDepartment}
            invalid={needsDepartment && !department && problem === t('usersOrg.required')}
            areaCode={area.code}
          />
          {user && (
            <label className="check">
              <input
                type="checkbox"
                data-testid="user-form-active"
                checked={active}
                onChange={(event) => setActive(event.target.checked)}
              />
              {t('users.activeLabel')}
            </label>
          )}
          {(problem || failure) && (
            <p className="form-error" role="alert" data-testid="user-form-error">
              {problem ?? server(errorMessage(failure))}
            </p>
          )}
        </div>
        <footer className="dialog-footer">
          <button type="button" className="plain-button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary-button" data-testid="user-form-submit" disabled={pending}>
            {pending ? t('common.saving') : user ? t('common.save') : t('users.create')}
          </button>
        </footer>
      </form>
    </div>
  )
}
