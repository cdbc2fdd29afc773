import { useState } from 'react'
import { useI18n } from '../i18n/index.ts'

interface ConfirmButtonProps {
  label: string
  question: string
  onConfirm: () => void
  disabled?: boolean
  danger?: boolean
  testId: string
}

/** A button that asks first, in place (no browser dialog): label → question with yes / cancel. */
export function ConfirmButton({ label, question, onConfirm, disabled, danger, testId }: ConfirmButtonProps) {
  const { t } = useI18n()
  const [asking, setAsking] = useState(false)
  if (!asking)
    return (
      <button
        type="button"
        className={danger ? 'plain-button danger' : 'plain-button'}
        data-testid={testId}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    )
  return (
    <span className="confirm">
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className={danger ? 'primary-button danger' : 'primary-button'}
        data-testid={`${testId}-confirm`}
        onClick={() => {
          setAsking(false)
          onConfirm()
        }}
      >
        {label}
      </button>
      <button type="button" className="plain-button" onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </span>
  )
}
