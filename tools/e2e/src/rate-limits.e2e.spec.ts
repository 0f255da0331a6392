import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { CreateApiKeyDocument, type CreateApiKeyInput, PdnClient, type PdnResult, PublicDirectoryDocument } from '@pdn/client';
import { createGateway, loadGatewayConfig, type RunningGateway } from '@pdn/gateway';
import { join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

// Rate limits as partners and anonymous clients meet them: gateways with small limits in front of the
// real subgraphs, counters in Redis shared by two gateways.

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

describe('rate limits through the gateway', () => {
  let system: RunningSystem;
  let coordinator: Person;
  const gateways: RunningGateway[] = [];

  /** A gateway over the system's subgraphs with its own limits; behind one trusted proxy, so tests choose the client address. */
  async function gateway(env: Record<string, string> = {}): Promise<RunningGateway> {
    const started = await createGateway(
      loadGatewayConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        GATEWAY_PORT: '0',
        MEMBERS_URL: system.members.url,
        CALENDAR_URL: system.calendar.url,
        FEED_URL: system.feed.url,
        TRUST_PROXY_HOPS: '1',
        ...env,
      }),
    );
    gateways.push(started);
    return started;
  }

  async function createKey(input: Partial<CreateApiKeyInput>) {
    return ok(await coordinator.client.request(CreateApiKeyDocument, { input: { name: 'Portail jeunesse', scopes: ['DIRECTORY_READ'], departments: ['32'], ...input } }), 'createApiKey').createApiKey;
  }

  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

  beforeAll(async () => {
    system = await startSystem();
    const admin = await signInAdmin(system);
    coordinator = await join(system, admin, { structureId: null, email: 'coordination@caf32.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await system?.close();
  });

  it('should answer RATE_LIMITED with retryAfterSeconds and HTTP 429 once a key has used its requests of the minute', async () => {
    const limited = await gateway();
    const { secret } = await createKey({ rateLimitPerMinute: 3 });
    const partner = new PdnClient(limited.url, { apiKey: secret });
    for (let i = 0; i < 3; i++) expect((await partner.request(PublicDirectoryDocument, {})).status).toBe(200);

    const refused = await partner.request(PublicDirectoryDocument, {});
    expect(refused.status).toBe(429);
    expect(refused.data).toBeUndefined();
    const retryAfterSeconds = refused.errors?.[0]?.extensions?.['retryAfterSeconds'] as number;
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds });
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(60);

    // The raw answer, as any HTTP client sees it.
    const raw = await fetch(limited.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': secret },
      body: JSON.stringify({ query: '{ structures(first: 1) { totalCount } }' }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(raw.headers.get('ratelimit-limit')).toBe('3');
    expect(raw.headers.get('ratelimit-remaining')).toBe('0');

    // Another key, and anonymous callers, are not affected.
    const other = await createKey({});
    expect((await new PdnClient(limited.url, { apiKey: other.secret }).request(PublicDirectoryDocument, {})).status).toBe(200);
    expect((await new PdnClient(limited.url, from('203.0.113.50')).request(PublicDirectoryDocument, {})).status).toBe(200);
  });

  it('should share the counters of two gateways through Redis', async () => {
    const env = { REDIS_URL, RATE_LIMIT_REDIS_PREFIX: `pdn-e2e-${randomUUID()}:` };
    const [a, b] = [await gateway(env), await gateway(env)];
    const { secret } = await createKey({ rateLimitPerMinute: 4 });
    const [onA, onB] = [new PdnClient(a.url, { apiKey: secret }), new PdnClient(b.url, { apiKey: secret })];
    const statuses = [];
    for (const client of [onA, onB, onA, onB, onA, onB]) statuses.push((await client.request(PublicDirectoryDocument, {})).status);
    // Alone, each gateway would have let all three of its requests through.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('should limit anonymous traffic per client address', async () => {
    const limited = await gateway({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' });
    const statuses = async (address: string, count: number) => {
      const client = new PdnClient(limited.url, from(address));
      const result = [];
      for (let i = 0; i < count; i++) result.push((await client.request(PublicDirectoryDocument, {})).status);
      return result;
    };
    expect(await statuses('198.51.100.7', 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses('198.51.100.8', 1)).toEqual([200]);
    // A partner behind the same address counts against its key, not the address.
    const { secret } = await createKey({});
    expect((await new PdnClient(limited.url, { apiKey: secret, ...from('198.51.100.7') }).request(PublicDirectoryDocument, {})).status).toBe(200);
  });

  it('should limit the /ics calendar feeds per client address', async () => {
    const limited = await gateway({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2' });
    const feed = () => fetch(new URL('/ics/events.ics?department=32', limited.url), from('198.51.100.9'));
    const first = await feed();
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('BEGIN:VCALENDAR');
    expect((await feed()).status).toBe(200);
    const refused = await feed();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.text()).toContain('Too many requests');
  });

  it('should count graphql-ws connections against the key', async () => {
    const limited = await gateway();
    const { secret } = await createKey({ rateLimitPerMinute: 1 });
    const open = () =>
      new Promise<{ connected: boolean; code?: number; reason?: string }>((resolve) => {
        const client = createClient({
          url: limited.url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { apiKey: secret },
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => {},
          on: {
            connected: () => {
              resolve({ connected: true });
              void client.dispose();
            },
            closed: (event) => {
              // A CloseEvent: its fields are getters, which spreading would lose.
              const { code, reason } = event as { code: number; reason: string };
              resolve({ connected: false, code, reason });
            },
          },
        });
      });
    expect(await open()).toEqual({ connected: true });
    expect(await open()).toMatchObject({ connected: false, code: 4429, reason: expect.stringContaining('Too many requests') });
  });
});
