import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { badInput } from '@pdn/errors';

/**
 * argon2id (the library's default algorithm) with OWASP's minimum parameters: 19 MiB, 2 passes,
 * one lane. About 30 ms per hash on a laptop: slow for an attacker, cheap enough for a sign-in.
 */
const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 10;
/** Long enough for any passphrase, short enough that hashing cannot be used to burn our CPU. */
export const PASSWORD_MAX_LENGTH = 256;

/** Refuses a password that breaks the policy, naming the argument (`password`). */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw badInput(field, `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw badInput(field, `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`);
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** False for a wrong password and for a stored hash that cannot be parsed: never throws on bad input. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification when there is no hash to check (unknown e-mail,
 * member without a password), so response times do not tell which e-mail addresses have an account.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  await verifyPassword(await dummyHash, password);
  return false;
}
