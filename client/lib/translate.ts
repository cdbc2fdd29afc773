/** Message lookup with `{name}` placeholders. Pure, so the i18n files stay plain data. */
export type Params = Readonly<Record<string, string | number>>

/** Replaces each `{name}` in `template` with `params[name]`; an unknown placeholder stays as it is. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name]
    return value === undefined ? whole : String(value)
  })
}

/**
 * Looks `key` up in `messages`, then in `fallback`; a key missing from both comes back as the key
 * itself, so a gap shows on screen instead of an empty string.
 */
export function lookup(
  messages: Readonly<Record<string, string>>,
  fallback: Readonly<Record<string, string>>,
  key: string,
  params?: Params,
): string {
  const template = messages[key] ?? fallback[key] ?? key
  return interpolate(template, params)
}
