import { DrizzleQueryError } from 'drizzle-orm/errors';
import { DomainError } from '@pdn/errors';

/**
 * drizzle's query errors carry the statement's parameters in their message, and the identity
 * statements' parameters are password hashes, token hashes and e-mails holding invitation tokens.
 * Anything that reaches the logs from here goes through this first: same database error (message
 * and SQLSTATE code), without the parameters.
 */
export function withoutQueryParameters(error: unknown): unknown {
  if (error instanceof DomainError || !(error instanceof DrizzleQueryError)) return error;
  const cause = error.cause as (Error & { code?: string; constraint?: string }) | undefined;
  const scrubbed = new Error(`Database query failed: ${cause?.message ?? 'unknown error'}`);
  scrubbed.name = 'DatabaseError';
  Object.assign(scrubbed, { code: cause?.code, constraint: cause?.constraint });
  return scrubbed;
}

/** Runs `work`, rethrowing database errors without the query's parameters. */
export async function secretSafe<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw withoutQueryParameters(error);
  }
}

/** SQLSTATE 23505, wherever drizzle or the driver put it. */
export function isUniqueViolation(error: unknown): boolean {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 5; depth++) {
    if (current.code === '23505') return true;
    current = current.cause as typeof current;
  }
  return false;
}
