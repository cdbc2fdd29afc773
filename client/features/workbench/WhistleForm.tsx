import { type FormEvent, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { trpcClient } from '../../trpc.ts'
import { DepartmentSelect } from './DepartmentSelect.tsx'
import type { LoopEvent } from './EventView.tsx'
import {
  buildWhistle,
  EMPTY_WHISTLE_ROW,
  TIME_UNITS,
  type WhistleProblem,
  type WhistleRow,
} from './loop-model.ts'

interface WhistleFormProps {
  event: LoopEvent
  /** Departments summoned already (once each). */
  taken: readonly number[]
  pending: boolean
  run: (job: () => Promise<unknown>, done: string) => Promise<boolean>
}

const MAX_ROWS = 12

/** 吹哨: summon several departments at once, each with what it is asked to do and its own deadline. */
export function WhistleForm({ event, taken, pending, run }: WhistleFormProps) {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const [rows, setRows] = useState<WhistleRow[]>([EMPTY_WHISTLE_ROW, EMPTY_WHISTLE_ROW])
  const [problem, setProblem] = useState<{ problem: WhistleProblem; row: number } | null>(null)

  const update = (i: number, patch: Partial<WhistleRow>) =>
    setRows((current) => current.map((r, j) => (j === i ? { ...r, ...patch } : r)))

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const built = buildWhistle({ id: event.id, version: event.version }, rows, taken)
    if (!built.ok) {
      setProblem({ problem: built.problem, row: built.row })
      return
    }
    setProblem(null)
    const ok = await run(
      () => trpcClient.events.whistle.mutate(built.body),
      t('wb.whistle.done', { n: built.body.tasks.length }),
    )
    if (ok) {
      setOpen(false)
      setRows([EMPTY_WHISTLE_ROW, EMPTY_WHISTLE_ROW])
    }
  }

  if (!open)
    return (
      <button
        type="button"
        className="plain-button wb-whistle-open"
        data-testid="whistle-open"
        onClick={() => setOpen(true)}
      >
        {t('wb.whistle.open')}
      </button>
    )

  return (
    <form className="wb-action-form wb-whistle" data-testid="whistle-form" onSubmit={submit} noValidate>
      <h4 className="wb-form-title">{t('wb.whistle.title')}</h4>
      <p className="field-note">{t('wb.whistle.hint')}</p>
      {rows.map((r, i) => (
        <fieldset
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
          key={i}
          className={problem?.row === i ? 'wb-whistle-row wb-row-problem' : 'wb-whistle-row'}
          data-testid={`whistle-row-${i}`}
        >
          <legend className="field-label">{t('wb.whistle.row', { n: i + 1 })}</legend>
          <DepartmentSelect
            eventId={event.id}
            value={r.departmentId}
            onChange={(v) => update(i, { departmentId: v })}
            emptyLabel={t('wb.field.departmentPick')}
            disabledIds={taken}
            testId={`whistle-dept-${i}`}
            label={t('wb.field.department')}
          />
          <label className="field wb-whistle-ask">
            <span className="field-label">{t('wb.whistle.ask')}</span>
            <input
              className="text-input"
              maxLength={500}
              value={r.ask}
              data-testid={`whistle-ask-${i}`}
              onChange={(e) => update(i, { ask: e.target.value })}
            />
          </label>
          <label className="field wb-whistle-amount">
            <span className="field-label">{t('wb.field.amount')}</span>
            <input
              type="number"
              min={1}
              max={60}
              className="text-input"
              value={r.amount}
              data-testid={`whistle-amount-${i}`}
              onChange={(e) => update(i, { amount: e.target.value })}
            />
          </label>
          <label className="field wb-whistle-unit">
            <span className="field-label">{t('wb.field.unit')}</span>
            <select
              className="text-input"
              value={r.unit}
              data-testid={`whistle-unit-${i}`}
              onChange={(e) => update(i, { unit: e.target.value as WhistleRow['unit'] })}
            >
              {TIME_UNITS.map((u) => (
                <option key={u} value={u}>
                  {t(`wb.unit.${u}`)}
                </option>
              ))}
            </select>
          </label>
          {rows.length > 1 && (
            <button
              type="button"
              className="icon-button wb-whistle-remove"
              aria-label={t('wb.whistle.remove', { n: i + 1 })}
              data-testid={`whistle-remove-${i}`}
              onClick={() => setRows((current) => current.filter((_, j) => j !== i))}
            >
              ×
            </button>
          )}
        </fieldset>
      ))}
      {problem && (
        <p className="form-error" role="alert" data-testid="whistle-problem">
          {t(`wb.whistle.problem.${problem.problem}`, { n: problem.row + 1 })}
        </p>
      )}
      <div className="inline-form-actions">
        <button
          type="button"
          className="plain-button"
          data-testid="whistle-add"
          disabled={rows.length >= MAX_ROWS}
          onClick={() => setRows((current) => [...current, EMPTY_WHISTLE_ROW])}
        >
          {t('wb.whistle.add')}
        </button>
        <button type="submit" className="primary-button" data-testid="whistle-submit" disabled={pending}>
          {pending ? t('common.saving') : t('wb.whistle.submit')}
        </button>
        <button type="button" className="plain-button" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  )
}
