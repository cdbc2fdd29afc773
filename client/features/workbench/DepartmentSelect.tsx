import { type MessageKey, useI18n } from '../../i18n/index.ts'
import { errorMessage } from '../../trpc.ts'
import { type DepartmentItem, departmentLabel, useDepartments } from './departments.ts'

interface DepartmentSelectProps {
  /** Only the departments serving this event's place. */
  eventId?: number
  value: string
  onChange: (value: string) => void
  /** The label of the empty choice ('' value); none: a choice is required. */
  emptyLabel: string
  /** Departments that cannot be chosen (already summoned). */
  disabledIds?: readonly number[]
  testId: string
  label: string
}

/** A department picker, grouped by the level of the area each serves (city, district, street). */
export function DepartmentSelect({
  eventId,
  value,
  onChange,
  emptyLabel,
  disabledIds = [],
  testId,
  label,
}: DepartmentSelectProps) {
  const { t, server } = useI18n()
  const list = useDepartments(eventId)
  const groups = new Map<number, DepartmentItem[]>()
  for (const d of list.data ?? []) {
    const level = d.areaLevel ?? 0
    groups.set(level, [...(groups.get(level) ?? []), d])
  }
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select
        className="text-input"
        value={value}
        data-testid={testId}
        data-count={list.data?.length ?? ''}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{list.isPending ? t('common.loading') : emptyLabel}</option>
        {[...groups.entries()]
          .sort(([a], [b]) => a - b)
          .map(([level, items]) => (
            <optgroup key={level} label={t(`wb.levelName.${level}` as MessageKey)}>
              {items.map((d) => (
                <option key={d.id} value={String(d.id)} disabled={disabledIds.includes(d.id)}>
                  {departmentLabel(d)}
                </option>
              ))}
            </optgroup>
          ))}
      </select>
      {list.isError && (
        <span className="field-note field-note-warn" role="alert" data-testid={`${testId}-error`}>
          {t('wb.departmentsUnavailable', { message: server(errorMessage(list.error)) })}
        </span>
      )}
    </label>
  )
}
