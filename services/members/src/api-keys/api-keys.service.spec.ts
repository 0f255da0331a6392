import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { refusal } from '@pdn/errors/testing';
import { type Caller, type MemberCaller, secretTokenHash } from '@pdn/identity';
import { apiKeys } from '../db/api-keys.tables.js';
import { createIdentityFixture, type IdentityFixture } from '../auth/testing/identity-fixture.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService, type CreateApiKey, LAST_USED_PRECISION_MS } from './api-keys.service.js';

const member = (role: MemberCaller['role'], departments: string[], status: MemberCaller['status'] = 'ACTIVE'): MemberCaller => ({
  kind: 'member',
  memberId: randomUUID(),
  role,
  status,
  departments,
});

describe('ApiKeysService', () => {
  let f: IdentityFixture;
  let service: ApiKeysService;
  const gers = member('COORDINATOR', ['32']);
  const landes = member('COORDINATOR', ['40']);
  const admin = member('ADMIN', ['75']);
  const promeneur = member('PROMENEUR', ['32']);
  const partner: Caller = { kind: 'partner', apiKeyId: randomUUID(), scopes: ['DIRECTORY_READ'], departments: ['32'] };

  const input = (overrides: Partial<CreateApiKey> = {}): CreateApiKey => ({
    name: 'Site de la CAF du Gers',
    scopes: ['DIRECTORY_READ', 'CALENDAR_READ'],
    departments: ['32'],
    ...overrides,
  });
  const count = async () => (await f.db.select().from(apiKeys)).length;

  beforeAll(async () => {
    f = await createIdentityFixture();
    service = new ApiKeysService(new ApiKeysRepository(f.testDatabase.database), f.clock, f.logger);
  });
  afterAll(async () => {
    await f?.dispose();
  });

  describe('createApiKey', () => {
    it('should return a recognisable secret once and store only its hash', async () => {
      const { key, secret } = await service.create(gers, input({ name: '  Site de la   CAF  ', departments: ['32', '32'] }));

      expect(secret).toMatch(/^pdn_live_[A-Za-z0-9_-]{43}$/);
      expect(key).toMatchObject({
        name: 'Site de la CAF',
        scopes: ['DIRECTORY_READ', 'CALENDAR_READ'],
        departments: ['32'],
        persistedOnly: false,
        rateLimitPerMinute: null,
        expiresAt: null,
        lastUsedAt: null,
        revokedAt: null,
        createdBy: gers.memberId,
        createdAt: f.clock.now(),
      });
      const [row] = await f.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
      expect(row?.secretHash).toBe(secretTokenHash(secret));
      expect(JSON.stringify(row)).not.toContain(secret.slice('pdn_live_'.length));
      expect(f.logger.text()).not.toContain(secret);
      expect(f.logger.text()).not.toContain(row!.secretHash);
      expect(f.logger.lines.at(-1)).toMatchObject({ level: 'info', obj: { event: 'api-key-created', apiKeyId: key.id } });
    });

    it('should keep the options it was given', async () => {
      const expiresAt = new Date(f.clock.now().getTime() + 86_400_000);
      const { key } = await service.create(admin, input({ scopes: ['ALERTS_READ', 'FEED_READ'], departments: ['2a', '971'], expiresAt, persistedOnly: true, rateLimitPerMinute: 30 }));
      // Scopes in the contract's order, département codes normalised.
      expect(key).toMatchObject({ scopes: ['FEED_READ', 'ALERTS_READ'], departments: ['2A', '971'], expiresAt, persistedOnly: true, rateLimitPerMinute: 30 });
    });

    it('should let coordinators create keys only for the départements they coordinate', async () => {
      const before = await count();
      const error = await refusal(service.create(gers, input({ departments: ['32', '40'] })), 'FORBIDDEN');
      expect(error.message).toContain('40');
      await refusal(service.create(landes, input()), 'FORBIDDEN');
      expect(await count()).toBe(before);
      await expect(service.create(landes, input({ departments: ['40'] }))).resolves.toMatchObject({ key: { departments: ['40'] } });
    });

    it('should let admins create keys for any département', async () => {
      await expect(service.create(admin, input({ departments: ['32', '40', '64'] }))).resolves.toMatchObject({ key: { createdBy: admin.memberId } });
    });

    it('should refuse promeneurs, partners, anonymous callers and suspended coordinators', async () => {
      const before = await count();
      await refusal(service.create(promeneur, input()), 'FORBIDDEN');
      await refusal(service.create(member('COORDINATOR', ['32'], 'SUSPENDED'), input()), 'FORBIDDEN');
      await refusal(service.create(partner, input()), 'UNAUTHENTICATED');
      await refusal(service.create({ kind: 'anonymous' }, input()), 'UNAUTHENTICATED');
      expect(await count()).toBe(before);
    });

    it.each<[string, Partial<CreateApiKey>, string]>([
      ['no scope', { scopes: [] }, 'input.scopes'],
      ['an unknown scope', { scopes: ['DIRECTORY_READ', 'EVERYTHING' as never] }, 'input.scopes.1'],
      ['no département', { departments: [] }, 'input.departments'],
      ['an unknown département code', { departments: ['32', '99'] }, 'input.departments.1'],
      ['an expiry in the past', { expiresAt: new Date('2026-03-01T09:00:00Z') }, 'input.expiresAt'],
      ['an expiry right now', { expiresAt: new Date('2026-03-02T09:00:00Z') }, 'input.expiresAt'],
      ['a rate limit of 0', { rateLimitPerMinute: 0 }, 'input.rateLimitPerMinute'],
      ['a rate limit above 100000', { rateLimitPerMinute: 100_001 }, 'input.rateLimitPerMinute'],
      ['a fractional rate limit', { rateLimitPerMinute: 1.5 }, 'input.rateLimitPerMinute'],
      ['a blank name', { name: '   ' }, 'input.name'],
    ])('should refuse %s with BAD_USER_INPUT naming the field, storing nothing', async (_case, overrides, field) => {
      const before = await count();
      await refusal(service.create(gers, input(overrides)), 'BAD_USER_INPUT', field);
      expect(await count()).toBe(before);
    });
  });

  describe('apiKeys and revokeApiKey', () => {
    let both: string;
    let landesOnly: string;

    beforeAll(async () => {
      f.clock.advanceMinutes(1);
      landesOnly = (await service.create(landes, input({ name: 'Landes', departments: ['40'] }))).key.id;
      f.clock.advanceMinutes(1);
      both = (await service.create(admin, input({ name: 'Sud-Ouest', departments: ['32', '40'] }))).key.id;
    });

    it('should list the keys reaching the coordinator\'s départements, newest first, and every key to admins', async () => {
      const seenByGers = await service.list(gers);
      expect(seenByGers[0]?.id).toBe(both);
      expect(seenByGers.every((key) => key.departments.includes('32'))).toBe(true);
      expect(seenByGers.map((key) => key.id)).not.toContain(landesOnly);

      const all = await service.list(admin);
      expect(all.map((key) => key.id)).toEqual(expect.arrayContaining([both, landesOnly, ...seenByGers.map((key) => key.id)]));
      expect(all).toHaveLength(await count());
      const times = all.map((key) => key.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('should refuse the list to promeneurs and anonymous callers', async () => {
      await refusal(service.list(promeneur), 'FORBIDDEN');
      await refusal(service.list({ kind: 'anonymous' }), 'UNAUTHENTICATED');
    });

    it('should not let a coordinator revoke a key outside their départements, as if it did not exist', async () => {
      await refusal(service.revoke(gers, landesOnly), 'NOT_FOUND');
      await refusal(service.revoke(gers, randomUUID()), 'NOT_FOUND');
      await refusal(service.revoke(gers, 'not-an-id'), 'NOT_FOUND');
      await refusal(service.revoke(promeneur, landesOnly), 'FORBIDDEN');
      const [row] = await f.db.select().from(apiKeys).where(eq(apiKeys.id, landesOnly));
      expect(row?.revokedAt).toBeNull();
    });

    it('should revoke a key reaching one of the coordinator\'s départements, once', async () => {
      const revoked = await service.revoke(gers, both);
      expect(revoked).toMatchObject({ id: both, revokedAt: f.clock.now(), revokedBy: gers.memberId });
      f.clock.advanceMinutes(5);
      const again = await service.revoke(landes, both);
      expect(again.revokedAt).toEqual(revoked.revokedAt);
      expect(again.revokedBy).toBe(gers.memberId);
    });
  });

  describe('verify', () => {
    it('should describe a valid key and record its use at most once a minute', async () => {
      const { key, secret } = await service.create(gers, input({ departments: ['32'], scopes: ['FEED_READ'], persistedOnly: true, rateLimitPerMinute: 12 }));
      const lastUsed = async () => (await f.db.select().from(apiKeys).where(eq(apiKeys.id, key.id)))[0]!.lastUsedAt;

      expect(await service.verify(secret)).toEqual({
        valid: true,
        key: { id: key.id, scopes: ['FEED_READ'], departments: ['32'], persistedOnly: true, rateLimitPerMinute: 12 },
      });
      const first = f.clock.now();
      expect(await lastUsed()).toEqual(first);

      f.clock.advance(LAST_USED_PRECISION_MS - 1000);
      await service.verify(secret);
      expect(await lastUsed()).toEqual(first);

      f.clock.advance(1000);
      await service.verify(secret);
      expect(await lastUsed()).toEqual(f.clock.now());
    });

    it('should refuse a revoked key at once', async () => {
      const { key, secret } = await service.create(gers, input());
      expect((await service.verify(secret)).valid).toBe(true);
      await service.revoke(gers, key.id);
      expect(await service.verify(secret)).toEqual({ valid: false, reason: 'revoked' });
    });

    it('should refuse a key from its expiry on', async () => {
      const { secret } = await service.create(gers, input({ expiresAt: new Date(f.clock.now().getTime() + 60_000) }));
      f.clock.advance(59_999);
      expect((await service.verify(secret)).valid).toBe(true);
      f.clock.advance(1);
      expect(await service.verify(secret)).toEqual({ valid: false, reason: 'expired' });
    });

    it('should refuse secrets it never issued', async () => {
      const { secret } = await service.create(gers, input());
      for (const wrong of ['', 'pk_123', secret.slice(0, -1), `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, secret.replace('pdn_live_', '')]) {
        expect(await service.verify(wrong)).toEqual({ valid: false, reason: 'unknown' });
      }
    });
  });
});
