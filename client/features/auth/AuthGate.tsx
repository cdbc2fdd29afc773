import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react'
import { BrandMark } from '../../components/BrandMark.tsx'
import { useI18n } from '../../i18n/index.ts'
import { errorMessage, isUnauthorized, type Me, SESSION_LOST, sessionEvents, trpc } from '../../trpc.ts'
import { SignIn, type SignInNotice, type SignInProps } from './SignIn.tsx'
import { type Session, SessionContext } from './session.ts'

type AuthGateProps = Omit<SignInProps, 'notice' | 'onSignedIn'> & { children: ReactNode }

/**
 * Shows the sign-in screen until the server knows the caller (`auth.session`), then the app. A request
 * refused as UNAUTHORIZED anywhere (an expired or revoked session) brings the sign-in screen back;
 * every change of user starts from an empty cache, so nothing one user saw is shown to the next.
 */
export function AuthGate({ children, ...chrome }: AuthGateProps) {
  const queryClient = useQueryClient()
  /** Bumped on every sign-in and sign-out: the session below starts afresh. */
  const [epoch, setEpoch] = useState(0)
  const [notice, setNotice] = useState<SignInNotice>(null)

  const restart = useCallback(
    (next: SignInNotice, me?: Me) => {
      queryClient.clear()
      if (me) queryClient.setQueryData(trpc.auth.session.queryKey(), { me })
      setNotice(next)
      setEpoch((value) => value + 1)
    },
    [queryClient],
  )

  useEffect(() => {
    const onLost = () => restart('expired')
    sessionEvents.addEventListener(SESSION_LOST, onLost)
    return () => sessionEvents.removeEventListener(SESSION_LOST, onLost)
  }, [restart])

  return (
    <SessionScope key={epoch} notice={notice} restart={restart} chrome={chrome}>
      {children}
    </SessionScope>
  )
}

interface SessionScopeProps {
  notice: SignInNotice
  restart: (notice: SignInNotice, me?: Me) => void
  chrome: Omit<SignInProps, 'notice' | 'onSignedIn'>
  children: ReactNode
}

function SessionScope({ notice, restart, chrome, children }: SessionScopeProps) {
  const me = useQuery({
    ...trpc.auth.session.queryOptions(),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  })
  const signOut = useMutation(trpc.auth.signOut.mutationOptions())
  const onSignedIn = useCallback((who: Me) => restart(null, who), [restart])
  const doSignOut = useCallback(() => {
    // Signed out here whatever the server says: the cookie may already be gone.
    signOut.mutate(undefined, { onSettled: () => restart('signedOut') })
  }, [signOut, restart])
  const me_ = me.data?.me ?? null
  const session = useMemo<Session | null>(
    () => (me_ ? { me: me_, signOut: doSignOut, signingOut: signOut.isPending } : null),
    [me_, doSignOut, signOut.isPending],
  )

  if (session) return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
  if (me.isPending) return <Checking />
  if (me.isError && !isUnauthorized(me.error))
    return <AuthUnavailable message={errorMessage(me.error)} onRetry={() => void me.refetch()} />
  return <SignIn {...chrome} notice={notice} onSignedIn={onSignedIn} />
}

function Checking() {
  const { t } = useI18n()
  return (
    <div className="loading" data-testid="auth-checking" role="status" aria-live="polite">
      <div className="loading-card">
        <BrandMark className="loading-mark" />
        <h1 className="loading-title">{t('app.title')}</h1>
        <p className="loading-status">{t('common.loading')}</p>
      </div>
    </div>
  )
}

function AuthUnavailable({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t, server } = useI18n()
  return (
    <div className="loading" data-testid="auth-error">
      <div className="loading-card">
        <BrandMark className="loading-mark" />
        <h1 className="loading-title">{t('app.title')}</h1>
        <p className="loading-error" role="alert">
          {t('common.error', { message: server(message) })}
        </p>
        <button type="button" className="primary-button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      </div>
    </div>
  )
}
