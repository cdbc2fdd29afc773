import { useMutation, useQuery } from '@tanstack/react-query'
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react'
import { type MessageKey, useI18n } from '../../i18n/index.ts'
import { type Bbox, isValidBbox, unionBbox } from '../../lib/bbox.ts'
import type { Theme } from '../../lib/url-state.ts'
import { errorMessage, type RouterOutputs, trpc } from '../../trpc.ts'
import { UploadList } from '../attachments/UploadList.tsx'
import { enqueuePhotos, type PickedPhoto } from '../attachments/uploads.ts'
import { useSession } from '../auth/session.ts'
import { EventAlert } from '../workbench/EventView.tsx'
import { labelOf } from '../workbench/labels.ts'
import { newIdempotencyKey } from '../workbench/loop-model.ts'
import { MiniMap } from '../workbench/MiniMap.tsx'
import { type LoopError, loopError } from '../workbench/use-loop-mutation.ts'
import { CategoryCascader } from './CategoryCascader.tsx'
import { CsvImport } from './CsvImport.tsx'
import {
  buildIntake,
  emptyIntakeForm,
  formatCoordinate,
  type IntakeForm,
  type IntakeProblem,
  MANUAL_SOURCES,
  type ManualSource,
  PRIORITIES,
  parseCoordinate,
} from './intake-form.ts'
import { PhotoPicker } from './PhotoPicker.tsx'

type IntakeResult = NonNullable<RouterOutputs['events']['intake']>

interface IntakePageProps {
  theme: Theme
  /** Open an event on the workbench. */
  onOpenEvent: (id: number) => void
}

/**
 * 受理: the dispatcher's intake form — category, what, where (a click on the map, the device's
 * position or typed coordinates), who reported it (the phone is stored encrypted), priority. For a
 * grid worker it is the patrol report (网格员上报), compact on a phone. One idempotency key per
 * form: a double click or a retry stores the request once. The result says where it was routed.
 */
export function IntakePage({ theme, onOpenEvent }: IntakePageProps) {
  const { t, server } = useI18n()
  const { me } = useSession()
  const patrol = me.roles.includes('grid-worker') && !me.roles.includes('dispatcher')
  const initialSource: ManualSource = patrol ? 'grid_patrol' : 'hotline'
  const [form, setForm] = useState<IntakeForm>(() => emptyIntakeForm(initialSource))
  const [key, setKey] = useState(() => newIdempotencyKey())
  const [problems, setProblems] = useState<IntakeProblem[]>([])
  const [result, setResult] = useState<IntakeResult | null>(null)
  const [error, setError] = useState<LoopError | null>(null)
  const [photos, setPhotos] = useState<PickedPhoto[]>([])
  const sending = useRef(false)

  const meta = useQuery(trpc.map.meta.queryOptions())
  const roots = useQuery(trpc.grid.children.queryOptions({ parentId: null }))
  const areaBox = useMemo<Bbox | null>(() => {
    const boxes = (roots.data ?? []).map((n) => n.bbox).filter(isValidBbox)
    const [first, ...rest] = boxes
    return first ? rest.reduce(unionBbox, first) : null
  }, [roots.data])

  const intake = useMutation(trpc.events.intake.mutationOptions())

  const set = <K extends keyof IntakeForm>(k: K, v: IntakeForm[K]) => {
    setForm((current) => ({ ...current, [k]: v }))
    setProblems((current) => current.filter((p) => !PROBLEM_FIELDS[p].includes(k)))
  }
  const setPoint = (lon: number, lat: number) => {
    setForm((current) => ({ ...current, lon: formatCoordinate(lon), lat: formatCoordinate(lat) }))
    setProblems((current) => current.filter((p) => p !== 'location' && p !== 'lon' && p !== 'lat'))
  }
  const lon = parseCoordinate(form.lon)
  const lat = parseCoordinate(form.lat)
  const marker = lon !== null && lat !== null ? ([lon, lat] as const) : null

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    // A second click while the first is on its way sends nothing; the key covers retries too.
    if (sending.current) return
    const built = buildIntake(form, key, !patrol)
    if (!built.ok) {
      setProblems(built.problems)
      return
    }
    setProblems([])
    setError(null)
    sending.current = true
    try {
      const r = await intake.mutateAsync(built.body)
      if (r) {
        setResult(r)
        // The event exists now: its photos are sent after it (a failed upload loses no report).
        enqueuePhotos(r.id, photos)
      }
    } catch (err) {
      setError(loopError(err))
    } finally {
      sending.current = false
    }
  }

  const again = () => {
    setResult(null)
    setError(null)
    setProblems([])
    setForm(emptyIntakeForm(initialSource))
    setKey(newIdempotencyKey())
    setPhotos([])
  }

  return (
    <main
      className={patrol ? 'admin-page intake-page intake-patrol' : 'admin-page intake-page'}
      data-testid="intake-page"
      data-mode={patrol ? 'patrol' : 'dispatcher'}
    >
      <div className="admin-scroll intake-scroll">
        <header className="page-header">
          <div>
            <h1 className="page-title">{t(patrol ? 'intake.patrolTitle' : 'intake.title')}</h1>
            <p className="page-subtitle">{t(patrol ? 'intake.patrolSubtitle' : 'intake.subtitle')}</p>
          </div>
        </header>

        {result ? (
          <>
            <IntakeResultCard result={result} onOpen={onOpenEvent} onAgain={again} />
            <UploadList eventId={result.id} />
          </>
        ) : (
          <form className="intake-form" data-testid="intake-form" onSubmit={submit} noValidate>
            <div className="intake-fields table-card">
              {!patrol && (
                <label className="field">
                  <span className="field-label">{t('intake.source')}</span>
                  <select
                    className="text-input"
                    value={form.source}
                    data-testid="intake-source"
                    onChange={(e) => set('source', e.target.value as ManualSource)}
                  >
                    {MANUAL_SOURCES.map((s) => (
                      <option key={s} value={s}>
                        {labelOf(t, 'enum.eventSource', s)}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              {meta.data ? (
                <CategoryCascader
                  categories={meta.data.categories}
                  value={form.categoryId}
                  onChange={(id) => set('categoryId', id)}
                  testId="intake-category"
                />
              ) : (
                <p className="tree-note">
                  {meta.isError ? server(errorMessage(meta.error)) : t('common.loading')}
                </p>
              )}
              <label className="field">
                <span className="field-label">
                  {t('intake.titleField')}
                  <span className="required"> *</span>
                </span>
                <input
                  className="text-input"
                  maxLength={120}
                  value={form.title}
                  aria-invalid={problems.includes('title')}
                  data-testid="intake-title"
                  onChange={(e) => set('title', e.target.value)}
                />
              </label>
              <label className="field">
                <span className="field-label">{t(patrol ? 'intake.bodyPatrol' : 'intake.body')}</span>
                <textarea
                  className="text-input text-area"
                  rows={patrol ? 3 : 4}
                  maxLength={4000}
                  value={form.body}
                  data-testid="intake-body"
                  onChange={(e) => set('body', e.target.value)}
                />
              </label>
              <label className="field">
                <span className="field-label">{t('intake.address')}</span>
                <input
                  className="text-input"
                  maxLength={200}
                  value={form.address}
                  data-testid="intake-address"
                  onChange={(e) => set('address', e.target.value)}
                />
              </label>
              {!patrol && (
                <div className="intake-row">
                  <label className="field">
                    <span className="field-label">{t('intake.reporterName')}</span>
                    <input
                      className="text-input"
                      maxLength={40}
                      value={form.reporterName}
                      autoComplete="off"
                      data-testid="intake-reporter-name"
                      onChange={(e) => set('reporterName', e.target.value)}
                    />
                  </label>
                  <label className="field">
                    <span className="field-label">{t('intake.reporterPhone')}</span>
                    <input
                      className="text-input mono"
                      type="tel"
                      inputMode="tel"
                      maxLength={20}
                      value={form.reporterPhone}
                      autoComplete="off"
                      aria-invalid={problems.includes('phone')}
                      aria-describedby="intake-phone-note"
                      data-testid="intake-phone"
                      onChange={(e) => set('reporterPhone', e.target.value)}
                    />
                    <span className="field-note" id="intake-phone-note" data-testid="intake-phone-note">
                      {t('intake.phoneNote')}
                    </span>
                  </label>
                </div>
              )}
              <label className="field">
                <span className="field-label">{t('intake.priority')}</span>
                <select
                  className="text-input"
                  value={form.priority}
                  data-testid="intake-priority"
                  onChange={(e) => set('priority', e.target.value)}
                >
                  {PRIORITIES.map((p) => (
                    <option key={p} value={String(p)}>
                      {t(`intake.priority.${p}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </label>
              <PhotoPicker photos={photos} onChange={setPhotos} disabled={intake.isPending} />
            </div>

            <div className="intake-where table-card">
              <Locator patrol={patrol} onPoint={setPoint} />
              <MiniMap
                theme={theme}
                marker={marker}
                fit={areaBox}
                zoom={16}
                onPick={setPoint}
                label={t('intake.map')}
                testId="intake-map"
                className="intake-map"
              />
              <div className="intake-row">
                <label className="field">
                  <span className="field-label">{t('intake.lon')}</span>
                  <input
                    className="text-input mono"
                    inputMode="decimal"
                    value={form.lon}
                    aria-invalid={problems.includes('lon') || problems.includes('location')}
                    data-testid="intake-lon"
                    onChange={(e) => set('lon', e.target.value)}
                  />
                </label>
                <label className="field">
                  <span className="field-label">{t('intake.lat')}</span>
                  <input
                    className="text-input mono"
                    inputMode="decimal"
                    value={form.lat}
                    aria-invalid={problems.includes('lat') || problems.includes('location')}
                    data-testid="intake-lat"
                    onChange={(e) => set('lat', e.target.value)}
                  />
                </label>
              </div>
            </div>

            <div className="intake-submit-bar">
              {problems.length > 0 && (
                <ul className="form-error intake-problems" role="alert" data-testid="intake-problems">
                  {problems.map((p) => (
                    <li key={p}>{t(`intake.problem.${p}` as MessageKey)}</li>
                  ))}
                </ul>
              )}
              <EventAlert error={error} notice={null} onDismiss={() => setError(null)} />
              <button
                type="submit"
                className="primary-button intake-submit"
                data-testid="intake-submit"
                data-key={key}
                disabled={intake.isPending}
              >
                {intake.isPending
                  ? t('intake.submitting')
                  : t(patrol ? 'intake.submitPatrol' : 'intake.submit')}
              </button>
            </div>
          </form>
        )}
        {!patrol && <CsvImport />}
      </div>
    </main>
  )
}

/** Which fields a problem is about: editing one of them clears it. */
const PROBLEM_FIELDS: Record<IntakeProblem, (keyof IntakeForm)[]> = {
  title: ['title'],
  location: ['lon', 'lat'],
  lon: ['lon'],
  lat: ['lat'],
  phone: ['reporterPhone'],
  priority: ['priority'],
}

/** The device's position (navigator.geolocation); where it is refused or absent, the map click. */
function Locator({ patrol, onPoint }: { patrol: boolean; onPoint: (lon: number, lat: number) => void }) {
  const { t } = useI18n()
  const [state, setState] = useState<'idle' | 'locating' | 'ok' | 'failed'>('idle')
  const [message, setMessage] = useState('')
  const supported = typeof navigator !== 'undefined' && 'geolocation' in navigator
  const locate = () => {
    if (!supported) return
    setState('locating')
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setState('ok')
        setMessage(t('intake.located', { accuracy: Math.round(pos.coords.accuracy) }))
        onPoint(pos.coords.longitude, pos.coords.latitude)
      },
      (err) => {
        setState('failed')
        setMessage(t('intake.locateFailed', { message: err.message || String(err.code) }))
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    )
  }
  // A grid worker who allowed it before gets the position at once.
  const asked = useRef(false)
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked once, when the page opens
  useEffect(() => {
    if (!patrol || !supported || asked.current || !navigator.permissions) return
    asked.current = true
    navigator.permissions
      .query({ name: 'geolocation' })
      .then((p) => {
        if (p.state === 'granted') locate()
      })
      .catch(() => {})
  }, [patrol, supported])
  return (
    <div className="intake-locate">
      <span className="field-label">{t('intake.location')}</span>
      {supported ? (
        <button
          type="button"
          className={patrol ? 'primary-button' : 'plain-button'}
          data-testid="intake-locate"
          disabled={state === 'locating'}
          onClick={locate}
        >
          {state === 'locating' ? t('intake.locating') : t('intake.locate')}
        </button>
      ) : (
        <span className="field-note">{t('intake.noGeolocation')}</span>
      )}
      {message && (
        <span
          className={state === 'failed' ? 'field-note field-note-warn' : 'field-note'}
          role="status"
          data-testid="intake-locate-status"
        >
          {message}
        </span>
      )}
    </div>
  )
}

const UNROUTED: Record<string, MessageKey> = {
  no_grid: 'intake.unrouted.no_grid',
  no_category: 'intake.unrouted.no_category',
  no_rule: 'intake.unrouted.no_rule',
  no_department: 'intake.unrouted.no_department',
}

/** What became of the request: routed (to whom, by when) or left for dispatch; likely duplicates. */
function IntakeResultCard({
  result,
  onOpen,
  onAgain,
}: {
  result: IntakeResult
  onOpen: (id: number) => void
  onAgain: () => void
}) {
  const { t, dateTime } = useI18n()
  const event = useQuery({ ...trpc.events.get.queryOptions({ id: result.id }), staleTime: 0 })
  const route = result.route
  const routed = route?.departmentId != null
  return (
    <section
      className="table-card intake-result"
      data-testid="intake-result"
      data-event-id={result.id}
      data-created={result.created}
      data-routed={routed}
      role="status"
    >
      <h2 className="card-title">
        {result.created
          ? t('intake.result.created', { id: result.id })
          : t('intake.result.repeat', { id: result.id })}
      </h2>
      {routed && route ? (
        <p className="intake-route" data-testid="intake-routed">
          {t('intake.result.routed', {
            department: route.departmentName ?? String(route.departmentId),
            level: labelOf(t, 'wb.levelName', String(route.handlingLevel ?? 0)),
          })}
          {route.timeLimit !== null && route.timeLimitUnit && (
            <>
              {' '}
              {t('intake.result.limit', { n: route.timeLimit, unit: t(`wb.unit.${route.timeLimitUnit}`) })}
            </>
          )}
          {event.data?.dueAt && (
            <span className="intake-due" data-testid="intake-due">
              {' '}
              {t('intake.result.due', { due: dateTime(event.data.dueAt) })}
            </span>
          )}
        </p>
      ) : result.created ? (
        <p className="intake-route" data-testid="intake-unrouted">
          {t('intake.result.unrouted', {
            reason: t(UNROUTED[route?.unrouted ?? ''] ?? 'intake.unrouted.other'),
          })}
        </p>
      ) : (
        event.data && (
          <p className="intake-route">
            {labelOf(t, 'enum.eventStatus', String(event.data.status))}
            {event.data.department ? ` · ${event.data.department}` : ''}
          </p>
        )
      )}
      {result.duplicates.length > 0 && (
        <div className="intake-duplicates" data-testid="intake-duplicates">
          <h3 className="card-title small">
            {t('intake.result.duplicates', { n: result.duplicates.length })}
          </h3>
          <ul>
            {result.duplicates.map((d) => (
              <li key={d.id}>
                <button type="button" className="link-button" onClick={() => onOpen(d.id)}>
                  <span className="mono">#{d.id}</span> {d.title}
                </button>
                <span className="dim">
                  {' · '}
                  {labelOf(t, 'enum.eventStatus', d.status)} ·{' '}
                  {d.sameAddress ? t('wb.sameAddress') : t('wb.metres', { n: d.metres })}
                </span>
              </li>
            ))}
          </ul>
          <p className="field-note">{t('intake.result.duplicatesHint')}</p>
        </div>
      )}
      <div className="inline-form-actions">
        <button
          type="button"
          className="primary-button"
          data-testid="intake-open"
          onClick={() => onOpen(result.id)}
        >
          {t('intake.result.open')}
        </button>
        <button type="button" className="plain-button" data-testid="intake-new" onClick={onAgain}>
          {t('intake.result.again')}
        </button>
      </div>
    </section>
  )
}
