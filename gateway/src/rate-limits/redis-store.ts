import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { RateLimitStore, WindowCount } from './rate-limit-store.js';

// One round trip, atomic: count, then open the window if this hit is its first (or if a crash
// left a counter without expiry). Every replica thus shares one window per key.
const HIT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {count, ttl}`;

export interface RedisStoreOptions {
  /** Prepended to every key, so that environments (or test runs) sharing a Redis stay apart. */
  prefix: string;
  /** A command that takes longer fails (and the limiter lets the request through). */
  commandTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/**
 * Counters in Redis, shared by every gateway replica. While Redis is away, `hit` fails at once
 * instead of queueing: the limiter then lets requests through rather than taking the API down.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = 'redis' as const;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Waits up to `readyTimeoutMs` for the connection; a Redis that is not there yet does not stop the gateway. */
  static async connect(url: string, options: RedisStoreOptions, readyTimeoutMs = 2000): Promise<RedisRateLimitStore> {
    const redis = new Redis(url, {
      connectionName: 'pdn-gateway-rate-limits',
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 500,
      disconnectTimeout: 200,
      retryStrategy: (times) => Math.min(times * 200, 5000),
    });
    redis.on('error', (error: Error) => options.onError?.(error));
    // `once` also settles on the first 'error' (Redis refusing connections): no point waiting longer then.
    const ready = once(redis, 'ready').then(
      () => undefined,
      () => undefined,
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ready, new Promise<void>((resolve) => (timer = setTimeout(resolve, readyTimeoutMs)))]);
    clearTimeout(timer);
    return new RedisRateLimitStore(redis, options.prefix);
  }

  async hit(key: string, windowMs: number, cost = 1): Promise<WindowCount> {
    if (this.redis.status !== 'ready') throw new Error(`Redis is not connected (${this.redis.status})`);
    const [count, ttl] = (await this.redis.eval(HIT, 1, `${this.prefix}${key}`, cost, windowMs)) as [number, number];
    return { count, resetMs: ttl };
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      try {
        await this.redis.quit();
        return;
      } catch {
        // Not answering: cut the connection below.
      }
    }
    this.redis.disconnect();
  }
}
