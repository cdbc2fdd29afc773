import { useQuery } from '@tanstack/react-query'
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { errorMessage, type GridNode, trpc } from '../../trpc.ts'

export interface GridTreeProps {
  selectedCode: string | null
  /** Ids to open, e.g. the ancestors of an area selected on the map or by search. */
  reveal: readonly number[]
  onSelect: (node: GridNode) => void
}

/** The hierarchy from the top of the user's area down; children load when a node opens. */
export function GridTree({ selectedCode, reveal, onSelect }: GridTreeProps) {
  const { t } = useI18n()
  const roots = useQuery(trpc.grid.children.queryOptions({ parentId: null }))
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set())
  const treeRef = useRef<HTMLDivElement>(null)

  // A single top area (the city) starts open.
  const rootData = roots.data
  useEffect(() => {
    const only = rootData?.length === 1 ? rootData[0] : undefined
    if (only) setExpanded((current) => (current.has(only.id) ? current : new Set(current).add(only.id)))
  }, [rootData])

  const revealKey = reveal.join(',')
  // biome-ignore lint/correctness/useExhaustiveDependencies: revealKey stands for reveal's contents.
  useEffect(() => {
    if (reveal.length === 0) return
    setExpanded((current) => {
      if (reveal.every((id) => current.has(id))) return current
      const next = new Set(current)
      for (const id of reveal) next.add(id)
      return next
    })
  }, [revealKey])

  const toggle = useCallback((id: number, open?: boolean) => {
    setExpanded((current) => {
      const isOpen = current.has(id)
      const want = open ?? !isOpen
      if (want === isOpen) return current
      const next = new Set(current)
      if (want) next.add(id)
      else next.delete(id)
      return next
    })
  }, [])

  // Up/down move between visible items; the items handle the rest.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    const rows = [...(treeRef.current?.querySelectorAll<HTMLElement>('[role=treeitem]') ?? [])]
    const index = rows.indexOf(document.activeElement as HTMLElement)
    const next = rows[index + (event.key === 'ArrowDown' ? 1 : -1)]
    if (next) {
      event.preventDefault()
      next.focus()
    }
  }

  return (
    <div className="grid-tree" data-testid="grid-tree">
      {roots.isPending && <p className="tree-note">{t('tree.loading')}</p>}
      {roots.isError && (
        <TreeError message={errorMessage(roots.error)} onRetry={() => void roots.refetch()} />
      )}
      {roots.data && (
        <div className="tree" role="tree" aria-label={t('tree.title')} ref={treeRef} onKeyDown={onKeyDown}>
          {roots.data.map((node) => (
            <TreeNode
              key={node.id}
              node={node}
              depth={0}
              expanded={expanded}
              toggle={toggle}
              selectedCode={selectedCode}
              onSelect={onSelect}
            />
          ))}
        </div>
      )}
    </div>
  )
}

interface TreeNodeProps {
  node: GridNode
  depth: number
  expanded: ReadonlySet<number>
  toggle: (id: number, open?: boolean) => void
  selectedCode: string | null
  onSelect: (node: GridNode) => void
}

function TreeNode({ node, depth, expanded, toggle, selectedCode, onSelect }: TreeNodeProps) {
  const { t, kind, number } = useI18n()
  const hasChildren = node.childCount > 0
  const open = hasChildren && expanded.has(node.id)
  const selected = node.code === selectedCode
  const children = useQuery({ ...trpc.grid.children.queryOptions({ parentId: node.id }), enabled: open })
  const itemRef = useRef<HTMLDivElement>(null)
  const rowRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (selected) rowRef.current?.scrollIntoView({ block: 'center' })
  }, [selected])

  const select = () => {
    onSelect(node)
    if (hasChildren) toggle(node.id, true)
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) return
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      select()
    } else if (event.key === 'ArrowRight' && hasChildren) {
      event.preventDefault()
      toggle(node.id, true)
    } else if (event.key === 'ArrowLeft' && open) {
      event.preventDefault()
      toggle(node.id, false)
    }
  }

  return (
    <div
      ref={itemRef}
      role="treeitem"
      className="tree-item"
      aria-expanded={hasChildren ? open : undefined}
      aria-selected={selected}
      aria-level={depth + 1}
      aria-label={`${node.name} ${kind(node.kind)}`}
      tabIndex={selected || (depth === 0 && !selectedCode) ? 0 : -1}
      onKeyDown={onKeyDown}
    >
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the pointer target; the tree item takes the keys. */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the tree item around the row handles the keys. */}
      <div
        ref={rowRef}
        className={selected ? 'tree-row selected' : 'tree-row'}
        style={{ paddingInlineStart: `calc(${depth} * var(--tree-indent) + 0.35rem)` }}
        data-testid={`grid-node-${node.code}`}
        data-level={node.level}
        onClick={() => {
          itemRef.current?.focus({ preventScroll: true })
          select()
        }}
        title={`${node.name} · ${node.code}`}
      >
        {hasChildren ? (
          <button
            type="button"
            className={open ? 'tree-toggle open' : 'tree-toggle'}
            tabIndex={-1}
            data-testid={`grid-toggle-${node.code}`}
            aria-label={t(open ? 'tree.collapse' : 'tree.expand', { name: node.name })}
            onClick={(event) => {
              event.stopPropagation()
              toggle(node.id)
            }}
          >
            <svg viewBox="0 0 12 12" aria-hidden="true">
              <path
                d="M4 2.5 7.5 6 4 9.5"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.6"
                strokeLinecap="round"
              />
            </svg>
          </button>
        ) : (
          <span className="tree-toggle-spacer" />
        )}
        <span className={`level-dot level-${node.level}`} aria-hidden="true" />
        <span className="tree-name">{node.name}</span>
        <span className="tree-kind">{kind(node.kind)}</span>
        {hasChildren && (
          <span className="tree-count" title={t('tree.children', { count: node.childCount })}>
            {number(node.childCount)}
          </span>
        )}
      </div>
      {open && (
        // biome-ignore lint/a11y/useSemanticElements: a tree item's children are a group, not a form's fieldset.
        <div role="group">
          {children.isPending && (
            <p
              className="tree-note"
              style={{ paddingInlineStart: `calc(${depth + 1} * var(--tree-indent) + 1.6rem)` }}
            >
              {t('tree.loading')}
            </p>
          )}
          {children.isError && (
            <TreeError message={errorMessage(children.error)} onRetry={() => void children.refetch()} />
          )}
          {children.data?.length === 0 && <p className="tree-note">{t('tree.empty')}</p>}
          {children.data?.map((child) => (
            <TreeNode
              key={child.id}
              node={child}
              depth={depth + 1}
              expanded={expanded}
              toggle={toggle}
              selectedCode={selectedCode}
              onSelect={onSelect}
            />
          ))}
        </div>
      )}
    </div>
  )
}

function TreeError({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useI18n()
  return (
    <div className="tree-error" role="alert">
      <span>{t('tree.error', { message })}</span>
      <button type="button" className="link-button" onClick={onRetry}>
        {t('tree.retry')}
      </button>
    </div>
  )
}
