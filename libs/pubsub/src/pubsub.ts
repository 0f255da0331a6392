import { EventEmitter } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';
import { serviceUnavailable } from '@pdn/errors';
import type { Logger } from '@pdn/logging';

/** The message of the error that ends a subscription whose events were lost (see `Subscription`). */
export const SUBSCRIPTION_INTERRUPTED =
  'Live events were interrupted (the event broker connection dropped): subscribe again, with `since` to catch up.';

/**
 * A subscription to one or more topics. It buffers events from the moment `subscribe` returns, so a
 * caller can subscribe first, replay history from the database, then drain the live events without a
 * gap. `ready` resolves once the engine really listens (a Redis SUBSCRIBE round trip): events
 * published by another replica before that are not seen.
 *
 * Once ready, it never misses an event silently: when the engine loses the events of its topics (the
 * Redis connection dropped), `next()` hands out what was buffered, then rejects once with
 * SERVICE_UNAVAILABLE ({@link SUBSCRIPTION_INTERRUPTED}) and the subscription is over. The client
 * subscribes again, with `since` where the API offers it, and catches up from the database.
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

/** What the engine holds of each open subscription, to interrupt it. */
interface OpenSubscription {
  /** Its `ready` has resolved: from then on it would miss events while the engine cannot hear them. */
  live: boolean;
  interrupt(error: Error): void;
  /** Its `return()`. */
  end(): Promise<unknown>;
}

/** Topic listeners shared by both engines; each subscription is a buffered async iterator over them. */
abstract class BasePubSub implements PubSubEngine {
  abstract readonly kind: 'in-process' | 'redis';
  protected readonly listeners = new Map<string, Set<Listener>>();
  /**
   * Per topic, the engine's own subscription (a SUBSCRIBE round trip): every subscription to the topic
   * is ready once it is, not only the one that asked first.
   */
  private readonly listening = new Map<string, Promise<void>>();
  private readonly open = new Set<OpenSubscription>();
  protected closed = false;

  constructor(protected readonly options: PubSubOptions) {}

  abstract publish(topic: string, payload: unknown): Promise<void>;
  /** Called when a topic gets its first listener / loses its last one. Never rejects. */
  protected abstract listen(topic: string): Promise<void>;
  protected abstract unlisten(topic: string): Promise<void>;
  protected abstract shutdown(): Promise<void>;

  localSubscribers(topic: string): number {
    return this.listeners.get(topic)?.size ?? 0;
  }

  protected dispatch(topic: string, text: string): void {
    for (const listener of this.listeners.get(topic) ?? []) listener(text);
  }

  /**
   * The engine could not hear its topics for a while (events were lost): every subscription that was
   * ready ends with SERVICE_UNAVAILABLE. Those not ready yet go on: they are ready once the engine
   * listens again, and whatever they replay then covers the gap. Returns how many were interrupted.
   */
  protected interruptLiveSubscriptions(): number {
    if (this.closed) return 0;
    const live = [...this.open].filter((subscription) => subscription.live);
    for (const subscription of live) subscription.interrupt(serviceUnavailable(SUBSCRIPTION_INTERRUPTED, { service: 'pubsub' }));
    return live.length;
  }

  subscribe<T = unknown>(topics: string | readonly string[]): Subscription<T> {
    const names = [...new Set(typeof topics === 'string' ? [topics] : topics)];
    const maxBuffered = this.options.maxBuffered ?? 1000;
    const queue: T[] = [];
    const waiting: Array<{ resolve: (result: IteratorResult<T>) => void; reject: (error: Error) => void }> = [];
    let done = this.closed;
    /** Set by an interruption: handed to the reader once the buffer is drained. */
    let failure: Error | undefined;

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
        next.resolve({ value, done: false });
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
          this.listening.set(topic, this.listen(topic));
        }
        set.add(listener);
        pending.push(this.listening.get(topic)!);
      }
    }

    /** Stops listening at once; the engine's UNSUBSCRIBE goes out without being waited for (Redis may be away). */
    const stopListening = () => {
      done = true;
      this.open.delete(handle);
      for (const topic of names) {
        const set = this.listeners.get(topic);
        if (!set) continue;
        set.delete(listener);
        if (set.size === 0) {
          this.listeners.delete(topic);
          this.listening.delete(topic);
          void this.unlisten(topic);
        }
      }
    };

    const finish = async (): Promise<IteratorResult<T>> => {
      if (!done) stopListening();
      failure = undefined;
      queue.length = 0;
      for (const reader of waiting.splice(0)) reader.resolve({ value: undefined, done: true });
      return { value: undefined, done: true };
    };

    const handle: OpenSubscription = {
      live: false,
      interrupt: (error) => {
        if (done) return;
        stopListening();
        const reader = waiting.shift();
        if (reader) reader.reject(error);
        else failure = error;
        for (const other of waiting.splice(0)) other.resolve({ value: undefined, done: true });
      },
      end: () => finish(),
    };

    const subscription: Subscription<T> = {
      ready: Promise.all(pending).then(() => {
        handle.live = true;
      }),
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift() as T, done: false });
        if (failure) {
          const error = failure;
          failure = undefined;
          return Promise.reject(error);
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
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
    if (!done) this.open.add(handle);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Ended, not interrupted: a subscriber of a replica that shuts down gets `complete`.
    await Promise.all([...this.open].map((subscription) => subscription.end()));
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
 *
 * While Redis is away nothing waits on it: a publish is dropped at once (the database stays the
 * source of truth), the subscriptions that were live end with SERVICE_UNAVAILABLE (their events are
 * lost, a client subscribes again with `since`), new ones are ready once Redis is back.
 */
class RedisPubSub extends BasePubSub {
  readonly kind = 'redis' as const;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  /** Set once the publisher has been connected: from then on, not being connected is an outage. */
  private publisherConnectedOnce = false;
  /** Per connection, whether this outage was logged already (ioredis reports every failed attempt). */
  private readonly outageLogged = { publisher: false, subscriber: false, dropped: false };

  constructor(url: string, options: PubSubOptions) {
    super(options);
    this.prefix = options.channelPrefix ?? 'pdn:';
    const common: RedisOptions = {
      retryStrategy: (times) => Math.min(times * 200, 5000),
      reconnectOnError: () => true,
      ...options.redisOptions,
    };
    // Before the first connection a publish waits for it, a couple of attempts at most; a command
    // Redis does not answer fails after `commandTimeout`, so no mutation waits on the broker for long.
    this.publisher = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2000, ...common, connectionName: 'pdn-pubsub-pub' });
    // Subscriptions wait as long as it takes: ioredis sends them on reconnection.
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null, ...common, connectionName: 'pdn-pubsub-sub' });
    for (const [role, client] of [['publisher', this.publisher], ['subscriber', this.subscriber]] as const) {
      client.on('error', (error: Error) => {
        if (this.outageLogged[role]) return;
        this.outageLogged[role] = true;
        options.logger.error({ err: error, role }, 'pubsub: redis error (reconnecting)');
      });
      client.on('ready', () => {
        if (this.outageLogged[role]) options.logger.info({ role }, 'pubsub: redis connection back');
        this.outageLogged[role] = false;
      });
    }
    this.publisher.on('ready', () => {
      this.publisherConnectedOnce = true;
      this.outageLogged.dropped = false;
    });
    // Redis forgets a connection's channels with it: what was published meanwhile never reaches us.
    this.subscriber.on('close', () => {
      const interrupted = this.interruptLiveSubscriptions();
      if (interrupted > 0) options.logger.warn({ interrupted }, 'pubsub: redis connection lost, live subscriptions interrupted');
    });
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel.startsWith(this.prefix)) this.dispatch(channel.slice(this.prefix.length), text);
    });
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    if (this.closed) return;
    if (this.publisherConnectedOnce && this.publisher.status !== 'ready') {
      // Queued, it would hold the caller until Redis is back, then reach subscribers late.
      if (!this.outageLogged.dropped) this.options.logger.warn({ topic }, 'pubsub: redis unavailable, events dropped until it is back');
      this.outageLogged.dropped = true;
      return;
    }
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
    // Closing: the connection goes, and its channels with it.
    if (this.closed || this.subscriber.status === 'end') return;
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
