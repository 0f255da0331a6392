import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets the system hands out once (refresh tokens, invitations, private feed URLs, API keys):
 * 32 random bytes, base64url (43 characters).
 */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

const SECRET_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Anything else cannot be a secret we issued: no need to hash it and ask the database. */
export function looksLikeSecretToken(value: string): boolean {
  return SECRET_TOKEN.test(value);
}

/**
 * What is stored instead of the secret. A plain SHA-256 is enough: with 256 bits of entropy the secret
 * cannot be guessed from its hash, unlike a password, and it is checked on every request.
 */
export function secretTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Partner API keys carry a recognisable prefix (for secret scanners and support) before a secret token. */
export const API_KEY_PREFIX = 'pdn_live_';

export function newApiKeySecret(): string {
  return `${API_KEY_PREFIX}${newSecretToken()}`;
}

/** Anything else cannot be a key we issued: refused without asking the members service. */
export function looksLikeApiKeySecret(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && looksLikeSecretToken(value.slice(API_KEY_PREFIX.length));
}
