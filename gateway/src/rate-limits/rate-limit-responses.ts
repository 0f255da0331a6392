import type { ServerResponse } from 'node:http';
import type { GraphQLError } from 'graphql';
import { rateLimited } from '@pdn/errors';
import { withHttpStatus } from '../authenticate.js';
import type { RateLimitDecision } from './rate-limiter.js';

/** The IETF draft's RateLimit-* fields (as many APIs send them), plus Retry-After when refused. */
export function rateLimitHeaders(decision: RateLimitDecision): [string, string][] {
  const headers: [string, string][] = [
    ['ratelimit-limit', String(decision.limit)],
    ['ratelimit-remaining', String(decision.remaining)],
    ['ratelimit-reset', String(decision.resetSeconds)],
  ];
  if (!decision.allowed) headers.push(['retry-after', String(decision.resetSeconds)]);
  return headers;
}

export function setRateLimitHeaders(res: Pick<ServerResponse, 'setHeader'>, decision: RateLimitDecision): void {
  for (const [name, value] of rateLimitHeaders(decision)) res.setHeader(name, value);
}

export function rateLimitMessage(decision: RateLimitDecision): string {
  return `Too many requests: at most ${decision.limit} a minute. Try again in ${decision.resetSeconds} s.`;
}

/** RATE_LIMITED with `retryAfterSeconds`, answered by Apollo as HTTP 429 with Retry-After. */
export function rateLimitedError(decision: RateLimitDecision): GraphQLError {
  return withHttpStatus(rateLimited(rateLimitMessage(decision), decision.resetSeconds), 429, rateLimitHeaders(decision));
}

