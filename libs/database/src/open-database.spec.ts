// Runs against in-memory/temp-folder PGlite always, and against the PostgreSQL server too when
// TEST_DATABASE_URL is set (the server-only rules are skipped otherwise).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import * as fixture from './__fixtures__/places.schema.js';
import { databaseConnectionFor, databaseUrlFor } from './database-url.js';
import { IN_MEMORY, openDatabase, type Database, type Db } from './open-database.js';
import { normalizeForSearch, toPrefixTsQuery } from './search-text.js';
import { createServerDatabase, createTestDatabase, dropServerDatabase, type TestDatabase } from './test-database.js';

const migrationsFolder = fileURLToPath(new URL('./__fixtures__/migrations', import.meta.url));
const serverUrl = process.env['TEST_DATABASE_URL']?.trim() || undefined;
const withServer = serverUrl ? describe : describe.skip;

type FixtureDb = Db<typeof fixture>;

async function addPlace(db: FixtureDb, name: string, structureName = 'PIJ'): Promise<number> {
  const [structure] = await db.insert(fixture.structures).values({ name: structureName }).returning();
  const [place] = await db
    .insert(fixture.places)
    .values({ name, nameSearch: normalizeForSearch(name), structureId: structure!.id })
    .returning();
  return place!.id;
}

async function placeNames(db: FixtureDb): Promise<string[]> {
  const rows = await db.select({ name: fixture.places.name }).from(fixture.places).orderBy(fixture.places.id);
  return rows.map((row) => row.name);
}

async function searchPlaces(db: FixtureDb, search: string): Promise<string[]> {
  const query = toPrefixTsQuery(search);
  if (query === null) return [];
  const rows = await db
    .select({ name: fixture.places.name })
    .from(fixture.places)
    .where(sql`to_tsvector('simple', ${fixture.places.nameSearch}) @@ to_tsquery('simple', ${query})`)
    .orderBy(fixture.places.name);
  return rows.map((row) => row.name);
}

async function journalLength(db: Db, migrationsSchema = 'drizzle'): Promise<number> {
  const rows = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(sql`${sql.identifier(migrationsSchema)}.${sql.identifier('__drizzle_migrations')}`);
  return rows[0]!.n;
}

describe('createTestDatabase', () => {
  const opened: TestDatabase<typeof fixture>[] = [];
  const create = async () => {
    const test = await createTestDatabase({ service: 'members', migrationsFolder, schema: fixture });
    opened.push(test);
    return test;
  };
  afterAll(async () => {
    await Promise.all(opened.map((test) => test.dispose()));
  });

  it(`should give a migrated ${serverUrl ? 'server database with its URL' : 'in-memory PGlite without URL'}`, async () => {
    const { database, url } = await create();
    expect(database.kind).toBe(serverUrl ? 'postgres' : 'pglite');
    if (serverUrl) expect(url).toMatch(/\/pdn_test_members_[0-9a-f]{8}$/);
    else expect(url).toBeUndefined();
    await expect(database.ping()).resolves.toBeUndefined();
    expect(await journalLength(database.db)).toBe(1);
    expect(await placeNames(database.db)).toEqual([]);
  });

  it('should isolate two test databases from each other', async () => {
    const [first, second] = await Promise.all([create(), create()]);
    await addPlace(first.database.db, 'Nérac');
    expect(await placeNames(first.database.db)).toEqual(['Nérac']);
    expect(await placeNames(second.database.db)).toEqual([]);
    if (serverUrl) expect(first.url).not.toBe(second.url);
  });

  it('should load relations through db.query with the schema it was given', async () => {
    const { database } = await create();
    const id = await addPlace(database.db, 'Auch', 'Maison des jeunes');
    const place = await database.db.query.places.findFirst({
      where: eq(fixture.places.id, id),
      with: { structure: true },
    });
    expect(place).toMatchObject({ name: 'Auch', kind: 'town', structure: { name: 'Maison des jeunes' } });
  });

  it("should find 'L'Isle-Jourdain' stored normalized with a prefix query", async () => {
    const { database } = await create();
    for (const name of ["L'Isle-Jourdain", 'Lisle-sur-Tarn', 'Jourdain-le-Grand', 'Nérée']) {
      await addPlace(database.db, name);
    }
    expect(await searchPlaces(database.db, 'isle jourd')).toEqual(["L'Isle-Jourdain"]);
    expect(await searchPlaces(database.db, "l'ISLE-JOURDAIN")).toEqual(["L'Isle-Jourdain"]);
    expect(await searchPlaces(database.db, 'neree')).toEqual(['Nérée']);
    expect(await searchPlaces(database.db, 'jourd')).toEqual(['Jourdain-le-Grand', "L'Isle-Jourdain"]);
    expect(await searchPlaces(database.db, "isle'&|!():* jourd")).toEqual(["L'Isle-Jourdain"]);
    expect(await searchPlaces(database.db, "'&|!():*")).toEqual([]);
  });

  it('should make dispose idempotent and leave nothing to ping', async () => {
    const test = await create();
    await test.dispose();
    await test.dispose();
    await expect(test.database.ping()).rejects.toThrow();
    if (serverUrl) {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      const { rows } = await client.query('select 1 from pg_database where datname = $1', [
        new URL(test.url!).pathname.slice(1),
      ]);
      await client.end();
      expect(rows).toEqual([]);
    }
  });
});

describe('openDatabase on PGlite', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pdn-database-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const open = (dataDir: string, log?: (msg: string, extra?: Record<string, unknown>) => void) =>
    openDatabase({ service: 'members', dataDir, migrationsFolder, schema: fixture, log });

  it('should create the data folder, keep data across close and reopen, and migrate only once', async () => {
    const dataDir = path.join(dir, 'nested', 'members');
    const logs: Record<string, unknown>[] = [];
    const first = await open(dataDir, (msg, extra) => logs.push({ msg, ...extra }));
    expect(first.kind).toBe('pglite');
    await addPlace(first.db, 'Condom');
    await first.close();

    const second = await open(dataDir, (msg, extra) => logs.push({ msg, ...extra }));
    try {
      expect(await placeNames(second.db)).toEqual(['Condom']);
      expect(await journalLength(second.db)).toBe(1);
      expect(logs).toEqual([
        expect.objectContaining({ msg: 'database ready', kind: 'pglite', migrationsApplied: 1 }),
        expect.objectContaining({ msg: 'database ready', kind: 'pglite', migrationsApplied: 0 }),
      ]);
    } finally {
      await second.close();
    }
  });

  it('should make close idempotent and ping fail afterwards', async () => {
    const database = await open(IN_MEMORY);
    await expect(database.ping()).resolves.toBeUndefined();
    await Promise.all([database.close(), database.close()]);
    await database.close();
    await expect(database.ping()).rejects.toThrow();
  });

  it('should reject, not half-open, when the migrations folder is missing', async () => {
    await expect(
      openDatabase({ service: 'members', dataDir: IN_MEMORY, migrationsFolder: path.join(dir, 'nope'), schema: {} }),
    ).rejects.toThrow(/_journal\.json/);
  });
});

describe('openDatabase on an unreachable server', () => {
  it('should reject instead of resolving a database that cannot answer', async () => {
    await expect(
      openDatabase({ service: 'members', url: 'postgres://postgres@127.0.0.1:1/nothing', migrationsFolder, schema: {} }),
    ).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});

withServer('openDatabase on a PostgreSQL server', () => {
  const server = serverUrl!;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const emptyDatabase = async (): Promise<string> => {
    const url = await createServerDatabase(server, 'members');
    cleanups.push(() => dropServerDatabase(server, url));
    return url;
  };
  const track = <T extends Database<typeof fixture>>(database: T): T => {
    cleanups.push(() => database.close());
    return database;
  };

  it('should apply migrations once and find nothing to do when opened again', async () => {
    const url = await emptyDatabase();
    const applied: unknown[] = [];
    const log = (msg: string, extra?: Record<string, unknown>) => applied.push(extra?.['migrationsApplied']);
    const first = track(await openDatabase({ service: 'members', url, migrationsFolder, schema: fixture, log }));
    await addPlace(first.db, 'Fleurance');
    const second = track(await openDatabase({ service: 'members', url, migrationsFolder, schema: fixture, log }));
    expect(second.kind).toBe('postgres');
    expect(await placeNames(second.db)).toEqual(['Fleurance']);
    expect(await journalLength(second.db)).toBe(1);
    expect(applied).toEqual([1, 0]);
  });

  it('should let replicas that start together migrate one after the other', async () => {
    const url = await emptyDatabase();
    const replicas = await Promise.all(
      Array.from({ length: 4 }, () => openDatabase({ service: 'members', url, migrationsFolder, schema: fixture })),
    );
    replicas.forEach(track);
    expect(await journalLength(replicas[0]!.db)).toBe(1);
    await expect(Promise.all(replicas.map((replica) => replica.ping()))).resolves.toBeDefined();
  });

  it('should put two services sharing DATABASE_URL in two schemas', async () => {
    const url = await emptyDatabase();
    const env = { DATABASE_URL: url };
    const open = (service: string) =>
      openDatabase({ service, ...databaseConnectionFor(service, env), migrationsFolder, schema: fixture });
    const [members, calendar] = await Promise.all([open('members'), open('calendar')]).then((all) => all.map(track));

    await addPlace(members!.db, 'Mirande');
    expect(await placeNames(members!.db)).toEqual(['Mirande']);
    expect(await placeNames(calendar!.db)).toEqual([]);
    expect(await journalLength(members!.db, 'members')).toBe(1);
    expect(await journalLength(calendar!.db, 'calendar')).toBe(1);

    // Reopening finds each journal where it was left.
    const again = track(await open('members'));
    expect(await placeNames(again.db)).toEqual(['Mirande']);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ schema: string; name: string }>(
        `select table_schema as schema, table_name as name from information_schema.tables
         where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
      );
      expect(tables).toEqual([
        { schema: 'calendar', name: '__drizzle_migrations' },
        { schema: 'calendar', name: 'places' },
        { schema: 'calendar', name: 'structures' },
        { schema: 'members', name: '__drizzle_migrations' },
        { schema: 'members', name: 'places' },
        { schema: 'members', name: 'structures' },
      ]);
      // drizzle-kit wrote `CREATE TYPE "public"."place_kind"` and `REFERENCES "public"."structures"`:
      // both must have followed the service into its schema.
      const { rows: types } = await client.query(
        `select n.nspname as schema from pg_type t join pg_namespace n on n.oid = t.typnamespace
         where t.typname = 'place_kind' order by 1`,
      );
      expect(types).toEqual([{ schema: 'calendar' }, { schema: 'members' }]);
      const { rows: references } = await client.query(
        `select conrelid::regclass::text as "from", confrelid::regclass::text as "to" from pg_constraint
         where contype = 'f' order by 1`,
      );
      expect(references).toEqual([
        { from: 'calendar.places', to: 'calendar.structures' },
        { from: 'members.places', to: 'members.structures' },
      ]);
    } finally {
      await client.end();
    }
  });

  it('should infer the schema when the URL given is the shared DATABASE_URL', async () => {
    const url = await emptyDatabase();
    const saved = { shared: process.env['DATABASE_URL'], own: process.env['FEED_DATABASE_URL'] };
    process.env['DATABASE_URL'] = url;
    delete process.env['FEED_DATABASE_URL'];
    try {
      const feed = track(
        await openDatabase({ service: 'feed', url: databaseUrlFor('feed')!, migrationsFolder, schema: fixture }),
      );
      await addPlace(feed.db, 'Vic-Fezensac');
      expect(await journalLength(feed.db, 'feed')).toBe(1);
      const rows = await feed.db.select({ schema: sql<string>`current_schema()` }).from(fixture.places);
      expect(rows).toEqual([{ schema: 'feed' }]);
    } finally {
      restore('DATABASE_URL', saved.shared);
      restore('FEED_DATABASE_URL', saved.own);
    }
  });

  it('should survive the server dropping its idle connections and reconnect on the next query', async () => {
    const url = await emptyDatabase();
    const lost: unknown[] = [];
    const database = track(
      await openDatabase({
        service: 'members',
        url,
        migrationsFolder,
        schema: fixture,
        log: (msg) => {
          if (msg === 'idle database connection lost') lost.push(msg);
        },
      }),
    );
    await Promise.all([database.ping(), database.ping(), database.ping()]);

    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    let terminated = 0;
    try {
      const { rowCount } = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [new URL(url).pathname.slice(1)],
      );
      expect(rowCount).toBeGreaterThan(0);
      terminated = rowCount ?? 0;
    } finally {
      await admin.end();
    }
    // Every terminated connection is reported (and dropped from the pool) before the next query.
    await waitFor(() => lost.length >= terminated);
    await expect(database.ping()).resolves.toBeUndefined();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
