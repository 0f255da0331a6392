import type { GraphQLError } from 'graphql';
import type { Authenticate, Authentication, Credentials } from '../authenticate.js';
import type { RateLimitDecision, RateLimiter, RateLimitSubject } from './rate-limiter.js';
import { rateLimitedError } from './rate-limit-responses.js';

/** An authenticated request that its rate limit lets through. */
export interface Admission extends Authentication {
  /** The counter its requests go to; undefined without a limiter. */
  subject?: RateLimitSubject;
  /** Undefined when no limit applies (or the counter store failed). */
  rateLimit?: RateLimitDecision;
}

function httpStatusOf(error: unknown): number | undefined {
  const http = (error as GraphQLError | undefined)?.extensions?.['http'] as { status?: unknown } | undefined;
  return typeof http?.status === 'number' ? http.status : undefined;
}

/**
 * Authenticates, then counts the request against its caller's limit: per API key, per member, or per
 * client address. Refused credentials count against the address too, so guessing keys or tokens uses
 * up the guesser's budget; a members service that cannot answer (503) is nobody's fault and costs nothing.
 */
export async function admit(
  authenticate: Authenticate,
  limiter: RateLimiter | undefined,
  credentials: Credentials,
  address: string,
  requestId?: string,
): Promise<Admission> {
  let authentication: Authentication;
  try {
    authentication = await authenticate(credentials, requestId);
  } catch (error) {
    const status = httpStatusOf(error);
    if (limiter && status !== undefined && status >= 400 && status < 500) {
      const decision = await limiter.consume(limiter.anonymous(address));
      if (decision && !decision.allowed) throw rateLimitedError(decision);
    }
    throw error;
  }
  if (!limiter) return authentication;
  const subject = limiter.subjectOf(authentication.caller, authentication.apiKey, address);
  const decision = await limiter.consume(subject);
  if (decision && !decision.allowed) throw rateLimitedError(decision);
  return { ...authentication, subject, ...(decision ? { rateLimit: decision } : {}) };
}
