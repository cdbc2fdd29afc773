import { useEffect, useState } from 'react'
import { useSession } from '../features/auth/session.ts'
import { LANG_NAMES, type Lang, useI18n } from '../i18n/index.ts'
import type { Page } from '../lib/pages.ts'
import { sortRoles } from '../lib/roles.ts'
import type { Theme } from '../lib/url-state.ts'
import { BrandMark } from './BrandMark.tsx'

interface HeaderProps {
  theme: Theme
  onThemeChange: (theme: Theme) => void
  onLangChange: (lang: Lang) => void
  /** The pages this user may open, and the one shown. */
  pages: readonly Page[]
  page: Page
  onPageChange: (page: Page) => void
}

export function Header({ theme, onThemeChange, onLangChange, pages, page, onPageChange }: HeaderProps) {
  const { t } = useI18n()
  return (
    <header className="app-header">
      <div className="brand">
        <BrandMark className="brand-mark" />
        <span className="brand-name">{t('app.name')}</span>
        <span className="brand-sep" aria-hidden="true">
          ·
        </span>
        <span className="brand-tagline">{t('app.tagline')}</span>
      </div>
      {pages.length > 1 && (
        <nav className="app-nav" aria-label={t('nav.label')} data-testid="nav">
          {pages.map((item) => (
            <a
              key={item}
              href={`#page=${item}`}
              className="nav-link"
              data-testid={`nav-${item}`}
              aria-current={item === page ? 'page' : undefined}
              onClick={(event) => {
                // The hash holds the whole view; the app rewrites it rather than replacing it.
                event.preventDefault()
                onPageChange(item)
              }}
            >
              {t(`nav.${item}`)}
            </a>
          ))}
        </nav>
      )}
      <div className="header-tools">
        <Clock />
        <UserBadge />
        <LangSwitch onLangChange={onLangChange} className="header-button" />
        <ThemeSwitch theme={theme} onThemeChange={onThemeChange} className="header-button" />
        <SignOutButton />
      </div>
    </header>
  )
}

/** Who is signed in: name, roles and the area they answer for. */
function UserBadge() {
  const { t, role } = useI18n()
  const { me } = useSession()
  const roles = sortRoles(me.roles)
    .map((id) => role(id))
    .join(' · ')
  return (
    <div className="user-badge" data-testid="user-badge" title={t('header.user')}>
      <span className="user-name" data-testid="user-name">
        {me.displayName || me.name}
      </span>
      <span className="user-meta">
        <span data-testid="user-roles">{roles}</span>
        <span className="user-area" data-testid="user-area">
          {t('header.area', { area: me.area.name })}
        </span>
      </span>
    </div>
  )
}

function SignOutButton() {
  const { t } = useI18n()
  const { signOut, signingOut } = useSession()
  return (
    <button
      type="button"
      className="header-button"
      data-testid="signout"
      title={t('header.signoutLong')}
      disabled={signingOut}
      onClick={signOut}
    >
      <ExitIcon />
      {t('header.signout')}
    </button>
  )
}

export function LangSwitch({
  onLangChange,
  className,
}: {
  onLangChange: (lang: Lang) => void
  className: string
}) {
  const { t, lang } = useI18n()
  const otherLang: Lang = lang === 'zh-CN' ? 'en' : 'zh-CN'
  return (
    <button
      type="button"
      className={className}
      data-testid="lang-switch"
      data-lang={lang}
      lang={otherLang}
      title={t('header.lang')}
      aria-label={`${t('header.lang')}: ${LANG_NAMES[otherLang]}`}
      onClick={() => onLangChange(otherLang)}
    >
      <GlobeIcon />
      {LANG_NAMES[otherLang]}
    </button>
  )
}

export function ThemeSwitch({
  theme,
  onThemeChange,
  className,
}: {
  theme: Theme
  onThemeChange: (theme: Theme) => void
  className: string
}) {
  const { t } = useI18n()
  const otherTheme: Theme = theme === 'dark' ? 'light' : 'dark'
  return (
    <button
      type="button"
      className={className}
      data-testid="theme-switch"
      data-theme={theme}
      title={t('header.theme')}
      aria-label={`${t('header.theme')}: ${t(`header.theme.${otherTheme}`)}`}
      onClick={() => onThemeChange(otherTheme)}
    >
      {theme === 'dark' ? <SunIcon /> : <MoonIcon />}
      {t(`header.theme.${otherTheme}`)}
    </button>
  )
}

/** Date and time to the minute, as command-centre walls show it. */
function Clock() {
  const { t, lang } = useI18n()
  const [now, setNow] = useState(() => new Date())
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 15_000)
    return () => clearInterval(timer)
  }, [])
  const text = new Intl.DateTimeFormat(lang, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(now)
  return (
    <time className="clock" data-testid="clock" dateTime={now.toISOString()} title={t('header.clock')}>
      {text}
    </time>
  )
}

function GlobeIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="icon">
      <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="1.8" />
      <path
        d="M3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
      />
    </svg>
  )
}

function SunIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="icon">
      <circle cx="12" cy="12" r="4.2" fill="none" stroke="currentColor" strokeWidth="1.8" />
      <path
        d="M12 2.5v2.2M12 19.3v2.2M2.5 12h2.2M19.3 12h2.2M5.3 5.3l1.6 1.6M17.1 17.1l1.6 1.6M5.3 18.7l1.6-1.6M17.1 6.9l1.6-1.6"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
      />
    </svg>
  )
}

function MoonIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="icon">
      <path
        d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
      />
    </svg>
  )
}

function ExitIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="icon">
      <path
        d="M14 4h4.5A1.5 1.5 0 0 1 20 5.5v13a1.5 1.5 0 0 1-1.5 1.5H14M10 8l-4 4 4 4M6 12h10"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  )
}
