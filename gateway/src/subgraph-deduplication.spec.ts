import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, verifyIdentity } from '@pdn/identity';
import { composeTestSupergraph, signPromeneurToken, startTestSubgraphs, testGatewayEnv, type TestSubgraph } from '../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';
import { InflightRequests } from './inflight-requests.js';
import { canonicalCaller, SignedIdentities } from './signed-identities.js';
import { type GatewayContext, SubgraphDataSource } from './subgraph-data-source.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
// Long enough for every concurrent request of a test to reach the gateway while the first fetch waits.
const SUBGRAPH_DELAY_MS = 300;
const MEMBER_WITH_EVENTS = '{ member(id: "m-1") { displayName upcomingEvents { id title } } }';
const EXPECTED = { data: { member: { displayName: 'Member m-1', upcomingEvents: [{ id: 'e1', title: 'Regroupement départemental' }] } } };

let members: TestSubgraph;
let calendar: TestSubgraph;
let gateway: RunningGateway;
let undeduplicated: RunningGateway;
let tokenKey: CryptoKey;

function graphqlRequests(subgraph: TestSubgraph): number {
  return subgraph.received.length;
}

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function deduplicatedSoFar(url: string): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('pdn_gateway_subgraph_fetches_deduplicated_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

const memberToken = (memberId: string) => signPromeneurToken(tokenKey, memberId);

beforeAll(async () => {
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  const supergraphSdl = composeTestSupergraph([members, calendar]);
  const pair = await generateKeyPair('EdDSA', { extractable: true });
  tokenKey = pair.privateKey;
  const env = { ...testGatewayEnv(SIGNING_KEY, members, calendar), JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey) };
  gateway = await createGateway(loadGatewayConfig(env), { supergraphSdl });
  undeduplicated = await createGateway(loadGatewayConfig({ ...env, SUBGRAPH_DEDUPLICATION: 'false' }), { supergraphSdl });
});

afterAll(async () => {
  await gateway?.stop();
  await undeduplicated?.stop();
  await Promise.all([members?.dispose(), calendar?.dispose()]);
});

beforeEach(() => {
  members.delayMs = SUBGRAPH_DELAY_MS;
  calendar.delayMs = SUBGRAPH_DELAY_MS;
  members.received.length = 0;
  calendar.received.length = 0;
});

describe('de-duplication of identical subgraph fetches in flight', () => {
  it('should send identical concurrent queries of one caller once per subgraph, and answer each client in full', async () => {
    const before = await deduplicatedSoFar(gateway.url);
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(gateway.url, MEMBER_WITH_EVENTS)));
    for (const answer of answers) expect(answer).toEqual({ status: 200, body: EXPECTED });
    expect(graphqlRequests(members)).toBe(1);
    expect(graphqlRequests(calendar)).toBe(1);
    // Four clients joined the first one's fetch, in each of the two subgraphs.
    expect((await deduplicatedSoFar(gateway.url)) - before).toBe(8);
    // The shared request still carries a valid signed identity and a request id.
    const { headers } = members.lastRequest();
    expect(verifyIdentity(headers[IDENTITY_HEADER] as string, headers[IDENTITY_SIGNATURE_HEADER] as string, SIGNING_KEY)).toEqual({
      ok: true,
      caller: { kind: 'anonymous' },
    });
    expect(headers['x-request-id']).toEqual(expect.any(String));
  });

  it('should give each waiter its own copy of the answer', async () => {
    const query = '{ a: member(id: "m-2") { displayName upcomingEvents { title } } b: member(id: "m-3") { upcomingEvents { id } } }';
    await post(gateway.url, query);
    const alone = graphqlRequests(calendar);
    calendar.received.length = 0;
    const answers = await Promise.all(Array.from({ length: 4 }, () => post(gateway.url, query)));
    const expected = {
      data: {
        a: { displayName: 'Member m-2', upcomingEvents: [{ title: 'Regroupement départemental' }] },
        b: { upcomingEvents: [{ id: 'e1' }] },
      },
    };
    for (const answer of answers) expect(answer.body).toEqual(expected);
    // As many calendar fetches as one client alone needs: the four clients shared each of them.
    expect(graphqlRequests(calendar)).toBe(alone);
  });

  it('should not share a fetch between different callers', async () => {
    const tokens = await Promise.all(['m-10', 'm-11'].map(memberToken));
    const answers = await Promise.all(
      tokens.flatMap((token) => [1, 2].map(() => post(gateway.url, MEMBER_WITH_EVENTS, { authorization: `Bearer ${token}` }))),
    );
    for (const answer of answers) expect(answer).toEqual({ status: 200, body: EXPECTED });
    // One fetch per caller and subgraph: the two requests of a caller share, the callers do not.
    expect(graphqlRequests(members)).toBe(2);
    expect(graphqlRequests(calendar)).toBe(2);
    const callers = members.received.map(({ headers }) => {
      const result = verifyIdentity(headers[IDENTITY_HEADER] as string, headers[IDENTITY_SIGNATURE_HEADER] as string, SIGNING_KEY);
      return result.ok && result.caller.kind === 'member' ? result.caller.memberId : undefined;
    });
    expect(callers.sort()).toEqual(['m-10', 'm-11']);
  });

  it('should never share a mutation', async () => {
    const answers = await Promise.all(Array.from({ length: 3 }, () => post(gateway.url, 'mutation { touch }')));
    for (const answer of answers) expect(answer.body).toEqual({ data: { touch: true } });
    expect(graphqlRequests(members)).toBe(3);
  });

  it('should not share fetches whose variables differ', async () => {
    await Promise.all(['m-4', 'm-5', 'm-4'].map((id) => post(gateway.url, `{ member(id: "${id}") { displayName } }`)));
    expect(graphqlRequests(members)).toBe(2);
  });

  it('should send every fetch when SUBGRAPH_DEDUPLICATION is false', async () => {
    const answers = await Promise.all(Array.from({ length: 3 }, () => post(undeduplicated.url, MEMBER_WITH_EVENTS)));
    for (const answer of answers) expect(answer.body).toEqual(EXPECTED);
    expect(graphqlRequests(members)).toBe(3);
    expect(graphqlRequests(calendar)).toBe(3);
  });

  it('should fail every waiter of a fetch whose subgraph is down, with SERVICE_UNAVAILABLE', async () => {
    await calendar.stop();
    try {
      const answers = await Promise.all(Array.from({ length: 3 }, () => post(gateway.url, MEMBER_WITH_EVENTS)));
      for (const { body } of answers) {
        expect(body.data).toEqual({ member: { displayName: 'Member m-1', upcomingEvents: null } });
        expect(body.errors).toEqual([
          expect.objectContaining({ path: ['member', 'upcomingEvents'], extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service: 'calendar' }) }),
        ]);
      }
    } finally {
      await calendar.start();
    }
  });
});

describe('SubgraphDataSource', () => {
  it('should parse a shared answer for each waiter: equal objects, never the same ones', async () => {
    const source = new SubgraphDataSource({
      endpoint: { name: 'members', url: members.url, timeoutMs: 5000 },
      identitySigningKey: SIGNING_KEY,
      logger: pino({ level: 'silent' }),
    });
    try {
      const fetch = () =>
        // A health check's kind (Apollo does not export its enum): no client operation, sent as anonymous.
        source.process({ kind: 'health check', request: { query: '{ member(id: "m-9") { id displayName } }' }, context: {} } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
      const [first, second] = await Promise.all([fetch(), fetch()]);
      expect(members.received).toHaveLength(1);
      expect(first).toEqual({ data: { member: { id: 'm-9', displayName: 'Member m-9' } } });
      expect(second).toEqual(first);
      expect(second).not.toBe(first);
      expect(second.data!.member).not.toBe(first.data!.member);
    } finally {
      source.close();
    }
  });
});

describe('InflightRequests', () => {
  it('should share a pending request and forget it once settled, whether it succeeds or fails', async () => {
    const inflight = new InflightRequests<string>();
    let starts = 0;
    let release!: (value: string) => void;
    const start = () => {
      starts++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = inflight.run('k', start);
    const second = inflight.run('k', start);
    expect([first.shared, second.shared, starts]).toEqual([false, true, 1]);
    release('answer');
    expect(await Promise.all([first.result, second.result])).toEqual(['answer', 'answer']);
    expect(inflight.size).toBe(0);
    const failing = inflight.run('k', () => Promise.reject(new Error('down')));
    await expect(failing.result).rejects.toThrow('down');
    expect(inflight.size).toBe(0);
    expect(inflight.run('k', start).shared).toBe(false);
  });
});

describe('SignedIdentities', () => {
  it('should sign a caller once for a few seconds, then sign again', () => {
    let now = 1_800_000_000_000;
    const identities = new SignedIdentities(SIGNING_KEY, () => now);
    const caller = { kind: 'partner' as const, apiKeyId: 'k-1', scopes: ['FEED_READ' as const], departments: ['32'] };
    const first = identities.headersFor(caller);
    now += 5_000;
    // The same caller built in another key order shares the signature.
    expect(identities.headersFor({ departments: ['32'], scopes: ['FEED_READ'], apiKeyId: 'k-1', kind: 'partner' })).toBe(first);
    now += 6_000;
    const second = identities.headersFor(caller);
    expect(second).not.toBe(first);
    expect(verifyIdentity(second[IDENTITY_HEADER], second[IDENTITY_SIGNATURE_HEADER], SIGNING_KEY, { now: new Date(now) })).toEqual({ ok: true, caller });
  });

  it('should tell callers apart by every field', () => {
    const member = { kind: 'member' as const, memberId: 'm-1', role: 'PROMENEUR' as const, status: 'ACTIVE' as const, departments: ['32'] };
    expect(canonicalCaller(member)).not.toBe(canonicalCaller({ ...member, role: 'COORDINATOR' }));
    expect(canonicalCaller(member)).not.toBe(canonicalCaller({ ...member, departments: ['32', '31'] }));
  });
});
