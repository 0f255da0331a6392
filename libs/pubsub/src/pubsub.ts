import { EventEmitter } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '@pdn/logging';

/**
 * A subscription to one or more topics. It buffers events from the moment `subscribe` returns, so a
 * caller can subscribe first, replay history from the database, then drain the live events without a
 * gap. `ready` resolves once the engine really listens (a Redis SUBSCRIBE round trip): events
 * published by another replica before that are not seen.
 */
export interface Subscription<T = unknown> extends AsyncIterableIterator<T> {
  readonly ready: Promise<void>;
  return(): Promise<IteratorResult<T>>;
}

export interface PubSubEngine {
  /** Best effort: a broker failure is logged, never thrown, since the database stays the source of truth. */
  publish(topic: string, payload: unknown): Promise<void>;
  subscribe<T = unknown>(topics: string | readonly string[]): Subscription<T>;
  close(): Promise<void>;
  /** Subscriptions to this topic open in this process (tests wait on it; a subscribe over WebSocket is asynchronous). */
  localSubscribers(topic: string): number;
  readonly kind: 'in-process' | 'redis';
}

export type PubSubLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface PubSubOptions {
  /** Without it events stay in this process (one replica, tests). */
  redisUrl?: string | undefined;
  logger: PubSubLogger;
  /** Prepended to every Redis channel, so that environments (or test runs) sharing a Redis stay apart. */
  channelPrefix?: string;
  /** Events kept for a slow subscriber before the oldest are dropped. */
  maxBuffered?: number;
  redisOptions?: RedisOptions;
}

export function createPubSub(options: PubSubOptions): PubSubEngine {
  return options.redisUrl ? new RedisPubSub(options.redisUrl, options) : new InProcessPubSub(options);
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** JSON text of a payload; Dates become ISO strings that `decodePayload` turns back into Dates. */
export function encodePayload(payload: unknown): string {
  return JSON.stringify(payload ?? null);
}

export function decodePayload(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'string' && ISO_DATE_TIME.test(value)) {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) return date;
    }
    return value;
  });
}

type Listener = (text: string) => void;

/** Topic listeners shared by both engines; each subscription is a buffered async iterator over them. */
abstract class BasePubSub implements PubSubEngine {
  abstract readonly kind: 'in-process' | 'redis';
  protected readonly listeners = new Map<string, Set<Listener>>();
  private readonly open = new Set<Subscription<unknown>>();
  protected closed = false;

  constructor(protected readonly options: PubSubOptions) {}

  abstract publish(topic: string, payload: unknown): Promise<void>;
  /** Called when a topic gets its first listener / loses its last one. */
  protected abstract listen(topic: string): Promise<void>;
  protected abstract unlisten(topic: string): Promise<void>;
  protected abstract shutdown(): Promise<void>;

  localSubscribers(topic: string): number {
    return this.listeners.get(topic)?.size ?? 0;
  }

  protected dispatch(topic: string, text: string): void {
    for (const listener of this.listeners.get(topic) ?? []) listener(text);
  }

  subscribe<T = unknown>(topics: string | readonly string[]): Subscription<T> {
    const names = [...new Set(typeof topics === 'string' ? [topics] : topics)];
    const maxBuffered = this.options.maxBuffered ?? 1000;
    const queue: T[] = [];
    const waiting: Array<(result: IteratorResult<T>) => void> = [];
    let done = this.closed;

    const listener: Listener = (text) => {
      if (done) return;
      let value: T;
      try {
        value = decodePayload(text) as T;
      } catch (error) {
        this.options.logger.warn({ err: error }, 'pubsub: undecodable payload dropped');
        return;
      }
      const next = waiting.shift();
      if (next) {
        next({ value, done: false });
        return;
      }
      queue.push(value);
      if (queue.length > maxBuffered) {
        queue.shift();
        this.options.logger.warn({ topics: names }, 'pubsub: slow subscriber, oldest event dropped');
      }
    };

    const pending: Promise<void>[] = [];
    if (!done) {
      for (const topic of names) {
        let set = this.listeners.get(topic);
        if (!set) {
          set = new Set();
          this.listeners.set(topic, set);
          pending.push(this.listen(topic));
        }
        set.add(listener);
      }
    }

    const finish = async (): Promise<IteratorResult<T>> => {
      if (!done) {
        done = true;
        queue.length = 0;
        for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
        this.open.delete(subscription as Subscription<unknown>);
        for (const topic of names) {
          const set = this.listeners.get(topic);
          if (!set) continue;
          set.delete(listener);
          if (set.size === 0) {
            this.listeners.delete(topic);
            await this.unlisten(topic);
          }
        }
      }
      return { value: undefined, done: true };
    };

    const subscription: Subscription<T> = {
      ready: Promise.all(pending).then(() => undefined),
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift() as T, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: finish,
      throw: async (error?: unknown) => {
        await finish();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    if (!done) this.open.add(subscription as Subscription<unknown>);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.open].map((subscription) => subscription.return()));
    await this.shutdown();
  }
}

/**
 * One replica: an EventEmitter-like fan-out. Payloads still travel as JSON so that both engines hand
 * subscribers the same shapes (Dates revived, no shared mutable objects).
 */
class InProcessPubSub extends BasePubSub {
  readonly kind = 'in-process' as const;
  private readonly emitter = new EventEmitter();

  constructor(options: PubSubOptions) {
    super(options);
    this.emitter.setMaxListeners(0);
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    if (this.closed) return;
    const text = encodePayload(payload);
    // Asynchronous delivery, as with Redis: a publisher never runs subscriber code in its own stack.
    queueMicrotask(() => this.dispatch(topic, text));
  }

  protected async listen(): Promise<void> {}
  protected async unlisten(): Promise<void> {}
  protected async shutdown(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/**
 * Several replicas: Redis PUBLISH/SUBSCRIBE on two connections (a subscribed connection can do
 * nothing else). ioredis reconnects on its own and re-subscribes the channels afterwards; every
 * error is logged, none escapes as an unhandled 'error' event that would kill the process.
 */
class RedisPubSub extends BasePubSub {
  readonly kind = 'redis' as const;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;

  constructor(url: string, options: PubSubOptions) {
    super(options);
    this.prefix = options.channelPrefix ?? 'pdn:';
    const common: RedisOptions = {
      retryStrategy: (times) => Math.min(times * 200, 5000),
      reconnectOnError: () => true,
      ...options.redisOptions,
    };
    // A publish waits for a few reconnection attempts at most, then is logged and dropped.
    this.publisher = new Redis(url, { maxRetriesPerRequest: 2, ...common, connectionName: 'pdn-pubsub-pub' });
    // Subscriptions wait as long as it takes: ioredis replays them on reconnection.
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null, ...common, connectionName: 'pdn-pubsub-sub' });
    for (const [role, client] of [['publisher', this.publisher], ['subscriber', this.subscriber]] as const) {
      client.on('error', (error: Error) => options.logger.error({ err: error, role }, 'pubsub: redis error'));
      client.on('reconnecting', () => options.logger.warn({ role }, 'pubsub: reconnecting to redis'));
    }
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel.startsWith(this.prefix)) this.dispatch(channel.slice(this.prefix.length), text);
    });
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    if (this.closed) return;
    try {
      await this.publisher.publish(this.prefix + topic, encodePayload(payload));
    } catch (error) {
      this.options.logger.error({ err: error, topic }, 'pubsub: publish failed, event dropped');
    }
  }

  protected async listen(topic: string): Promise<void> {
    try {
      await this.subscriber.subscribe(this.prefix + topic);
    } catch (error) {
      this.options.logger.error({ err: error, topic }, 'pubsub: subscribe failed');
    }
  }

  protected async unlisten(topic: string): Promise<void> {
    if (this.subscriber.status === 'end') return;
    try {
      await this.subscriber.unsubscribe(this.prefix + topic);
    } catch (error) {
      this.options.logger.warn({ err: error, topic }, 'pubsub: unsubscribe failed');
    }
  }

  protected async shutdown(): Promise<void> {
    await Promise.all(
      [this.publisher, this.subscriber].map(async (client) => {
        if (client.status === 'ready') {
          try {
            await client.quit();
            return;
          } catch {
            // falls through to a hard disconnect
          }
        }
        // Not connected (or quitting failed): drop the socket and any pending reconnection timer.
        client.disconnect(false);
      }),
    );
  }
}
