import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { TemporaryRedis } from './temporary-redis.js';

/**
 * A client that neither queues nor retries: each command shows whether the server is there right now.
 * (No disconnect timer either: ioredis's 2 s one would keep Jest waiting after the last test.)
 */
function directClient(url: string): Redis {
  return new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, disconnectTimeout: 0 });
}

async function ping(url: string): Promise<string> {
  const client = directClient(url);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.ping();
  } catch (error) {
    return `unreachable: ${(error as Error).message}`;
  } finally {
    client.disconnect();
  }
}

describe('TemporaryRedis', () => {
  let redis: TemporaryRedis;
  beforeAll(async () => {
    redis = await TemporaryRedis.start();
  });
  afterAll(async () => {
    await redis.dispose();
  });

  it('should run a Redis of its own, persisting nothing', async () => {
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(redis.url).not.toBe('redis://127.0.0.1:6379');
    expect(redis.running).toBe(true);
    const client = directClient(redis.url);
    try {
      await client.connect();
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    } finally {
      client.disconnect();
    }
  });

  it('should be unreachable once stopped, and back on the same URL, empty, once restarted', async () => {
    const client = directClient(redis.url);
    try {
      await client.connect();
      await client.set('survives-a-crash', 'no');
    } finally {
      client.disconnect();
    }

    await redis.stop();
    expect(redis.running).toBe(false);
    expect(await ping(redis.url)).toMatch(/^unreachable/);
    await redis.stop(); // stopping twice is harmless

    await redis.restart();
    expect(redis.running).toBe(true);
    expect(await ping(redis.url)).toBe('PONG');
    const after = directClient(redis.url);
    try {
      await after.connect();
      expect(await after.get('survives-a-crash')).toBeNull();
    } finally {
      after.disconnect();
    }
  });
});
