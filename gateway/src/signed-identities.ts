import { type Caller, DEFAULT_IDENTITY_MAX_AGE_SECONDS, type SignedIdentity, signIdentity } from '@pdn/identity';
import { stableJson } from './stable-json.js';

/** A signature is reused this long: a small part of the time subgraphs accept it (DEFAULT_IDENTITY_MAX_AGE_SECONDS). */
const REUSE_MS = 10_000;
const MAX_CALLERS = 10_000;

const canonicalForms = new WeakMap<Caller, string>();

/** The caller as a string two equal callers share whatever their key order: what a request may be shared by. */
export function canonicalCaller(caller: Caller): string {
  let canonical = canonicalForms.get(caller);
  if (canonical === undefined) {
    canonical = stableJson(caller);
    canonicalForms.set(caller, canonical);
  }
  return canonical;
}

/**
 * The signed identity headers of each caller, signed once and reused for a few seconds rather than
 * an HMAC per subgraph fetch. A reused signature is at most REUSE_MS old, well within its validity.
 */
export class SignedIdentities {
  private readonly signed = new Map<string, { headers: SignedIdentity; until: number }>();

  constructor(
    private readonly signingKey: string,
    private readonly now: () => number = Date.now,
  ) {
    if (REUSE_MS >= DEFAULT_IDENTITY_MAX_AGE_SECONDS * 1000) throw new Error('signatures would be reused past their validity');
  }

  headersFor(caller: Caller): SignedIdentity {
    const key = canonicalCaller(caller);
    const now = this.now();
    const cached = this.signed.get(key);
    if (cached && cached.until > now) return cached.headers;
    if (this.signed.size >= MAX_CALLERS) this.evictExpired(now);
    const headers = signIdentity(caller, this.signingKey, new Date(now));
    this.signed.set(key, { headers, until: now + REUSE_MS });
    return headers;
  }

  private evictExpired(now: number): void {
    for (const [key, { until }] of this.signed) if (until <= now) this.signed.delete(key);
    if (this.signed.size >= MAX_CALLERS) this.signed.clear();
  }
}
