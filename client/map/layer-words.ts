import type { I18n, MessageKey } from '../i18n/index.ts'
import { zhCN } from '../i18n/zh-CN.ts'
import type { Describer } from './layers/layer-definition.ts'

/** Where the names of each layer enum live in the i18n files (shared with the detail panel). */
const ENUM_KEYS: Record<string, string> = {
  'events.status': 'enum.eventStatus',
  'events.source': 'enum.eventSource',
  'things.kind': 'enum.thing',
  'things.status': 'enum.thingStatus',
  'orgs.kind': 'enum.org',
  'places.kind': 'enum.place',
  'places.use': 'enum.buildingUse',
  'people.tag': 'tag',
  'grids.grade': 'layers.grids.grade',
}

/** The translated name of an enum value of a layer filter; the value itself when unknown. */
export function enumName(i18n: Pick<I18n, 't' | 'kind'>, group: string, value: unknown): string {
  const raw = value === undefined || value === null ? '' : String(value)
  if (group === 'kind') return i18n.kind(raw)
  const key = `${ENUM_KEYS[group] ?? group}.${raw}`
  return key in zhCN ? i18n.t(key as MessageKey) : raw
}

/** The words layers describe their features with, in the reader's language. */
export function createDescriber(i18n: I18n, categoryNames: ReadonlyMap<string, string>): Describer {
  return {
    t: (key, params) => i18n.t(key, params),
    name: (group, value) => enumName(i18n, group, value),
    number: (value) => i18n.number(value),
    categoryName: (code) => categoryNames.get(String(code ?? '')) ?? String(code ?? ''),
  }
}
