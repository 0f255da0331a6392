import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { RedisOptions } from 'ioredis';
import { ErrorCode } from '@pdn/errors';
import {
  createPubSub,
  decodePayload,
  encodePayload,
  SUBSCRIPTION_INTERRUPTED,
  type PubSubEngine,
  type PubSubLogger,
  type Subscription,
} from '@pdn/pubsub';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

function recordingLogger() {
  const entries: Array<{ level: string; message: string }> = [];
  const at = (level: string) => (_obj: unknown, message?: string) => void entries.push({ level, message: String(message ?? '') });
  return { entries, logger: { info: at('info'), warn: at('warn'), error: at('error') } as unknown as PubSubLogger };
}

async function nextValue<T>(subscription: Subscription<T>): Promise<T> {
  const result = await subscription.next();
  if (result.done) throw new Error('subscription ended');
  return result.value;
}

/** Reads whatever arrives after the engine delivered a marker event published last. */
async function drainUntil<T extends { marker?: boolean }>(subscription: Subscription<T>): Promise<T[]> {
  const seen: T[] = [];
  for (;;) {
    const value = await nextValue(subscription);
    if (value.marker) return seen;
    seen.push(value);
  }
}

describe('payload encoding', () => {
  it('should revive ISO date-times as Dates and leave other strings alone', () => {
    const at = new Date('2025-03-04T05:06:07.089Z');
    const decoded = decodePayload(encodePayload({ at, nested: [{ at }], date: '2025-03-04', text: 'le 2025-03-04T05:06 à Paris', n: 3 })) as Record<string, unknown>;
    expect(decoded['at']).toBeInstanceOf(Date);
    expect((decoded['at'] as Date).toISOString()).toBe(at.toISOString());
    expect(((decoded['nested'] as Array<{ at: Date }>)[0]!.at as Date).getTime()).toBe(at.getTime());
    expect(decoded['date']).toBe('2025-03-04');
    expect(decoded['text']).toBe('le 2025-03-04T05:06 à Paris');
    expect(decoded['n']).toBe(3);
  });
});

function engineContract(name: string, make: () => PubSubEngine[]) {
  describe(name, () => {
    let engines: PubSubEngine[] = [];
    afterEach(async () => {
      await Promise.all(engines.map((engine) => engine.close()));
      engines = [];
    });

    it('should deliver JSON payloads with Dates to every subscriber of the topic, and only of that topic', async () => {
      engines = make();
      const [engine] = engines as [PubSubEngine];
      const topic = `t-${randomUUID()}`;
      const first = engine.subscribe<{ at: Date; n: number; marker?: boolean }>(topic);
      const second = engine.subscribe<{ at: Date; n: number }>([topic, `${topic}-other`]);
      const unrelated = engine.subscribe<{ marker?: boolean }>(`${topic}-unrelated`);
      await Promise.all([first.ready, second.ready, unrelated.ready]);

      const at = new Date('2025-01-02T03:04:05.000Z');
      await engine.publish(topic, { at, n: 1 });
      await engine.publish(`${topic}-other`, { at, n: 2 });
      await engine.publish(`${topic}-unrelated`, { marker: true });

      const got = await nextValue(first);
      expect(got.n).toBe(1);
      expect(got.at).toBeInstanceOf(Date);
      expect(got.at.getTime()).toBe(at.getTime());
      expect((await nextValue(second)).n).toBe(1);
      expect((await nextValue(second)).n).toBe(2);
      expect(await drainUntil(unrelated)).toEqual([]);
    });

    it('should stop delivering after return() and end pending reads', async () => {
      engines = make();
      const [engine] = engines as [PubSubEngine];
      const topic = `t-${randomUUID()}`;
      const leaving = engine.subscribe(topic);
      const staying = engine.subscribe<{ n: number }>(topic);
      await Promise.all([leaving.ready, staying.ready]);
      expect(engine.localSubscribers(topic)).toBe(2);
      const pending = leaving.next();
      await leaving.return();
      expect(await pending).toEqual({ value: undefined, done: true });
      await engine.publish(topic, { n: 1 });
      expect((await nextValue(staying)).n).toBe(1);
      expect(await leaving.next()).toEqual({ value: undefined, done: true });
      expect(engine.localSubscribers(topic)).toBe(1);
    });

    it('should end every subscription on close()', async () => {
      engines = make();
      const [engine] = engines as [PubSubEngine];
      const subscription = engine.subscribe(`t-${randomUUID()}`);
      await subscription.ready;
      const pending = subscription.next();
      await engine.close();
      expect(await pending).toEqual({ value: undefined, done: true });
      await expect(engine.publish('anything', {})).resolves.toBeUndefined();
    });

    it('should buffer events published between subscribe and the first read', async () => {
      engines = make();
      const [engine] = engines as [PubSubEngine];
      const topic = `t-${randomUUID()}`;
      const subscription = engine.subscribe<{ n: number }>(topic);
      await subscription.ready;
      for (const n of [1, 2, 3]) await engine.publish(topic, { n });
      const values = [await nextValue(subscription), await nextValue(subscription), await nextValue(subscription)];
      expect(values.map((v) => v.n)).toEqual([1, 2, 3]);
    });
  });
}

engineContract('in-process engine', () => [createPubSub({ logger: recordingLogger().logger })]);

const channelPrefix = `pdn-test-${randomUUID()}:`;
engineContract('redis engine', () => [createPubSub({ redisUrl: REDIS_URL, channelPrefix, logger: recordingLogger().logger })]);

describe('redis engine across replicas', () => {
  it('should let two engines (two replicas) see each other’s events', async () => {
    const prefix = `pdn-test-${randomUUID()}:`;
    const a = createPubSub({ redisUrl: REDIS_URL, channelPrefix: prefix, logger: recordingLogger().logger });
    const b = createPubSub({ redisUrl: REDIS_URL, channelPrefix: prefix, logger: recordingLogger().logger });
    try {
      expect(a.kind).toBe('redis');
      const onA = a.subscribe<{ from: string; at: Date }>('alerts');
      const onB = b.subscribe<{ from: string; at: Date }>('alerts');
      await Promise.all([onA.ready, onB.ready]);
      await a.publish('alerts', { from: 'a', at: new Date('2025-06-01T10:00:00Z') });
      await b.publish('alerts', { from: 'b', at: new Date('2025-06-01T11:00:00Z') });
      const seenByA = [await nextValue(onA), await nextValue(onA)];
      const seenByB = [await nextValue(onB), await nextValue(onB)];
      expect(seenByA.map((e) => e.from)).toEqual(['a', 'b']);
      expect(seenByB.map((e) => e.from)).toEqual(['a', 'b']);
      expect(seenByB[0]!.at).toBeInstanceOf(Date);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('should keep environments with different prefixes apart', async () => {
    const a = createPubSub({ redisUrl: REDIS_URL, channelPrefix: `pdn-test-${randomUUID()}:`, logger: recordingLogger().logger });
    const b = createPubSub({ redisUrl: REDIS_URL, channelPrefix: `pdn-test-${randomUUID()}:`, logger: recordingLogger().logger });
    try {
      const onB = b.subscribe<{ from?: string; marker?: boolean }>('alerts');
      await onB.ready;
      await a.publish('alerts', { from: 'a' });
      await b.publish('alerts', { marker: true });
      expect(await drainUntil(onB)).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('should log, not throw or crash, when Redis cannot be reached', async () => {
    const { entries, logger } = recordingLogger();
    // Port 1 refuses connections; no retries so the test does not wait on back-off (and ioredis's
    // disconnect timer, armed even for a socket that never opened, would hold Jest open for 2 s).
    const engine = createPubSub({ redisUrl: 'redis://127.0.0.1:1', logger, redisOptions: { retryStrategy: () => null, maxRetriesPerRequest: 0, disconnectTimeout: 0 } });
    try {
      await expect(engine.publish('alerts', { n: 1 })).resolves.toBeUndefined();
      expect(entries.some((e) => e.level === 'error')).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('should fall back to the in-process engine without a URL', () => {
    const engine = createPubSub({ logger: recordingLogger().logger });
    expect(engine.kind).toBe('in-process');
    return engine.close();
  });
});

/**
 * A TCP relay to the shared Redis that the test can cut: every connection through it dropped and the
 * port closed (connections refused), as when Redis crashes, without touching the Redis other tests use.
 */
class CuttableRedis {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private up = false;

  private constructor(
    target: URL,
    private readonly port: number,
  ) {
    this.server = createServer((client) => {
      const upstream = connect({ host: target.hostname, port: Number(target.port) });
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(from);
        from.pipe(to);
        from.on('error', () => to.destroy());
        from.on('close', () => {
          this.sockets.delete(from);
          to.destroy();
        });
      }
    });
  }

  static async start(target: string): Promise<CuttableRedis> {
    const relay = new CuttableRedis(new URL(target), await freePort());
    await relay.resume();
    return relay;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async cut(): Promise<void> {
    if (!this.up) return;
    this.up = false;
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async resume(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.up = true;
  }

  close(): Promise<void> {
    return this.cut();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('redis engine when the connection to Redis drops', () => {
  let relay: CuttableRedis;
  let engines: PubSubEngine[] = [];
  const prefix = `pdn-test-${randomUUID()}:`;
  // Reconnection attempts kept short, so the tests do not wait on back-off; no disconnect timer (ioredis
  // arms one of 2 s even for a socket already gone) to hold Jest open after the last test.
  const throughRelay = (redisOptions: RedisOptions = { retryStrategy: () => 50 }) => {
    const engine = createPubSub({ redisUrl: relay.url, channelPrefix: prefix, logger: recordingLogger().logger, redisOptions: { ...redisOptions, disconnectTimeout: 0 } });
    engines.push(engine);
    return engine;
  };
  const direct = () => {
    const engine = createPubSub({ redisUrl: REDIS_URL, channelPrefix: prefix, logger: recordingLogger().logger });
    engines.push(engine);
    return engine;
  };

  afterEach(async () => {
    await Promise.all(engines.map((engine) => engine.close()));
    engines = [];
    await relay.close();
  });

  it('should end live subscriptions with SERVICE_UNAVAILABLE after what they had buffered, never hang them', async () => {
    relay = await CuttableRedis.start(REDIS_URL);
    const engine = throughRelay();
    const topic = `t-${randomUUID()}`;
    const buffered = engine.subscribe<{ n: number }>(topic);
    const waiting = engine.subscribe<{ n: number }>(topic);
    await Promise.all([buffered.ready, waiting.ready]);
    await engine.publish(topic, { n: 1 });
    expect((await nextValue(waiting)).n).toBe(1);
    expect((await nextValue(buffered)).n).toBe(1);
    // Delivered to both at once: `buffered` holds n: 2 without reading it.
    await engine.publish(topic, { n: 2 });
    expect((await nextValue(waiting)).n).toBe(2);

    const read = waiting.next();
    await relay.cut();
    const failure = await read.then(
      () => undefined,
      (error: unknown) => error as { code?: string; message?: string },
    );
    expect(failure?.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(failure?.message).toBe(SUBSCRIPTION_INTERRUPTED);
    expect(await waiting.next()).toEqual({ value: undefined, done: true });
    // The other one hands out what it still held (n: 2), then the same error, then nothing.
    expect(await buffered.next()).toEqual({ value: { n: 2 }, done: false });
    await expect(buffered.next()).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    expect(await buffered.next()).toEqual({ value: undefined, done: true });
    expect(engine.localSubscribers(topic)).toBe(0);
  });

  it('should make subscriptions taken while Redis is away ready once it is back, and deliver to them', async () => {
    relay = await CuttableRedis.start(REDIS_URL);
    const engine = throughRelay();
    const topic = `t-${randomUUID()}`;
    const before = engine.subscribe(topic);
    await before.ready;
    const interrupted = before.next();
    await relay.cut();
    await expect(interrupted).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });

    // Two subscriptions to one topic: the second must not be ready before the engine's SUBSCRIBE is done.
    const first = engine.subscribe<{ n?: number; marker?: boolean }>(topic);
    const second = engine.subscribe<{ n?: number; marker?: boolean }>(topic);
    let ready = 0;
    for (const subscription of [first, second]) void subscription.ready.then(() => ready++);
    await sleep(300);
    expect(ready).toBe(0);

    await relay.resume();
    await Promise.all([first.ready, second.ready]);
    // The publishing connection comes back on its own schedule, and a publish made before it has is
    // dropped: publish until one arrives (each subscriber then gets that same one).
    const delivered = nextValue(first);
    let n = 0;
    let arrived = false;
    void delivered.then(() => (arrived = true));
    while (!arrived) {
      await engine.publish(topic, { n: ++n });
      await Promise.race([delivered, sleep(200)]);
    }
    const { n: got } = await delivered;
    expect(got).toBeGreaterThanOrEqual(1);
    expect((await nextValue(second)).n).toBe(got);
  });

  it('should drop a publish at once while Redis is away, without throwing, and publish again once it is back', async () => {
    relay = await CuttableRedis.start(REDIS_URL);
    // Reconnection attempts 2 s apart, as once back-off has grown during an outage.
    const engine = throughRelay({ retryStrategy: () => 2000 });
    const topic = `t-${randomUUID()}`;
    const watcher = direct().subscribe<{ n?: number; marker?: boolean }>(topic);
    const own = engine.subscribe<{ marker?: boolean }>(topic);
    await Promise.all([watcher.ready, own.ready]);
    await engine.publish(topic, { marker: true }); // connected
    expect(await drainUntil(watcher)).toEqual([]);
    expect(await drainUntil(own)).toEqual([]);

    const lost = own.next().catch(() => 'interrupted');
    await relay.cut();
    expect(await lost).toBe('interrupted'); // the engine has seen its connection go
    await sleep(100); // its publishing connection (closed at the same moment) too
    // Correctness bound, not a measure: a publish must not wait on reconnection attempts (it did,
    // for seconds, holding the mutation that raised the event).
    const started = Date.now();
    await expect(engine.publish(topic, { n: 1 })).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);

    await relay.resume();
    const seen: Array<{ n?: number; marker?: boolean }> = [];
    void (async () => {
      for await (const value of watcher) seen.push(value);
    })();
    await eventually(async () => {
      await engine.publish(topic, { marker: true });
      return seen.some((value) => value.marker);
    }, 'a publish after Redis is back');
  });
});
