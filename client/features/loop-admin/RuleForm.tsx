import { useMutation } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { errorMessage, trpc } from '../../trpc.ts'
import { CategoryPicker, CoKinds, KindSelect } from './RulePickers.tsx'
import {
  AREA_LEVELS,
  BASIS_MAX,
  type CheckContext,
  checkRule,
  LIMIT_MAX,
  LIMIT_UNITS,
  type RuleDraft,
  ruleValue,
  ruleWarnings,
} from './rule-check.ts'
import {
  type CategoryRow,
  type KindRow,
  levelText,
  type RuleRow,
  reasonText,
  unitText,
  warningText,
} from './rule-words.ts'

interface RuleFormProps {
  /** The rule edited, or null for a new one. */
  rule: RuleRow | null
  ctx: CheckContext
  categories: readonly CategoryRow[]
  kinds: readonly KindRow[]
  onSaved: (rule: RuleRow) => void
  onCancel: () => void
}

/**
 * Add or edit one rule: the category (fixed once the rule exists), the level, the lead and
 * co-department kinds from the known kinds, the time limit and the basis. What the server would
 * refuse is said as it is typed, and saving waits until there is nothing.
 */
export function RuleForm({ rule, ctx, categories, kinds, onSaved, onCancel }: RuleFormProps) {
  const { t, server } = useI18n()
  const [code, setCode] = useState(rule?.categoryCode ?? '')
  const [level, setLevel] = useState<number>(rule?.areaLevel ?? 3)
  const [lead, setLead] = useState(rule?.leadDepartment ?? '')
  const [co, setCo] = useState<string[]>(rule?.coDepartments ?? [])
  const [limit, setLimit] = useState(rule ? String(rule.timeLimit) : '')
  const [unit, setUnit] = useState<string>(rule?.timeLimitUnit ?? 'working_days')
  const [basis, setBasis] = useState(rule?.basis ?? '')
  const [tried, setTried] = useState(false)
  const save = useMutation(trpc.loopAdmin.responsibilities.save.mutationOptions({ onSuccess: onSaved }))

  const draft: RuleDraft = {
    categoryCode: code,
    areaLevel: level,
    leadDepartment: lead,
    coDepartments: co,
    timeLimit: /^\d+$/.test(limit.trim()) ? Number(limit.trim()) : Number.NaN,
    timeLimitUnit: unit,
    basis,
  }
  const reasons = checkRule(draft, ctx)
  const warnings = reasons.length ? [] : ruleWarnings(draft, ctx)
  const changed =
    !rule ||
    rule.areaLevel !== level ||
    rule.leadDepartment !== lead ||
    rule.coDepartments.join('|') !== co.join('|') ||
    String(rule.timeLimit) !== limit.trim() ||
    rule.timeLimitUnit !== unit ||
    (rule.basis ?? '') !== basis.trim()

  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    const value = ruleValue(draft, ctx)
    if (!value) return
    save.mutate(
      rule
        ? {
            id: rule.id,
            rule: value,
            // As loaded: the server refuses the save if someone changed the rule meanwhile.
            expected: {
              categoryCode: rule.categoryCode,
              areaLevel: rule.areaLevel,
              leadDepartment: rule.leadDepartment,
              coDepartments: rule.coDepartments,
              timeLimit: rule.timeLimit,
              timeLimitUnit: rule.timeLimitUnit,
              basis: rule.basis,
            },
          }
        : { rule: value },
    )
  }
  const testId = rule ? `rule-form-${rule.id}` : 'rule-form-new'

  return (
    <form className="la-rule-form" data-testid={testId} onSubmit={submit} noValidate>
      {rule ? (
        <div className="field la-category">
          <span className="field-label">{t('loopAdmin.col.category')}</span>
          <p className="la-category-chosen">
            <span className="mono">{rule.categoryCode}</span> {rule.categoryPath.replaceAll('/', ' › ')}
          </p>
        </div>
      ) : (
        <CategoryPicker categories={categories} value={code} onChange={setCode} testId="rule-category" />
      )}
      <label className="field">
        <span className="field-label">{t('loopAdmin.col.level')}</span>
        <select
          className="text-input"
          value={level}
          data-testid="rule-level"
          onChange={(e) => setLevel(Number(e.target.value))}
        >
          {AREA_LEVELS.map((l) => (
            <option key={l} value={l}>
              {levelText(t, l)}
            </option>
          ))}
        </select>
      </label>
      <KindSelect
        value={lead}
        onChange={setLead}
        kinds={kinds}
        label={t('loopAdmin.col.lead')}
        testId="rule-lead"
      />
      <CoKinds value={co} onChange={setCo} kinds={kinds} lead={lead} testId="rule-co" />
      <div className="field la-limit">
        <span className="field-label">{t('loopAdmin.col.limit')}</span>
        <div className="la-limit-row">
          <input
            type="number"
            className="text-input"
            min={1}
            max={LIMIT_MAX[unit as keyof typeof LIMIT_MAX] ?? 720}
            step={1}
            value={limit}
            aria-label={t('loopAdmin.col.limit')}
            data-testid="rule-limit"
            onChange={(e) => setLimit(e.target.value)}
          />
          <select
            className="text-input"
            value={unit}
            aria-label={t('loopAdmin.col.unit')}
            data-testid="rule-unit"
            onChange={(e) => setUnit(e.target.value)}
          >
            {LIMIT_UNITS.map((u) => (
              <option key={u} value={u}>
                {unitText(t, u)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <label className="field la-basis">
        <span className="field-label">{t('loopAdmin.col.basis')}</span>
        <input
          type="text"
          className="text-input"
          value={basis}
          maxLength={BASIS_MAX}
          placeholder={t('loopAdmin.basis.hint')}
          data-testid="rule-basis"
          onChange={(e) => setBasis(e.target.value)}
        />
      </label>
      {(tried || rule) && reasons.length > 0 && (
        <ul className="form-error la-reasons" role="alert" data-testid="rule-form-reasons">
          {reasons.map((r) => (
            <li key={r.code}>{reasonText(t, r)}</li>
          ))}
        </ul>
      )}
      {warnings.length > 0 && (
        <ul className="la-warnings" data-testid="rule-form-warnings">
          {warnings.map((w) => (
            <li key={w.code}>{warningText(t, w)}</li>
          ))}
        </ul>
      )}
      {save.isError && (
        <p className="form-error la-reasons" role="alert" data-testid="rule-form-error">
          {server(errorMessage(save.error))}
        </p>
      )}
      <div className="la-form-actions">
        <button type="button" className="plain-button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="primary-button"
          data-testid="rule-save"
          disabled={save.isPending || ((tried || rule !== null) && reasons.length > 0) || !changed}
        >
          {save.isPending ? t('common.saving') : rule ? t('common.save') : t('loopAdmin.rules.add')}
        </button>
      </div>
    </form>
  )
}
