/**
 * The events' category filter as a tree of check boxes over the 3-level taxonomy. The filter holds
 * codes of any level and the server matches a code and everything below it, so a selection is
 * kept minimal: a checked parent stands for all its children.
 */
export interface CategoryNode {
  code: string
  name: string
  level: number
  parentCode: string | null
}

export interface CategoryTree {
  roots: CategoryNode[]
  children: ReadonlyMap<string, CategoryNode[]>
  parent: ReadonlyMap<string, string | null>
}

export function categoryTree(nodes: readonly CategoryNode[]): CategoryTree {
  const children = new Map<string, CategoryNode[]>()
  const parent = new Map<string, string | null>()
  const roots: CategoryNode[] = []
  const known = new Set(nodes.map((n) => n.code))
  for (const node of nodes) {
    const up = node.parentCode && known.has(node.parentCode) ? node.parentCode : null
    parent.set(node.code, up)
    if (up === null) roots.push(node)
    else children.set(up, [...(children.get(up) ?? []), node])
  }
  return { roots, children, parent }
}

function ancestors(tree: CategoryTree, code: string): string[] {
  const out: string[] = []
  for (let up = tree.parent.get(code) ?? null; up !== null; up = tree.parent.get(up) ?? null) out.push(up)
  return out
}

function descendants(tree: CategoryTree, code: string): string[] {
  return (tree.children.get(code) ?? []).flatMap((child) => [child.code, ...descendants(tree, child.code)])
}

export type CheckState = 'on' | 'off' | 'partial'

export function checkState(tree: CategoryTree, selected: readonly string[], code: string): CheckState {
  const set = new Set(selected)
  if (set.has(code) || ancestors(tree, code).some((a) => set.has(a))) return 'on'
  return descendants(tree, code).some((d) => set.has(d)) ? 'partial' : 'off'
}

/** Replaces codes whose siblings are all selected by their parent, up the tree. */
function normalise(tree: CategoryTree, selected: Set<string>): Set<string> {
  let changed = true
  while (changed) {
    changed = false
    for (const [parentCode, kids] of tree.children) {
      if (selected.has(parentCode) || !kids.length) continue
      if (kids.every((kid) => selected.has(kid.code))) {
        for (const kid of kids) selected.delete(kid.code)
        selected.add(parentCode)
        changed = true
      }
    }
  }
  return selected
}

/** The selection after a click on `code`'s check box, in the tree's order. */
export function toggleCategory(tree: CategoryTree, selected: readonly string[], code: string): string[] {
  const set = new Set(selected)
  const state = checkState(tree, selected, code)
  if (state === 'on') {
    // Unchecking under a checked ancestor: the ancestor gives way to the rest of its subtree.
    const path = [code, ...ancestors(tree, code)]
    const top = path.findLast((c) => set.has(c))
    if (top !== undefined) {
      set.delete(top)
      for (let i = path.indexOf(top); i > 0; i--) {
        const parentCode = path[i] as string
        const keep = path[i - 1] as string
        for (const kid of tree.children.get(parentCode) ?? []) if (kid.code !== keep) set.add(kid.code)
      }
    }
    for (const d of descendants(tree, code)) set.delete(d)
  } else {
    for (const d of descendants(tree, code)) set.delete(d)
    set.add(code)
  }
  const result = normalise(tree, set)
  const order = [...tree.roots.flatMap((root) => [root.code, ...descendants(tree, root.code)])]
  return order.filter((c) => result.has(c))
}
