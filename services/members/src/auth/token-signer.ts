import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, type JSONWebKeySet } from 'jose';
import type { Role, MemberStatus } from '@pdn/identity';
import { CLOCK, MEMBERS_SETTINGS, type Clock } from '../common/tokens.js';
import type { MemberRow } from '../db/members.tables.js';
import type { MembersSettings } from '../members.config.js';
import { SIGNING_KEY } from './auth.tokens.js';
import type { SigningKey } from './signing-key.js';

/** What an access token says about its member; the gateway turns it into the Caller it forwards. */
export interface AccessTokenClaims {
  /** Member id. */
  sub: string;
  role: Role;
  status: MemberStatus;
  /** The member's own département first, then those they coordinate. */
  departments: string[];
  /** Session id: lets a session be recognised (and, later, refused) without a database read per request. */
  sid: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
}

export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

export function memberDepartments(member: Pick<MemberRow, 'department' | 'coordinatedDepartments'>): string[] {
  return [...new Set([member.department, ...member.coordinatedDepartments])];
}

export interface SignedAccessToken {
  token: string;
  expiresAt: Date;
}

@Injectable()
export class TokenSigner {
  constructor(
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async signAccessToken(member: MemberRow, sessionId: string): Promise<SignedAccessToken> {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const expiresAt = issuedAt + this.settings.ACCESS_TOKEN_TTL_SECONDS;
    const token = await new SignJWT({
      role: member.role,
      status: member.status,
      departments: memberDepartments(member),
      sid: sessionId,
    })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: this.key.kid, typ: 'JWT' })
      .setSubject(member.id)
      .setIssuer(this.settings.JWT_ISSUER)
      .setAudience(this.settings.JWT_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /** The public keys, as served at /.well-known/jwks.json. */
  jwks(): JSONWebKeySet {
    return { keys: [this.key.publicJwk] };
  }
}
