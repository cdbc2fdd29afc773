import { useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { CalendarTab } from './CalendarTab.tsx'
import { RulesTab } from './RulesTab.tsx'
import { SettingsTab } from './SettingsTab.tsx'
import './loop-admin.css'
import './loop-admin-calendar.css'

const TABS = ['rules', 'calendar', 'settings'] as const
type Tab = (typeof TABS)[number]

/**
 * Administration of the closed loop ('users.manage'): the responsibility list (责任清单), the
 * working-day calendar (工作日历) and the loop settings (办理设置), one tab each.
 */
export function LoopAdminPage() {
  const { t } = useI18n()
  const [tab, setTab] = useState<Tab>('rules')
  return (
    <main className="admin-page loop-admin" data-testid="loop-admin">
      <div className="admin-scroll">
        <header className="page-header">
          <div>
            <h1 className="page-title">{t('loopAdmin.title')}</h1>
            <p className="page-subtitle">{t(`loopAdmin.tab.${tab}.hint`)}</p>
          </div>
        </header>
        <div className="la-tabs" role="tablist" aria-label={t('loopAdmin.title')}>
          {TABS.map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`la-tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`la-panel-${id}`}
              className="la-tab"
              data-testid={`loop-admin-tab-${id}`}
              onClick={() => setTab(id)}
            >
              {t(`loopAdmin.tab.${id}`)}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`la-panel-${tab}`} aria-labelledby={`la-tab-${tab}`}>
          {tab === 'rules' && <RulesTab />}
          {tab === 'calendar' && <CalendarTab />}
          {tab === 'settings' && <SettingsTab />}
        </div>
      </div>
    </main>
  )
}
