import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import { exportSPKI, generateKeyPair, type CryptoKey, SignJWT } from 'jose';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { HttpEventSource, MEMBER_ACCESS_CHANGED, MEMBER_ERASED, SESSION_ENDED, type EventSource } from '@pdn/domain-events/client';
import { eventually, startScriptedEventLog, type ScriptedEventLog } from '@pdn/domain-events/testing';
import { composeTestSupergraph, loggerInto, startTestSubgraphs, type TestSubgraph } from '../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';
import { ACCESS_CHANGED_MESSAGE, SESSION_ENDED_MESSAGE, SessionRevocations, type TokenClaims } from './session-revocations.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
const MINUTE = 60_000;
const TTL_MS = 15 * MINUTE;

/** Log lines, to find the follower's warnings in. */
const logCollector = (lines: Record<string, unknown>[]) => loggerInto(lines, 'debug');

const iso = (ms: number) => new Date(ms).toISOString();

function sessionEnded(sessionId: string, memberId: string, at: number) {
  return { type: SESSION_ENDED, payload: { sessionId, memberId, reason: 'logout', tokensExpireBy: iso(at + TTL_MS) }, occurredAt: new Date(at) };
}

function accessChanged(memberId: string, access: Partial<{ status: string; role: string; departments: string[] }>, at: number) {
  return {
    type: MEMBER_ACCESS_CHANGED,
    payload: { memberId, status: 'ACTIVE', role: 'PROMENEUR', departments: ['32'], ...access, tokensExpireBy: iso(at + TTL_MS) },
    occurredAt: new Date(at),
  };
}

function token(memberId: string, claims: Partial<TokenClaims> = {}): TokenClaims {
  return { memberId, sessionId: randomUUID(), role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'], ...claims };
}

describe('SessionRevocations, following a log over HTTP', () => {
  let log: ScriptedEventLog;
  let clock: number;
  let lines: Record<string, unknown>[];
  let revocations: SessionRevocations;
  const started: SessionRevocations[] = [];

  function follower(options: { source?: EventSource; lookbackSeconds?: number } = {}) {
    const follower = new SessionRevocations({
      source: options.source ?? new HttpEventSource({ producer: 'members', url: log.url, identitySigningKey: SIGNING_KEY }),
      logger: logCollector(lines),
      lookbackSeconds: options.lookbackSeconds ?? 3600,
      waitSeconds: 0,
      idleMs: 10,
      minBackoffMs: 10,
      maxBackoffMs: 40,
      marginMs: MINUTE,
      now: () => clock,
    });
    started.push(follower);
    return follower;
  }

  beforeEach(async () => {
    log = await startScriptedEventLog('members', SIGNING_KEY);
    clock = Date.now();
    lines = [];
    revocations = follower();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((f) => f.stop()));
    await log.close();
  });

  it("should refuse the tokens of an ended session, and only that session's, until they have all expired", async () => {
    const member = randomUUID();
    const ended = token(member);
    const other = token(member);
    log.push(sessionEnded(ended.sessionId!, member, clock));
    await revocations.pollOnce(0);

    expect(revocations.refusal(ended)).toBe(SESSION_ENDED_MESSAGE);
    expect(revocations.refusal(other)).toBeUndefined();
    expect(revocations.status()).toMatchObject({ state: 'live', position: 1, endedSessions: 1, failures: 0 });

    // Past the last token's expiry (and the margin for clocks), the entry is gone: nothing grows for ever.
    clock += TTL_MS + MINUTE - 1;
    expect(revocations.refusal(ended)).toBe(SESSION_ENDED_MESSAGE);
    clock += 2;
    expect(revocations.refusal(ended)).toBeUndefined();
    expect(revocations.status().endedSessions).toBe(0);
  });

  it('should refuse the tokens that claim more than a member may now do', async () => {
    const member = randomUUID();
    log.push(accessChanged(member, { status: 'SUSPENDED' }, clock));
    await revocations.pollOnce(0);
    expect(revocations.refusal(token(member, { status: 'ACTIVE' }))).toBe(ACCESS_CHANGED_MESSAGE);
    // A token signed after the suspension carries it: accepted.
    expect(revocations.refusal(token(member, { status: 'SUSPENDED' }))).toBeUndefined();
    expect(revocations.refusal(token(randomUUID(), { status: 'ACTIVE' }))).toBeUndefined();

    // Active again: older tokens grant no more than that, whatever status they carry.
    log.push(accessChanged(member, { status: 'ACTIVE', role: 'COORDINATOR', departments: ['32', '65'] }, clock + 1000));
    await revocations.pollOnce(0);
    for (const status of ['CANDIDATE', 'SUSPENDED', 'ACTIVE'] as const) expect(revocations.refusal(token(member, { status }))).toBeUndefined();
    expect(revocations.refusal(token(member, { role: 'COORDINATOR', departments: ['65', '32'] }))).toBeUndefined();
    expect(revocations.refusal(token(member, { role: 'ADMIN' }))).toBe(ACCESS_CHANGED_MESSAGE);
    expect(revocations.refusal(token(member, { departments: ['32', '31'] }))).toBe(ACCESS_CHANGED_MESSAGE);

    log.push(accessChanged(member, { status: 'LEFT' }, clock + 2000));
    await revocations.pollOnce(0);
    expect(revocations.refusal(token(member))).toBe(SESSION_ENDED_MESSAGE);
  });

  it('should refuse every token of an erased member', async () => {
    const member = randomUUID();
    log.push({ type: MEMBER_ERASED, payload: { memberId: member, department: '32', deletePosts: false }, occurredAt: new Date(clock) });
    // A change announced after the erasure cannot bring the member back.
    log.push(accessChanged(member, { status: 'ACTIVE' }, clock));
    await revocations.pollOnce(0);
    for (const status of ['CANDIDATE', 'ACTIVE', 'SUSPENDED'] as const) expect(revocations.refusal(token(member, { status }))).toBe(SESSION_ENDED_MESSAGE);
    // member.erased says nothing of tokens: it is kept for the look-back.
    clock += 3600_000 + MINUTE + 1;
    expect(revocations.refusal(token(member))).toBeUndefined();
  });

  it('should start from the look-back, and pass over what no longer voids any token', async () => {
    const [old, recent, expired] = [randomUUID(), randomUUID(), randomUUID()];
    log.push(sessionEnded(old, randomUUID(), clock - 2 * 3600_000));
    log.push(sessionEnded(recent, randomUUID(), clock - 10 * MINUTE));
    log.push({ ...sessionEnded(expired, randomUUID(), clock - 30 * MINUTE), occurredAt: new Date(clock - 5 * MINUTE) });
    const served = log.served;
    await revocations.pollOnce(0);
    expect(log.served).toBe(served + 1);
    expect(revocations.status()).toMatchObject({ position: 3, endedSessions: 1 });
    expect(revocations.refusal(token(randomUUID(), { sessionId: recent }))).toBe(SESSION_ENDED_MESSAGE);
    expect(revocations.refusal(token(randomUUID(), { sessionId: expired }))).toBeUndefined();
    expect(revocations.refusal(token(randomUUID(), { sessionId: old }))).toBeUndefined();
  });

  it('should pass over an event it cannot read, and apply those after it', async () => {
    const member = randomUUID();
    const ended = token(member);
    log.push({ type: SESSION_ENDED, payload: { sessionId: 'not-a-uuid' } });
    log.push({ type: 'member.renamed', payload: { memberId: member } });
    log.push(sessionEnded(ended.sessionId!, member, clock));
    await revocations.pollOnce(0);
    expect(revocations.refusal(ended)).toBe(SESSION_ENDED_MESSAGE);
    expect(lines.filter((l) => l['level'] === 50).map((l) => l['msg'])).toEqual(['unreadable event in members log: skipped']);
  });

  it('should tell a watcher once, when its token becomes void or at once if it already is', async () => {
    const member = randomUUID();
    const watched = token(member);
    const told: string[] = [];
    revocations.watch(watched, (message) => told.push(`watched: ${message}`));
    const unwatched = token(member, { sessionId: randomUUID() });
    const stop = revocations.watch(unwatched, (message) => told.push(`unwatched: ${message}`));
    stop();
    revocations.watch(token(member, { status: 'SUSPENDED' }), (message) => told.push(`suspended: ${message}`));

    log.push(accessChanged(member, { status: 'SUSPENDED' }, clock));
    await revocations.pollOnce(0);
    expect(told).toEqual([`watched: ${ACCESS_CHANGED_MESSAGE}`]);
    log.push(sessionEnded(watched.sessionId!, member, clock));
    await revocations.pollOnce(0);
    expect(told).toHaveLength(1);

    revocations.watch(watched, (message) => told.push(`again: ${message}`));
    expect(told).toHaveLength(1);
    await eventually(() => (told.length === 2 ? true : undefined), 'the immediate refusal');
    expect(told[1]).toBe(`again: ${SESSION_ENDED_MESSAGE}`);
  });

  it('should keep retrying with backoff while the log cannot be read, warn, and catch up once it can', async () => {
    let failuresLeft = 3;
    const http = new HttpEventSource({ producer: 'members', url: log.url, identitySigningKey: SIGNING_KEY });
    const flaky: EventSource = {
      producer: 'members',
      fetch: (after, options) => {
        if (failuresLeft-- > 0) return new HttpEventSource({ producer: 'members', url: 'http://127.0.0.1:9/events', identitySigningKey: SIGNING_KEY }).fetch(after, options);
        return http.fetch(after, options);
      },
    };
    const member = randomUUID();
    const ended = token(member);
    log.push(sessionEnded(ended.sessionId!, member, clock));
    const following = follower({ source: flaky });
    following.start();
    await following.ready(10_000);
    expect(following.status()).toMatchObject({ state: 'retrying', failures: 1, lastReadSecondsAgo: null });
    expect(following.refusal(ended)).toBeUndefined();

    await eventually(() => following.refusal(ended), 'the revocation once the log answers');
    const warnings = lines.filter((l) => l['level'] === 40);
    expect(warnings.map((w) => w['failures'])).toEqual([1, 2, 3]);
    expect(warnings.every((w) => typeof w['retryInMs'] === 'number' && String(w['msg']).startsWith('members event log unreadable'))).toBe(true);
    expect(following.status()).toMatchObject({ state: 'live', failures: 0, lastReadSecondsAgo: 0 });
  });

  it('should warn once when tokens live longer than the look-back covers', async () => {
    const short = follower({ lookbackSeconds: 600 });
    short.refusal(token(randomUUID(), { issuedAt: 1000, expiresAt: 1900 }));
    short.refusal(token(randomUUID(), { issuedAt: 1000, expiresAt: 1900 }));
    short.refusal(token(randomUUID(), { issuedAt: 1000, expiresAt: 1600 }));
    expect(lines.filter((l) => l['level'] === 40).map((l) => [l['tokenLifetimeSeconds'], l['lookbackSeconds']])).toEqual([[900, 600]]);
  });
});

// The gateway itself, with a members log it follows over HTTP: the same access token goes from accepted
// to refused, over HTTP and on an open graphql-ws connection. The real members subgraph does this in
// tools/e2e/src/session-revocation.e2e.spec.ts.
describe('a gateway following the ended sessions', () => {
  let members: TestSubgraph;
  let calendar: TestSubgraph;
  let log: ScriptedEventLog;
  let gateway: RunningGateway;
  let tokenKey: CryptoKey;
  const memberId = randomUUID();
  const sessionId = randomUUID();
  let accessToken: string;

  beforeAll(async () => {
    ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
    log = await startScriptedEventLog('members', SIGNING_KEY);
    const pair = await generateKeyPair('EdDSA', { extractable: true });
    tokenKey = pair.privateKey;
    gateway = await createGateway(
      loadGatewayConfig({
        NODE_ENV: 'test',
        GATEWAY_PORT: '0',
        IDENTITY_SIGNING_KEY: SIGNING_KEY,
        MEMBERS_URL: members.url,
        CALENDAR_URL: calendar.url,
        JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey),
        MEMBERS_EVENTS_URL: log.url,
        // The scripted log answers at once: the follower polls every second.
        DOMAIN_EVENTS_WAIT_SECONDS: '1',
        DOMAIN_EVENTS_MAX_BACKOFF_MS: '100',
      }),
      { supergraphSdl: composeTestSupergraph([members, calendar]), logger: pino({ level: 'silent' }) },
    );
    accessToken = await new SignJWT({ role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'], sid: sessionId })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject(memberId)
      .setIssuer('pdn-members')
      .setAudience('pdn-api')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(tokenKey);
  });

  afterAll(async () => {
    await gateway?.stop();
    await log?.close();
    await Promise.all([members?.dispose(), calendar?.dispose()]);
  });

  const me = () =>
    fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });

  it('should close the connection and refuse the token over HTTP once members says the session ended', async () => {
    const accepted = await me();
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ data: { me: { id: memberId } } });

    const closed = new Promise<{ code: number; reason: string }>((resolve, reject) => {
      const client = createClient({
        url: gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${accessToken}` },
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => {},
        on: {
          connected: () => {
            log.push(sessionEnded(sessionId, memberId, Date.now()));
          },
          closed: (event) => {
            const { code, reason } = event as { code: number; reason: string };
            void client.dispose();
            if (code === 4401) resolve({ code, reason });
            else reject(new Error(`closed with ${code} ${reason}`));
          },
        },
      });
    });
    expect(await closed).toEqual({ code: 4401, reason: SESSION_ENDED_MESSAGE });

    const refused = await me();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await refused.json()).toMatchObject({ errors: [{ message: SESSION_ENDED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('should report how it follows the log on /readyz', async () => {
    const ready = await fetch(new URL('/readyz', gateway.url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', sessionRevocations: { state: 'live', position: 1, endedSessions: 1, failures: 0 } });
  });

  it('should keep serving, ready, while the log cannot be read', async () => {
    await log.close();
    await eventually(async () => {
      const body = (await (await fetch(new URL('/readyz', gateway.url))).json()) as { sessionRevocations: { state: string } };
      return body.sessionRevocations.state === 'retrying' ? true : undefined;
    }, 'the follower to notice');
    const ready = await fetch(new URL('/readyz', gateway.url));
    expect(ready.status).toBe(200);
    const anonymous = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ member(id: "m-1") { id } }' }) });
    expect(anonymous.status).toBe(200);
    // What it learnt stays known.
    expect((await me()).status).toBe(401);
  });
});
