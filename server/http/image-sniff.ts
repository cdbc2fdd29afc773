/**
 * What a body really is, from its first bytes (magic numbers), so that an upload's declared
 * Content-Type can be checked and a refusal can name what was sent instead. Only the three photo
 * types the app stores get a `mime`; everything else is named for the message.
 */

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp'

export type Sniffed =
  | { kind: 'photo'; mime: PhotoType; zh: string; en: string }
  | { kind: 'other'; mime: null; zh: string; en: string }
  | { kind: 'empty'; mime: null; zh: string; en: string }

const ascii = (b: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...b.subarray(from, Math.min(to, b.length)))

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x)

const other = (zh: string, en: string): Sniffed => ({ kind: 'other', mime: null, zh, en })

/** ISO base media file brands (bytes 8–11 after 'ftyp'): HEIF/HEIC and AVIF are images. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'])
const AVIF_BRANDS = new Set(['avif', 'avis'])

export function sniffImage(b: Uint8Array): Sniffed {
  if (b.length === 0) return { kind: 'empty', mime: null, zh: '空内容', en: 'an empty body' }
  if (startsWith(b, [0xff, 0xd8, 0xff]))
    return { kind: 'photo', mime: 'image/jpeg', zh: 'JPEG 图片', en: 'a JPEG image' }
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'photo', mime: 'image/png', zh: 'PNG 图片', en: 'a PNG image' }
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP')
    return { kind: 'photo', mime: 'image/webp', zh: 'WebP 图片', en: 'a WebP image' }
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return other('GIF 图片', 'a GIF image')
  if (ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12)
    if (HEIF_BRANDS.has(brand)) return other('HEIC/HEIF 图片', 'a HEIC/HEIF image')
    if (AVIF_BRANDS.has(brand)) return other('AVIF 图片', 'an AVIF image')
    return other('MP4/MOV 视频', 'an MP4/MOV video')
  }
  if (ascii(b, 0, 2) === 'BM') return other('BMP 图片', 'a BMP image')
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]))
    return other('TIFF 图片', 'a TIFF image')
  if (ascii(b, 0, 5) === '%PDF-') return other('PDF 文档', 'a PDF document')
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]))
    return other('ZIP 压缩包（或 Office 文档）', 'a ZIP archive (or Office document)')
  if (startsWith(b, [0x1f, 0x8b])) return other('gzip 压缩数据', 'gzip data')
  if (ascii(b, 0, 2) === 'MZ') return other('可执行程序', 'an executable')
  const head = ascii(b, 0, 512)
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
  if (head.startsWith('<')) return other('HTML/XML/SVG 文本', 'HTML/XML/SVG text')
  if (head.startsWith('{') || head.startsWith('[')) return other('JSON 文本', 'JSON text')
  if (isText(b.subarray(0, 512))) return other('纯文本', 'plain text')
  const hex = Buffer.from(b.subarray(0, 8)).toString('hex')
  return other(`无法识别的数据（开头字节 ${hex}）`, `unrecognised data (first bytes ${hex})`)
}

/** Printable ASCII, UTF-8 continuation bytes and common whitespace only. */
function isText(b: Uint8Array): boolean {
  for (const x of b) if (x < 0x09 || (x > 0x0d && x < 0x20) || x === 0x7f) return false
  return true
}
