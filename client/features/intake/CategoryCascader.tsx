import { useMemo, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { categoryTree } from '../../lib/category-selection.ts'
import type { RouterOutputs } from '../../trpc.ts'

export type Category = RouterOutputs['map']['meta']['categories'][number]

interface CategoryCascaderProps {
  categories: readonly Category[]
  /** The chosen category's id ('' for none). */
  value: string
  onChange: (id: string) => void
  testId: string
}

const MAX_MATCHES = 8

/**
 * One category of the 3-level taxonomy (map.meta): three dependent selects (大类 › 中类 › 小类),
 * and a search over the names for those who know what they are looking for. The deepest choice
 * counts; the responsibility list routes by the smallest category.
 */
export function CategoryCascader({ categories, value, onChange, testId }: CategoryCascaderProps) {
  const { t } = useI18n()
  const tree = useMemo(() => {
    const t = categoryTree(categories)
    const byCode = new Map(categories.map((c) => [c.code, c]))
    const full = (nodes: readonly { code: string }[]) =>
      nodes.map((n) => byCode.get(n.code)).filter((c): c is Category => c !== undefined)
    return {
      roots: full(t.roots),
      children: new Map([...t.children].map(([code, kids]) => [code, full(kids)])),
    }
  }, [categories])
  const byId = useMemo(() => new Map(categories.map((c) => [String(c.id), c])), [categories])
  const byCode = useMemo(() => new Map(categories.map((c) => [c.code, c])), [categories])
  const [query, setQuery] = useState('')

  // The chain of the chosen category, from level 1 down.
  const chain: Category[] = []
  for (let c = byId.get(value); c; c = c.parentCode ? byCode.get(c.parentCode) : undefined) chain.unshift(c)
  const levels: { options: readonly Category[]; chosen: Category | undefined }[] = []
  let options: readonly Category[] = tree.roots
  for (let level = 0; level < 3 && options.length; level++) {
    const chosen = chain[level]
    levels.push({ options, chosen })
    if (!chosen) break
    options = tree.children.get(chosen.code) ?? []
  }

  const q = query.trim()
  const matches = q
    ? categories
        .filter((c) => !tree.children.get(c.code)?.length && (c.name.includes(q) || c.code.startsWith(q)))
        .slice(0, MAX_MATCHES)
    : []
  const pathName = (c: Category) => {
    const names: string[] = []
    for (let x: Category | undefined = c; x; x = x.parentCode ? byCode.get(x.parentCode) : undefined)
      names.unshift(x.name)
    return names.join(' › ')
  }
  const leaf = chain.length > 0 && !tree.children.get(chain[chain.length - 1]?.code ?? '')?.length

  return (
    <fieldset className="field intake-category" data-testid={testId}>
      <legend className="field-label">{t('intake.category')}</legend>
      <div className="intake-category-selects">
        {levels.map(({ options: opts, chosen }, i) => (
          <select
            // biome-ignore lint/suspicious/noArrayIndexKey: one select a level
            key={i}
            className="text-input"
            value={chosen ? String(chosen.id) : ''}
            aria-label={t(
              i === 0 ? 'intake.category.1' : i === 1 ? 'intake.category.2' : 'intake.category.3',
            )}
            data-testid={`${testId}-${i + 1}`}
            onChange={(e) => {
              const id = e.target.value
              // Clearing a level falls back to its parent's choice.
              onChange(id === '' ? (i > 0 ? String(chain[i - 1]?.id ?? '') : '') : id)
            }}
          >
            <option value="">{t(i === 0 ? 'intake.category.none' : 'intake.category.any')}</option>
            {opts.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.name}
              </option>
            ))}
          </select>
        ))}
      </div>
      <input
        type="search"
        className="text-input"
        placeholder={t('intake.category.search')}
        aria-label={t('intake.category.search')}
        value={query}
        data-testid={`${testId}-search`}
        onChange={(e) => setQuery(e.target.value)}
      />
      {matches.length > 0 && (
        <ul className="intake-category-matches" data-testid={`${testId}-matches`}>
          {matches.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="link-button"
                data-testid={`${testId}-match-${c.code}`}
                onClick={() => {
                  onChange(String(c.id))
                  setQuery('')
                }}
              >
                {pathName(c)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {q && matches.length === 0 && <p className="field-note">{t('intake.category.noMatch')}</p>}
      {chain.length > 0 && !leaf && (
        <p className="field-note field-note-warn">{t('intake.category.notLeaf')}</p>
      )}
      {chain.length === 0 && <p className="field-note">{t('intake.category.unset')}</p>}
    </fieldset>
  )
}
