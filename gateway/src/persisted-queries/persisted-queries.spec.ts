import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse, print } from 'graphql';
import { Redis } from 'ioredis';
import { exportSPKI, generateKeyPair, type CryptoKey, SignJWT } from 'jose';
import { PdnClient } from '@pdn/client';
import { CONSOLE_LOGIN, CONSOLE_LOGOUT, CONSOLE_REFRESH_SESSION } from '../../console/session.js';
import { composeTestSupergraph, startTestSubgraphs, testGatewayEnv, TestSubgraph } from '../../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from '../create-gateway.js';
import { DEFAULT_PERSISTED_OPERATIONS_PATH, loadGatewayConfig } from '../gateway.config.js';
import { loadSafelist, sha256Hex } from './persisted-operations.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const TTL_SECONDS = 120;

// The safelist of these tests: one operation, printed as PdnClient prints it.
const MemberName = parse('query MemberName($id: ID!) { member(id: $id) { displayName } }') as TypedDocumentNode<
  { member: { displayName: string } | null },
  { id: string }
>;
const MEMBER_NAME = print(MemberName);

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

let members: TestSubgraph;
let calendar: TestSubgraph;
let directory: string;
let manifestPath: string;
let tokenKey: CryptoKey;
let redis: Redis;
const gateways: RunningGateway[] = [];
let inMemory: RunningGateway;
let replicaA: RunningGateway;
let replicaB: RunningGateway;
let safelistOnly: RunningGateway;

const memberToken = (role: 'ADMIN' | 'COORDINATOR' | 'PROMENEUR', departments: string[] = []) =>
  new SignJWT({ role, status: 'ACTIVE', departments })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(`m-${role.toLowerCase()}`)
    .setIssuer('pdn-members')
    .setAudience('pdn-api')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(tokenKey);
const adminToken = () => memberToken('ADMIN');

async function post(gateway: RunningGateway, body: object, headers: Record<string, string> = {}) {
  const before = members.received.length + calendar.received.length;
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as GraphQLBody,
    subgraphRequests: members.received.length + calendar.received.length - before,
  };
}

const apq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

/** A query no other test sent: its hash is unknown to every cache. */
function freshQuery() {
  const query = `{ member(id: "${randomUUID()}") { id } }`;
  return { query, hash: sha256Hex(query) };
}

const NOT_FOUND = {
  status: 200,
  body: { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'BAD_USER_INPUT' } }] },
  subgraphRequests: 0,
};

beforeAll(async () => {
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  const supergraphSdl = composeTestSupergraph([members, calendar]);
  directory = mkdtempSync(join(tmpdir(), 'pdn-safelist-'));
  manifestPath = join(directory, 'persisted-operations.json');
  writeFileSync(
    manifestPath,
    JSON.stringify({ operations: { MemberName: { type: 'query', sha256: sha256Hex(MEMBER_NAME), document: MEMBER_NAME } } }),
  );
  const pair = await generateKeyPair('EdDSA', { extractable: true });
  tokenKey = pair.privateKey;
  const env = {
    ...testGatewayEnv(SIGNING_KEY, members, calendar),
    JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey),
    PERSISTED_OPERATIONS_PATH: manifestPath,
    APQ_TTL_SECONDS: String(TTL_SECONDS),
  };
  const start = async (overrides: Record<string, string> = {}) => {
    const gateway = await createGateway(loadGatewayConfig({ ...env, ...overrides }), { supergraphSdl });
    gateways.push(gateway);
    return gateway;
  };
  inMemory = await start();
  replicaA = await start({ REDIS_URL });
  replicaB = await start({ REDIS_URL });
  safelistOnly = await start({ SAFELIST_ONLY: 'true' });
  redis = new Redis(REDIS_URL);
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await redis?.quit();
  await Promise.all([members?.dispose(), calendar?.dispose()]);
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('automatic persisted queries', () => {
  it('should ask for the query of an unknown hash, register it with its text, then run it by hash alone', async () => {
    const { query, hash } = freshQuery();
    expect(await post(inMemory, { extensions: apq(hash) })).toEqual(NOT_FOUND);
    expect(await post(inMemory, { query, extensions: apq(hash) })).toMatchObject({ status: 200, body: { data: { member: { id: expect.any(String) } } } });
    expect(await post(inMemory, { extensions: apq(hash) })).toMatchObject({ status: 200, body: { data: { member: { id: expect.any(String) } } }, subgraphRequests: 1 });
  });

  it('should refuse a hash that is not the hash of the query sent, and register nothing', async () => {
    const { query } = freshQuery();
    const other = freshQuery().hash;
    const result = await post(inMemory, { query, extensions: apq(other) });
    expect(result).toMatchObject({ status: 400, subgraphRequests: 0 });
    expect(result.body.errors).toEqual([{ message: 'provided sha does not match query', extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(await post(inMemory, { extensions: apq(other) })).toEqual(NOT_FOUND);
  });

  it('should share registered queries between gateway replicas through Redis, for APQ_TTL_SECONDS', async () => {
    const { query, hash } = freshQuery();
    expect(await post(replicaA, { query, extensions: apq(hash) })).toMatchObject({ status: 200 });
    // Apollo registers a query once it has answered: wait for the write to land.
    const key = `pdn:gateway:apq:${hash}`;
    for (let attempt = 0; attempt < 50 && !(await redis.exists(key)); attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await post(replicaB, { extensions: apq(hash) })).toMatchObject({ status: 200, body: { data: { member: { id: expect.any(String) } } } });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TTL_SECONDS);
    // A gateway without Redis has its own cache.
    expect(await post(inMemory, { extensions: apq(hash) })).toEqual(NOT_FOUND);
  });

  it('should run the safelist operations by hash without their ever being registered', async () => {
    const result = await post(replicaB, { extensions: apq(sha256Hex(MEMBER_NAME)), variables: { id: 'm-7' } });
    expect(result).toMatchObject({ status: 200, body: { data: { member: { displayName: 'Member m-7' } } } });
  });

  it("should let PdnClient send hashes, and the text only when the gateway asks for it", async () => {
    const sent: { query?: string }[] = [];
    const counting: typeof fetch = async (input, init) => {
      sent.push(JSON.parse(String(init?.body)) as { query?: string });
      return fetch(input, init);
    };
    const client = new PdnClient(inMemory.url, { persistedQueries: true, fetch: counting });
    // A safelist operation goes by hash alone from the first request.
    expect((await client.request(MemberName, { id: 'm-3' })).data).toEqual({ member: { displayName: 'Member m-3' } });
    expect(sent.map((body) => body.query)).toEqual([undefined]);

    sent.length = 0;
    const Other = parse(`query Other { member(id: "${randomUUID()}") { id } }`) as TypedDocumentNode<{ member: { id: string } }, Record<string, never>>;
    expect((await client.request(Other)).data?.member.id).toEqual(expect.any(String));
    expect((await client.request(Other)).data?.member.id).toEqual(expect.any(String));
    expect(sent.map((body) => body.query !== undefined)).toEqual([false, true, false]);
  });
});

describe('SAFELIST_ONLY', () => {
  it('should refuse any operation outside the safelist with FORBIDDEN, before any subgraph is asked', async () => {
    const { query, hash } = freshQuery();
    const result = await post(safelistOnly, { query });
    expect(result).toEqual({
      status: 403,
      body: { errors: [{ message: expect.stringContaining('persisted operations'), extensions: { code: 'FORBIDDEN' } }] },
      subgraphRequests: 0,
    });
    // Nor can it be registered through APQ for later.
    expect(await post(safelistOnly, { query, extensions: apq(hash) })).toMatchObject({ status: 403 });
    expect(await post(safelistOnly, { extensions: apq(hash) }, { authorization: `Bearer ${await adminToken()}` })).toEqual(NOT_FOUND);
  });

  it('should run the safelist operations by their exact text or by hash', async () => {
    const expected = { status: 200, body: { data: { member: { displayName: 'Member m-1' } } } };
    expect(await post(safelistOnly, { query: MEMBER_NAME, variables: { id: 'm-1' } })).toMatchObject(expected);
    expect(await post(safelistOnly, { extensions: apq(sha256Hex(MEMBER_NAME)), variables: { id: 'm-1' } })).toMatchObject(expected);
    expect(await post(safelistOnly, { query: `${MEMBER_NAME}\n`, variables: { id: 'm-1' } })).toMatchObject({ status: 403 });
  });

  it('should let admins run any operation', async () => {
    const result = await post(safelistOnly, { query: '{ member(id: "m-2") { id } }' }, { authorization: `Bearer ${await adminToken()}` });
    expect(result).toMatchObject({ status: 200, body: { data: { member: { id: 'm-2' } } } });
  });

  it("should let coordinators run any operation: the console's ad-hoc queries and saved reports", async () => {
    const { query, hash } = freshQuery();
    const coordinator = { authorization: `Bearer ${await memberToken('COORDINATOR', ['32'])}` };
    const answered = { status: 200, body: { data: { member: { id: expect.any(String) } } } };
    expect(await post(safelistOnly, { query }, coordinator)).toMatchObject(answered);
    // Through APQ too: registered by a coordinator, then run by hash.
    expect(await post(safelistOnly, { query, extensions: apq(hash) }, coordinator)).toMatchObject(answered);
    expect(await post(safelistOnly, { extensions: apq(hash) }, coordinator)).toMatchObject({ ...answered, subgraphRequests: 1 });
  });

  it('should hold promeneurs to the safelist', async () => {
    const promeneur = { authorization: `Bearer ${await memberToken('PROMENEUR', ['32'])}` };
    expect(await post(safelistOnly, { query: '{ member(id: "m-2") { id } }' }, promeneur)).toEqual({
      status: 403,
      body: { errors: [{ message: expect.stringContaining('persisted operations'), extensions: { code: 'FORBIDDEN' } }] },
      subgraphRequests: 0,
    });
    expect(await post(safelistOnly, { query: MEMBER_NAME, variables: { id: 'm-4' } }, promeneur)).toMatchObject({
      status: 200,
      body: { data: { member: { displayName: 'Member m-4' } } },
    });
  });
});

// The console signs in anonymously: its operations must be in libs/client's real safelist, to the byte.
describe("the console's sign-in with SAFELIST_ONLY and libs/client's safelist", () => {
  // A members subgraph that signs anyone in, with the fields the console asks for.
  const authTypeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { me: Member }
    type Mutation {
      login(email: String!, password: String!): AuthPayload!
      refreshSession(refreshToken: String!): AuthPayload!
      logout(refreshToken: String!): Boolean!
    }
    type AuthPayload { accessToken: String! refreshToken: String! expiresAt: String! member: Member! }
    type Member @key(fields: "id") { id: ID! displayName: String! role: String! department: String! }
  `);
  const claire = { id: 'm-claire', displayName: 'Claire', role: 'COORDINATOR', department: '32' };
  const session = { accessToken: 'access', refreshToken: 'refresh', expiresAt: '2026-06-01T12:00:00.000Z', member: claire };
  const authResolvers: ConstructorParameters<typeof TestSubgraph>[2] = {
    Query: { me: () => null },
    Mutation: { login: () => session, refreshSession: () => session, logout: () => true },
    Member: { __resolveReference: ({ id }: { id: string }) => ({ ...claire, id }) },
  };
  let auth: TestSubgraph;
  let gateway: RunningGateway;

  const send = async (body: object) => {
    const before = auth.received.length;
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as GraphQLBody, subgraphRequests: auth.received.length - before };
  };

  beforeAll(async () => {
    auth = new TestSubgraph('members', authTypeDefs, authResolvers, SIGNING_KEY);
    await auth.start();
    const config = loadGatewayConfig({
      ...testGatewayEnv(SIGNING_KEY, auth, calendar),
      PERSISTED_OPERATIONS_PATH: DEFAULT_PERSISTED_OPERATIONS_PATH,
      SAFELIST_ONLY: 'true',
    });
    gateway = await createGateway(config, { supergraphSdl: composeTestSupergraph([auth, calendar]) });
  });

  afterAll(async () => {
    await gateway?.stop();
    await auth?.dispose();
  });

  it('should let an anonymous caller sign in with the exact text the console sends', async () => {
    expect(await send({ query: CONSOLE_LOGIN, variables: { email: 'claire@caf32.test', password: 'secret' } })).toEqual({
      status: 200,
      body: { data: { login: session } },
      subgraphRequests: 1,
    });
    expect(await send({ query: CONSOLE_REFRESH_SESSION, variables: { refreshToken: 'refresh' } })).toMatchObject({
      status: 200,
      body: { data: { refreshSession: session } },
    });
    expect(await send({ query: CONSOLE_LOGOUT, variables: { refreshToken: 'refresh' } })).toMatchObject({ status: 200, body: { data: { logout: true } } });
  });

  it('should still refuse an anonymous caller any other mutation, even the same login written otherwise', async () => {
    const forbidden = { status: 403, body: { errors: [{ message: expect.stringContaining('persisted operations'), extensions: { code: 'FORBIDDEN' } }] }, subgraphRequests: 0 };
    const variables = { email: 'claire@caf32.test', password: 'secret' };
    expect(await send({ query: 'mutation { logout(refreshToken: "refresh") }' })).toEqual(forbidden);
    expect(await send({ query: 'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }', variables })).toEqual(forbidden);
    expect(await send({ query: CONSOLE_LOGIN.replace('\n', ' '), variables })).toEqual(forbidden);
  });
});

describe('the manifest', () => {
  it('should stop the gateway at boot when it is missing or does not match its hashes', () => {
    expect(() => loadSafelist(join(directory, 'missing.json'))).toThrow(/npm run codegen/);
    const tampered = join(directory, 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ operations: { MemberName: { type: 'query', sha256: sha256Hex('x'), document: MEMBER_NAME } } }));
    expect(() => loadSafelist(tampered)).toThrow(/does not match/);
  });
});
