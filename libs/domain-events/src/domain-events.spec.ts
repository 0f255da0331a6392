// The mechanism end to end, on embedded PGlite always and on the PostgreSQL server too when
// TEST_DATABASE_URL is set: a producer's outbox served over real HTTP by a Nest app, consumers
// applying its events to their own database.
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { asc, sql } from 'drizzle-orm';
import { createServerDatabase, dropServerDatabase, IN_MEMORY, openDatabase, type Database } from '@pdn/database';
import { ANONYMOUS, signIdentity } from '@pdn/identity';
import { metricsRegistry } from '@pdn/logging/metrics';
import { accounts, domainEventCursors, effects, fixtureSchema, outbox, processedDomainEvents } from './__fixtures__/schema.js';
import { MEMBER_ERASED, memberErasedPayload } from './catalogue.js';
import type { DomainEvent } from './domain-event.js';
import { outboxModule } from './domain-events.nest.js';
import { backoffDelay, EventConsumer, type DomainEventBatchHandler, type DomainEventHandler, type EventConsumerOptions } from './event-consumer.js';
import { HttpEventSource, LocalEventSource, type EventSource } from './event-source.js';
import { OutboxLog, recordEvent } from './outbox.js';
import { eventually, startScriptedEventLog } from './testing.js';

type FixtureSchema = typeof fixtureSchema;
type FixtureDatabase = Database<FixtureSchema>;

const migrationsFolder = fileURLToPath(new URL('./__fixtures__/migrations', import.meta.url));
const serverUrl = process.env['TEST_DATABASE_URL']?.trim() || undefined;
const KEY = 'test-identity-signing-key-of-at-least-32-chars';

interface Engine {
  name: 'pglite' | 'postgres';
  /** A fresh migrated database and, on a server, a second handle on it (another replica's pool). */
  open(service: string): Promise<{ database: FixtureDatabase; replica: () => Promise<FixtureDatabase>; dispose(): Promise<void> }>;
}

const pglite: Engine = {
  name: 'pglite',
  async open(service) {
    const database = await openDatabase({ service, migrationsFolder, schema: fixtureSchema, dataDir: IN_MEMORY });
    // One PGlite is one process's database: its "replicas" share the instance.
    return { database, replica: async () => database, dispose: () => database.close() };
  },
};

const postgres: Engine = {
  name: 'postgres',
  async open(service) {
    const url = await createServerDatabase(serverUrl!, service);
    const handles: FixtureDatabase[] = [];
    const connect = async () => {
      const handle = await openDatabase({ service, url, migrationsFolder, schema: fixtureSchema, poolSize: 4 });
      handles.push(handle);
      return handle;
    };
    const database = await connect();
    return {
      database,
      replica: connect,
      dispose: async () => {
        await Promise.all(handles.map((h) => h.close()));
        await dropServerDatabase(serverUrl!, url);
      },
    };
  },
};

const engines = serverUrl ? [pglite, postgres] : [pglite];

function record(db: FixtureDatabase['db'], n: number, type = 'test.happened') {
  return db.transaction((tx) => recordEvent(tx, type, { n }));
}

/** A consumer whose handler writes one `effects` row per application of a `test.happened`. */
function consumerOf(
  database: FixtureDatabase,
  source: EventSource,
  name: string,
  extra: Partial<EventConsumerOptions<FixtureSchema>> & { handler?: DomainEventHandler<FixtureSchema> } = {},
) {
  const handler: DomainEventHandler<FixtureSchema> =
    extra.handler ??
    (async (event, tx) => {
      await tx.insert(effects).values({ eventId: event.id, consumer: name, value: Number(event.payload['n']) });
    });
  return new EventConsumer<FixtureSchema>({
    consumer: name,
    db: database.db,
    source,
    handlers: { 'test.happened': handler },
    minBackoffMs: 10,
    maxBackoffMs: 50,
    waitSeconds: 1,
    idleMs: 20,
    ...extra,
  });
}

/** A consumer that applies its `test.happened` events a page at a time: one multi-row insert of `effects`. */
function batchConsumerOf(
  database: FixtureDatabase,
  source: EventSource,
  name: string,
  extra: Partial<EventConsumerOptions<FixtureSchema>> & { batch?: DomainEventBatchHandler<FixtureSchema> } = {},
) {
  const batch: DomainEventBatchHandler<FixtureSchema> =
    extra.batch ??
    (async (events, tx) => {
      await tx.insert(effects).values(events.map((event) => ({ eventId: event.id, consumer: name, value: Number(event.payload['n']) })));
    });
  return consumerOf(database, source, name, { handlers: {}, batchHandlers: { 'test.happened': batch }, ...extra });
}

/** `pdn_db_statements_total` of a service's background work, as /metrics reports it. */
async function statementsOf(service: string): Promise<number> {
  const metric = metricsRegistry().getSingleMetric('pdn_db_statements_total');
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.find((value) => value.labels['service'] === service && value.labels['origin'] === 'background')?.value ?? 0;
}

async function appliedValues(database: FixtureDatabase): Promise<number[]> {
  const rows = await database.db.select({ value: effects.value }).from(effects).orderBy(asc(effects.id));
  return rows.map((r) => r.value);
}

/** The producer as a real HTTP server: a Nest app with the outbox module, on `port` (0: any). */
async function startProducer(database: FixtureDatabase, port = 0): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [outboxModule({ producer: 'members', database, identitySigningKey: KEY })] })
  class ProducerApp {}
  const app = await NestFactory.create(ProducerApp, { logger: false, abortOnError: false });
  await app.listen(port, '127.0.0.1');
  const { port: bound } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${bound}/events` };
}

describe.each(engines)('domain events on $name', (engine) => {
  let producerDb: Awaited<ReturnType<Engine['open']>>;
  let consumerDb: Awaited<ReturnType<Engine['open']>>;

  beforeAll(async () => {
    [producerDb, consumerDb] = await Promise.all([engine.open('members'), engine.open('calendar')]);
  });

  afterAll(async () => {
    await Promise.all([producerDb?.dispose(), consumerDb?.dispose()]);
  });

  beforeEach(async () => {
    await producerDb.database.db.delete(outbox);
    await producerDb.database.db.delete(accounts);
    await consumerDb.database.db.delete(effects);
    await consumerDb.database.db.delete(processedDomainEvents);
    await consumerDb.database.db.delete(domainEventCursors);
  });

  describe('the outbox', () => {
    it('should hold an event if and only if the transaction that recorded it commits', async () => {
      const db = producerDb.database.db;
      await expect(
        db.transaction(async (tx) => {
          await tx.insert(accounts).values({ name: 'rolled back' });
          await recordEvent(tx, 'account.opened', { name: 'rolled back' });
          throw new Error('the change fails after the event was written');
        }),
      ).rejects.toThrow('the change fails');
      await db.transaction(async (tx) => {
        await tx.insert(accounts).values({ name: 'kept' });
        await recordEvent(tx, 'account.opened', { name: 'kept' });
      });
      const events = await db.select().from(outbox);
      expect(events.map((e) => e.payload)).toEqual([{ name: 'kept' }]);
      expect(await db.select({ name: accounts.name }).from(accounts)).toEqual([{ name: 'kept' }]);
    });

    it('should serve events in the order they were recorded, after a position, a page at a time', async () => {
      const log = new OutboxLog({ producer: 'members', database: producerDb.database, listen: false });
      const recorded = [];
      for (let n = 1; n <= 5; n++) recorded.push(await record(producerDb.database.db, n));
      expect(recorded.map((e) => e.position)).toEqual([...recorded.map((e) => e.position)].sort((a, b) => a - b));
      const firstPage = await log.read(0, 2);
      expect(firstPage.map((e) => e.payload['n'])).toEqual([1, 2]);
      const rest = await log.read(firstPage.at(-1)!.position, 10);
      expect(rest.map((e) => e.payload['n'])).toEqual([3, 4, 5]);
      expect(await log.read(rest.at(-1)!.position, 10)).toEqual([]);
      await log.close();
    });

    it('should wake a waiting reader when an event is committed, through LISTEN/NOTIFY', async () => {
      // Re-reading is set far beyond the wait: only the notification can bring the event in time.
      const log = new OutboxLog({ producer: 'members', database: producerDb.database, recheckMs: 600_000 });
      await log.start();
      try {
        const last = (await log.read(0, 100)).at(-1)?.position ?? 0;
        const waiting = log.waitForEvents(last, 10, 30_000);
        const recorded = await record(producerDb.database.db, 42);
        const events = await waiting;
        expect(events.map((e) => e.id)).toEqual([recorded.id]);
      } finally {
        await log.close();
      }
    });

    it('should answer an empty page when the wait is over or the log closes', async () => {
      const log = new OutboxLog({ producer: 'members', database: producerDb.database });
      await log.start();
      expect(await log.waitForEvents(0, 10, 50)).toEqual([]);
      const waiting = log.waitForEvents(0, 10, 30_000);
      await log.close();
      expect(await waiting).toEqual([]);
    });

    it('should purge the events older than the retention period only', async () => {
      const db = producerDb.database.db;
      const now = new Date('2026-05-01T12:00:00Z');
      await db.transaction((tx) => recordEvent(tx, 'test.happened', { n: 1 }, { occurredAt: new Date('2026-03-01T12:00:00Z') }));
      await db.transaction((tx) => recordEvent(tx, 'test.happened', { n: 2 }, { occurredAt: new Date('2026-04-15T12:00:00Z') }));
      const log = new OutboxLog({ producer: 'members', database: producerDb.database, retentionDays: 30, listen: false });
      expect(await log.purge(now)).toBe(1);
      expect((await log.read(0, 10)).map((e) => e.payload['n'])).toEqual([2]);
      await log.close();
    });

    if (engine.name === 'postgres') {
      it('should never let a reader pass over an event that commits after a later one was recorded', async () => {
        // Two replicas write events concurrently. The first holds its transaction open; the second
        // must not commit a later position meanwhile, or a reader would advance past the first.
        const other = await producerDb.replica();
        let releaseFirst!: () => void;
        const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
        let firstRecorded!: () => void;
        const firstHasRecorded = new Promise<void>((resolve) => (firstRecorded = resolve));
        const first = producerDb.database.db.transaction(async (tx) => {
          const event = await recordEvent(tx, 'test.happened', { n: 1 });
          firstRecorded();
          await firstHeld;
          return event;
        });
        await firstHasRecorded;
        const second = other.db.transaction((tx) => recordEvent(tx, 'test.happened', { n: 2 }));
        // Until the second has either committed or is seen waiting for its turn.
        const waitingForTurn = eventually(async () => {
          const result = (await producerDb.database.db.execute(sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`)) as unknown as {
            rows: { n: number }[];
          };
          return result.rows[0]!.n > 0 ? true : undefined;
        }, 'the second writer to wait');
        await Promise.race([second, waitingForTurn]);
        const log = new OutboxLog({ producer: 'members', database: producerDb.database, listen: false });
        // Whatever a reader sees while the first is open is a prefix of the final order: nothing.
        expect(await log.read(0, 10)).toEqual([]);
        releaseFirst();
        const [a, b] = await Promise.all([first, second]);
        expect(a.position).toBeLessThan(b.position);
        expect((await log.read(0, 10)).map((e) => e.payload['n'])).toEqual([1, 2]);
        await log.close();
      });
    }
  });

  describe('GET /events', () => {
    let producer: { app: INestApplication; url: string };
    beforeAll(async () => {
      producer = await startProducer(producerDb.database);
    });
    afterAll(async () => {
      await producer?.app.close();
    });

    const signed = () => signIdentity(ANONYMOUS, KEY);

    it('should refuse a request that is not signed with the shared key', async () => {
      const unsigned = await fetch(`${producer.url}?after=0`);
      expect(unsigned.status).toBe(401);
      const forged = await fetch(`${producer.url}?after=0`, { headers: { ...signIdentity(ANONYMOUS, 'another-key-another-key-another-key!') } });
      expect(forged.status).toBe(401);
    });

    it('should refuse parameters that are not whole numbers in range, naming them', async () => {
      for (const [query, field] of [['after=-1', 'after'], ['limit=0', 'limit'], ['limit=501', 'limit'], ['wait=31', 'wait'], ['after=abc', 'after']]) {
        const response = await fetch(`${producer.url}?${query}`, { headers: { ...signed() } });
        expect(response.status).toBe(400);
        const body = (await response.json()) as { errors: { extensions: { code: string; field: string } }[] };
        expect(body.errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
      }
    });

    it('should serve the events after a position to a signed request', async () => {
      const one = await record(producerDb.database.db, 1);
      const two = await record(producerDb.database.db, 2);
      const response = await fetch(`${producer.url}?after=${one.position}`, { headers: { ...signed() } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        producer: 'members',
        events: [{ position: two.position, id: two.id, type: 'test.happened', version: 1, payload: { n: 2 }, occurredAt: two.occurredAt.toISOString() }],
      });
    });

    it('should hold a long poll until an event is committed', async () => {
      const source = new HttpEventSource({ producer: 'members', url: producer.url, identitySigningKey: KEY });
      const waiting = source.fetch(0, { limit: 10, waitSeconds: 30 });
      const recorded = await record(producerDb.database.db, 7);
      expect((await waiting).map((e) => e.id)).toEqual([recorded.id]);
    });

    it('should refuse to read a log that names another producer', async () => {
      const source = new HttpEventSource({ producer: 'feed', url: producer.url, identitySigningKey: KEY });
      await expect(source.fetch(0, { limit: 1, waitSeconds: 0 })).rejects.toThrow(/not the event log of feed/);
    });
  });

  describe('a consumer', () => {
    let producer: { app: INestApplication; url: string };
    let source: HttpEventSource;
    const running: EventConsumer<FixtureSchema>[] = [];
    beforeAll(async () => {
      producer = await startProducer(producerDb.database);
      source = new HttpEventSource({ producer: 'members', url: producer.url, identitySigningKey: KEY });
    });
    afterAll(async () => {
      await producer?.app.close();
    });
    afterEach(async () => {
      await Promise.all(running.splice(0).map((c) => c.stop()));
    });

    it('should apply each event once, in order, and recognise one delivered again', async () => {
      for (let n = 1; n <= 3; n++) await record(producerDb.database.db, n);
      const consumer = consumerOf(consumerDb.database, source, 'calendar');
      expect((await consumer.pollOnce()).outcomes).toEqual(['applied', 'applied', 'applied']);
      expect(await appliedValues(consumerDb.database)).toEqual([1, 2, 3]);
      expect((await consumer.pollOnce()).fetched).toBe(0);

      // At-least-once delivery: the cursor lost (restored from a backup, say), the log is read again
      // by the service once restarted.
      await consumerDb.database.db.update(domainEventCursors).set({ position: 0 });
      const restarted = consumerOf(consumerDb.database, source, 'calendar');
      expect((await restarted.pollOnce()).outcomes).toEqual(['duplicate', 'duplicate', 'duplicate']);
      expect(await appliedValues(consumerDb.database)).toEqual([1, 2, 3]);
      const processed = await consumerDb.database.db.select().from(processedDomainEvents);
      expect(processed).toHaveLength(3);
    });

    it('should pass over the events it has no handler for, and move on', async () => {
      await record(producerDb.database.db, 1, 'test.unknown');
      const known = await record(producerDb.database.db, 2);
      const consumer = consumerOf(consumerDb.database, source, 'calendar');
      expect((await consumer.pollOnce()).outcomes).toEqual(['ignored', 'applied']);
      expect(await consumer.position()).toBe(known.position);
      expect(await appliedValues(consumerDb.database)).toEqual([2]);
    });

    it('should measure how long after they occurred its events were applied (the lag metric)', async () => {
      const lagCount = async () => {
        const text = await metricsRegistry().metrics();
        const match = /^pdn_domain_event_lag_seconds_count\{consumer="lag-metric",producer="members"\} (\d+)$/m.exec(text);
        return match ? Number(match[1]) : 0;
      };
      // The file runs this suite on two engines: the metric is the process's, so count what this test adds.
      const before = await lagCount();
      for (let n = 1; n <= 2; n++) await record(producerDb.database.db, n);
      const consumer = consumerOf(consumerDb.database, source, 'lag-metric');
      expect((await consumer.pollOnce()).outcomes).toEqual(['applied', 'applied']);
      expect(await lagCount()).toBe(before + 2);
      expect(await metricsRegistry().metrics()).toMatch(/^pdn_domain_event_lag_seconds_bucket\{le="\+Inf",consumer="lag-metric",producer="members"\} \d+$/m);
    });

    it('should never apply an event twice when two replicas consume the same log at once', async () => {
      for (let n = 1; n <= 20; n++) await record(producerDb.database.db, n);
      const replicaDb = await consumerDb.replica();
      const a = consumerOf(consumerDb.database, source, 'calendar');
      const b = consumerOf(replicaDb, source, 'calendar');
      const [ra, rb] = await Promise.all([a.pollOnce(), b.pollOnce()]);
      const outcomes = [...ra.outcomes, ...rb.outcomes];
      expect(outcomes.filter((o) => o === 'applied')).toHaveLength(20);
      expect(outcomes.every((o) => o === 'applied' || o === 'skipped')).toBe(true);
      expect(await appliedValues(consumerDb.database)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('should retry a failing handler with backoff, leave nothing of the failed attempts, and keep the order', async () => {
      for (let n = 1; n <= 3; n++) await record(producerDb.database.db, n);
      let failuresLeft = 3;
      const attempts: number[] = [];
      const consumer = consumerOf(consumerDb.database, source, 'calendar', {
        handler: async (event, tx) => {
          const n = Number(event.payload['n']);
          attempts.push(n);
          await tx.insert(effects).values({ eventId: event.id, consumer: 'calendar', value: n });
          if (n === 2 && failuresLeft-- > 0) throw new Error('the handler fails, after writing');
        },
      });
      await expect(consumer.pollOnce()).rejects.toThrow(/the handler fails/);
      expect(await appliedValues(consumerDb.database)).toEqual([1]);
      running.push(consumer);
      consumer.start();
      await eventually(async () => ((await appliedValues(consumerDb.database)).length === 3 ? true : undefined), 'the consumer to get past the failures');
      expect(await appliedValues(consumerDb.database)).toEqual([1, 2, 3]);
      expect(attempts).toEqual([1, 2, 2, 2, 2, 3]);
    });

    it('should catch up once a producer that was down comes back, from where it stopped', async () => {
      await record(producerDb.database.db, 1);
      const consumer = consumerOf(consumerDb.database, source, 'calendar');
      await consumer.pollOnce();
      await producer.app.close();
      await record(producerDb.database.db, 2);
      await record(producerDb.database.db, 3);
      const port = Number(new URL(producer.url).port);
      running.push(consumer);
      consumer.start();
      // Down: the consumer keeps trying and the service keeps running.
      await expect(source.fetch(0, { limit: 1, waitSeconds: 0 })).rejects.toThrow(/unreachable/);
      producer = await startProducer(producerDb.database, port);
      await eventually(async () => ((await appliedValues(consumerDb.database)).length === 3 ? true : undefined), 'the consumer to catch up');
      expect(await appliedValues(consumerDb.database)).toEqual([1, 2, 3]);
    });

    describe('with a batch handler', () => {
      it('should apply a page of N events in a constant number of statements, each once and in order', async () => {
        const costs: number[] = [];
        let total = 0;
        for (const size of [2, 10, 40]) {
          for (let n = 1; n <= size; n++) await record(producerDb.database.db, total + n);
          total += size;
          const consumer = batchConsumerOf(consumerDb.database, source, 'calendar');
          await consumer.prepare();
          // The consumer's database is the 'calendar' service's; the producer's, read over HTTP, is 'members'.
          const before = await statementsOf('calendar');
          const { outcomes } = await consumer.pollOnce();
          costs.push((await statementsOf('calendar')) - before);
          expect(outcomes).toEqual(Array.from({ length: size }, () => 'applied'));
        }
        // The cursor locked, the ids recorded, the effects written, the cursor advanced; with begin and
        // commit on a server (PGlite's drizzle driver does not send them through the logger).
        const perPage = engine.name === 'postgres' ? 6 : 4;
        expect(costs).toEqual([perPage, perPage, perPage]);
        expect(await appliedValues(consumerDb.database)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
        expect(await consumerDb.database.db.select().from(processedDomainEvents)).toHaveLength(total);

        // Without a batch handler, the same page of 10 costs as much per event.
        for (let n = 1; n <= 10; n++) await record(producerDb.database.db, total + n);
        const oneByOne = consumerOf(consumerDb.database, source, 'calendar');
        await oneByOne.prepare();
        const before = await statementsOf('calendar');
        expect((await oneByOne.pollOnce()).outcomes).toHaveLength(10);
        expect((await statementsOf('calendar')) - before).toBe(10 * perPage);
      });

      it('should apply nothing twice when events are delivered again, in another page or in the same one', async () => {
        // An at-least-once producer may serve an event again, later in its log: a scripted log does.
        const log = await startScriptedEventLog('members', KEY);
        try {
          const scripted = new HttpEventSource({ producer: 'members', url: log.url, identitySigningKey: KEY });
          const push = (n: number, id?: string) => log.push({ type: 'test.happened', payload: { n }, id });
          const first = [push(1), push(2), push(3)];
          const consumer = batchConsumerOf(consumerDb.database, scripted, 'calendar');
          expect((await consumer.pollOnce()).outcomes).toEqual(['applied', 'applied', 'applied']);

          // 2 again, then a new 4 twice, in one page.
          push(2, first[1]!.id);
          const four = push(4);
          push(4, four.id);
          expect((await consumer.pollOnce()).outcomes).toEqual(['duplicate', 'applied', 'duplicate']);
          expect(await appliedValues(consumerDb.database)).toEqual([1, 2, 3, 4]);

          // The cursor lost: the whole log read again by a restarted service.
          await consumerDb.database.db.update(domainEventCursors).set({ position: 0 });
          const restarted = batchConsumerOf(consumerDb.database, scripted, 'calendar');
          expect((await restarted.pollOnce()).outcomes).toEqual(Array.from({ length: 6 }, () => 'duplicate'));
          expect(await appliedValues(consumerDb.database)).toEqual([1, 2, 3, 4]);
          expect(await consumerDb.database.db.select().from(processedDomainEvents)).toHaveLength(4);
          expect(await restarted.position()).toBe(6);
        } finally {
          await log.close();
        }
      });

      it('should keep the order of events of other types, applied one by one or passed over', async () => {
        const applied: string[] = [];
        await record(producerDb.database.db, 1);
        await record(producerDb.database.db, 2, 'test.single');
        await record(producerDb.database.db, 3, 'test.unknown');
        await record(producerDb.database.db, 4);
        await record(producerDb.database.db, 5);
        const consumer = batchConsumerOf(consumerDb.database, source, 'calendar', {
          handlers: { 'test.single': async (event) => void applied.push(`single ${String(event.payload['n'])}`) },
          batch: async (events, tx) => {
            applied.push(`batch ${events.map((e) => String(e.payload['n'])).join(',')}`);
            await tx.insert(effects).values(events.map((event) => ({ eventId: event.id, consumer: 'calendar', value: Number(event.payload['n']) })));
          },
        });
        expect((await consumer.pollOnce()).outcomes).toEqual(['applied', 'applied', 'ignored', 'applied', 'applied']);
        expect(applied).toEqual(['batch 1', 'single 2', 'batch 4,5']);
        expect(await appliedValues(consumerDb.database)).toEqual([1, 4, 5]);
      });

      it('should fall back to one by one when a batch fails: the events before a failing one are applied, it is retried with backoff, the rest wait', async () => {
        for (let n = 1; n <= 4; n++) await record(producerDb.database.db, n);
        let failuresLeft = 3;
        const batches: number[][] = [];
        const consumer = batchConsumerOf(consumerDb.database, source, 'calendar', {
          batch: async (events, tx) => {
            batches.push(events.map((e) => Number(e.payload['n'])));
            await tx.insert(effects).values(events.map((event) => ({ eventId: event.id, consumer: 'calendar', value: Number(event.payload['n']) })));
            if (events.some((e) => e.payload['n'] === 3) && failuresLeft-- > 0) throw new Error('event 3 fails, after writing');
          },
        });
        await expect(consumer.pollOnce()).rejects.toThrow(/event 3 fails/);
        // The page failed as a whole, then 1 and 2 were applied on their own and 3 failed alone.
        expect(batches).toEqual([[1, 2, 3, 4], [1], [2], [3]]);
        expect(await appliedValues(consumerDb.database)).toEqual([1, 2]);
        expect(await consumer.position()).toBe((await producerDb.database.db.select().from(outbox)).sort((a, b) => a.position - b.position)[1]!.position);

        running.push(consumer);
        consumer.start();
        await eventually(async () => ((await appliedValues(consumerDb.database)).length === 4 ? true : undefined), 'the consumer to get past the failures');
        expect(await appliedValues(consumerDb.database)).toEqual([1, 2, 3, 4]);
        // The retries read the page from 3 on: failed as a page of two, then 3 applied alone, then 4.
        expect(batches.slice(4)).toEqual([[3, 4], [3], [4]]);
        expect(await consumerDb.database.db.select().from(processedDomainEvents)).toHaveLength(4);
      });

      it('should never apply an event twice when two replicas apply pages of the same log at once', async () => {
        for (let n = 1; n <= 30; n++) await record(producerDb.database.db, n);
        const replicaDb = await consumerDb.replica();
        const a = batchConsumerOf(consumerDb.database, source, 'calendar', { batchSize: 7 });
        const b = batchConsumerOf(replicaDb, source, 'calendar', { batchSize: 5 });
        const outcomes: string[] = [];
        for (let round = 0; round < 8; round++) {
          const [ra, rb] = await Promise.all([a.pollOnce(), b.pollOnce()]);
          outcomes.push(...ra.outcomes, ...rb.outcomes);
        }
        expect(outcomes.filter((o) => o === 'applied')).toHaveLength(30);
        expect(outcomes.every((o) => o === 'applied' || o === 'skipped')).toBe(true);
        expect(await appliedValues(consumerDb.database)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      });
    });

    it('should deliver an event recorded while it waits, without polling again', async () => {
      const consumer = consumerOf(consumerDb.database, source, 'calendar', { waitSeconds: 30 });
      running.push(consumer);
      consumer.start();
      await record(producerDb.database.db, 9);
      await eventually(async () => ((await appliedValues(consumerDb.database)).includes(9) ? true : undefined), 'the event');
    });
  });

  it('should follow an outbox of the same process without HTTP', async () => {
    const log = new OutboxLog({ producer: 'members', database: producerDb.database });
    await log.start();
    const consumer = consumerOf(consumerDb.database, new LocalEventSource(log), 'feed');
    await record(producerDb.database.db, 5);
    expect((await consumer.pollOnce()).outcomes).toEqual(['applied']);
    await log.close();
  });
});

describe('backoffDelay', () => {
  it('should double from the minimum at each failure in a row, up to the cap', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 20, 200].map((n) => backoffDelay(n, 500, 30_000, middle))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('should spread retries by up to a fifth either way, never past the cap', () => {
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(1600);
    expect(backoffDelay(3, 500, 30_000, () => 0.999999)).toBe(2400);
    expect(backoffDelay(10, 500, 30_000, () => 0.999999)).toBe(30_000);
  });
});

describe('member.erased payload', () => {
  const event = (payload: Record<string, unknown>, version = 1): DomainEvent => ({
    position: 1,
    id: '00000000-0000-4000-8000-000000000001',
    type: MEMBER_ERASED,
    version,
    payload,
    occurredAt: new Date(),
  });
  const memberId = '7d8e3c8e-2f4b-4c1e-9a57-2b7f3f0e9d11';

  it('should read a version 1 payload', () => {
    expect(memberErasedPayload(event({ memberId, department: '32', deletePosts: false }))).toEqual({ memberId, department: '32', deletePosts: false });
  });

  it('should refuse a payload it does not understand rather than apply it wrongly', () => {
    expect(() => memberErasedPayload(event({ memberId: 'nope', department: '32', deletePosts: false }))).toThrow(/Malformed/);
    expect(() => memberErasedPayload(event({ memberId, department: '32' }))).toThrow(/Malformed/);
    expect(() => memberErasedPayload(event({ memberId, department: '32', deletePosts: false }, 2))).toThrow(/v1/);
  });
});
