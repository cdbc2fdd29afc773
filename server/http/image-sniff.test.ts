import { describe, expect, it } from 'vitest'
import { etagMatches, mediaTypeOf, parseId } from './attachments.ts'
import { sniffImage } from './image-sniff.ts'

const bytes = (...xs: (number | string)[]) =>
  Buffer.concat(xs.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from([x]))))

describe('sniffImage', () => {
  it('recognises the three photo types by their signatures', () => {
    expect(sniffImage(bytes(0xff, 0xd8, 0xff, 0xe1, 'Exif')).mime).toBe('image/jpeg')
    expect(sniffImage(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0)).mime).toBe('image/png')
    expect(sniffImage(bytes('RIFF', 0x10, 0, 0, 0, 'WEBPVP8 ')).mime).toBe('image/webp')
  })

  it('names what else it finds, in both languages', () => {
    const name = (b: Buffer) => {
      const s = sniffImage(b)
      expect(s.mime).toBeNull()
      return `${s.zh} | ${s.en}`
    }
    expect(name(bytes('GIF89a', 1, 0))).toMatch(/GIF.*GIF image/)
    expect(name(bytes(0, 0, 0, 0x18, 'ftypheic', 0))).toMatch(/HEIC.*HEIC\/HEIF image/)
    expect(name(bytes(0, 0, 0, 0x18, 'ftypavif', 0))).toMatch(/AVIF/)
    expect(name(bytes(0, 0, 0, 0x18, 'ftypisom', 0))).toMatch(/视频.*video/)
    expect(name(bytes('%PDF-1.4'))).toMatch(/PDF 文档.*PDF document/)
    expect(name(bytes('PK', 3, 4, 'xx'))).toMatch(/ZIP/)
    expect(name(bytes('MZ', 0x90, 0))).toMatch(/可执行程序.*executable/)
    expect(name(bytes('  <svg xmlns="…">'))).toMatch(/SVG/)
    expect(name(bytes('{"a":1}'))).toMatch(/JSON/)
    expect(name(bytes('just words\n'))).toMatch(/纯文本.*plain text/)
    expect(name(bytes(0x00, 0x01, 0x02, 0x03))).toMatch(/00010203.*first bytes 00010203/)
    // A RIFF that is not WebP (a WAV file) is not a photo.
    expect(sniffImage(bytes('RIFF', 0, 0, 0, 0, 'WAVEfmt ')).mime).toBeNull()
    // Too short to hold a signature.
    expect(sniffImage(bytes(0xff, 0xd8)).mime).toBeNull()
  })

  it('says an empty body is empty', () => {
    expect(sniffImage(new Uint8Array(0)).kind).toBe('empty')
  })
})

describe('request helpers', () => {
  it('reads the media type without parameters, in lower case', () => {
    expect(mediaTypeOf('Image/JPEG; charset=binary')).toBe('image/jpeg')
    expect(mediaTypeOf(undefined)).toBe('')
  })

  it('takes only plain positive integer ids', () => {
    expect(parseId('42')).toBe(42)
    for (const bad of ['0', '-1', '1e3', '01', '4.2', 'abc', '', '99999999999999999'])
      expect(parseId(bad)).toBeNull()
  })

  it('matches If-None-Match lists, weak tags and *', () => {
    const h = 'ab12'
    expect(etagMatches(`"${h}"`, h)).toBe(true)
    expect(etagMatches(`W/"${h}"`, h)).toBe(true)
    expect(etagMatches(`"other", "${h}"`, h)).toBe(true)
    expect(etagMatches('*', h)).toBe(true)
    expect(etagMatches(h, h)).toBe(false)
    expect(etagMatches('"other"', h)).toBe(false)
  })
})
