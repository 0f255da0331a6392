import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import { createClient } from 'graphql-ws';
import { exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { type Caller, IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, newApiKeySecret, verifyIdentity } from '@pdn/identity';
import { callerOf, requireSignedIdentity } from '@pdn/identity/nest';
import { composeTestSupergraph, signPromeneurToken, startTestSubgraphs, testGatewayEnv, type TestSubgraph } from '../test/test-subgraphs.js';
import { type ApiKeyVerification, createApiKeyVerifier } from './api-keys.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * The members service's verification endpoint as the gateway meets it (the real one is tested in
 * services/members and end to end): behind the signed identity, answering from a table of secrets.
 */
class FakeVerifier {
  readonly answers = new Map<string, ApiKeyVerification>();
  readonly calls: { secret: string; requestId?: string; caller: Caller }[] = [];
  status = 200;
  private server?: Server;
  private port = 0;

  get url() {
    return `http://127.0.0.1:${this.port}/internal/api-keys/verify`;
  }

  async start(signingKey = SIGNING_KEY) {
    const app = express();
    app.post('/internal/api-keys/verify', requireSignedIdentity(signingKey), express.json(), (req, res) => {
      const secret = String((req.body as { secret?: unknown }).secret);
      this.calls.push({ secret, requestId: req.header('x-request-id'), caller: callerOf(req) });
      if (this.status !== 200) res.status(this.status).json({ error: 'boom' });
      else res.json(this.answers.get(secret) ?? { valid: false, reason: 'unknown' });
    });
    this.server = createServer(app);
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** A new key the fake knows as valid. */
  key(grant: Partial<Extract<ApiKeyVerification, { valid: true }>['key']> = {}) {
    const secret = newApiKeySecret();
    const key = { id: `key-${this.answers.size + 1}`, scopes: ['DIRECTORY_READ' as const], departments: ['32'], persistedOnly: false, rateLimitPerMinute: null, ...grant };
    this.answers.set(secret, { valid: true, key });
    return { secret, key };
  }
}

let members: TestSubgraph;
let calendar: TestSubgraph;
let verifier: FakeVerifier;
let supergraphSdl: string;
let tokenKey: CryptoKey;
let publicKeyPem: string;
const gateways: RunningGateway[] = [];
const logLines: Record<string, unknown>[] = [];

async function startGateway(env: Record<string, string> = {}, { verifyUrl = verifier.url, recheckMs = 60_000 } = {}): Promise<RunningGateway> {
  const config = loadGatewayConfig({
    ...testGatewayEnv(SIGNING_KEY, members, calendar),
    JWT_PUBLIC_KEY: publicKeyPem,
    ...env,
  });
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const apiKeys = { ...config.apiKeys, verifyUrl, recheckOpenConnectionsMs: recheckMs };
  const gateway = await createGateway({ ...config, apiKeys }, { supergraphSdl, logger: pino({ level: 'info' }, stream) });
  gateways.push(gateway);
  return gateway;
}

async function post(gateway: RunningGateway, headers: Record<string, string> = {}, query = '{ member(id: "m-1") { id upcomingEvents { id } } }') {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { response, body: (await response.json()) as GraphQLBody };
}

function identityReceivedBy(subgraph: TestSubgraph): Caller {
  const { headers } = subgraph.lastRequest();
  const result = verifyIdentity(headers[IDENTITY_HEADER] as string, headers[IDENTITY_SIGNATURE_HEADER] as string, SIGNING_KEY);
  if (!result.ok) throw new Error(`identity refused: ${result.reason}`);
  return result.caller;
}

const signToken = (subject: string) => signPromeneurToken(tokenKey, subject);

beforeAll(async () => {
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  supergraphSdl = composeTestSupergraph([members, calendar]);
  verifier = new FakeVerifier();
  await verifier.start();
  const pair = await generateKeyPair('EdDSA', { extractable: true });
  tokenKey = pair.privateKey;
  publicKeyPem = await exportSPKI(pair.publicKey);
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await verifier?.stop();
  await Promise.all([members?.dispose(), calendar?.dispose()]);
});

beforeEach(() => {
  verifier.status = 200;
});

describe('partner API keys at the gateway', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });

  it('should turn a valid key into a partner caller for every subgraph', async () => {
    const { secret, key } = verifier.key({ scopes: ['DIRECTORY_READ', 'CALENDAR_READ'], departments: ['32', '40'] });
    const { response, body } = await post(gateway, { 'x-api-key': secret, 'x-request-id': 'partner-req-1' });
    expect(response.status).toBe(200);
    expect(body.errors).toBeUndefined();
    const expected: Caller = { kind: 'partner', apiKeyId: key.id, scopes: ['DIRECTORY_READ', 'CALENDAR_READ'], departments: ['32', '40'] };
    expect(identityReceivedBy(members)).toEqual(expected);
    expect(identityReceivedBy(calendar)).toEqual(expected);
    // The members service was asked, as the gateway (signed, anonymous), with the request's id.
    expect(verifier.calls.at(-1)).toEqual({ secret, requestId: 'partner-req-1', caller: { kind: 'anonymous' } });
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'graphql operation', requestId: 'partner-req-1', caller: 'partner' }));
    expect(JSON.stringify(logLines)).not.toContain(secret);
  });

  it('should ask the members service on every request, so a revocation counts from the next one', async () => {
    const { secret } = verifier.key();
    const before = verifier.calls.length;
    for (let i = 0; i < 3; i++) expect((await post(gateway, { 'x-api-key': secret })).response.status).toBe(200);
    expect(verifier.calls.length - before).toBe(3);

    verifier.answers.set(secret, { valid: false, reason: 'revoked' });
    const { response, body } = await post(gateway, { 'x-api-key': secret });
    expect(response.status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining('revoked'), extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('should refuse an expired or unknown key with UNAUTHENTICATED', async () => {
    const { secret } = verifier.key();
    verifier.answers.set(secret, { valid: false, reason: 'expired' });
    const expired = await post(gateway, { 'x-api-key': secret });
    expect(expired.response.status).toBe(401);
    expect(expired.body.errors?.[0]?.message).toContain('expired');
    const unknown = await post(gateway, { 'x-api-key': newApiKeySecret() });
    expect(unknown.response.status).toBe(401);
    expect(unknown.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('should refuse what cannot be a key without asking the members service', async () => {
    const before = verifier.calls.length;
    for (const secret of ['pk_123', 'pdn_live_short', '']) {
      const { response, body } = await post(gateway, { 'x-api-key': secret });
      expect(response.status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(verifier.calls.length).toBe(before);
  });

  it('should refuse a key together with a bearer token as ambiguous', async () => {
    const { secret } = verifier.key();
    const before = verifier.calls.length;
    const { response, body } = await post(gateway, { 'x-api-key': secret, authorization: `Bearer ${await signToken('m-1')}` });
    expect(response.status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(verifier.calls.length).toBe(before);
  });

  it('should answer 503 SERVICE_UNAVAILABLE when the members service cannot verify the key', async () => {
    const { secret } = verifier.key();
    verifier.status = 500;
    const failing = await post(gateway, { 'x-api-key': secret });
    expect(failing.response.status).toBe(503);
    expect(failing.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

    const unreachable = await startGateway({}, { verifyUrl: 'http://127.0.0.1:9/internal/api-keys/verify' });
    const down = await post(unreachable, { 'x-api-key': secret });
    expect(down.response.status).toBe(503);
    expect(down.response.headers.get('retry-after')).toBe('5');
  });

  it('should be refused by members when the gateway signs with another key', async () => {
    const other = new FakeVerifier();
    await other.start('another-identity-signing-key-0123456789abcdef');
    try {
      const { secret } = other.key();
      const { response } = await post(await startGateway({}, { verifyUrl: other.url }), { 'x-api-key': secret });
      expect(response.status).toBe(503);
      expect(other.calls).toHaveLength(0);
      expect(logLines).toContainEqual(expect.objectContaining({ msg: 'cannot verify an API key with the members service' }));
    } finally {
      await other.stop();
    }
  });

  it('should accept a key in graphql-ws\'s connection_init, and refuse a revoked one with 4401', async () => {
    const { secret } = verifier.key();
    expect(await wsConnect(gateway, { apiKey: secret })).toEqual({ connected: true });
    verifier.answers.set(secret, { valid: false, reason: 'revoked' });
    expect(await wsConnect(gateway, { apiKey: secret })).toMatchObject({ connected: false, code: 4401, reason: expect.stringContaining('revoked') });
    expect(await wsConnect(gateway, { apiKey: verifier.key().secret, authorization: `Bearer ${await signToken('m-1')}` })).toMatchObject({ connected: false, code: 4400 });
  });

  it('should refuse the next subscribe message of an open connection once its key is revoked, and close it', async () => {
    const { secret } = verifier.key();
    const session = await wsSession(gateway, { apiKey: secret });
    expect((await session.subscribe('before')).extensions?.code).not.toBe('UNAUTHENTICATED');
    verifier.answers.set(secret, { valid: false, reason: 'revoked' });
    expect(await session.subscribe('after')).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(await session.closed).toMatchObject({ code: 4401, reason: expect.stringContaining('revoked') });
  });

  it('should close an open connection whose key is revoked, without waiting for its next message', async () => {
    const watching = await startGateway({}, { recheckMs: 50 });
    const { secret } = verifier.key();
    const session = await wsSession(watching, { apiKey: secret });
    const before = verifier.calls.filter((call) => call.secret === secret).length;
    // Still valid: checked again, left open.
    while (verifier.calls.filter((call) => call.secret === secret).length < before + 2) await new Promise((resolve) => setTimeout(resolve, 20));
    verifier.answers.set(secret, { valid: false, reason: 'expired' });
    expect(await session.closed).toMatchObject({ code: 4401, reason: expect.stringContaining('expired') });
  });
});

describe('createApiKeyVerifier', () => {
  it('should share one verification between identical requests in flight', async () => {
    const { secret, key } = verifier.key();
    const other = verifier.key();
    const verify = createApiKeyVerifier({ verifyUrl: verifier.url, timeoutMs: 2000 }, SIGNING_KEY);
    const before = verifier.calls.length;
    const answers = await Promise.all([verify.verify(secret), verify.verify(secret), verify.verify(other.secret), verify.verify(secret)]);
    expect(verifier.calls.length - before).toBe(2);
    expect(answers[0]).toEqual({ valid: true, key });
    expect(answers[3]).toEqual(answers[0]);
    expect(answers[2]).toEqual({ valid: true, key: other.key });
    // Once answered, the next request asks again.
    await verify.verify(secret);
    expect(verifier.calls.length - before).toBe(3);
  });
});

describe('rate limits at the gateway', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3',
      RATE_LIMIT_MEMBER_PER_MINUTE: '4',
      RATE_LIMIT_KEY_PER_MINUTE: '5',
      TRUST_PROXY_HOPS: '1',
    });
  });
  const from = (address: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...headers });

  it('should hold a key to its own limit, then answer 429 RATE_LIMITED with Retry-After without reaching any subgraph', async () => {
    const { secret } = verifier.key({ rateLimitPerMinute: 2 });
    const first = await post(gateway, from('203.0.113.1', { 'x-api-key': secret }));
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('ratelimit-limit')).toBe('2');
    expect(first.response.headers.get('ratelimit-remaining')).toBe('1');
    expect(Number(first.response.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect((await post(gateway, from('203.0.113.2', { 'x-api-key': secret }))).response.headers.get('ratelimit-remaining')).toBe('0');

    const received = members.received.length;
    const refused = await post(gateway, from('203.0.113.3', { 'x-api-key': secret }));
    expect(refused.response.status).toBe(429);
    const retryAfter = Number(refused.response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: retryAfter });
    expect(members.received.length).toBe(received);
  });

  it('should give keys without a limit of their own the default for keys', async () => {
    const { secret } = verifier.key();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(gateway, from('203.0.113.4', { 'x-api-key': secret }))).response.status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('should limit anonymous traffic per client address, and members per member', async () => {
    const statuses = async (count: number, headers: Record<string, string>) => {
      const result = [];
      for (let i = 0; i < count; i++) result.push((await post(gateway, headers)).response.status);
      return result;
    };
    expect(await statuses(4, from('198.51.100.10'))).toEqual([200, 200, 200, 429]);
    // Another address, or the same address signed in, has its own counter.
    expect(await statuses(1, from('198.51.100.11'))).toEqual([200]);
    const token = await signToken('m-rate');
    expect(await statuses(5, from('198.51.100.10', { authorization: `Bearer ${token}` }))).toEqual([200, 200, 200, 200, 429]);
    // What the client claims left of the proxy's entry changes nothing.
    expect(await statuses(1, from('192.0.2.99, 198.51.100.10'))).toEqual([429]);
  });

  it('should count refused credentials against the client address', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(gateway, from('198.51.100.20', { authorization: 'Bearer not-a-token' }))).response.status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await post(gateway, from('198.51.100.20'))).response.status).toBe(429);
  });

  it('should limit the /ics feeds per client address, in plain text', async () => {
    const ics = (address: string) => fetch(new URL('/ics/departments/32.ics', gateway.url), { headers: from(address) });
    for (let i = 0; i < 3; i++) expect((await ics('198.51.100.30')).status).not.toBe(429);
    const refused = await ics('198.51.100.30');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.text()).toContain('Too many requests');
  });

  it('should count graphql-ws connections and subscribe messages against the caller', async () => {
    const { secret } = verifier.key({ rateLimitPerMinute: 2 });
    const socket = await wsSession(gateway, { apiKey: secret });
    try {
      // The connection was the first request; the first subscribe message the second, the next one too many.
      const first = await socket.subscribe('s1');
      expect(first.extensions?.code).not.toBe('RATE_LIMITED');
      const second = await socket.subscribe('s2');
      expect(second).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } });
    } finally {
      socket.close();
    }
    expect(await wsConnect(gateway, { apiKey: secret })).toMatchObject({ connected: false, code: 4429, reason: expect.stringContaining('Too many requests') });
  });
});

describe('rate limits turned off', () => {
  it('should count nothing and send no rate limit headers when a limit is 0', async () => {
    const gateway = await startGateway({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0' });
    for (let i = 0; i < 5; i++) {
      const { response } = await post(gateway);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBeNull();
    }
  });
});

function wsUrl(gateway: RunningGateway) {
  return gateway.url.replace(/^http/, 'ws');
}

/** Opens a graphql-ws connection; resolves once it is acknowledged or closed. */
function wsConnect(gateway: RunningGateway, connectionParams: Record<string, unknown>): Promise<{ connected: boolean; code?: number; reason?: string }> {
  return new Promise((resolve) => {
    const client = createClient({
      url: wsUrl(gateway),
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      on: {
        connected: () => {
          resolve({ connected: true });
          void client.dispose();
        },
        closed: (event) => {
          const { code, reason } = event as { code: number; reason: string };
          resolve({ connected: false, code, reason });
        },
      },
    });
  });
}

/** A raw graphql-ws session: subscribe messages answered one by one with their first error. */
async function wsSession(gateway: RunningGateway, payload: Record<string, unknown>) {
  const ws = new WebSocket(wsUrl(gateway), 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (match: (m: (typeof messages)[number]) => boolean) => {
    for (;;) {
      const found = messages.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload }));
  await next((m) => m.type === 'connection_ack');
  return {
    subscribe: async (id: string) => {
      ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { nothingHere }' } }));
      const answer = await Promise.race([
        next((m) => m.id === id && (m.type === 'error' || m.type === 'complete' || m.type === 'next')),
        closed.then((event) => ({ type: 'closed', payload: [{ message: `closed ${event.code} before answering` }] })),
      ]);
      return ((answer.payload as { message: string; extensions?: Record<string, unknown> }[] | undefined)?.[0] ?? {}) as {
        message?: string;
        extensions?: Record<string, unknown>;
      };
    },
    close: () => ws.close(),
    closed,
  };
}
