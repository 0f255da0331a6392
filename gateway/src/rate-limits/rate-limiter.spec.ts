import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { Caller } from '@pdn/identity';
import { MemoryRateLimitStore, type RateLimitStore } from './rate-limit-store.js';
import { RateLimiter } from './rate-limiter.js';
import { RedisRateLimitStore } from './redis-store.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const LIMITS = { anonymousPerMinute: 3, memberPerMinute: 5, keyPerMinute: 4 };
const WINDOW_MS = 60_000;

class Warnings {
  readonly lines: { obj: object; msg?: string }[] = [];
  warn = (obj: object, msg?: string) => {
    this.lines.push({ obj, msg });
  };
}

const member: Caller = { kind: 'member', memberId: 'm-1', role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'] };
const partner: Caller = { kind: 'partner', apiKeyId: 'k-1', scopes: ['FEED_READ'], departments: ['32'] };

const stores: RateLimitStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
});

async function redisStore(prefix: string): Promise<RedisRateLimitStore> {
  const store = await RedisRateLimitStore.connect(REDIS_URL, { prefix });
  stores.push(store);
  return store;
}

/** The same rules whatever keeps the counters. */
function limiterContract(name: string, makeStore: () => Promise<RateLimitStore>) {
  describe(`RateLimiter over the ${name} store`, () => {
    const limiter = async () => new RateLimiter(await makeStore(), LIMITS, new Warnings());

    it('should let the limit through in a window and refuse the next request, saying when to retry', async () => {
      const rl = await limiter();
      const subject = rl.anonymous(`198.51.100.${Math.floor(Math.random() * 250)}`);
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await rl.consume(subject));
      expect(decisions.map((d) => d?.allowed)).toEqual([true, true, true, false]);
      expect(decisions.map((d) => d?.remaining)).toEqual([2, 1, 0, 0]);
      expect(decisions[3]).toMatchObject({ limit: 3 });
      for (const decision of decisions) {
        expect(decision!.resetSeconds).toBeGreaterThanOrEqual(1);
        expect(decision!.resetSeconds).toBeLessThanOrEqual(60);
      }
    });

    it('should keep one counter per subject', async () => {
      const rl = await limiter();
      const [a, b] = [rl.anonymous(randomUUID()), rl.anonymous(randomUUID())];
      for (let i = 0; i < 3; i++) await rl.consume(a);
      expect((await rl.consume(a))?.allowed).toBe(false);
      expect((await rl.consume(b))?.allowed).toBe(true);
    });

    it('should only look at the counter when the cost is 0', async () => {
      const rl = await limiter();
      const subject = rl.anonymous(randomUUID());
      await rl.consume(subject);
      expect(await rl.consume(subject, 0)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await rl.consume(subject, 0)).toMatchObject({ allowed: true, remaining: 2 });
    });
  });
}

limiterContract('memory', async () => new MemoryRateLimitStore());
limiterContract('Redis', () => redisStore(`pdn-test-${randomUUID()}:`));

describe('RateLimiter', () => {
  it('should give a key its own limit, else the default for keys; members and addresses theirs', () => {
    const rl = new RateLimiter(new MemoryRateLimitStore(), LIMITS, new Warnings());
    expect(rl.subjectOf(partner, { id: 'k-1', persistedOnly: false, rateLimitPerMinute: 2 }, '203.0.113.9')).toEqual({ kind: 'key', id: 'k-1', limit: 2 });
    expect(rl.subjectOf(partner, { id: 'k-1', persistedOnly: false, rateLimitPerMinute: null }, '203.0.113.9')).toEqual({ kind: 'key', id: 'k-1', limit: 4 });
    expect(rl.subjectOf(member, undefined, '203.0.113.9')).toEqual({ kind: 'member', id: 'm-1', limit: 5 });
    expect(rl.subjectOf({ kind: 'anonymous' }, undefined, '203.0.113.9')).toEqual({ kind: 'anonymous', id: '203.0.113.9', limit: 3 });
  });

  it('should not count at all when a limit is 0', async () => {
    const store = new MemoryRateLimitStore();
    const rl = new RateLimiter(store, { ...LIMITS, anonymousPerMinute: 0 }, new Warnings());
    for (let i = 0; i < 10; i++) expect(await rl.consume(rl.anonymous('203.0.113.9'))).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('should open a new window once the previous one ends, and forget ended windows', async () => {
    let now = 1_000_000;
    const store = new MemoryRateLimitStore(() => now);
    const rl = new RateLimiter(store, LIMITS, new Warnings(), WINDOW_MS, () => now);
    const subject = rl.anonymous('203.0.113.9');
    for (let i = 0; i < 3; i++) await rl.consume(subject);
    now += 15_000;
    expect(await rl.consume(subject)).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 45 });
    now += 45_000;
    expect(await rl.consume(subject)).toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 60 });
    await rl.consume(rl.anonymous('other'));
    now += 60_000;
    await rl.consume(rl.anonymous('third'));
    expect(store.size).toBe(1);
  });

  it('should share counters between gateways through Redis', async () => {
    const prefix = `pdn-test-${randomUUID()}:`;
    const [a, b] = [new RateLimiter(await redisStore(prefix), LIMITS, new Warnings()), new RateLimiter(await redisStore(prefix), LIMITS, new Warnings())];
    const subject = a.subjectOf(partner, undefined, '203.0.113.9');
    expect((await a.consume(subject))?.remaining).toBe(3);
    expect((await b.consume(subject))?.remaining).toBe(2);
    expect((await a.consume(subject))?.remaining).toBe(1);
    expect((await b.consume(subject))?.allowed).toBe(true);
    expect((await a.consume(subject))?.allowed).toBe(false);
  });

  it('should keep a Redis counter no longer than its window', async () => {
    const prefix = `pdn-test-${randomUUID()}:`;
    const rl = new RateLimiter(await redisStore(prefix), LIMITS, new Warnings());
    await rl.consume(rl.anonymous('203.0.113.9'));
    const redis = new Redis(REDIS_URL);
    try {
      const ttl = await redis.pttl(`${prefix}anonymous:203.0.113.9`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
    } finally {
      redis.disconnect();
    }
  });

  describe('when Redis is down', () => {
    let blackHole: Server | undefined;
    const sockets: Socket[] = [];
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => (blackHole ? blackHole.close(resolve) : resolve(undefined)));
    });

    it('should let requests through and warn, once, when Redis refuses connections', async () => {
      // A port that was free a moment ago: nothing listens there.
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as { port: number };
          probe.close(() => resolve(free));
        });
      });
      const warnings = new Warnings();
      const store = await RedisRateLimitStore.connect(`redis://127.0.0.1:${port}`, { prefix: 'pdn-test:' }, 500);
      stores.push(store);
      const rl = new RateLimiter(store, LIMITS, warnings);
      const subject = rl.anonymous('203.0.113.9');
      for (let i = 0; i < 10; i++) expect(await rl.consume(subject)).toBeUndefined();
      expect(warnings.lines).toHaveLength(1);
      expect(warnings.lines[0]).toMatchObject({ msg: expect.stringContaining('not enforced'), obj: { store: 'redis' } });
    });

    it('should let requests through when Redis accepts connections but never answers', async () => {
      blackHole = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => blackHole!.listen(0, '127.0.0.1', resolve));
      const { port } = blackHole.address() as { port: number };
      const store = await RedisRateLimitStore.connect(`redis://127.0.0.1:${port}`, { prefix: 'pdn-test:', commandTimeoutMs: 100 }, 200);
      stores.push(store);
      const rl = new RateLimiter(store, LIMITS, new Warnings());
      expect(await rl.consume(rl.anonymous('203.0.113.9'))).toBeUndefined();
      await store.close();
    });
  });
});
