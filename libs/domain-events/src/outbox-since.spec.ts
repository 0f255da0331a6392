// Reading only the recent past of a producer's log (`since`), as the gateway does at start to learn the
// sessions ended in the last minutes: on embedded PGlite, and on the PostgreSQL server too when
// TEST_DATABASE_URL is set; over real HTTP through the outbox module, signed like any consumer.
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServerDatabase, dropServerDatabase, IN_MEMORY, openDatabase, type Database } from '@pdn/database';
import { ANONYMOUS, signIdentity } from '@pdn/identity';
import { fixtureSchema, outbox } from './__fixtures__/schema.js';
import { outboxModule } from './domain-events.nest.js';
import { HttpEventSource, LocalEventSource } from './event-source.js';
import { OutboxLog, recordEvent } from './outbox.js';
import { startScriptedEventLog } from './testing.js';

type FixtureDatabase = Database<typeof fixtureSchema>;

const migrationsFolder = fileURLToPath(new URL('./__fixtures__/migrations', import.meta.url));
const serverUrl = process.env['TEST_DATABASE_URL']?.trim() || undefined;
const KEY = 'test-identity-signing-key-of-at-least-32-chars';
const T0 = new Date('2026-03-02T09:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

const engines = serverUrl ? ['pglite', 'postgres'] : ['pglite'];

describe.each(engines)('a log read since an instant, on %s', (engine) => {
  let database: FixtureDatabase;
  let dispose: () => Promise<void>;
  let app: INestApplication;
  let http: HttpEventSource;
  let local: LocalEventSource;
  let eventsUrl: string;

  beforeAll(async () => {
    if (engine === 'postgres') {
      const url = await createServerDatabase(serverUrl!, 'members');
      database = await openDatabase({ service: 'members', url, migrationsFolder, schema: fixtureSchema, poolSize: 2 });
      dispose = async () => {
        await database.close();
        await dropServerDatabase(serverUrl!, url);
      };
    } else {
      database = await openDatabase({ service: 'members', migrationsFolder, schema: fixtureSchema, dataDir: IN_MEMORY });
      dispose = () => database.close();
    }
    @Module({ imports: [outboxModule({ producer: 'members', database, identitySigningKey: KEY })] })
    class ProducerApp {}
    app = await NestFactory.create(ProducerApp, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    eventsUrl = `http://127.0.0.1:${port}/events`;
    http = new HttpEventSource({ producer: 'members', url: eventsUrl, identitySigningKey: KEY });
    local = new LocalEventSource(new OutboxLog({ producer: 'members', database, listen: false }));
  });

  afterAll(async () => {
    await app?.close();
    await dispose?.();
  });

  beforeEach(async () => {
    await database.db.delete(outbox);
  });

  /** Events in log order, with the instants given (a transaction's clock may lag a little behind another's). */
  async function record(...instants: Date[]) {
    const positions: number[] = [];
    for (const [i, occurredAt] of instants.entries()) {
      const event = await database.db.transaction((tx) => recordEvent(tx, 'test.happened', { n: i }, { occurredAt }));
      positions.push(event.position);
    }
    return positions;
  }

  for (const via of ['http', 'local'] as const) {
    const source = () => (via === 'http' ? http : local);

    it(`should start at the first event that occurred at the instant or later, through ${via}`, async () => {
      // The third event is older than the second (written later by a transaction with an older clock): it still follows.
      await record(minutes(0), minutes(10), minutes(9), minutes(20));
      const events = await source().fetch(0, { limit: 100, waitSeconds: 0, since: minutes(10) });
      expect(events.map((e) => e.payload['n'])).toEqual([1, 2, 3]);
    });

    it(`should answer nothing when every event is older, then what comes next, through ${via}`, async () => {
      await record(minutes(0), minutes(1));
      expect(await source().fetch(0, { limit: 100, waitSeconds: 0, since: minutes(5) })).toEqual([]);
      await record(minutes(6));
      const next = await source().fetch(0, { limit: 100, waitSeconds: 0, since: minutes(5) });
      expect(next.map((e) => e.payload['n'])).toEqual([0]);
    });

    it(`should let a position further on win over the instant, through ${via}`, async () => {
      const positions = await record(minutes(0), minutes(10), minutes(20));
      const events = await source().fetch(positions[1]!, { limit: 100, waitSeconds: 0, since: minutes(5) });
      expect(events.map((e) => e.payload['n'])).toEqual([2]);
    });
  }

  it('should answer an empty log with nothing', async () => {
    expect(await http.fetch(0, { limit: 100, waitSeconds: 0, since: minutes(0) })).toEqual([]);
  });

  it('should refuse a since that is not an instant', async () => {
    for (const since of ['yesterday', '2026-03-02', '2026-13-45T99:00:00Z']) {
      const url = new URL(eventsUrl);
      url.searchParams.set('since', since);
      const response = await fetch(url, { headers: { ...signIdentity(ANONYMOUS, KEY) } });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'since' } }] });
    }
  });
});

describe('the scripted log of consumer specs', () => {
  it('should honour since as the outbox does', async () => {
    const log = await startScriptedEventLog('members', KEY);
    try {
      log.push({ type: 'test.happened', payload: { n: 0 }, occurredAt: minutes(0) });
      log.push({ type: 'test.happened', payload: { n: 1 }, occurredAt: minutes(10) });
      const source = new HttpEventSource({ producer: 'members', url: log.url, identitySigningKey: KEY });
      expect((await source.fetch(0, { limit: 100, waitSeconds: 0, since: minutes(5) })).map((e) => e.payload['n'])).toEqual([1]);
      expect(await source.fetch(0, { limit: 100, waitSeconds: 0, since: minutes(15) })).toEqual([]);
    } finally {
      await log.close();
    }
  });
});
