import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createPubSub, decodePayload, encodePayload, type PubSubEngine, type PubSubLogger, type Subscription } from '@pdn/pubsub';

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
