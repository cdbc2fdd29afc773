import { describe, expect, it } from 'vitest'
import { type CategoryNode, categoryTree, checkState, toggleCategory } from './category-selection.ts'

const node = (code: string, parentCode: string | null): CategoryNode => ({
  code,
  name: `n${code}`,
  level: code.length / 2,
  parentCode,
})
const tree = categoryTree([
  node('01', null),
  node('0101', '01'),
  node('010101', '0101'),
  node('010102', '0101'),
  node('0102', '01'),
  node('02', null),
  node('0201', '02'),
])

describe('the category tree picker', () => {
  it('checks a category and everything below it', () => {
    const selected = toggleCategory(tree, [], '0101')
    expect(selected).toEqual(['0101'])
    expect(checkState(tree, selected, '010102')).toBe('on')
    expect(checkState(tree, selected, '01')).toBe('partial')
    expect(checkState(tree, selected, '02')).toBe('off')
  })

  it('keeps the selection minimal: a parent replaces its children, and the other way round', () => {
    expect(toggleCategory(tree, ['0101'], '01')).toEqual(['01'])
    expect(toggleCategory(tree, ['010101'], '010102')).toEqual(['0101'])
    expect(toggleCategory(tree, ['0101'], '0102')).toEqual(['01'])
  })

  it('unchecks one child under a checked parent, keeping its siblings', () => {
    expect(toggleCategory(tree, ['01'], '010101')).toEqual(['010102', '0102'])
    expect(toggleCategory(tree, ['01'], '0102')).toEqual(['0101'])
  })

  it('unchecks a checked category and what was below it', () => {
    expect(toggleCategory(tree, ['0101', '02'], '0101')).toEqual(['02'])
  })

  it('checks a partly checked category whole', () => {
    expect(toggleCategory(tree, ['010101', '0201'], '0101')).toEqual(['0101', '02'])
  })
})
