import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verify } from '@node-rs/argon2';
import { createServerDatabase, dropServerDatabase } from '@pdn/database';
import { getTableName } from 'drizzle-orm';
import pg from 'pg';
import { generateDataset, planDataset, SERVICES, type DatasetDatabase, type DatasetSummary, type ServiceName } from './generate.js';
import { BENCH_PASSWORD, BENCH_PASSWORD_HASH } from './password.js';
import { targetsFor } from './scale.js';

// The dataset against the real PostgreSQL: exact counts, every reference between subgraphs resolved,
// the same rows for the same seed, and a second run refused unless it replaces the first.

const SCALE = 0.02;
const SEED = 7;
const REFERENCE_DATE = new Date('2026-11-01T00:00:00Z');

const serverUrl = process.env['TEST_DATABASE_URL'];
if (!serverUrl) throw new Error('The dataset is written to PostgreSQL: set TEST_DATABASE_URL.');

type Databases = Record<ServiceName, DatasetDatabase>;

async function rowsOf<T extends Record<string, unknown>>(database: DatasetDatabase, text: string): Promise<T[]> {
  const url = new URL(database.url);
  if (database.pgSchema) url.searchParams.set('options', `-c search_path=${database.pgSchema}`);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Each subgraph in a database of its own, as MEMBERS_DATABASE_URL… give them. */
let separate: Databases;
/** One database shared by the three, a schema each, as DATABASE_URL alone gives them. */
let sharedUrl: string;
let shared: Databases;
let summary: DatasetSummary;

beforeAll(async () => {
  const [members, calendar, feed] = await Promise.all(SERVICES.map((service) => createServerDatabase(serverUrl, service)));
  separate = { members: { url: members! }, calendar: { url: calendar! }, feed: { url: feed! } };
  sharedUrl = await createServerDatabase(serverUrl, 'bench');
  shared = { members: { url: sharedUrl, pgSchema: 'members' }, calendar: { url: sharedUrl, pgSchema: 'calendar' }, feed: { url: sharedUrl, pgSchema: 'feed' } };
  summary = await generateDataset({ databases: separate, scale: SCALE, seed: SEED, referenceDate: REFERENCE_DATE, progress: null });
});

afterAll(async () => {
  const urls = [...new Set([...Object.values(separate ?? {}).map((d) => d.url), sharedUrl].filter(Boolean))];
  await Promise.all(urls.map((url) => dropServerDatabase(serverUrl, url)));
});

describe('the national dataset at a small scale', () => {
  it('writes exactly the planned rows, and the headline tables at the scale asked for', async () => {
    const plan = planDataset({ scale: SCALE, seed: SEED, referenceDate: REFERENCE_DATE });
    for (const service of SERVICES) {
      for (const job of plan.jobs[service]) {
        const table = getTableName(job.table);
        const [counted] = await rowsOf<{ n: number }>(separate[service], `select count(*)::int as n from "${table}"`);
        expect({ table, rows: counted!.n }).toEqual({ table, rows: job.total });
        expect(summary.rows[service][table]).toBe(job.total);
      }
    }
    const targets = targetsFor(SCALE);
    expect(summary.targets).toEqual(targets);
    const count = async (service: ServiceName, sql: string) => (await rowsOf<{ n: number }>(separate[service], sql))[0]!.n;
    expect(await count('members', `select count(distinct department)::int as n from members`)).toBe(targets.departments);
    expect(await count('members', `select count(*)::int as n from structures`)).toBe(targets.structures);
    expect(await count('members', `select count(*)::int as n from members`)).toBe(targets.members);
    expect(await count('calendar', `select count(*)::int as n from events`)).toBe(targets.events);
    expect(await count('calendar', `select count(*)::int as n from registrations`)).toBe(targets.registrations);
    expect(await count('calendar', `select count(*)::int as n from permanences`)).toBe(targets.permanences);
    expect(await count('calendar', `select count(*)::int as n from presence_logs`)).toBe(targets.presenceLogs);
    expect(await count('feed', `select count(*)::int as n from posts`)).toBe(targets.posts);
    expect(await count('feed', `select count(*)::int as n from comments`)).toBe(targets.comments);
    expect(await count('feed', `select count(*)::int as n from reactions`)).toBe(targets.reactions);
    expect(await count('feed', `select count(*)::int as n from alerts`)).toBe(targets.alerts);
    // Republications are part of the posts; acknowledgements follow from the alerts' audiences.
    expect(await count('feed', `select count(*)::int as n from posts where republished_from_id is not null`)).toBeGreaterThan(0);
    expect(await count('feed', `select count(*)::int as n from alert_acknowledgements`)).toBeGreaterThan(0);
  });

  it('refers only to members and structures that exist, with their own département and structure', async () => {
    const members = await rowsOf<{ id: string; department: string; structure_id: string | null; role: string; status: string }>(
      separate.members,
      'select id, department, structure_id, role, status from members',
    );
    const memberById = new Map(members.map((m) => [m.id, m]));
    const structureIds = new Set((await rowsOf<{ id: string }>(separate.members, 'select id from structures')).map((s) => s.id));

    const references: [ServiceName, string, Set<string> | Map<string, unknown>][] = [
      ['members', 'select structure_id as id from members where structure_id is not null', structureIds],
      ['members', 'select by_member_id as id from status_changes where by_member_id is not null', memberById],
      ['calendar', 'select organizer_id as id from events', memberById],
      ['calendar', 'select member_id as id from registrations', memberById],
      ['calendar', 'select decided_by as id from registrations where decided_by is not null', memberById],
      ['calendar', 'select member_id as id from permanences', memberById],
      ['calendar', 'select member_id as id from presence_logs', memberById],
      ['calendar', 'select structure_id as id from presence_logs where structure_id is not null', structureIds],
      ['feed', 'select author_id as id from posts', memberById],
      ['feed', 'select structure_id as id from posts where structure_id is not null', structureIds],
      ['feed', 'select author_id as id from comments', memberById],
      ['feed', 'select member_id as id from reactions', memberById],
      ['feed', 'select member_id as id from post_reports', memberById],
      ['feed', 'select by_member_id as id from moderation_actions', memberById],
      ['feed', 'select raised_by as id from alerts', memberById],
      ['feed', 'select resolved_by as id from alerts where resolved_by is not null', memberById],
      ['feed', 'select member_id as id from alert_acknowledgements', memberById],
    ];
    for (const [service, sql, existing] of references) {
      const ids = (await rowsOf<{ id: string }>(separate[service], `select distinct id from (${sql}) refs`)).map((r) => r.id);
      expect(ids.length).toBeGreaterThan(0);
      expect({ sql, dangling: ids.filter((id) => !existing.has(id)) }).toEqual({ sql, dangling: [] });
    }

    // Rows that copy a member's département or structure copy the right one.
    for (const [service, sql] of [
      ['calendar', 'select member_id, department, structure_id from presence_logs'],
      ['calendar', 'select member_id, department, null as structure_id from permanences'],
      ['feed', 'select author_id as member_id, department, structure_id from posts'],
    ] as const) {
      const rows = await rowsOf<{ member_id: string; department: string; structure_id: string | null }>(separate[service], sql);
      const wrong = rows.filter((row) => {
        const member = memberById.get(row.member_id)!;
        return member.department !== row.department || (sql.includes('null as') ? false : member.structure_id !== row.structure_id);
      });
      expect({ sql, wrong: wrong.length }).toEqual({ sql, wrong: 0 });
    }

    // Who may do what: registrants are ACTIVE or CANDIDATE promeneurs, events are organised and
    // alerts raised by coordinators, posts written by ACTIVE members.
    const registrants = await rowsOf<{ id: string }>(separate.calendar, 'select distinct member_id as id from registrations');
    expect(registrants.filter(({ id }) => !['ACTIVE', 'CANDIDATE'].includes(memberById.get(id)!.status) || memberById.get(id)!.role !== 'PROMENEUR')).toEqual([]);
    const organisers = await rowsOf<{ id: string }>(separate.calendar, 'select distinct organizer_id as id from events');
    expect(organisers.filter(({ id }) => memberById.get(id)!.role !== 'COORDINATOR')).toEqual([]);
    const raisers = await rowsOf<{ id: string }>(separate.feed, 'select distinct raised_by as id from alerts');
    expect(raisers.filter(({ id }) => memberById.get(id)!.role !== 'COORDINATOR')).toEqual([]);
    const authors = await rowsOf<{ id: string }>(separate.feed, 'select distinct author_id as id from posts');
    expect(authors.filter(({ id }) => memberById.get(id)!.status !== 'ACTIVE')).toEqual([]);
  });

  it('keeps the rules the services keep: republications, waitlists, seats, attendance, labelling', async () => {
    const none = async (service: ServiceName, sql: string) => expect({ sql, rows: await rowsOf(separate[service], sql) }).toEqual({ sql, rows: [] });
    // A republication relays an earlier, published original by someone else, once per member.
    await none(
      'feed',
      `select p.id from posts p where p.republished_from_id is not null and not exists (
         select 1 from posts o where o.id = p.republished_from_id and o.republished_from_id is null
           and o.author_id <> p.author_id and o.published_at < p.published_at and o.status = 'PUBLISHED')`,
    );
    await none('feed', `select c.id from comments c join posts p on p.id = c.post_id where c.created_at < p.published_at`);
    // Waitlist positions are 1…n per event; confirmed registrations fit the capacity.
    await none(
      'calendar',
      `select event_id from registrations where status = 'WAITLISTED' group by event_id
         having min(waitlist_position) <> 1 or max(waitlist_position) <> count(*) or count(distinct waitlist_position) <> count(*)`,
    );
    await none(
      'calendar',
      `select e.id from events e where e.capacity is not null
         and e.capacity < (select count(*) from registrations r where r.event_id = e.id and r.status = 'CONFIRMED')`,
    );
    await none(
      'calendar',
      `select e.id from events e where e.status = 'COMPLETED'
         and e.attended_count <> (select count(*) from registrations r where r.event_id = e.id and r.attended)`,
    );
    await none('calendar', `select e.id from events e where e.status = 'DRAFT' and exists (select 1 from registrations r where r.event_id = e.id)`);
    // Presence logs hold counts only, one a day per member, with requests never above the contacts.
    await none('calendar', `select member_id, date from presence_logs group by 1, 2 having count(*) > 1`);
    await none(
      'calendar',
      `select id from presence_logs where contacts < coalesce((select sum((r->>'count')::int) from jsonb_array_elements(requests) r), 0)`,
    );
    // ACTIVE members accepted the charter; each history ends in the member's status.
    await none('members', `select id from members where status = 'ACTIVE' and (charter_version is null or charter_accepted_at is null)`);
    await none(
      'members',
      `select m.id from members m where m.status <> (select s.to_status from status_changes s where s.member_id = m.id order by s.at desc limit 1)`,
    );
    const statuses = await rowsOf<{ status: string }>(separate.members, `select distinct status from members where role = 'PROMENEUR' order by 1`);
    expect(statuses.map((s) => s.status)).toEqual(['ACTIVE', 'CANDIDATE', 'LEFT', 'SUSPENDED']);
  });

  it('signs every member in with the documented password (the shared hash is members\' argon2id)', async () => {
    expect(await verify(BENCH_PASSWORD_HASH, BENCH_PASSWORD)).toBe(true);
    const hashes = await rowsOf<{ password_hash: string }>(separate.members, 'select distinct password_hash from members');
    expect(hashes).toEqual([{ password_hash: BENCH_PASSWORD_HASH }]);
    expect(summary.password).toBe(BENCH_PASSWORD);
    expect(summary.accounts[0]).toEqual(expect.objectContaining({ department: '32', coordinator: 'coordination-1.dep-32@bench.pdn.test' }));
  });

  it('writes the same rows for the same seed, into a shared database too, and refuses to write them twice', async () => {
    await generateDataset({ databases: shared, scale: SCALE, seed: SEED, referenceDate: REFERENCE_DATE, progress: null });
    const plan = planDataset({ scale: SCALE, seed: SEED, referenceDate: REFERENCE_DATE });
    const fingerprint = async (databases: Databases) => {
      const result: Record<string, string> = {};
      for (const service of SERVICES) {
        for (const job of plan.jobs[service]) {
          const table = getTableName(job.table);
          const [row] = await rowsOf<{ digest: string }>(
            databases[service],
            `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from "${table}" t`,
          );
          result[`${service}.${table}`] = row!.digest;
        }
      }
      return result;
    };
    const first = await fingerprint(separate);
    expect(await fingerprint(shared)).toEqual(first);
    // Each subgraph's tables went to its own schema, none to public.
    expect(await rowsOf(shared.members, `select table_name from information_schema.tables where table_schema = 'public'`)).toEqual([]);

    await expect(
      generateDataset({ databases: shared, scale: SCALE, seed: SEED, referenceDate: REFERENCE_DATE, progress: null }),
    ).rejects.toThrow(/already holds data.*--replace/);
    await generateDataset({ databases: shared, scale: SCALE, seed: SEED, referenceDate: REFERENCE_DATE, progress: null, replace: true });
    expect(await fingerprint(shared)).toEqual(first);
  });

  it('plans different rows for another seed', () => {
    const firstRows = (seed: number) => {
      const plan = planDataset({ scale: SCALE, seed, referenceDate: REFERENCE_DATE });
      return plan.jobs.feed.map((job) => [...job.batches()][0]?.slice(0, 3));
    };
    expect(firstRows(SEED)).toEqual(firstRows(SEED));
    expect(firstRows(SEED + 1)).not.toEqual(firstRows(SEED));
  });
});
