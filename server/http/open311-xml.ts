/**
 * The XML side of the Open311 GeoReport v2 gateway (server/http/open311.ts): the same values the
 * JSON answers carry, written as the specification's documents — `<services><service>…`,
 * `<service_requests><request>…`, `<service_definition>`, `<discovery>`, `<errors><error>…`.
 */

/** What an answer is made of: scalars, lists (one child element per item) and records. */
export type XmlValue = string | number | boolean | null | undefined | readonly XmlValue[] | XmlRecord
export interface XmlRecord {
  readonly [key: string]: XmlValue
}

/** The element name of one item of a list element (the specification's plural → singular). */
export const XML_ITEM: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
  attributes: 'attribute',
  values: 'value',
}

/** Anything outside XML 1.0's characters (or an astral character, checked one by one below). */
const MAYBE_NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/

/** Drop what XML 1.0 cannot hold: control characters, lone surrogates, U+FFFE and U+FFFF. */
function xmlChars(text: string): string {
  if (!MAYBE_NOT_XML.test(text)) return text
  let out = ''
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    if (
      c === 9 ||
      c === 10 ||
      c === 13 ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000
    )
      out += ch
  }
  return out
}

/** Text as XML character data: & < > " ' escaped, characters XML 1.0 cannot hold dropped. */
export function escapeXml(text: string): string {
  return xmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

const NAME = /^[A-Za-z_][\w.-]*$/

function element(name: string, value: XmlValue, out: string[]): void {
  if (!NAME.test(name)) throw new Error(`not an XML element name: ${name}`)
  if (value === null || value === undefined) {
    out.push(`<${name}/>`)
  } else if (Array.isArray(value)) {
    const item = XML_ITEM[name]
    if (!item) throw new Error(`no item element for the list ${name}`)
    out.push(`<${name}>`)
    for (const v of value as readonly XmlValue[]) element(item, v, out)
    out.push(`</${name}>`)
  } else if (typeof value === 'object') {
    out.push(`<${name}>`)
    for (const [k, v] of Object.entries(value as XmlRecord)) element(k, v, out)
    out.push(`</${name}>`)
  } else {
    out.push(`<${name}>${escapeXml(String(value))}</${name}>`)
  }
}

/** A whole document: the UTF-8 declaration, then `root` holding `value`. */
export function xmlDocument(root: string, value: XmlValue): string {
  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>\n']
  element(root, value, out)
  out.push('\n')
  return out.join('')
}
