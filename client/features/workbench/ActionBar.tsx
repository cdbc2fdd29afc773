import { type FormEvent, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { type RouterInputs, trpcClient } from '../../trpc.ts'
import { DepartmentSelect } from './DepartmentSelect.tsx'
import type { LoopEvent } from './EventView.tsx'
import { labelOf } from './labels.ts'
import {
  type ActionForm,
  buildTransition,
  DANGER_ACTIONS,
  EMPTY_ACTION_FORM,
  type FormProblem,
  fieldsOf,
  needsForm,
  SATISFACTIONS,
  TIME_UNITS,
} from './loop-model.ts'

type TransitionInput = RouterInputs['events']['transition']

interface ActionBarProps {
  event: LoopEvent
  pending: boolean
  run: (job: () => Promise<unknown>, done: string) => Promise<boolean>
}

/**
 * The steps the server allows this user on this event now (events.get's `actions`), one button
 * each. A step without fields runs on a click; the others open their form: reason, result,
 * satisfaction, department, extension. Every step sends the version the page shows.
 */
export function ActionBar({ event, pending, run }: ActionBarProps) {
  const { t } = useI18n()
  const actions = (event.actions as readonly unknown[]).map(String)
  const [open, setOpen] = useState<string | null>(null)
  const [form, setForm] = useState<ActionForm>(EMPTY_ACTION_FORM)
  const [problem, setProblem] = useState<FormProblem | null>(null)
  // The event moved on (here or elsewhere): a form for a step no longer allowed closes.
  if (open !== null && !actions.includes(open)) setOpen(null)
  const name = (action: string) => labelOf(t, 'wb.action', action)

  const send = async (action: string, values: ActionForm) => {
    const built = buildTransition({ id: event.id, version: event.version }, action, values)
    if (!built.ok) {
      setProblem(built.problem)
      return
    }
    setProblem(null)
    const ok = await run(
      () => trpcClient.events.transition.mutate(built.body as TransitionInput),
      t('wb.done', { action: name(action) }),
    )
    if (ok) {
      setOpen(null)
      setForm(EMPTY_ACTION_FORM)
    }
  }

  const click = (action: string) => {
    if (!needsForm(action)) {
      void send(action, EMPTY_ACTION_FORM)
      return
    }
    setProblem(null)
    setForm(EMPTY_ACTION_FORM)
    setOpen(open === action ? null : action)
  }

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (open) void send(open, form)
  }

  const set = <K extends keyof ActionForm>(key: K, value: ActionForm[K]) =>
    setForm((current) => ({ ...current, [key]: value }))
  const fields = open ? fieldsOf(open) : {}

  return (
    <section className="wb-actions" data-testid="event-actions" aria-label={t('wb.actions')}>
      <h3 className="card-title small">{t('wb.actions')}</h3>
      {actions.length === 0 && (
        <p className="tree-note" data-testid="event-no-actions">
          {t('wb.noActions')}
        </p>
      )}
      <div className="wb-action-buttons">
        {actions.map((action) => (
          <button
            key={action}
            type="button"
            className={
              open === action
                ? 'primary-button'
                : DANGER_ACTIONS.includes(action)
                  ? 'plain-button danger'
                  : 'plain-button'
            }
            data-testid={`action-${action}`}
            aria-expanded={needsForm(action) ? open === action : undefined}
            disabled={pending}
            onClick={() => click(action)}
          >
            {name(action)}
          </button>
        ))}
      </div>
      {open && (
        <form
          className="wb-action-form"
          data-testid="action-form"
          data-action={open}
          onSubmit={submit}
          noValidate
        >
          <h4 className="wb-form-title">{name(open)}</h4>
          {fields.department && (
            <DepartmentSelect
              eventId={event.id}
              value={form.departmentId}
              onChange={(v) => set('departmentId', v)}
              emptyLabel={t('wb.field.departmentAuto')}
              testId="action-department"
              label={t('wb.field.department')}
            />
          )}
          {fields.extension && (
            <div className="wb-form-row">
              <label className="field">
                <span className="field-label">{t('wb.field.amount')}</span>
                <input
                  type="number"
                  min={1}
                  max={60}
                  className="text-input"
                  value={form.amount}
                  data-testid="action-amount"
                  onChange={(e) => set('amount', e.target.value)}
                />
              </label>
              <label className="field">
                <span className="field-label">{t('wb.field.unit')}</span>
                <select
                  className="text-input"
                  value={form.unit}
                  data-testid="action-unit"
                  onChange={(e) => set('unit', e.target.value as ActionForm['unit'])}
                >
                  {TIME_UNITS.map((u) => (
                    <option key={u} value={u}>
                      {t(`wb.unit.${u}`)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          )}
          {fields.satisfaction && (
            <fieldset className="field wb-choice" data-testid="action-satisfaction">
              <legend className="field-label">{t('wb.field.satisfaction')}</legend>
              <div className="wb-choice-options">
                {SATISFACTIONS.map((s) => (
                  <label key={s} className="check">
                    <input
                      type="radio"
                      name="satisfaction"
                      value={s}
                      checked={form.satisfaction === s}
                      data-testid={`action-satisfaction-${s}`}
                      onChange={() => set('satisfaction', s)}
                    />
                    {t(`enum.satisfaction.${s}`)}
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          {fields.result && (
            <label className="field">
              <span className="field-label">
                {t('wb.field.result')}
                {fields.result === 'required' && <span className="required"> *</span>}
              </span>
              <textarea
                className="text-input text-area"
                rows={3}
                maxLength={4000}
                value={form.result}
                data-testid="action-result"
                onChange={(e) => set('result', e.target.value)}
              />
            </label>
          )}
          {fields.reason && (
            <label className="field">
              <span className="field-label">
                {t(open === 'comment' ? 'wb.field.comment' : 'wb.field.reason')}
                {fields.reason === 'required' && <span className="required"> *</span>}
              </span>
              <textarea
                className="text-input text-area"
                rows={2}
                maxLength={1000}
                value={form.reason}
                data-testid="action-reason"
                onChange={(e) => set('reason', e.target.value)}
              />
            </label>
          )}
          {problem && (
            <p className="form-error" role="alert" data-testid="action-problem">
              {t(`wb.problem.${problem}`)}
            </p>
          )}
          <div className="inline-form-actions">
            <button type="submit" className="primary-button" data-testid="action-submit" disabled={pending}>
              {pending ? t('common.saving') : name(open)}
            </button>
            <button
              type="button"
              className="plain-button"
              data-testid="action-cancel"
              onClick={() => setOpen(null)}
            >
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  )
}
