import { createHash, randomBytes } from 'node:crypto';

/** A bearer secret (refresh token, invitation token): 32 random bytes, base64url. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What is stored instead of the secret. A plain SHA-256 is enough here: the secret has 256 bits of
 * entropy, so unlike a password it cannot be guessed from its hash.
 */
export function secretTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
