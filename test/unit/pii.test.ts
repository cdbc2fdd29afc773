import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { idCheckDigit } from '../../db/seed/people.ts'
import { createPiiCipher, loadMasterKey, maskIdNumber, maskPhone } from '../../server/security/pii.ts'

describe('personal data protection', () => {
  const cipher = createPiiCipher(Buffer.alloc(32, 3))

  it('encrypts so that the plain text is not in the stored bytes, and decrypts back', () => {
    const box = cipher.encrypt('371002199001011234')
    expect(box.toString('utf8')).not.toContain('371002')
    expect(cipher.decrypt(box)).toBe('371002199001011234')
  })

  it('uses a fresh nonce: the same value encrypts differently each time', () => {
    expect(cipher.encrypt('13812345678').equals(cipher.encrypt('13812345678'))).toBe(false)
  })

  it('rejects a tampered ciphertext', () => {
    const box = cipher.encrypt('13812345678')
    box[box.length - 1]! ^= 1
    expect(() => cipher.decrypt(box)).toThrow()
  })

  it('gives a stable lookup hash that ignores case and spaces, and differs between keys', () => {
    expect(cipher.lookupHash('11010519491231002x').equals(cipher.lookupHash(' 11010519491231002X'))).toBe(
      true,
    )
    const other = createPiiCipher(Buffer.alloc(32, 4))
    expect(other.lookupHash('11010519491231002X').equals(cipher.lookupHash('11010519491231002X'))).toBe(false)
  })

  it('masks ID numbers and phones the way the screens show them', () => {
    expect(maskIdNumber('371002199001011234')).toBe('371002********1234')
    expect(maskPhone('13812345678')).toBe('138****5678')
  })

  it('generates a key file once with owner-only permissions and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yiwang-key-'))
    const file = join(dir, 'pii.key')
    const a = loadMasterKey(file, {})
    const b = loadMasterKey(file, {})
    expect(a.equals(b)).toBe(true)
    expect(statSync(file).mode & 0o077).toBe(0)
    expect(readFileSync(file, 'utf8').trim()).toBe(a.toString('base64'))
  })

  it('refuses a configured key of the wrong length', () => {
    expect(() =>
      loadMasterKey('/nonexistent', { YIWANG_PII_KEY: Buffer.alloc(16).toString('base64') }),
    ).toThrow(/32 bytes/)
  })

  it('computes the GB 11643 check digit', () => {
    expect(idCheckDigit('11010519491231002')).toBe('X')
    expect(idCheckDigit('44052418800101001')).toBe('4')
  })
})
