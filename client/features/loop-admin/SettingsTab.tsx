import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { errorMessage, type RouterOutputs, trpc } from '../../trpc.ts'

type Loaded = RouterOutputs['loopAdmin']['settings']['get']
type Key = keyof Loaded['settings']
const KEYS: Key[] = ['warnShare', 'duplicateMetres', 'duplicateDays']

/** The warning share is edited as a percentage (80 for 0.8). */
const shown = (key: Key, v: number) => (key === 'warnShare' ? String(Math.round(v * 100)) : String(v))
const stored = (key: Key, text: string) => {
  const n = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(n)) return Number.NaN
  return key === 'warnShare' ? Math.round(n) / 100 : n
}

/**
 * The loop's settings (办理设置): the share of the time limit at which a warning (预警) is raised,
 * and the radius and days within which a request of the same category is a likely duplicate.
 * Each change is checked against its range on both sides and recorded in the audit trail.
 */
export function SettingsTab() {
  const { t, server, dateTime } = useI18n()
  const queryClient = useQueryClient()
  const loaded = useQuery(trpc.loopAdmin.settings.get.queryOptions())
  const [form, setForm] = useState<Record<Key, string> | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  useEffect(() => {
    const s = loaded.data?.settings
    if (s)
      setForm({
        warnShare: shown('warnShare', s.warnShare),
        duplicateMetres: shown('duplicateMetres', s.duplicateMetres),
        duplicateDays: shown('duplicateDays', s.duplicateDays),
      })
  }, [loaded.data])
  const save = useMutation(
    trpc.loopAdmin.settings.set.mutationOptions({
      onSuccess: (r) => {
        setNotice(
          r.changed.length
            ? t('loopAdmin.settings.saved', {
                names: r.changed.map((k) => t(`loopAdmin.settings.${k}`)).join('、'),
              })
            : t('loopAdmin.settings.unchanged'),
        )
        queryClient.setQueryData(trpc.loopAdmin.settings.get.queryKey(), (old) =>
          old ? { ...old, settings: r.settings, updatedAt: r.updatedAt } : old,
        )
      },
    }),
  )
  if (loaded.isPending || !form) return <p className="tree-note">{t('common.loading')}</p>
  if (loaded.isError)
    return (
      <p className="tree-error" role="alert">
        {t('common.error', { message: server(errorMessage(loaded.error)) })}
      </p>
    )
  const { ranges, defaults, settings } = loaded.data
  const values = Object.fromEntries(KEYS.map((k) => [k, stored(k, form[k])])) as Record<Key, number>
  const wrong = (k: Key) => {
    const v = values[k]
    const r = ranges[k]
    return !Number.isFinite(v) || v < r.min || v > r.max || (r.integer && !Number.isInteger(v))
  }
  const bad = KEYS.filter(wrong)
  const changed = KEYS.filter((k) => values[k] !== settings[k])
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (bad.length || !changed.length) return
    setNotice(null)
    save.mutate(Object.fromEntries(changed.map((k) => [k, values[k]])))
  }
  const unit = (k: Key) => t(`loopAdmin.settings.${k}.unit`)
  const range = (k: Key) => ({ min: shown(k, ranges[k].min), max: shown(k, ranges[k].max), unit: unit(k) })
  const share = Number.isFinite(values.warnShare) ? values.warnShare : settings.warnShare

  return (
    <section className="la-section" data-testid="settings-tab">
      <form className="table-card la-settings" onSubmit={submit} noValidate data-testid="settings-form">
        {KEYS.map((k) => (
          <label key={k} className="field la-setting">
            <span className="field-label">{t(`loopAdmin.settings.${k}`)}</span>
            <span className="la-setting-input">
              <input
                type="number"
                className="text-input"
                min={shown(k, ranges[k].min)}
                max={shown(k, ranges[k].max)}
                step={k === 'warnShare' ? 5 : 1}
                value={form[k]}
                aria-invalid={wrong(k)}
                data-testid={`setting-${k}`}
                onChange={(e) => {
                  setNotice(null)
                  setForm({ ...form, [k]: e.target.value })
                }}
              />
              <span className="la-unit">{unit(k)}</span>
            </span>
            <span className={wrong(k) ? 'field-note la-bad' : 'field-note'}>
              {t('loopAdmin.settings.range', range(k))} ·{' '}
              {t('loopAdmin.settings.default', { value: `${shown(k, defaults[k])} ${unit(k)}` })}
            </span>
            <span className="field-note">
              {k === 'warnShare'
                ? t('loopAdmin.settings.warnShare.help', {
                    pct: Math.round(share * 100),
                    hours: Math.round(share * 35 * 10) / 10,
                  })
                : t(`loopAdmin.settings.${k}.help`)}
            </span>
          </label>
        ))}
        {bad.length > 0 && (
          <p className="form-error" role="alert" data-testid="settings-problems">
            {t('loopAdmin.settings.outOfRange', {
              names: bad.map((k) => t(`loopAdmin.settings.${k}`)).join('、'),
            })}
          </p>
        )}
        {save.isError && (
          <p className="form-error" role="alert" data-testid="settings-error">
            {server(errorMessage(save.error))}
          </p>
        )}
        {notice && (
          <p className="page-notice" role="status" data-testid="settings-notice">
            {notice}
          </p>
        )}
        <div className="la-form-actions">
          <span className="field-note">
            {loaded.data.updatedAt
              ? t('loopAdmin.settings.updatedAt', { time: dateTime(loaded.data.updatedAt) })
              : t('loopAdmin.settings.neverChanged')}
          </span>
          <button
            type="button"
            className="plain-button"
            data-testid="settings-defaults"
            onClick={() =>
              setForm(Object.fromEntries(KEYS.map((k) => [k, shown(k, defaults[k])])) as Record<Key, string>)
            }
          >
            {t('loopAdmin.settings.useDefaults')}
          </button>
          <button
            type="submit"
            className="primary-button"
            data-testid="settings-save"
            disabled={save.isPending || bad.length > 0 || changed.length === 0}
          >
            {save.isPending ? t('common.saving') : t('common.save')}
          </button>
        </div>
        <p className="field-note">{t('loopAdmin.settings.audited')}</p>
      </form>
    </section>
  )
}
