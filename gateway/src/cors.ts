import type { RequestHandler } from 'express';
import { REQUEST_ID_HEADER } from '@pdn/identity';

/** What a partner's page may read of an answer: the request id, and when to come back after a 429. */
const EXPOSED_HEADERS = [REQUEST_ID_HEADER, 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].join(', ');

/**
 * CORS for the exact origins configured, and nothing for the others: with no origin configured, only
 * same-origin pages (the gateway's own) can call it from a browser. Credentials travel in headers, never
 * cookies, so `Access-Control-Allow-Credentials` is not needed.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (origin && allowed.has(origin)) {
      res.set('access-control-allow-origin', origin);
      res.set('access-control-expose-headers', EXPOSED_HEADERS);
      if (preflight) {
        res.set('access-control-allow-methods', 'GET, POST');
        const requested = req.headers['access-control-request-headers'];
        if (requested) res.set('access-control-allow-headers', requested);
        res.set('access-control-max-age', '600');
      }
    }
    // A refused preflight gets no CORS headers, which is how a browser learns it is refused.
    if (preflight) {
      res.status(204).end();
      return;
    }
    next();
  };
}
