import { describe, expect, it } from 'vitest'
import {
  generatePassword,
  hashPassword,
  needsRehash,
  parseHash,
  passwordProblem,
  verifyPassword,
} from '../../server/auth/password.ts'

describe('password hashing (scrypt)', () => {
  it('hashes to a PHC-like string with parameters and a random salt, and verifies', async () => {
    const h = await hashPassword('correct horse battery staple')
    expect(h).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/)
    expect(parseHash(h)?.salt.length).toBe(16)
    expect(parseHash(h)?.key.length).toBe(32)
    expect(await verifyPassword('correct horse battery staple', h)).toBe(true)
    expect(await verifyPassword('correct horse battery stapl', h)).toBe(false)
    expect(await hashPassword('correct horse battery staple')).not.toBe(h)
  })

  it('normalises Unicode (NFC) so the same password typed differently verifies', async () => {
    const h = await hashPassword('网格员Café1234')
    expect(await verifyPassword('网格员Cafe\u03011234', h)).toBe(true)
  })

  it('verifies with the parameters stored in the hash (cheaper old hashes still work)', async () => {
    const old = await hashPassword('pw-old-params-123', { ln: 12, r: 8, p: 1 })
    expect(old.startsWith('$scrypt$ln=12,')).toBe(true)
    expect(await verifyPassword('pw-old-params-123', old)).toBe(true)
    expect(needsRehash(old)).toBe(true)
    expect(needsRehash(await hashPassword('x'))).toBe(false)
  })

  it('refuses malformed or absurd hashes without throwing', async () => {
    for (const bad of [
      '',
      'plain',
      '$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      '$bcrypt$x',
    ])
      expect(await verifyPassword('x', bad)).toBe(false)
  })

  it('takes roughly the documented time (scrypt N=2^15 r=8 p=1)', async () => {
    const h = await hashPassword('timing')
    const t = performance.now()
    await verifyPassword('timing', h)
    const ms = performance.now() - t
    expect(ms).toBeGreaterThan(20) // not accidentally cheap
    expect(ms).toBeLessThan(2000)
  })
})

describe('generated passwords', () => {
  it('are 23 characters in four readable groups, without look-alike characters', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const p = generatePassword()
      expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{5}(-[a-km-zA-HJ-NP-Z2-9]{5}){3}$/)
      expect(p).not.toMatch(/[0O1lI]/)
      expect(passwordProblem(p)).toBeNull()
      seen.add(p)
    }
    expect(seen.size).toBe(200)
  })

  it('hand-set passwords need 12 characters', () => {
    expect(passwordProblem('short')).toMatch(/12/)
  })
})
