import { createHash, randomBytes } from 'node:crypto'

/**
 * Session and API tokens: 32 random bytes, base64url. Only the SHA-256 of the token string is
 * stored, so a leaked table does not let anyone sign in. (A fast hash is right here: the token
 * has 256 bits of entropy, unlike a password.)
 */
export const SESSION_COOKIE = 'yw_session'
export const API_TOKEN_PREFIX = 'yw_'

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url')
}

export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
}

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

/** 43 base64url characters: what a session token looks like (anything else is not looked up). */
export const SESSION_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/
export const API_TOKEN_RE = /^yw_[A-Za-z0-9_-]{43}$/
