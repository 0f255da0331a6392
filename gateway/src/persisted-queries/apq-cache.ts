import type { PersistedQueryOptions } from '@apollo/server';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '@pdn/logging';
import type { Safelist } from './persisted-operations.js';

/** Apollo Server's KeyValueCache, as its `persistedQueries.cache` option takes it. */
export type QueryCache = NonNullable<PersistedQueryOptions['cache']>;

// Apollo Server asks its APQ cache for `apq:<sha256>` (requestPipeline's APQ_CACHE_PREFIX, not exported).
const APOLLO_APQ_PREFIX = 'apq:';

/** Queries registered through APQ, in Redis so every gateway replica knows them. */
export class RedisQueryCache implements QueryCache {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly keyPrefix = 'pdn:gateway:',
  ) {}

  async get(key: string): Promise<string | undefined> {
    // Redis away: a miss at once, without waiting on its reconnection (the outage is logged once).
    if (this.redis.status !== 'ready') return undefined;
    try {
      return (await this.redis.get(this.keyPrefix + key)) ?? undefined;
    } catch (error) {
      // A cache that cannot answer is a miss: the client sends the full query again, as APQ expects.
      this.logger.warn({ err: error }, 'APQ cache read failed: treated as a miss');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (options?.ttl) await this.redis.set(this.keyPrefix + key, value, 'EX', options.ttl);
    else await this.redis.set(this.keyPrefix + key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.keyPrefix + key)) > 0;
  }
}

/**
 * Registered queries in this process only (no REDIS_URL): the least recently used go first once the
 * documents held pass `maxBytes`, so clients registering queries cannot grow the gateway's memory.
 */
export class InMemoryQueryCache implements QueryCache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = 32 * 1024 * 1024,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key);
      return undefined;
    }
    // Map keeps insertion order: re-inserting makes it the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    this.remove(key);
    this.entries.set(key, { value, expiresAt: options?.ttl ? this.now() + options.ttl * 1000 : Infinity });
    this.bytes += value.length;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  async delete(key: string): Promise<boolean> {
    return this.remove(key);
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.bytes -= entry.value.length;
    return true;
  }
}

/**
 * The APQ cache the gateway gives Apollo: the safelist's operations first (so our own client's
 * operations run by hash alone, never registered), then what clients registered.
 */
export class SafelistFirstCache implements QueryCache {
  constructor(
    private readonly safelist: Safelist,
    private readonly registered: QueryCache,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const hash = key.startsWith(APOLLO_APQ_PREFIX) ? key.slice(APOLLO_APQ_PREFIX.length) : key;
    return this.safelist.document(hash) ?? this.registered.get(key);
  }

  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    return this.registered.set(key, value, options);
  }

  delete(key: string): Promise<boolean | void> {
    return this.registered.delete(key);
  }
}

/**
 * A Redis connection for the APQ cache. Nothing is queued while it is not connected, and a command
 * Redis does not answer fails after `commandTimeout`: a miss, not a stalled request (queued, a read
 * waited for ioredis's reconnection attempts, up to seconds once back-off had grown).
 */
export function createApqRedis(url: string, logger: Logger, overrides: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    enableOfflineQueue: false,
    commandTimeout: 1000,
    connectionName: 'pdn-gateway-apq',
    ...overrides,
  });
  // ioredis reports every failed reconnection as an event: one warning per outage is enough.
  let connected = true;
  redis.on('ready', () => (connected = true));
  redis.on('error', (error: Error) => {
    if (!connected) return;
    connected = false;
    logger.warn({ err: error }, 'APQ Redis unavailable: registered queries are misses until it is back');
  });
  return redis;
}

export interface PersistedQueries {
  /** Apollo Server's `persistedQueries` option. */
  options: PersistedQueryOptions;
  /** Closes the Redis connection, if any. */
  close(): Promise<void>;
}

/**
 * Automatic persisted queries: a client sends a query's hash; when the gateway does not know it the
 * client sends hash and text, which registers it (in Redis with `redisUrl`, for every replica) for
 * `ttlSeconds`. The safelist's operations are known from the start.
 */
export function createPersistedQueries(options: {
  safelist: Safelist;
  redisUrl?: string;
  ttlSeconds: number;
  logger: Logger;
}): PersistedQueries {
  const redis = options.redisUrl ? createApqRedis(options.redisUrl, options.logger) : undefined;
  const registered = redis ? new RedisQueryCache(redis, options.logger) : new InMemoryQueryCache();
  return {
    options: { cache: new SafelistFirstCache(options.safelist, registered), ttl: options.ttlSeconds },
    close: async () => {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
