import { useMemo, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import {
  type CategoryNode,
  type CategoryTree,
  categoryTree,
  checkState,
  toggleCategory,
} from '../../lib/category-selection.ts'
import { categoryColour, css } from '../../map/layer-colours.ts'

export interface CategoryPickerProps {
  categories: readonly CategoryNode[]
  selected: readonly string[]
  onChange: (codes: string[]) => void
}

/** The events' category filter: the taxonomy (map.meta) as a tree of check boxes. */
export function CategoryPicker({ categories, selected, onChange }: CategoryPickerProps) {
  const { t } = useI18n()
  const tree = useMemo(() => categoryTree(categories), [categories])
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set())
  const toggleOpen = (code: string) =>
    setOpen((current) => {
      const next = new Set(current)
      if (next.has(code)) next.delete(code)
      else next.add(code)
      return next
    })
  return (
    <fieldset className="filter-group" data-testid="filter-events-category">
      <legend className="filter-label">
        <span>{t('layers.events.category')}</span>
        {selected.length > 0 ? (
          <button type="button" className="link-button" onClick={() => onChange([])}>
            {t('layers.clear')} ({t('layers.selected', { n: selected.length })})
          </button>
        ) : (
          <span className="filter-any">{t('layers.events.categoryAll')}</span>
        )}
      </legend>
      <ul className="category-tree">
        {tree.roots.map((node, index) => (
          <CategoryItem
            key={node.code}
            node={node}
            tree={tree}
            selected={selected}
            open={open}
            colour={css(categoryColour(index))}
            onToggleOpen={toggleOpen}
            onCheck={(code) => onChange(toggleCategory(tree, selected, code))}
          />
        ))}
      </ul>
    </fieldset>
  )
}

interface CategoryItemProps {
  node: CategoryNode
  tree: CategoryTree
  selected: readonly string[]
  open: ReadonlySet<string>
  colour?: string
  onToggleOpen: (code: string) => void
  onCheck: (code: string) => void
}

function CategoryItem({ node, tree, selected, open, colour, onToggleOpen, onCheck }: CategoryItemProps) {
  const { t } = useI18n()
  const kids = tree.children.get(node.code) ?? []
  const state = checkState(tree, selected, node.code)
  const expanded = open.has(node.code)
  return (
    <li>
      <div className={`category-row level-${node.level}`}>
        {kids.length ? (
          <button
            type="button"
            className={expanded ? 'tree-toggle open' : 'tree-toggle'}
            aria-expanded={expanded}
            aria-label={t(expanded ? 'layers.collapseCategory' : 'layers.expandCategory', {
              name: node.name,
            })}
            data-testid={`category-toggle-${node.code}`}
            onClick={() => onToggleOpen(node.code)}
          >
            <svg viewBox="0 0 10 10" aria-hidden="true">
              <path d="M3 2l4 3-4 3" fill="none" stroke="currentColor" strokeWidth="1.6" />
            </svg>
          </button>
        ) : (
          <span className="tree-toggle-spacer" />
        )}
        <label className="category-check">
          <input
            type="checkbox"
            checked={state === 'on'}
            ref={(el) => {
              if (el) el.indeterminate = state === 'partial'
            }}
            data-testid={`category-${node.code}`}
            onChange={() => onCheck(node.code)}
          />
          {colour && <span className="category-dot" style={{ background: colour }} />}
          <span className="category-name">{node.name}</span>
        </label>
      </div>
      {kids.length > 0 && expanded && (
        <ul>
          {kids.map((kid) => (
            <CategoryItem
              key={kid.code}
              node={kid}
              tree={tree}
              selected={selected}
              open={open}
              onToggleOpen={onToggleOpen}
              onCheck={onCheck}
            />
          ))}
        </ul>
      )}
    </li>
  )
}
