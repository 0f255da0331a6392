import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportSPKI, generateKeyPair, type CryptoKey, SignJWT } from 'jose';
import { composeTestSupergraph, loggerInto, startTestSubgraphs, type TestSubgraph } from '../../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from '../create-gateway.js';
import { loadGatewayConfig } from '../gateway.config.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';

// Small anonymous limits, so that a query just under and just over each fits the test subgraphs'
// schema; members keep the defaults but a small request size, so the HTTP body limit (the largest of
// all callers) is small too.
const QUERY_LIMITS = {
  anonymous: { maxDepth: 2, maxAliases: 2, maxRootFields: 2, maxTokens: 30, maxRequestBytes: 300, maxCost: 41 },
  member: { maxRequestBytes: 2000 },
  partner: { maxRequestBytes: 1000 },
};

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

let members: TestSubgraph;
let calendar: TestSubgraph;
let gateway: RunningGateway;
let production: RunningGateway;
let tokenKey: CryptoKey;
const logLines: Record<string, unknown>[] = [];

const logCollector = () => loggerInto(logLines);

const memberToken = () =>
  new SignJWT({ role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'] })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject('m-42')
    .setIssuer('pdn-members')
    .setAudience('pdn-api')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(tokenKey);

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}

const query = (source: string, headers?: Record<string, string>, url = gateway.url) => post(url, JSON.stringify({ query: source }), headers);

/** Sends `source` and says how many requests the subgraphs received meanwhile. */
async function counted(source: string, headers?: Record<string, string>) {
  const before = members.received.length + calendar.received.length;
  const result = await query(source, headers);
  return { ...result, subgraphRequests: members.received.length + calendar.received.length - before };
}

const refusal = (limit: string, max: number, found: number) => ({
  status: 400,
  body: { errors: [{ message: expect.any(String), extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, found } }] },
  subgraphRequests: 0,
});

beforeAll(async () => {
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  const supergraphSdl = composeTestSupergraph([members, calendar]);
  const pair = await generateKeyPair('EdDSA', { extractable: true });
  tokenKey = pair.privateKey;
  const env = {
    LOG_LEVEL: 'silent',
    GATEWAY_PORT: '0',
    IDENTITY_SIGNING_KEY: SIGNING_KEY,
    MEMBERS_URL: members.url,
    CALENDAR_URL: calendar.url,
    JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey),
    QUERY_LIMITS: JSON.stringify(QUERY_LIMITS),
  };
  gateway = await createGateway(loadGatewayConfig({ ...env, NODE_ENV: 'test' }), { supergraphSdl, logger: logCollector() });
  production = await createGateway(loadGatewayConfig({ ...env, NODE_ENV: 'production' }), { supergraphSdl });
});

afterAll(async () => {
  await Promise.all([gateway?.stop(), production?.stop()]);
  await Promise.all([members?.dispose(), calendar?.dispose()]);
});

describe('query limits at the gateway', () => {
  it('should allow the maximum depth and refuse one level more, before any subgraph is asked', async () => {
    expect(await counted('{ member(id: "m-1") { displayName } }')).toMatchObject({ status: 200, subgraphRequests: 1 });
    expect(await counted('{ member(id: "m-1") { upcomingEvents { id } } }')).toEqual(refusal('depth', 2, 3));
  });

  it('should allow the maximum number of aliases and refuse one more', async () => {
    expect(await counted('{ member(id: "m-1") { a: id b: id } }')).toMatchObject({ status: 200 });
    expect(await counted('{ member(id: "m-1") { a: id b: id c: id } }')).toEqual(refusal('aliases', 2, 3));
  });

  it('should allow the maximum number of root fields and refuse one more', async () => {
    expect(await counted('{ me { id } member(id: "m-1") { id } }')).toMatchObject({ status: 200 });
    expect(await counted('{ me { id } member(id: "m-1") { id } events { id } }')).toEqual(refusal('rootFields', 2, 3));
  });

  it('should allow the maximum number of tokens and refuse one more', async () => {
    // `{ member(id: "m-1") { … } }` is 10 tokens.
    expect(await counted(`{ member(id: "m-1") { ${'id '.repeat(20)}} }`)).toMatchObject({ status: 200 });
    expect(await counted(`{ member(id: "m-1") { ${'id '.repeat(21)}} }`)).toEqual(refusal('tokens', 30, 31));
  });

  it('should allow the maximum estimated cost and refuse one more', async () => {
    // A list without first/last counts 20 times: 1 + 20 × 2 = 41; a single object 1 + 1.
    expect(await counted('{ events { id title } }')).toMatchObject({ status: 200 });
    expect(await counted('{ events { id title } me { id } }')).toEqual(refusal('cost', 41, 43));
  });

  it('should allow a body of the maximum size and refuse one byte more with 413', async () => {
    const bodyOf = (size: number) => {
      const bare = JSON.stringify({ query: '{ me { id } }', variables: { pad: '' } });
      return JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(size - bare.length) } });
    };
    expect(bodyOf(300)).toHaveLength(300);
    expect((await post(gateway.url, bodyOf(300))).status).toBe(200);
    expect(await post(gateway.url, bodyOf(301))).toEqual({
      status: 413,
      body: { errors: [{ message: expect.any(String), extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'requestBytes', max: 300, found: 301 } }] },
    });
    // Over every caller's limit, the body is not even read.
    expect(await post(gateway.url, bodyOf(2001), { authorization: `Bearer ${await memberToken()}` })).toEqual({
      status: 413,
      body: { errors: [{ message: expect.any(String), extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'requestBytes', max: 2000, found: 2001 } }] },
    });
  });

  it('should apply the limits of members to members', async () => {
    const authorization = `Bearer ${await memberToken()}`;
    expect(await counted('{ me { upcomingEvents { id } } }', { authorization })).toMatchObject({ status: 200, subgraphRequests: 2 });
    const body = JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(1500) } });
    expect((await post(gateway.url, body, { authorization })).status).toBe(200);
  });

  it('should name the limit even when the document would not parse or validate', async () => {
    // Over the caller's token limit, the refusal says so rather than reporting the document's own errors.
    expect(await counted(`{ nope { ${'id '.repeat(30)}} }`)).toEqual(refusal('tokens', 30, 35));
    expect(await counted(`{ member(id: "m-1") { ${'id '.repeat(30)}`)).toEqual(refusal('tokens', 30, 38));
  });

  it('should log a refusal with its code', async () => {
    logLines.length = 0;
    await counted(`{ member(id: "m-1") { ${'id '.repeat(21)}} }`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'graphql operation', httpStatus: 400, outcome: 'error', errorCodes: ['QUERY_TOO_COMPLEX'] }),
    );
  });
});

describe('introspection', () => {
  const INTROSPECTION = '{ __schema { queryType { name } } }';

  it('should refuse anonymous callers in production with UNAUTHENTICATED', async () => {
    expect(await query(INTROSPECTION, {}, production.url)).toEqual({
      status: 401,
      body: { errors: [{ message: expect.stringContaining('Introspecting'), extensions: { code: 'UNAUTHENTICATED' } }] },
    });
    expect(await query('{ __type(name: "Member") { name } }', {}, production.url)).toMatchObject({ status: 401 });
    expect(await query('{ __typename }', {}, production.url)).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('should let members introspect in production', async () => {
    expect(await query(INTROSPECTION, { authorization: `Bearer ${await memberToken()}` }, production.url)).toEqual({
      status: 200,
      body: { data: { __schema: { queryType: { name: 'Query' } } } },
    });
  });

  it('should let anyone introspect outside production', async () => {
    expect(await query('{ __type(name: "Member") { name } }')).toEqual({ status: 200, body: { data: { __type: { name: 'Member' } } } });
  });
});
