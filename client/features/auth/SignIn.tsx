import { useMutation } from '@tanstack/react-query'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { BrandMark } from '../../components/BrandMark.tsx'
import { LangSwitch, ThemeSwitch } from '../../components/Header.tsx'
import { type Lang, useI18n } from '../../i18n/index.ts'
import type { Theme } from '../../lib/url-state.ts'
import { errorMessage, type Me, trpc } from '../../trpc.ts'

/** Why the sign-in screen is shown again: the session ended by itself, or the user signed out. */
export type SignInNotice = 'expired' | 'signedOut' | null

export interface SignInProps {
  theme: Theme
  onThemeChange: (theme: Theme) => void
  onLangChange: (lang: Lang) => void
  notice: SignInNotice
  onSignedIn: (me: Me) => void
}

/** The command-centre sign-in: product name, language and theme, user name and password. */
export function SignIn({ theme, onThemeChange, onLangChange, notice, onSignedIn }: SignInProps) {
  const { t, server } = useI18n()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [missing, setMissing] = useState(false)
  const passwordRef = useRef<HTMLInputElement>(null)
  const signIn = useMutation(trpc.auth.signIn.mutationOptions())

  // A refused password is cleared and focused for the next try; the user name stays.
  useEffect(() => {
    if (!signIn.isError) return
    setPassword('')
    passwordRef.current?.focus()
  }, [signIn.isError])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const name = username.trim()
    if (!name || !password) {
      setMissing(true)
      return
    }
    setMissing(false)
    signIn.mutate({ username: name, password }, { onSuccess: (result) => onSignedIn(result.me) })
  }

  const error = missing ? t('signin.required') : signIn.isError ? server(errorMessage(signIn.error)) : null

  return (
    <div className="signin" data-testid="signin">
      <div className="signin-tools">
        <LangSwitch onLangChange={onLangChange} className="ghost-button" />
        <ThemeSwitch theme={theme} onThemeChange={onThemeChange} className="ghost-button" />
      </div>
      <div className="signin-frame">
        <div className="signin-brand">
          <BrandMark className="signin-mark" />
          <h1 className="signin-product">{t('app.name')}</h1>
          <p className="signin-tagline">{t('app.tagline')}</p>
          <p className="signin-subtitle">{t('signin.subtitle')}</p>
        </div>
        <form className="signin-card" onSubmit={submit} noValidate aria-labelledby="signin-title">
          <h2 id="signin-title" className="signin-title">
            {t('signin.title')}
          </h2>
          {notice && !error && (
            <p className="signin-notice" role="status" data-testid="signin-notice">
              {t(notice === 'expired' ? 'signin.expired' : 'signin.signedOut')}
            </p>
          )}
          <label className="field">
            <span className="field-label">{t('signin.username')}</span>
            <input
              type="text"
              data-testid="signin-username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={64}
              // biome-ignore lint/a11y/noAutofocus: the sign-in screen has nothing else to do
              autoFocus
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              aria-invalid={missing && !username.trim()}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('signin.password')}</span>
            <input
              ref={passwordRef}
              type="password"
              data-testid="signin-password"
              name="password"
              autoComplete="current-password"
              maxLength={200}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-invalid={(missing && !password) || signIn.isError}
            />
          </label>
          {error !== null && (
            <p className="form-error" role="alert" data-testid="signin-error">
              {error}
            </p>
          )}
          <button
            type="submit"
            className="primary-button signin-submit"
            data-testid="signin-submit"
            disabled={signIn.isPending}
          >
            {signIn.isPending ? t('signin.submitting') : t('signin.submit')}
          </button>
          <p className="signin-hint">{t('signin.hint')}</p>
        </form>
      </div>
    </div>
  )
}
