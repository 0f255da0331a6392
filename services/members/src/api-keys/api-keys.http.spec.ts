import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { ANONYMOUS, signIdentity, type Caller } from '@pdn/identity';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { apiKeys } from '../db/api-keys.tables.js';
import { membersSchema, type MembersSchema } from '../db/members.tables.js';
import { MEMBERS_MIGRATIONS, startMembers } from '../members-app.js';
import { loadMembersSettings } from '../members.config.js';
import { callerFor, insertMember } from '../../test/members-fixtures.js';

const CREATE = `mutation ($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret key { id name scopes departments persistedOnly rateLimitPerMinute expiresAt lastUsedAt revokedAt createdBy { id displayName } } }
}`;
const LIST = '{ apiKeys { id name departments revokedAt lastUsedAt } }';
const REVOKE = 'mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }';

// The API keys feature as the gateway meets it: GraphQL for coordinators, and the verification
// endpoint that the gateway calls with its signed identity for every request carrying a key.
describe('API keys over HTTP', () => {
  const settings = loadMembersSettings({ MEMBERS_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const key = identitySigningKey(settings);
  let testDb: TestDatabase<MembersSchema>;
  let subgraph: RunningSubgraph;
  let coordinator: Caller;
  let promeneur: Caller;
  let coordinatorId: string;
  const graphql = signedGraphql(() => subgraph.url, key);
  const verifyUrl = () => new URL('/internal/api-keys/verify', subgraph.url).href;

  async function verify(secret: unknown, headers: Record<string, string> = signIdentity(ANONYMOUS, key) as never) {
    const response = await fetch(verifyUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ secret }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  async function create(input: Record<string, unknown>, as: Caller = coordinator) {
    const result = await graphql(CREATE, as, { input: { name: 'Portail jeunesse du Gers', scopes: ['DIRECTORY_READ'], departments: ['32'], ...input } });
    return result;
  }

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema });
    const coordinatorRow = await insertMember(testDb.database, { firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR', coordinatedDepartments: ['32'] });
    coordinatorId = coordinatorRow.id;
    coordinator = callerFor(coordinatorRow);
    promeneur = callerFor(await insertMember(testDb.database, { firstName: 'Isabelle', lastName: 'Laffargue' }));
    subgraph = await startMembers(settings, { database: testDb.database });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  it('should create a key, show its secret once and its creator', async () => {
    const result = await create({ scopes: ['FEED_READ', 'DIRECTORY_READ'], persistedOnly: true, rateLimitPerMinute: 60, expiresAt: '2099-01-01T00:00:00+01:00' });
    expect(result.errors).toBeUndefined();
    const created = result.data.createApiKey;
    expect(created.secret).toMatch(/^pdn_live_/);
    expect(created.key).toMatchObject({
      name: 'Portail jeunesse du Gers',
      scopes: ['DIRECTORY_READ', 'FEED_READ'],
      departments: ['32'],
      persistedOnly: true,
      rateLimitPerMinute: 60,
      expiresAt: '2099-01-01T00:00:00+01:00',
      lastUsedAt: null,
      revokedAt: null,
      createdBy: { id: coordinatorId, displayName: expect.any(String) },
    });
    // The secret is no field of ApiKey: it cannot be read back.
    const readBack = await graphql('{ apiKeys { id secret } }', coordinator);
    expect(readBack.errors?.[0]).toMatchObject({ message: expect.stringContaining('Cannot query field "secret"'), extensions: { code: 'BAD_USER_INPUT' } });
    const [row] = await testDb.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.key.id));
    expect(JSON.stringify(row)).not.toContain(created.secret);
  });

  it('should refuse bad input with BAD_USER_INPUT and the field, and other roles with FORBIDDEN', async () => {
    expect((await create({ departments: ['32', '2C'] })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.departments.1' });
    expect((await create({ scopes: [] })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scopes' });
    expect((await create({ expiresAt: '2020-01-01T00:00:00Z' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expiresAt' });
    expect((await create({ rateLimitPerMinute: -1 })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.rateLimitPerMinute' });
    expect((await create({ departments: ['40'] })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await create({}, promeneur)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(LIST, promeneur)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(LIST, ANONYMOUS)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('should refuse verification requests that do not carry the gateway\'s signature', async () => {
    const { data } = await create({});
    const { secret } = data.createApiKey;
    const unsigned = await verify(secret, {});
    expect(unsigned.status).toBe(401);
    expect(JSON.stringify(unsigned.body)).not.toContain(data.createApiKey.key.id);
    const forged = await verify(secret, signIdentity(ANONYMOUS, 'another-key-that-is-long-enough-0123456789') as never);
    expect(forged.status).toBe(401);
    const [row] = await testDb.database.db.select().from(apiKeys).where(eq(apiKeys.id, data.createApiKey.key.id));
    expect(row?.lastUsedAt).toBeNull();
  });

  it('should verify a key for the gateway, record its use, and refuse it once revoked', async () => {
    const { data } = await create({ scopes: ['CALENDAR_READ'], rateLimitPerMinute: 5 });
    const { secret, key: created } = data.createApiKey;

    const valid = await verify(secret);
    expect(valid.status).toBe(200);
    expect(valid.headers.get('cache-control')).toBe('no-store');
    expect(valid.body).toEqual({
      valid: true,
      key: { id: created.id, scopes: ['CALENDAR_READ'], departments: ['32'], persistedOnly: false, rateLimitPerMinute: 5 },
    });
    const listed = (await graphql(LIST, coordinator)).data.apiKeys.find((k: { id: string }) => k.id === created.id);
    expect(listed.lastUsedAt).toEqual(expect.any(String));

    const revoked = await graphql(REVOKE, coordinator, { id: created.id });
    expect(revoked.data.revokeApiKey.revokedAt).toEqual(expect.any(String));
    expect((await verify(secret)).body).toEqual({ valid: false, reason: 'revoked' });
  });

  it('should answer unknown for anything that is not a live secret', async () => {
    for (const secret of [undefined, 42, 'pk_123', `pdn_live_${'A'.repeat(43)}`, 'x'.repeat(500)]) {
      const answer = await verify(secret);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ valid: false, reason: 'unknown' });
    }
  });
});
