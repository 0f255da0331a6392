import type { Caller } from '@pdn/identity';
import type { Logger } from '@pdn/logging';
import { counter } from '@pdn/logging/metrics';
import type { RateLimitSettings } from '../gateway.config.js';
import type { ApiKeyGrant } from '../subgraph-data-source.js';
import { MemoryRateLimitStore, type RateLimitStore } from './rate-limit-store.js';
import { RedisRateLimitStore } from './redis-store.js';

export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Whose counter a request goes to, and how many requests that counter allows per window (0: no limit). */
export interface RateLimitSubject {
  kind: 'anonymous' | 'member' | 'key';
  id: string;
  limit: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** Whole seconds until the window ends (at least 1): Retry-After when refused. */
  resetSeconds: number;
}

const WARN_EVERY_MS = 30_000;

const refusals = counter({
  name: 'pdn_gateway_rate_limited_total',
  help: 'Requests refused by a rate limit, by the kind of counter (anonymous address, member, API key)',
  labelNames: ['kind'] as const,
});

/**
 * Requests per minute per caller: per API key (its own limit, else the default for keys), per member,
 * and per client address for everyone else. A counter store that fails lets requests through, with
 * a warning in the logs: losing the limits for a while beats losing the API.
 */
export class RateLimiter {
  private lastWarning = -Infinity;

  constructor(
    private readonly store: RateLimitStore,
    private readonly settings: Pick<RateLimitSettings, 'anonymousPerMinute' | 'memberPerMinute' | 'keyPerMinute'>,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly windowMs = RATE_LIMIT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get storeKind(): RateLimitStore['kind'] {
    return this.store.kind;
  }

  /** Anonymous requests, and any request whose credentials were refused, count against the client's address. */
  anonymous(address: string): RateLimitSubject {
    return { kind: 'anonymous', id: address, limit: this.settings.anonymousPerMinute };
  }

  subjectOf(caller: Caller, apiKey: ApiKeyGrant | undefined, address: string): RateLimitSubject {
    if (caller.kind === 'partner') {
      return { kind: 'key', id: caller.apiKeyId, limit: apiKey?.rateLimitPerMinute ?? this.settings.keyPerMinute };
    }
    if (caller.kind === 'member') return { kind: 'member', id: caller.memberId, limit: this.settings.memberPerMinute };
    return this.anonymous(address);
  }

  /**
   * Counts one request (`cost` 0: only looks). Undefined when the subject has no limit or the store
   * failed; otherwise whether the request may go on, and what is left.
   */
  async consume(subject: RateLimitSubject, cost = 1): Promise<RateLimitDecision | undefined> {
    if (subject.limit <= 0) return undefined;
    let count: number;
    let resetMs: number;
    try {
      ({ count, resetMs } = await this.store.hit(`${subject.kind}:${subject.id}`, this.windowMs, cost));
    } catch (error) {
      this.warn(error);
      return undefined;
    }
    const allowed = count <= subject.limit;
    if (!allowed && cost > 0) refusals.inc({ kind: subject.kind });
    return {
      allowed,
      limit: subject.limit,
      remaining: Math.max(0, subject.limit - count),
      resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
    };
  }

  /** Once every 30 s at most: a Redis outage must not flood the logs. */
  private warn(error: unknown): void {
    const now = this.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn({ err: error, store: this.store.kind }, 'rate limits not enforced: the counter store does not answer');
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** In memory without REDIS_URL; with it, in Redis, shared by every gateway replica. */
export async function createRateLimiter(settings: RateLimitSettings, logger: Logger): Promise<RateLimiter> {
  const log = logger.child({ component: 'rate-limits' });
  let lastRedisError = -Infinity;
  const store = settings.redisUrl
    ? await RedisRateLimitStore.connect(settings.redisUrl, {
        prefix: settings.redisPrefix,
        onError: (error) => {
          if (Date.now() - lastRedisError < WARN_EVERY_MS) return;
          lastRedisError = Date.now();
          log.warn({ err: error }, 'rate limits: redis error');
        },
      })
    : new MemoryRateLimitStore();
  return new RateLimiter(store, settings, log);
}
