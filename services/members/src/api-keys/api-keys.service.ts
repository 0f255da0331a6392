import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import { badInput, forbidden, notFound, unauthenticated } from '@pdn/errors';
import { type ApiScope, type Caller, coordinates, isAdmin, looksLikeApiKeySecret, newApiKeySecret, secretTokenHash } from '@pdn/identity';
import { CLOCK, type Clock } from '../common/tokens.js';
import { AUTH_LOG, type AuthLogger } from '../auth/auth.tokens.js';
import { ApiKeysRepository, type ApiKeyRow } from './api-keys.repository.js';

export interface CreateApiKey {
  name: string;
  scopes: readonly (ApiScope | `${ApiScope}`)[];
  departments: readonly string[];
  expiresAt?: Date | null;
  persistedOnly?: boolean | null;
  rateLimitPerMinute?: number | null;
}

/** The contract's CreatedApiKey: the secret in clear, here and nowhere else. */
export interface CreatedApiKey {
  key: ApiKeyRow;
  secret: string;
}

/** What the gateway learns about a presented secret (POST /internal/api-keys/verify). */
export type ApiKeyVerification =
  | {
      valid: true;
      key: { id: string; scopes: ApiScope[]; departments: string[]; persistedOnly: boolean; rateLimitPerMinute: number | null };
    }
  | { valid: false; reason: 'unknown' | 'revoked' | 'expired' };

export const API_SCOPES: readonly ApiScope[] = ['DIRECTORY_READ', 'CALENDAR_READ', 'FEED_READ', 'ALERTS_READ'];
export const MAX_RATE_LIMIT_PER_MINUTE = 100_000;
/** lastUsedAt is kept to the minute: one write per key and minute at most, not one per request. */
export const LAST_USED_PRECISION_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Partner API keys. Coordinators create keys for the départements they coordinate, admins for any;
 * both see and revoke the keys that reach their départements (admins: all). The gateway verifies the
 * secret with `verify` on every request, so a revocation or an expiry takes effect at once everywhere.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repository: ApiKeysRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AUTH_LOG) private readonly logger: AuthLogger,
  ) {}

  async create(caller: Caller, input: CreateApiKey): Promise<CreatedApiKey> {
    const manager = this.manager(caller);
    const name = validate.text('input.name', input.name, { max: 100 });
    const scopes = this.scopes(input.scopes);
    const departments = this.departments(input.departments);
    const now = this.clock.now();
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt && expiresAt.getTime() <= now.getTime()) {
      throw badInput('input.expiresAt', 'The expiry date must be in the future.');
    }
    const rateLimitPerMinute = input.rateLimitPerMinute ?? null;
    if (rateLimitPerMinute !== null && (!Number.isInteger(rateLimitPerMinute) || rateLimitPerMinute < 1 || rateLimitPerMinute > MAX_RATE_LIMIT_PER_MINUTE)) {
      throw badInput('input.rateLimitPerMinute', `The rate limit is a whole number of requests per minute from 1 to ${MAX_RATE_LIMIT_PER_MINUTE}.`);
    }
    if (manager.status !== 'ACTIVE') throw forbidden('Only active coordinators can create API keys.');
    const outside = departments.filter((department) => !coordinates(manager, department));
    if (outside.length) {
      throw forbidden(`You can only create keys for the départements you coordinate, and ${outside.join(', ')} ${outside.length > 1 ? 'are' : 'is'} not among them.`);
    }

    const secret = newApiKeySecret();
    const key = await this.repository.insert({
      name,
      secretHash: secretTokenHash(secret),
      scopes,
      departments,
      persistedOnly: input.persistedOnly ?? false,
      rateLimitPerMinute,
      createdBy: manager.memberId,
      createdAt: now,
      expiresAt,
    });
    // Never the secret, nor its hash.
    this.logger.info({ event: 'api-key-created', apiKeyId: key.id, scopes, departments, createdBy: manager.memberId }, 'API key created');
    return { key, secret };
  }

  async list(caller: Caller): Promise<ApiKeyRow[]> {
    const manager = this.manager(caller);
    return this.repository.list(isAdmin(manager) ? 'ALL' : manager.departments);
  }

  /** Idempotent: revoking a revoked key returns it as it is, with its first revocation date. */
  async revoke(caller: Caller, id: string): Promise<ApiKeyRow> {
    const manager = this.manager(caller);
    const existing = UUID.test(id) ? await this.repository.findById(id) : undefined;
    // A key outside the caller's départements is not visible to them: not found, as for a wrong id.
    if (!existing || !this.reaches(manager, existing)) throw notFound('API key', id);
    if (existing.revokedAt) return existing;
    const revoked = await this.repository.revoke(id, manager.memberId, this.clock.now());
    this.logger.info({ event: 'api-key-revoked', apiKeyId: id, revokedBy: manager.memberId }, 'API key revoked');
    return revoked ?? existing;
  }

  /** For the gateway, on every request that carries a key: nothing is cached, anywhere. */
  async verify(secret: string): Promise<ApiKeyVerification> {
    if (!looksLikeApiKeySecret(secret)) return { valid: false, reason: 'unknown' };
    const key = await this.repository.findBySecretHash(secretTokenHash(secret));
    if (!key) return { valid: false, reason: 'unknown' };
    if (key.revokedAt) return { valid: false, reason: 'revoked' };
    const now = this.clock.now();
    if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return { valid: false, reason: 'expired' };
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
      await this.repository.touch(key.id, now, new Date(now.getTime() - LAST_USED_PRECISION_MS));
    }
    return {
      valid: true,
      key: {
        id: key.id,
        scopes: key.scopes as ApiScope[],
        departments: key.departments,
        persistedOnly: key.persistedOnly,
        rateLimitPerMinute: key.rateLimitPerMinute,
      },
    };
  }

  /** Coordinators and admins manage keys; the resolver's guard says so too, this holds for any caller of the service. */
  private manager(caller: Caller) {
    if (caller.kind !== 'member') throw unauthenticated();
    if (caller.role !== 'COORDINATOR' && caller.role !== 'ADMIN') throw forbidden('Only coordinators and administrators manage API keys.');
    return caller;
  }

  private reaches(manager: Extract<Caller, { kind: 'member' }>, key: ApiKeyRow): boolean {
    return isAdmin(manager) || key.departments.some((department) => manager.departments.includes(department));
  }

  private scopes(scopes: CreateApiKey['scopes']): ApiScope[] {
    if (!scopes.length) throw badInput('input.scopes', 'Give the key at least one scope.');
    scopes.forEach((scope, i) => {
      if (!API_SCOPES.includes(scope as ApiScope)) throw badInput(`input.scopes.${i}`, `"${scope}" is not a scope.`);
    });
    return API_SCOPES.filter((scope) => scopes.includes(scope));
  }

  private departments(departments: readonly string[]): string[] {
    if (!departments.length) throw badInput('input.departments', 'Give the key at least one département.');
    const codes = departments.map((code, i) => validate.departmentCode(`input.departments.${i}`, code));
    return [...new Set(codes)];
  }
}
