import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, type JSONWebKeySet } from 'jose';
import type { Role, MemberStatus } from '@pdn/identity';
import { CLOCK, MEMBERS_SETTINGS, type Clock } from '../common/tokens.js';
import type { MemberRow } from '../db/members.tables.js';
import type { MembersSettings } from '../members.config.js';
import { KEY_SOURCE_IN_USE } from './auth.tokens.js';
import type { SigningKey, SigningKeySource } from './signing-key.js';

/** What an access token says about its member; the gateway turns it into the Caller it forwards. */
export interface AccessTokenClaims {
  /** Member id. */
  sub: string;
  role: Role;
  status: MemberStatus;
  /** The member's own département first, then those they coordinate. */
  departments: string[];
  /** The member's structure, if any: lets other subgraphs file what the member writes under it. */
  structureId?: string;
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
  private key?: Promise<SigningKey>;

  constructor(
    @Inject(KEY_SOURCE_IN_USE) private readonly source: SigningKeySource,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private signingKey(): Promise<SigningKey> {
    // A failed load (unreadable file) is retried on the next call rather than remembered.
    return (this.key ??= this.source.load().catch((error: unknown) => {
      this.key = undefined;
      throw error;
    }));
  }

  async signAccessToken(member: MemberRow, sessionId: string): Promise<SignedAccessToken> {
    const key = await this.signingKey();
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const expiresAt = issuedAt + this.settings.ACCESS_TOKEN_TTL_SECONDS;
    const token = await new SignJWT({
      role: member.role,
      status: member.status,
      departments: memberDepartments(member),
      ...(member.structureId ? { structureId: member.structureId } : {}),
      sid: sessionId,
    })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setSubject(member.id)
      .setIssuer(this.settings.JWT_ISSUER)
      .setAudience(this.settings.JWT_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /** The public keys, as served at /.well-known/jwks.json. */
  async jwks(): Promise<JSONWebKeySet> {
    return { keys: [(await this.signingKey()).publicJwk] };
  }
}
