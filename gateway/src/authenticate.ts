import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { type DomainError, serviceUnavailable, unauthenticated } from '@pdn/errors';
import { ANONYMOUS, type Caller } from '@pdn/identity';
import type { JwtSettings } from './gateway.config.js';
import type { Logger } from '@pdn/logging';

/** What a client presents, from HTTP headers or (later) a graphql-ws connection_init payload. */
export interface Credentials {
  /** The `Authorization` header value, e.g. `Bearer eyJ…`. */
  authorization?: string;
  /** The `X-API-Key` header value (partner applications). */
  apiKey?: string;
}

/** Resolves credentials to a caller, or throws a GraphQLError that Apollo answers with its HTTP status. */
export type Authenticate = (credentials: Credentials) => Promise<Caller>;

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
function withHttpStatus(error: DomainError, status: number, headers?: [string, string][]): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { ...error.extensions, code: error.code, http: { status, headers: new HeaderMap(headers) } },
  });
}

const invalidToken = (message: string) =>
  withHttpStatus(unauthenticated(message), 401, [['www-authenticate', 'Bearer error="invalid_token"']]);

export function createAuthenticator(settings: JwtSettings, logger?: Logger): Authenticate {
  const key: KeyObject | JWTVerifyGetKey = settings.publicKeyPem
    ? createPublicKey(settings.publicKeyPem)
    : // jose caches the set and refetches it at most every 30 s when a token names an unknown key.
      createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 2000 });

  async function verifyMemberToken(token: string): Promise<Caller> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ALGORITHMS,
        issuer: settings.issuer,
        audience: settings.audience,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: 5,
      }));
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

  return async ({ authorization, apiKey }) => {
    if (apiKey !== undefined) {
      // Partner API keys arrive with issue 5; refusing them now beats silently serving public data.
      throw withHttpStatus(unauthenticated('API keys are not accepted yet.'), 401);
    }
    if (authorization === undefined) return ANONYMOUS;
    const match = /^Bearer +([^\s]+)\s*$/i.exec(authorization);
    if (!match) throw invalidToken('Send the access token as `Authorization: Bearer <token>`.');
    return verifyMemberToken(match[1]);
  };
}
