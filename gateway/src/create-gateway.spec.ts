import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, exportSPKI, generateKeyPair, type CryptoKey, SignJWT } from 'jose';
import { type Caller, IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, verifyIdentity } from '@pdn/identity';
import { composeTestSupergraph, loggerInto, startTestSubgraphs, testGatewayEnv, type TestSubgraph } from '../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
const CALENDAR_TIMEOUT_MS = 400;
const ISSUER = 'pdn-members';
const AUDIENCE = 'pdn-api';

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

let members: TestSubgraph;
let calendar: TestSubgraph;
let supergraphSdl: string;
let gateway: RunningGateway;
let tokenKey: CryptoKey;
const logLines: Record<string, unknown>[] = [];

const logCollector = () => loggerInto(logLines);

function gatewayEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...testGatewayEnv(SIGNING_KEY, members, calendar),
    CALENDAR_TIMEOUT_MS: String(CALENDAR_TIMEOUT_MS),
    // These tests stop the calendar many times in a row: its circuit breaker (circuit-breaker.spec.ts) must stay closed.
    SUBGRAPH_BREAKER_FAILURES: '1000',
    ...overrides,
  };
}

function signToken(
  claims: Record<string, unknown>,
  { key = tokenKey, alg = 'EdDSA', expiresIn = '5m', issuer = ISSUER, audience = AUDIENCE } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg })
    .setSubject('m-42')
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

const memberClaims = { role: 'COORDINATOR', status: 'ACTIVE', departments: ['32'], structureId: 'structure-7', sid: 'session-1' };

async function post(
  query: string,
  { headers = {}, url = gateway.url, variables }: { headers?: Record<string, string>; url?: string; variables?: object } = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { response, body: (await response.json()) as GraphQLBody };
}

function identityReceivedBy(subgraph: TestSubgraph): Caller {
  const { headers } = subgraph.lastRequest();
  const result = verifyIdentity(
    headers[IDENTITY_HEADER] as string,
    headers[IDENTITY_SIGNATURE_HEADER] as string,
    SIGNING_KEY,
  );
  if (!result.ok) throw new Error(`identity refused: ${result.reason}`);
  return result.caller;
}

beforeAll(async () => {
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  supergraphSdl = composeTestSupergraph([members, calendar]);
  const pair = await generateKeyPair('EdDSA', { extractable: true });
  tokenKey = pair.privateKey;
  const config = loadGatewayConfig(gatewayEnv({ JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey) }));
  gateway = await createGateway(config, { supergraphSdl, logger: logCollector() });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([members?.dispose(), calendar?.dispose()]);
});

afterEach(async () => {
  calendar.delayMs = 0;
  await calendar.start();
});

describe('gateway over HTTP', () => {
  it('should answer a query whose fields come from two subgraphs', async () => {
    const { response, body } = await post('{ member(id: "m-1") { displayName upcomingEvents { title } } }');
    expect(response.status).toBe(200);
    expect(body).toEqual({
      data: { member: { displayName: 'Member m-1', upcomingEvents: [{ title: 'Regroupement départemental' }] } },
    });
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
  });

  it('should send every subgraph a signed identity and the client request id', async () => {
    const { response } = await post('{ member(id: "m-1") { upcomingEvents { id } } }', {
      headers: { 'x-request-id': 'client-req-123' },
    });
    expect(response.headers.get('x-request-id')).toBe('client-req-123');
    for (const subgraph of [members, calendar]) {
      expect(identityReceivedBy(subgraph)).toEqual({ kind: 'anonymous' });
      expect(subgraph.lastRequest().headers['x-request-id']).toBe('client-req-123');
    }
  });

  it('should replace an unusable request id with a fresh UUID', async () => {
    const { response } = await post('{ member(id: "m-1") { id } }', { headers: { 'x-request-id': 'a b;<script>' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(members.lastRequest().headers['x-request-id']).toBe(id);
  });

  it('should turn a valid bearer token into a member caller', async () => {
    const token = await signToken(memberClaims);
    const { body } = await post('{ me { id displayName upcomingEvents { id } } }', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(body).toEqual({ data: { me: { id: 'm-42', displayName: 'Member m-42', upcomingEvents: [{ id: 'e1' }] } } });
    const expected: Caller = {
      kind: 'member',
      memberId: 'm-42',
      role: 'COORDINATOR',
      status: 'ACTIVE',
      departments: ['32'],
      structureId: 'structure-7',
      sessionId: 'session-1',
    };
    expect(identityReceivedBy(members)).toEqual(expected);
    expect(identityReceivedBy(calendar)).toEqual(expected);
  });

  it.each([
    ['garbage', async () => 'not-a-jwt'],
    ['signed by another key', async () => signToken(memberClaims, { key: (await generateKeyPair('EdDSA')).privateKey })],
    ['expired', async () => signToken(memberClaims, { expiresIn: '-1m' })],
    ['for another audience', async () => signToken(memberClaims, { audience: 'someone-else' })],
    ['from another issuer', async () => signToken(memberClaims, { issuer: 'someone-else' })],
    ['without a role', async () => signToken({ status: 'ACTIVE' })],
  ])('should refuse a token that is %s with UNAUTHENTICATED and no data', async (_case, token) => {
    const { response, body } = await post('{ member(id: "m-1") { id } }', {
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('should refuse an Authorization header that is not a bearer token', async () => {
    const { response, body } = await post('{ member(id: "m-1") { id } }', { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(response.status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('should return the members fields with SERVICE_UNAVAILABLE errors when calendar is down', async () => {
    await calendar.stop();
    const { response, body } = await post('{ member(id: "m-1") { displayName upcomingEvents { title } } events { id } }');
    expect(response.status).toBe(200);
    expect(body.data).toEqual({ member: { displayName: 'Member m-1', upcomingEvents: null }, events: null });
    const errors = body.errors ?? [];
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining([['member', 'upcomingEvents'], ['events']]));
    for (const error of errors) {
      expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', service: 'calendar' });
    }
  });

  it('should point each missing field of a list at its own item', async () => {
    await calendar.stop();
    const { body } = await post('{ members(ids: ["a", "b"]) { id upcomingEvents { id } } }');
    expect(body.data).toEqual({
      members: [
        { id: 'a', upcomingEvents: null },
        { id: 'b', upcomingEvents: null },
      ],
    });
    expect(body.errors?.map((e) => e.path)).toEqual([
      ['members', 0, 'upcomingEvents'],
      ['members', 1, 'upcomingEvents'],
    ]);
  });

  it('should give up on a slow subgraph after its timeout and still return the rest', async () => {
    calendar.delayMs = 2000;
    const started = Date.now();
    const { body } = await post('{ member(id: "m-1") { displayName upcomingEvents { title } } }');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(CALENDAR_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(1500);
    expect(body.data).toEqual({ member: { displayName: 'Member m-1', upcomingEvents: null } });
    expect(body.errors).toEqual([
      {
        message: `The calendar service did not answer within ${CALENDAR_TIMEOUT_MS} ms.`,
        path: ['member', 'upcomingEvents'],
        extensions: { code: 'SERVICE_UNAVAILABLE', service: 'calendar' },
      },
    ]);
  });

  it('should warn that a mutation which timed out may have been applied', async () => {
    calendar.delayMs = 2000;
    const { body } = await post('mutation { register(eventId: "e1") }');
    expect(body).toEqual({
      data: { register: null },
      errors: [
        {
          message: `The calendar service did not answer within ${CALENDAR_TIMEOUT_MS} ms. The change may have been applied.`,
          path: ['register'],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'calendar' },
        },
      ],
    });
  });

  it('should not warn about a mutation the subgraph never received (connection refused)', async () => {
    await calendar.stop();
    const { body } = await post('mutation { register(eventId: "e1") }');
    expect(body).toEqual({
      data: { register: null },
      errors: [{ message: 'The calendar service is unavailable.', path: ['register'], extensions: { code: 'SERVICE_UNAVAILABLE', service: 'calendar' } }],
    });
  });

  it('should hide the message and stack of an internal subgraph error', async () => {
    const { body } = await post('{ member(id: "m-1") { displayName brokenField } }');
    expect(body.data).toEqual({ member: { displayName: 'Member m-1', brokenField: null } });
    expect(body.errors).toEqual([
      { message: 'Internal server error.', path: ['member', 'brokenField'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/SELECT|stacktrace|at /);
  });

  it('should keep contract codes and their extensions from subgraph errors, without stacks', async () => {
    const { body } = await post('{ member(id: "m-1") { busyField pickyField } }');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        {
          message: 'Too many requests.',
          path: ['member', 'busyField'],
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 30 },
        },
        {
          message: 'The date is not valid.',
          path: ['member', 'pickyField'],
          extensions: { code: 'BAD_USER_INPUT', field: 'input.date' },
        },
      ]),
    );
  });

  it('should answer in application/graphql-response+json when the client accepts it', async () => {
    const { response } = await post('{ member(id: "m-1") { id } }', {
      headers: { accept: 'application/graphql-response+json, application/json;q=0.9' },
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    const plain = await post('{ member(id: "m-1") { id } }', { headers: { accept: 'application/json' } });
    expect(plain.response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('should answer a malformed query with 400 and BAD_USER_INPUT', async () => {
    const { response, body } = await post('{ member(id: "m-1") { nope } }', {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(response.status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('GET and CSRF', () => {
  const getUrl = (query: string) => `${gateway.url}?query=${encodeURIComponent(query)}`;

  it('should run a query over GET that carries a preflight header', async () => {
    const response = await fetch(getUrl('{ member(id: "m-1") { id } }'), { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { member: { id: 'm-1' } } });
  });

  it('should refuse a mutation over GET', async () => {
    const response = await fetch(getUrl('mutation { touch }'), { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    const body = (await response.json()) as GraphQLBody;
    expect(body.data).toBeUndefined();
  });

  it('should block a GET that a browser could send cross-site without preflight', async () => {
    const response = await fetch(getUrl('{ member(id: "m-1") { id } }'));
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphQLBody;
    expect(body.errors?.[0].message).toMatch(/Cross-Site Request Forgery/);
    expect(members.received.map((r) => r.headers['x-request-id'])).not.toContain(response.headers.get('x-request-id'));
  });

  it('should block a POST with a simple content type', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ member(id: "m-1") { id } }' }),
    });
    expect(response.status).toBe(400);
  });
});

describe('HTTP surface', () => {
  // Browsers at /graphql get the console: src/console/console.spec.ts.
  it('should say it is alive on /healthz', async () => {
    const response = await fetch(new URL('/healthz', gateway.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('should be ready on /readyz only while every subgraph is', async () => {
    const ready = await fetch(new URL('/readyz', gateway.url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      subgraphs: [
        { name: 'calendar', up: true },
        { name: 'members', up: true },
      ],
      // For information: these test subgraphs have no event log (session-revocations.spec.ts).
      sessionRevocations: expect.objectContaining({ state: expect.any(String) }),
    });
    await calendar.stop();
    const notReady = await fetch(new URL('/readyz', gateway.url));
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'unavailable',
      subgraphs: [
        { name: 'calendar', up: false },
        { name: 'members', up: true },
      ],
      sessionRevocations: expect.objectContaining({ state: expect.any(String) }),
    });
  });

  it('should refuse a body over 1 MiB (the largest default request size) with 413', async () => {
    const body = JSON.stringify({ query: `{ member(id: "${'x'.repeat(1_100_000)}") { id } }` });
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expect(((await response.json()) as GraphQLBody).errors?.[0].extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'requestBytes',
      max: 1024 * 1024,
      found: Buffer.byteLength(body),
    });
  });

  it('should allow only the configured origins', async () => {
    const other = await createGateway(
      loadGatewayConfig(gatewayEnv({ CORS_ORIGINS: 'https://app.example.org' })),
      { supergraphSdl },
    );
    try {
      const preflight = (origin: string, url: string) =>
        fetch(url, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type, authorization',
          },
        });
      const allowed = await preflight('https://app.example.org', other.url);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.org');
      expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
      const refused = await preflight('https://evil.example.org', other.url);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      // No origin configured: same-origin only.
      const none = await preflight('https://app.example.org', gateway.url);
      expect(none.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await other.stop();
    }
  });

  it('should log one line per operation, without the token', async () => {
    const token = await signToken(memberClaims);
    const { response } = await post('query WhoAmI { me { id } }', {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'log-check-1' },
    });
    expect(response.status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = logLines.filter((line) => line.requestId === 'log-check-1');
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'graphql operation',
        operationName: 'WhoAmI',
        operationType: 'query',
        outcome: 'ok',
        httpStatus: 200,
        caller: 'member',
        memberId: 'm-42',
        durationMs: expect.any(Number),
      }),
    ]);
    expect(JSON.stringify(logLines)).not.toContain(token);
  });

  it('should log requests refused before GraphQL runs, with their error code', async () => {
    await post('{ me { id } }', { headers: { authorization: 'Bearer nope', 'x-request-id': 'log-check-2' } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(logLines.filter((line) => line.requestId === 'log-check-2')).toEqual([
      expect.objectContaining({ httpStatus: 401, outcome: 'error', errorCodes: ['UNAUTHENTICATED'] }),
    ]);
  });

  it('should log a subgraph that does not answer', async () => {
    await calendar.stop();
    await post('{ events { id } }', { headers: { 'x-request-id': 'log-check-3' } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(logLines.filter((line) => line.requestId === 'log-check-3')).toEqual([
      expect.objectContaining({ msg: 'subgraph unavailable', subgraph: 'calendar', detail: 'ECONNREFUSED' }),
      expect.objectContaining({ msg: 'graphql operation', outcome: 'partial', errorCodes: ['SERVICE_UNAVAILABLE'] }),
    ]);
  });
});

describe('member tokens checked against the JWKS of the members subgraph', () => {
  it('should accept an ES256 token whose key the members subgraph publishes', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    members.jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
    const other = await createGateway(loadGatewayConfig(gatewayEnv()), { supergraphSdl });
    try {
      const token = await new SignJWT(memberClaims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('m-7')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(pair.privateKey);
      const { body } = await post('{ me { id } }', { url: other.url, headers: { authorization: `Bearer ${token}` } });
      expect(body).toEqual({ data: { me: { id: 'm-7' } } });
    } finally {
      await other.stop();
      members.jwks = undefined;
    }
  });

  it('should refuse a token once it has expired, although it was accepted a moment before', async () => {
    // The gateway keeps checked tokens for a minute, never past their expiry (5 s of clock tolerance).
    const token = await new SignJWT(memberClaims)
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('m-42')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 1)
      .sign(tokenKey);
    const accepted = await post('{ me { id } }', { headers: { authorization: `Bearer ${token}` } });
    expect(accepted.body).toEqual({ data: { me: { id: 'm-42' } } });
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    const refused = await post('{ me { id } }', { headers: { authorization: `Bearer ${token}` } });
    expect(refused.response.status).toBe(401);
    expect(refused.body.errors?.[0]?.message).toBe('The access token has expired: refresh the session.');
  }, 20_000);

  it('should answer 503 SERVICE_UNAVAILABLE when the keys cannot be fetched', async () => {
    const other = await createGateway(
      loadGatewayConfig(gatewayEnv({ MEMBERS_URL: 'http://127.0.0.1:9/graphql' })),
      { supergraphSdl },
    );
    try {
      const { response, body } = await post('{ events { id } }', {
        url: other.url,
        headers: { authorization: `Bearer ${await signToken(memberClaims)}` },
      });
      expect(response.status).toBe(503);
      expect(body.errors?.[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', service: 'members' });
    } finally {
      await other.stop();
    }
  });
});

describe('start and stop', () => {
  it('should fail to start, and release what it took, when the port is taken', async () => {
    const port = new URL(gateway.url).port;
    await expect(
      createGateway(loadGatewayConfig(gatewayEnv({ GATEWAY_PORT: port })), { supergraphSdl }),
    ).rejects.toThrow(/EADDRINUSE/);
  });

  it('should let an in-flight operation finish before closing', async () => {
    const other = await createGateway(loadGatewayConfig(gatewayEnv({ CALENDAR_TIMEOUT_MS: '3000' })), {
      supergraphSdl,
    });
    calendar.delayMs = 300;
    const inFlight = post('{ events { id } }', { url: other.url });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await other.stop();
    const { response, body } = await inFlight;
    expect(response.status).toBe(200);
    expect(body).toEqual({ data: { events: [{ id: 'e1' }] } });
    await expect(fetch(other.url)).rejects.toThrow();
  });
});
