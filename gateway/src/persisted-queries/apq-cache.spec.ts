import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@pdn/logging';
import { createApqRedis, RedisQueryCache } from './apq-cache.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A TCP relay to the shared Redis that can be cut (connections dropped, the port closed), as in a crash. */
async function cuttableRelay(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: hostname, port: Number(port) });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let listening = true;
  const cut = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return { url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`, cut };
}

describe('the APQ cache in Redis while Redis is away', () => {
  let relay: Awaited<ReturnType<typeof cuttableRelay>>;
  beforeAll(async () => {
    relay = await cuttableRelay(REDIS_URL);
  });
  afterAll(async () => {
    await relay.cut();
  });

  it('should answer a miss at once, and refuse to store, however long ioredis has been reconnecting', async () => {
    // No disconnect timer (ioredis arms one of 2 s even for a socket already gone) to hold Jest open.
    const redis = createApqRedis(relay.url, createLogger('gateway-test', 'silent'), { disconnectTimeout: 0 });
    const cache = new RedisQueryCache(redis, createLogger('gateway-test', 'silent'), `pdn-test-${randomUUID()}:`);
    try {
      // Nothing is queued before the first connection either: registrations wait for it.
      if (redis.status !== 'ready') await once(redis, 'ready');
      await cache.set('apq:known', 'query Known { __typename }');
      expect(await cache.get('apq:known')).toBe('query Known { __typename }');

      await relay.cut();
      // Back-off grows with every failed attempt: wait until ioredis has been at it for a while.
      await sleep(3000);
      // A correctness bound, not a measure: before, the read waited for reconnection attempts (seconds).
      const started = Date.now();
      expect(await cache.get('apq:known')).toBeUndefined();
      await expect(cache.set('apq:other', 'query Other { __typename }')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      redis.disconnect();
    }
  });
});
