import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { signIdentity, type Caller, type MemberCaller } from '@pdn/identity';
import type { RunningSubgraph } from '@pdn/subgraph';
import { CALENDAR_MIGRATIONS, startCalendar } from '../src/calendar-app.js';
import { loadCalendarSettings } from '../src/calendar.config.js';
import { calendarSchema, permanences, presenceLogs, type CalendarSchema } from '../src/db/calendar.tables.js';

// Response bodies are checked field by field below; their exact shape is the test's subject.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type GraphQLResponse = { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };

const member = (overrides: Partial<MemberCaller> = {}): MemberCaller => ({
  kind: 'member',
  memberId: randomUUID(),
  role: 'PROMENEUR',
  status: 'ACTIVE',
  departments: ['32'],
  ...overrides,
});

// Permanences and presence as the gateway sees them: real HTTP, signed identities, federation's
// `_entities` with the fields members provides through @requires, and the SQL it costs.
describe('calendar subgraph: permanences and presence over HTTP', () => {
  const settings = loadCalendarSettings({ CALENDAR_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const key = identitySigningKey(settings);
  const statements: string[] = [];
  // Sunday 29 March 2026, 10:30 in Paris (summer time since 02:00 that night).
  const now = new Date('2026-03-29T08:30:00Z');
  const coordinator = member({ role: 'COORDINATOR' });
  const promeneurs = Array.from({ length: 50 }, () => member());
  let testDb: TestDatabase<CalendarSchema>;
  let subgraph: RunningSubgraph;

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema, onQuery: (sql) => statements.push(sql) });
    const db = testDb.database.db;
    await db.insert(permanences).values(
      promeneurs.flatMap((p, i) => [
        { memberId: p.memberId, department: '32', weekday: 7, startTime: i % 2 ? '10:00' : '11:00', endTime: i % 2 ? '11:00' : '12:00', network: 'INSTAGRAM' },
        { memberId: p.memberId, department: '32', weekday: 3, startTime: '18:00', endTime: '20:00', network: 'SNAPCHAT' },
      ]),
    );
    await db.insert(presenceLogs).values(
      promeneurs.flatMap((p, i) => [
        { memberId: p.memberId, department: '32', date: '2026-03-02', minutes: 60 + i, network: 'INSTAGRAM', contacts: 2 },
        { memberId: p.memberId, department: '32', date: '2026-03-10', minutes: 30, network: 'SNAPCHAT', contacts: 1 },
      ]),
    );
    subgraph = await startCalendar(settings, { database: testDb.database, clock: { now: () => now } });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  async function post(body: unknown, caller: Caller) {
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signIdentity(caller, key) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse };
  }

  const entitiesQuery = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on Member { id onlineNow permanences { weekday startTime endTime network } presence(from: "2026-03-01", to: "2026-03-14") { minutesLogged minutesCommitted complianceRatio contacts } }
  } }`;
  const representation = (p: MemberCaller) => ({ __typename: 'Member', id: p.memberId, weeklyHoursCommitment: 3, department: '32' });

  async function resolveMembers(count: number) {
    statements.length = 0;
    const { body } = await post({ query: entitiesQuery, variables: { representations: promeneurs.slice(0, count).map(representation) } }, coordinator);
    // The audit's write: its transaction, the outbox's writers lock, the events, their notification.
    const audit = /^\s*(begin|commit)\b|\boutbox\b|pg_advisory_xact_lock|pg_notify/i;
    return { body, statements: statements.length, reads: statements.filter((sql) => !audit.test(sql)).length };
  }

  it('should resolve a page of members with their permanences, onlineNow and presence in a constant number of statements', async () => {
    const small = await resolveMembers(5);
    const large = await resolveMembers(50);
    expect(small.body.errors).toBeUndefined();
    expect(large.body.errors).toBeUndefined();
    expect(large.body.data._entities).toHaveLength(50);
    expect(large.statements).toBe(small.statements);
    // One for the permanences (onlineNow reads the same batch), one for the presence sums; the rest is
    // the audit of the coordinator's reads of presence, the whole page's events in one small write.
    expect(large.reads).toBe(2);
    expect(large.statements).toBeGreaterThan(large.reads);
  });

  it('should answer presence from the commitment in the representation, and onlineNow by the Paris clock', async () => {
    const { body } = await resolveMembers(2);
    expect(body.data._entities).toEqual([
      {
        id: promeneurs[0]!.memberId,
        onlineNow: false, // 11:00–12:00; it is 10:30 in Paris, 09:30 at a fixed UTC+1
        permanences: [
          { weekday: 3, startTime: '18:00', endTime: '20:00', network: 'SNAPCHAT' },
          { weekday: 7, startTime: '11:00', endTime: '12:00', network: 'INSTAGRAM' },
        ],
        presence: { minutesLogged: 90, minutesCommitted: 360, complianceRatio: 0.25, contacts: 3 },
      },
      expect.objectContaining({ id: promeneurs[1]!.memberId, onlineNow: true, presence: expect.objectContaining({ minutesLogged: 91 }) }),
    ]);
  });

  it("should refuse another member's presence with FORBIDDEN on the field (UNAUTHENTICATED when anonymous), and show it to the member themself and their coordinators", async () => {
    const representations = [representation(promeneurs[0]!)];
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Member { id presence(from: "2026-03-01", to: "2026-03-07") { minutesLogged } } } }`;
    const refusedTo: [Caller, string][] = [
      [promeneurs[1]!, 'FORBIDDEN'],
      [member({ role: 'COORDINATOR', departments: ['31'] }), 'FORBIDDEN'],
      [{ kind: 'partner', apiKeyId: randomUUID(), scopes: ['CALENDAR_READ'], departments: ['32'] }, 'FORBIDDEN'],
      [{ kind: 'anonymous' }, 'UNAUTHENTICATED'],
    ];
    for (const [caller, code] of refusedTo) {
      const refused = await post({ query, variables: { representations } }, caller);
      expect(refused.body.errors?.[0]).toMatchObject({ path: ['_entities', 0, 'presence'], extensions: { code } });
      // presence is non-null: the error nulls the entity, never a made-up figure.
      expect(refused.body.data._entities).toEqual([null]);
    }
    for (const caller of [promeneurs[0]!, coordinator, member({ role: 'ADMIN', departments: [] })]) {
      const shown = await post({ query, variables: { representations } }, caller);
      expect(shown.body.errors).toBeUndefined();
      expect(shown.body.data._entities[0].presence).toEqual({ minutesLogged: 60 });
    }
  });

  it('should list who is online now in a département', async () => {
    const { body } = await post({ query: '{ onlineNow(department: "32") { startTime member { id } } }' }, { kind: 'anonymous' });
    expect(body.errors).toBeUndefined();
    expect(body.data.onlineNow).toHaveLength(25);
    expect(body.data.onlineNow[0]).toEqual({ startTime: '10:00', member: { id: expect.any(String) } });
  });

  describe('logPresence', () => {
    const mutation = `mutation ($input: PresenceLogInput!) { logPresence(input: $input) { id date minutes network contacts requests { category count } themes member { id } } }`;
    const input = { date: '2026-03-28', minutes: 45, network: 'TIKTOK', contacts: 3, requests: [{ category: 'DIGITAL_PRACTICES', count: 2 }], themes: ['CYBERBULLYING'] };

    it('should log counts and return them', async () => {
      const caller = member();
      const { body } = await post({ query: mutation, variables: { input } }, caller);
      expect(body.errors).toBeUndefined();
      expect(body.data.logPresence).toMatchObject({ ...input, member: { id: caller.memberId } });
    });

    it('should default contacts, requests and themes to nothing', async () => {
      const { body } = await post({ query: mutation, variables: { input: { date: '2026-03-28', minutes: 30, network: 'DISCORD' } } }, member());
      expect(body.data.logPresence).toMatchObject({ contacts: 0, requests: [], themes: [] });
    });

    it('should refuse any field beyond the counts (no names, handles or messages) before anything is stored', async () => {
      const caller = member();
      for (const extra of [{ note: 'Léa, 15 ans, harcelée' }, { handle: '@lea.15' }, { requests: [{ category: 'PERSONAL', count: 1, message: 'hello' }] }]) {
        const { body } = await post({ query: mutation, variables: { input: { ...input, ...extra } } }, caller);
        expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      }
      const inline = await post({ query: `mutation { logPresence(input: { date: "2026-03-28", minutes: 10, network: X, youngPerson: "Léa" }) { id } }` }, caller);
      expect(inline.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      const logged = await testDb.database.db.select().from(presenceLogs);
      expect(logged.filter((l) => l.memberId === caller.memberId)).toEqual([]);
    });

    it('should refuse a category outside the contract and a malformed date', async () => {
      const unknownCategory = await post({ query: mutation, variables: { input: { ...input, requests: [{ category: 'HOMEWORK', count: 1 }] } } }, member());
      expect(unknownCategory.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      for (const date of ['2026-02-30', '28/03/2026', 20260328]) {
        const badDate = await post({ query: mutation, variables: { input: { ...input, date } } }, member());
        expect(badDate.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.date' });
      }
    });

    it('should name the offending field of a refused log', async () => {
      const future = await post({ query: mutation, variables: { input: { ...input, date: '2026-03-30' } } }, member());
      expect(future.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.date' });
      const twice = await post({ query: mutation, variables: { input: { ...input, requests: [{ category: 'PERSONAL', count: 1 }, { category: 'PERSONAL', count: 2 }] } } }, member());
      expect(twice.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.requests.1.category' });
    });

    it('should ask anonymous callers to sign in', async () => {
      const { body } = await post({ query: mutation, variables: { input } }, { kind: 'anonymous' });
      expect(body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    });
  });

  describe('setMyPermanences', () => {
    const mutation = `mutation ($slots: [PermanenceInput!]!) { setMyPermanences(slots: $slots) { weekday startTime endTime network member { id } } }`;

    it('should replace the schedule and name the offending slot field when refused', async () => {
      const caller = member();
      const set = await post({ query: mutation, variables: { slots: [{ weekday: 2, startTime: '18:00', endTime: '20:00', network: 'INSTAGRAM' }] } }, caller);
      expect(set.body.data.setMyPermanences).toEqual([{ weekday: 2, startTime: '18:00', endTime: '20:00', network: 'INSTAGRAM', member: { id: caller.memberId } }]);
      const slots = [
        { weekday: 2, startTime: '18:00', endTime: '20:00', network: 'INSTAGRAM' },
        { weekday: 2, startTime: '21:00', endTime: '20:30', network: 'INSTAGRAM' },
      ];
      const refused = await post({ query: mutation, variables: { slots } }, caller);
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slots.1.endTime' });
    });

    it('should ask anonymous callers to sign in and refuse suspended members', async () => {
      const slots = [{ weekday: 2, startTime: '18:00', endTime: '20:00', network: 'INSTAGRAM' }];
      expect((await post({ query: mutation, variables: { slots } }, { kind: 'anonymous' })).body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      expect((await post({ query: mutation, variables: { slots } }, member({ status: 'SUSPENDED' }))).body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    });
  });

  describe('presenceReport', () => {
    const query = `query ($structureId: ID) { presenceReport(from: "2026-03-01", to: "2026-03-14", structureId: $structureId) {
      department totalMinutes totalContacts rows { member { id } minutesLogged contacts } requests { category count } } }`;

    it('should report the département of the coordinator in a fixed number of statements', async () => {
      statements.length = 0;
      const { body } = await post({ query }, coordinator);
      expect(body.errors).toBeUndefined();
      expect(body.data.presenceReport).toMatchObject({ department: '32', totalContacts: 150 });
      expect(body.data.presenceReport.rows).toHaveLength(50);
      expect(body.data.presenceReport.rows[0]).toEqual({ member: { id: promeneurs[49]!.memberId }, minutesLogged: 139, contacts: 3 });
      expect(statements).toHaveLength(2);
    });

    it('should refuse a date that does not exist, naming the argument', async () => {
      const { body } = await post({ query: '{ presenceReport(from: "2026-02-29", to: "2026-03-14") { totalMinutes } }' }, coordinator);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    });

    it('should refuse promeneurs and a structure id that is not one', async () => {
      expect((await post({ query }, promeneurs[0]!)).body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      const otherStructure = await post({ query, variables: { structureId: randomUUID() } }, coordinator);
      expect(otherStructure.body.errors).toBeUndefined();
      const notAnId = await post({ query, variables: { structureId: 'MJC' } }, coordinator);
      expect(notAnId.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'structureId' });
    });
  });
});
