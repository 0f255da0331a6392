import type { RequestHandler } from 'express';
import { clientAddress } from './client-address.js';
import type { RateLimiter } from './rate-limiter.js';
import { rateLimitMessage, setRateLimitHeaders } from './rate-limit-responses.js';

/**
 * For routes without credentials (the /ics calendar feeds): the anonymous limit of the client's
 * address, answered in plain text with 429 and Retry-After.
 */
export function limitByAddress(limiter: RateLimiter, trustedHops: number): RequestHandler {
  return (req, res, next) => {
    limiter.consume(limiter.anonymous(clientAddress(req, trustedHops))).then((decision) => {
      if (decision) setRateLimitHeaders(res, decision);
      if (!decision || decision.allowed) {
        next();
        return;
      }
      res.status(429).set({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`${rateLimitMessage(decision)}\n`);
    }, next);
  };
}
