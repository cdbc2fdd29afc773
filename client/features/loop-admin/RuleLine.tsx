import { ConfirmButton } from '../../components/ConfirmButton.tsx'
import { useI18n } from '../../i18n/index.ts'
import { type CheckContext, ruleWarnings } from './rule-check.ts'
import { type KindRow, levelText, type RuleRow, unitText, warningText } from './rule-words.ts'

interface RuleLineProps {
  rule: RuleRow
  ctx: CheckContext | null
  kinds: readonly KindRow[]
  onEdit: () => void
  onDelete: () => void
  deleting: boolean
}

/** One rule of the list as a table row: a kind nobody has is red, a lead with no department at the level marked ⚠. */
export function RuleLine({ rule: r, ctx, kinds, onEdit, onDelete, deleting }: RuleLineProps) {
  const { t } = useI18n()
  const known = new Set(kinds.map((k) => k.kind))
  const warnings = ctx ? ruleWarnings(r, ctx) : []
  const mark = (k: string) => (kinds.length > 0 && !known.has(k) ? ' chip-danger' : '')
  return (
    <tr data-testid="rule-row" data-id={r.id} data-code={r.categoryCode} data-level={r.areaLevel}>
      <td>
        <span className="mono">{r.categoryCode}</span>{' '}
        <span className="la-path" title={r.categoryPath}>
          {r.categoryPath.replaceAll('/', ' › ')}
        </span>
      </td>
      <td className="nowrap">{levelText(t, r.areaLevel)}</td>
      <td className="nowrap" data-testid="rule-lead-cell">
        <span className={`chip${mark(r.leadDepartment)}`}>{r.leadDepartment}</span>
        {warnings.length > 0 && (
          <span className="la-warn" title={warnings.map((w) => warningText(t, w)).join('\n')}>
            {' '}
            ⚠
          </span>
        )}
      </td>
      <td>
        <span className="chips">
          {r.coDepartments.map((k) => (
            <span key={k} className={`chip${mark(k)}`}>
              {k}
            </span>
          ))}
        </span>
      </td>
      <td className="nowrap" data-testid="rule-limit-cell">
        {r.timeLimit} {unitText(t, r.timeLimitUnit)}
      </td>
      <td className="cell-clip la-basis-cell" title={r.basis ?? ''}>
        {r.basis ?? <span className="dim">{t('common.none')}</span>}
      </td>
      <td className="col-actions">
        <span className="row-actions">
          <button type="button" className="plain-button" data-testid="rule-edit" onClick={onEdit}>
            {t('loopAdmin.rules.edit')}
          </button>
          <ConfirmButton
            label={t('loopAdmin.rules.delete')}
            question={t('loopAdmin.rules.confirmDelete', {
              code: r.categoryCode,
              level: levelText(t, r.areaLevel),
            })}
            onConfirm={onDelete}
            disabled={deleting}
            danger
            testId="rule-delete"
          />
        </span>
      </td>
    </tr>
  )
}
