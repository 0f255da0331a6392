import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { DomainError, ErrorCode, serviceUnavailable, unauthenticated } from '@pdn/errors';
import { ANONYMOUS, type Caller, looksLikeApiKeySecret } from '@pdn/identity';
import type { ApiKeyVerifier } from './api-keys.js';
import type { JwtSettings } from './gateway.config.js';
import type { Logger } from '@pdn/logging';
import type { SessionRevocationCheck } from './session-revocations.js';
import type { ApiKeyGrant } from './subgraph-data-source.js';

/** What a client presents, from HTTP headers or a graphql-ws connection_init payload. */
export interface Credentials {
  /** The `Authorization` header value, e.g. `Bearer eyJ…`. */
  authorization?: string;
  /** The `X-API-Key` header value (partner applications). */
  apiKey?: string;
}

/** Who is calling, and for a partner application the key it used. */
export interface Authentication {
  caller: Caller;
  /** Set exactly when the caller is a partner. */
  apiKey?: ApiKeyGrant;
}

/** Resolves credentials to a caller, or throws a GraphQLError that Apollo answers with its HTTP status. */
export type Authenticate = (credentials: Credentials, requestId?: string) => Promise<Authentication>;

export function credentialsFromHeaders(headers: IncomingHttpHeaders): Credentials {
  const apiKey = headers['x-api-key'];
  return { authorization: headers.authorization, apiKey: Array.isArray(apiKey) ? apiKey[0] : apiKey };
}

const ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'RS256'];

const MemberClaims = z.object({
  sub: z.string().min(1),
  role: z.enum(['PROMENEUR', 'COORDINATOR', 'ADMIN']),
  status: z.enum(['CANDIDATE', 'ACTIVE', 'SUSPENDED', 'LEFT']),
  departments: z.array(z.string()).default([]),
  structureId: z.string().optional(),
  sid: z.string().optional(),
});

// Failures that say something about the token itself; any other failure (JWKS unreachable, timed out,
// unreadable) says the members service could not vouch for it, which is not the client's fault.
const TOKEN_FAILURES = new Set<string>([
  joseErrors.JWSInvalid.code,
  joseErrors.JWTInvalid.code,
  joseErrors.JWTExpired.code,
  joseErrors.JWTClaimValidationFailed.code,
  joseErrors.JWSSignatureVerificationFailed.code,
  joseErrors.JOSEAlgNotAllowed.code,
  joseErrors.JOSENotSupported.code,
  joseErrors.JWKSNoMatchingKey.code,
  joseErrors.JWKSMultipleMatchingKeys.code,
]);

/** A domain error that also carries the HTTP status Apollo must answer with (it reads `extensions.http`). */
export function withHttpStatus(error: DomainError, status: number, headers?: [string, string][]): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { ...error.extensions, code: error.code, http: { status, headers: new HeaderMap(headers) } },
  });
}

/** How long a checked token is taken as is (at most until it expires), and how many are kept. */
const VERIFIED_TOKEN_TTL_MS = 60_000;
const VERIFIED_TOKENS_MAX = 10_000;

const invalidToken = (message: string) =>
  withHttpStatus(unauthenticated(message), 401, [['www-authenticate', 'Bearer error="invalid_token"']]);

const invalidKey = (message: string) => withHttpStatus(unauthenticated(message), 401);

const KEY_REFUSALS = {
  unknown: 'This API key is not valid.',
  revoked: 'This API key has been revoked: ask your coordinator for a new one.',
  expired: 'This API key has expired: ask your coordinator for a new one.',
} as const;

/**
 * Members with `Authorization: Bearer <access token>` (checked here, against the members service's
 * public keys and, given `revocations`, the sessions members says have ended), partner applications with `X-API-Key` (checked by the members service on every
 * request, see api-keys.ts), everyone else anonymous. Both at once is ambiguous and refused.
 */
export function createAuthenticator(
  settings: JwtSettings,
  logger?: Logger,
  apiKeys?: ApiKeyVerifier,
  revocations?: SessionRevocationCheck,
): Authenticate {
  const key: KeyObject | JWTVerifyGetKey = settings.publicKeyPem
    ? createPublicKey(settings.publicKeyPem)
    : // jose caches the set and refetches it at most every 30 s when a token names an unknown key.
      createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 2000 });

  // Tokens whose signature and claims were checked, with when to check them again: every page sends its
  // token with each request, and an Ed25519 verification costs more than the rest of admission. The
  // session check below still runs on every request; the signature is checked again after a minute,
  // or once the token has expired, whichever comes first.
  const verified = new Map<string, { payload: JWTPayload; until: number }>();

  async function checkedPayload(token: string): Promise<JWTPayload> {
    const now = Date.now();
    const known = verified.get(token);
    if (known && now < known.until) return known.payload;
    if (known) verified.delete(token);
    const { payload } = await jwtVerify(token, key, {
      algorithms: ALGORITHMS,
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['sub', 'exp'],
      clockTolerance: 5,
    });
    if (verified.size >= VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { payload, until: Math.min(now + VERIFIED_TOKEN_TTL_MS, payload.exp! * 1000) });
    return payload;
  }

  async function verifyMemberToken(token: string): Promise<Caller> {
    let payload: JWTPayload;
    try {
      payload = await checkedPayload(token);
    } catch (error) {
      const code = error instanceof joseErrors.JOSEError ? error.code : undefined;
      if (code === joseErrors.JWTExpired.code) throw invalidToken('The access token has expired: refresh the session.');
      if (code && TOKEN_FAILURES.has(code)) throw invalidToken('The access token is not valid.');
      logger?.warn({ err: error, jwksUrl: settings.jwksUrl }, 'cannot fetch the keys that sign access tokens');
      throw withHttpStatus(
        serviceUnavailable('Access tokens cannot be checked right now: the members service does not answer.', {
          service: 'members',
        }),
        503,
      );
    }
    const claims = MemberClaims.safeParse(payload);
    if (!claims.success) throw invalidToken('The access token does not describe a member.');
    const { sub, role, status, departments, structureId, sid } = claims.data;
    // A session ended, a member suspended or erased since the token was signed (session-revocations.ts).
    const refused = revocations?.refusal({ memberId: sub, sessionId: sid, role, status, departments, issuedAt: payload.iat, expiresAt: payload.exp });
    if (refused) throw invalidToken(refused);
    return {
      kind: 'member',
      memberId: sub,
      role,
      status,
      departments,
      ...(structureId ? { structureId } : {}),
      ...(sid ? { sessionId: sid } : {}),
    };
  }

  async function verifyApiKey(secret: string, requestId: string | undefined): Promise<Authentication> {
    // Anything else is not a key we issued: no need to ask the members service.
    if (!looksLikeApiKeySecret(secret) || !apiKeys) throw invalidKey(KEY_REFUSALS.unknown);
    let verification;
    try {
      verification = await apiKeys.verify(secret, requestId);
    } catch (error) {
      logger?.warn({ err: error, requestId }, 'cannot verify an API key with the members service');
      throw withHttpStatus(
        serviceUnavailable('API keys cannot be checked right now: the members service does not answer.', { service: 'members' }),
        503,
        [['retry-after', '5']],
      );
    }
    if (!verification.valid) throw invalidKey(KEY_REFUSALS[verification.reason]);
    const { id, scopes, departments, persistedOnly, rateLimitPerMinute } = verification.key;
    return {
      caller: { kind: 'partner', apiKeyId: id, scopes, departments },
      apiKey: { id, persistedOnly, rateLimitPerMinute },
    };
  }

  return async ({ authorization, apiKey }, requestId) => {
    if (apiKey !== undefined) {
      if (authorization !== undefined) {
        throw withHttpStatus(
          new DomainError(ErrorCode.BAD_USER_INPUT, 'Send either an access token or an API key, not both: which one should this request act as?'),
          400,
        );
      }
      return verifyApiKey(apiKey.trim(), requestId);
    }
    if (authorization === undefined) return { caller: ANONYMOUS };
    const match = /^Bearer +([^\s]+)\s*$/i.exec(authorization);
    if (!match) throw invalidToken('Send the access token as `Authorization: Bearer <token>`.');
    return { caller: await verifyMemberToken(match[1]) };
  };
}
