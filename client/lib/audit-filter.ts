/** The audit page's filter form and the `audit.list` input it stands for. */
export interface AuditFilterForm {
  /** `<input type="datetime-local">` values, local time; empty = open. */
  from: string
  to: string
  actor: string
  /** An exact action, or a prefix ending in '.' or '*' ('auth.' → every sign-in record). */
  action: string
  objectType: string
  objectId: string
}

export const EMPTY_AUDIT_FILTER: AuditFilterForm = {
  from: '',
  to: '',
  actor: '',
  action: '',
  objectType: '',
  objectId: '',
}

export interface AuditListInput {
  from?: string
  to?: string
  actor?: string
  action?: string
  objectType?: string
  objectId?: string
}

/** A local `datetime-local` value as an ISO instant, or undefined when empty or unreadable. */
export function localToIso(value: string): string | undefined {
  const trimmed = value.trim()
  if (!trimmed) return undefined
  // Without a zone, Date reads "YYYY-MM-DDTHH:mm" as local time, which is what the field shows.
  const date = new Date(trimmed)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/** The filter as the server takes it: blank fields left out, text trimmed, times as instants. */
export function auditListInput(form: AuditFilterForm): AuditListInput {
  const input: AuditListInput = {}
  const from = localToIso(form.from)
  const to = localToIso(form.to)
  if (from) input.from = from
  if (to) input.to = to
  for (const key of ['actor', 'action', 'objectType', 'objectId'] as const) {
    const value = form[key].trim().slice(0, 200)
    if (value) input[key] = value
  }
  return input
}

/** Why the form cannot be sent, or null: the only check the browser can make is the order. */
export function auditFilterProblem(form: AuditFilterForm): 'order' | null {
  const from = localToIso(form.from)
  const to = localToIso(form.to)
  return from && to && from > to ? 'order' : null
}
