import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'

/**
 * Password hashing with scrypt (node:crypto). The encoded form is PHC-like and carries its
 * parameters, so they can be raised later without invalidating stored hashes:
 *
 *   $scrypt$ln=15,r=8,p=1$<salt, base64>$<hash, base64>
 *
 * Cost: N = 2^15, r = 8, p = 1 needs 32 MiB of memory and about 60–100 ms on a current server core
 * (≈200 ms on the 2-vCPU development VM). scrypt runs on libuv's thread pool, so sign-ins do not
 * block the event loop; their throughput is bounded by cores (see docs/access.md).
 */
export interface ScryptParams {
  /** log2 of N */
  ln: number
  r: number
  p: number
}

export const DEFAULT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 }
const KEY_LEN = 32
const SALT_LEN = 16

function scrypt(password: string, salt: Buffer, keyLen: number, q: ScryptParams): Promise<Buffer> {
  const N = 2 ** q.ln
  return new Promise((resolve, reject) =>
    scryptCb(
      password.normalize('NFC'),
      salt,
      keyLen,
      { N, r: q.r, p: q.p, maxmem: 256 * N * q.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  )
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LEN)
  const key = await scrypt(password, salt, KEY_LEN, params)
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

const ENCODED =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/

export function parseHash(encoded: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const m = ENCODED.exec(encoded)
  if (!m) return null
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }
  // Bounds so that a corrupt row cannot make one sign-in take minutes or gigabytes.
  if (params.ln < 10 || params.ln > 20 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16)
    return null
  const salt = Buffer.from(m[4]!, 'base64')
  const key = Buffer.from(m[5]!, 'base64')
  if (salt.length < 8 || key.length < 16) return null
  return { params, salt, key }
}

/** Constant-time comparison of the derived key; false (never a throw) for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const h = parseHash(encoded)
  if (!h) {
    await dummyVerify(password)
    return false
  }
  const key = await scrypt(password, h.salt, h.key.length, h.params)
  return timingSafeEqual(key, h.key)
}

/** Whether a stored hash uses weaker parameters than the current ones (re-hash after sign-in). */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_PARAMS): boolean {
  const h = parseHash(encoded)
  return !h || h.params.ln < params.ln || h.params.r < params.r || h.params.p < params.p
}

const DUMMY_SALT = randomBytes(SALT_LEN)
/** The same work as a real verification, for unknown users (so timing does not tell them apart). */
export async function dummyVerify(password: string): Promise<false> {
  await scrypt(password, DUMMY_SALT, KEY_LEN, DEFAULT_PARAMS)
  return false
}

/** A hashing strategy, injectable so tests can count hashes and benchmarks can vary the cost. */
export interface Hasher {
  hash(password: string): Promise<string>
  verify(password: string, encoded: string): Promise<boolean>
  dummy(password: string): Promise<false>
}

export const scryptHasher: Hasher = {
  hash: (p) => hashPassword(p),
  verify: verifyPassword,
  dummy: dummyVerify,
}

// No 0/O, 1/l/I: the password is read off a screen or a slip of paper.
const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/**
 * A readable random password: four groups of five characters joined by '-' (e.g. `k7Rm2-…`),
 * 20 characters from a 57-symbol alphabet ≈ 116 bits.
 */
export function generatePassword(groups = 4, groupLen = 5): string {
  const parts: string[] = []
  for (let g = 0; g < groups; g++) {
    let s = ''
    for (let i = 0; i < groupLen; i++) s += ALPHABET[randomInt(ALPHABET.length)]
    parts.push(s)
  }
  return parts.join('-')
}

/** Rules for passwords set by hand (the generated ones always pass). */
export function passwordProblem(password: string): string | null {
  if (password.length < 12) return '密码至少 12 个字符 / A password needs at least 12 characters'
  if (password.length > 200) return '密码太长 / The password is too long'
  return null
}
