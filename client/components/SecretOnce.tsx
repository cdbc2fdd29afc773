import { useState } from 'react'
import { useI18n } from '../i18n/index.ts'

/**
 * A secret the server returns once (a generated password, an API token): shown in full with a copy
 * button, and gone when closed — it is never stored in the client.
 */
export function SecretOnce({
  message,
  secret,
  onClose,
}: {
  message: string
  secret: string
  onClose: () => void
}) {
  const { t } = useI18n()
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret)
      setCopied('yes')
    } catch {
      setCopied('failed')
    }
  }
  return (
    <div className="secret-once" data-testid="secret-once" role="status">
      <p className="secret-message">{message}</p>
      <div className="secret-row">
        <input
          className="secret-value mono"
          data-testid="secret-value"
          readOnly
          value={secret}
          aria-label={message}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="primary-button" data-testid="secret-copy" onClick={copy}>
          {copied === 'yes' ? t('common.copied') : t('common.copy')}
        </button>
        <button type="button" className="plain-button" data-testid="secret-close" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      {copied === 'failed' && <p className="form-error">{t('common.copyFailed')}</p>}
    </div>
  )
}
