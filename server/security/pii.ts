import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Protection of personal data (个人信息): ID numbers and phones are stored as AES-256-GCM
 * ciphertext (iv | tag | data) with a keyed HMAC-SHA-256 for exact-match lookup. Two keys are
 * derived from one master key with HKDF, so the lookup hash reveals nothing about the cipher key.
 */
export interface PiiCipher {
  encrypt(plain: string): Buffer
  decrypt(box: Buffer): string
  /** Keyed hash of a normalised value, for exact lookup (e.g. find a person by ID number). */
  lookupHash(value: string): Buffer
}

export function createPiiCipher(masterKey: Buffer): PiiCipher {
  if (masterKey.length !== 32) throw new Error('the personal-data master key must be 32 bytes')
  const encKey = Buffer.from(hkdfSync('sha256', masterKey, 'yiwang', 'pii-encrypt-v1', 32))
  const macKey = Buffer.from(hkdfSync('sha256', masterKey, 'yiwang', 'pii-lookup-v1', 32))
  return {
    encrypt(plain) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', encKey, iv)
      const data = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return Buffer.concat([iv, c.getAuthTag(), data])
    },
    decrypt(box) {
      const d = createDecipheriv('aes-256-gcm', encKey, box.subarray(0, 12))
      d.setAuthTag(box.subarray(12, 28))
      return Buffer.concat([d.update(box.subarray(28)), d.final()]).toString('utf8')
    },
    lookupHash(value) {
      return createHmac('sha256', macKey).update(normaliseId(value)).digest()
    },
  }
}

/** ID numbers compare upper-case without spaces (the check digit may be x or X). */
export function normaliseId(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase()
}

/** 371002199001011234 → 371002********1234 */
export function maskIdNumber(id: string): string {
  const v = normaliseId(id)
  if (v.length < 10) return '*'.repeat(v.length)
  return `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}`
}

/** 13812345678 → 138****5678 */
export function maskPhone(phone: string): string {
  const v = phone.replace(/\D/g, '')
  if (v.length < 7) return '*'.repeat(v.length)
  return `${v.slice(0, 3)}${'*'.repeat(v.length - 7)}${v.slice(-4)}`
}

/**
 * The master key: YIWANG_PII_KEY (base64 of 32 bytes) when set; otherwise a key file in the data
 * folder, generated on first use with owner-only permissions.
 */
export function loadMasterKey(keyFile: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.YIWANG_PII_KEY
  if (fromEnv) {
    const k = Buffer.from(fromEnv, 'base64')
    if (k.length !== 32) throw new Error('YIWANG_PII_KEY must be the base64 of exactly 32 bytes')
    return k
  }
  if (existsSync(keyFile)) {
    const k = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')
    if (k.length !== 32) throw new Error(`${keyFile} does not hold a 32-byte base64 key`)
    return k
  }
  mkdirSync(dirname(keyFile), { recursive: true })
  const k = randomBytes(32)
  writeFileSync(keyFile, `${k.toString('base64')}\n`, { mode: 0o600 })
  return k
}
