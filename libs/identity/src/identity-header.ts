import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Caller } from './caller.js';

/**
 * The gateway forwards the caller to subgraphs in two headers: the identity itself (base64url JSON)
 * and an HMAC-SHA256 of it under a key only the gateway and the subgraphs hold. A subgraph trusts
 * nothing else, so calling it directly gets nowhere.
 */
export const IDENTITY_HEADER = 'x-pdn-identity';
export const IDENTITY_SIGNATURE_HEADER = 'x-pdn-identity-signature';
export const REQUEST_ID_HEADER = 'x-request-id';

/** Signed identities older than this are refused, which bounds the replay of a captured header. */
export const DEFAULT_IDENTITY_MAX_AGE_SECONDS = 300;

interface IdentityEnvelope {
  v: 1;
  /** Issued at, seconds since the epoch. */
  iat: number;
  caller: Caller;
}

export interface SignedIdentity {
  [IDENTITY_HEADER]: string;
  [IDENTITY_SIGNATURE_HEADER]: string;
}

function hmac(key: string, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

export function signIdentity(caller: Caller, key: string, now: Date = new Date()): SignedIdentity {
  const envelope: IdentityEnvelope = { v: 1, iat: Math.floor(now.getTime() / 1000), caller };
  const payload = Buffer.from(JSON.stringify(envelope)).toString('base64url');
  return { [IDENTITY_HEADER]: payload, [IDENTITY_SIGNATURE_HEADER]: hmac(key, payload) };
}

export type IdentityVerification =
  | { ok: true; caller: Caller }
  | { ok: false; reason: 'missing' | 'bad-signature' | 'malformed' | 'expired' };

export function verifyIdentity(
  payload: string | undefined,
  signature: string | undefined,
  key: string,
  options: { now?: Date; maxAgeSeconds?: number } = {},
): IdentityVerification {
  if (!payload || !signature) return { ok: false, reason: 'missing' };
  const expected = Buffer.from(hmac(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad-signature' };
  }
  let envelope: IdentityEnvelope;
  try {
    envelope = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as IdentityEnvelope;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (envelope?.v !== 1 || typeof envelope.iat !== 'number' || !envelope.caller?.kind) {
    return { ok: false, reason: 'malformed' };
  }
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const maxAge = options.maxAgeSeconds ?? DEFAULT_IDENTITY_MAX_AGE_SECONDS;
  if (nowSeconds - envelope.iat > maxAge || envelope.iat - nowSeconds > 30) {
    return { ok: false, reason: 'expired' };
  }
  return { ok: true, caller: envelope.caller };
}
