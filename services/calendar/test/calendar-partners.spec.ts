import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { outbox } from '@pdn/domain-events';
import type { ApiScope, Caller } from '@pdn/identity';
import { AUDIT_PRIVATE_READ, privateReadFromPayload, type RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql, type GraphQLResponse } from '@pdn/subgraph/testing';
import { CALENDAR_MIGRATIONS, startCalendar } from '../src/calendar-app.js';
import { loadCalendarSettings } from '../src/calendar.config.js';
import { calendarSchema, permanences, presenceLogs, registrations, type CalendarSchema, type EventRow } from '../src/db/calendar.tables.js';
import { coordinatorOf, insertEvent, promeneur, TestClock } from './events-fixtures.js';

const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.['code'];

// Partner applications in the calendar: the CALENDAR_READ scope, their key's départements, public
// fields only; and the audit of a coordinator reading a member's presence.
describe('calendar subgraph: partner applications and private reads', () => {
  const settings = loadCalendarSettings({ CALENDAR_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  // Sunday 29 March 2026, 10:30 in Paris.
  const clock = new TestClock(new Date('2026-03-29T08:30:00Z'));
  const gersPromeneur = promeneur('ACTIVE', '32');
  const landesPromeneur = promeneur('ACTIVE', '40');
  let testDb: TestDatabase<CalendarSchema>;
  let subgraph: RunningSubgraph;
  let gersEvent: EventRow;
  let landesEvent: EventRow;
  let hauteGaronneEvent: EventRow;

  const partner = (scopes: ApiScope[], departments = ['32', '40']): Caller => ({ kind: 'partner', apiKeyId: randomUUID(), scopes, departments });
  const reader = partner(['CALENDAR_READ']);

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    const db = testDb.database;
    gersEvent = await insertEvent(db, { title: 'Atelier Gers', department: '32', startsAt: new Date('2026-04-02T09:00:00Z'), endsAt: new Date('2026-04-02T11:00:00Z') });
    landesEvent = await insertEvent(db, { title: 'Atelier Landes', department: '40', startsAt: new Date('2026-04-03T09:00:00Z'), endsAt: new Date('2026-04-03T11:00:00Z') });
    hauteGaronneEvent = await insertEvent(db, { title: 'Atelier Toulouse', department: '31', startsAt: new Date('2026-04-04T09:00:00Z'), endsAt: new Date('2026-04-04T11:00:00Z') });
    await insertEvent(db, { title: 'Brouillon Gers', department: '32', status: 'DRAFT' });
    await db.db.insert(registrations).values({ eventId: gersEvent.id, memberId: gersPromeneur.memberId, status: 'CONFIRMED' });
    await db.db.insert(permanences).values([
      { memberId: gersPromeneur.memberId, department: '32', weekday: 7, startTime: '10:00', endTime: '11:00', network: 'INSTAGRAM' },
      { memberId: landesPromeneur.memberId, department: '40', weekday: 7, startTime: '10:00', endTime: '11:00', network: 'TIKTOK' },
      { memberId: randomUUID(), department: '31', weekday: 7, startTime: '10:00', endTime: '11:00', network: 'DISCORD' },
    ]);
    await db.db.insert(presenceLogs).values({ memberId: gersPromeneur.memberId, department: '32', date: '2026-03-02', minutes: 90, network: 'INSTAGRAM', contacts: 2 });
    subgraph = await startCalendar(settings, { database: db, clock });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  const graphql = signedGraphql(() => subgraph.url, identitySigningKey(settings));
  const titles = (response: GraphQLResponse) => response.data.events.edges.map((e: { node: { title: string } }) => e.node.title);

  it('should refuse a key without CALENDAR_READ with FORBIDDEN, on events, event and onlineNow', async () => {
    const key = partner(['DIRECTORY_READ', 'FEED_READ', 'ALERTS_READ']);
    expect(codeOf(await graphql('{ events { totalCount } }', key))).toBe('FORBIDDEN');
    expect(codeOf(await graphql('query ($id: ID!) { event(id: $id) { title } }', key, { id: gersEvent.id }))).toBe('FORBIDDEN');
    expect(codeOf(await graphql('{ onlineNow { startTime } }', key))).toBe('FORBIDDEN');
  });

  it("should list the published events of the key's départements only, and refuse another département", async () => {
    const all = await graphql('{ events { edges { node { title } } } }', reader);
    expect(all.errors).toBeUndefined();
    expect(titles(all)).toEqual(['Atelier Gers', 'Atelier Landes']);
    const landes = await graphql('{ events(filter: { department: "40" }) { edges { node { title } } } }', reader);
    expect(titles(landes)).toEqual(['Atelier Landes']);
    expect(codeOf(await graphql('{ events(filter: { department: "31" }) { totalCount } }', reader))).toBe('FORBIDDEN');
  });

  it("should answer an event outside the key's départements as absent", async () => {
    const event = (id: string) => graphql('query ($id: ID!) { event(id: $id) { title } }', reader, { id });
    expect((await event(hauteGaronneEvent.id)).data.event).toBeNull();
    expect((await event(landesEvent.id)).data.event).toEqual({ title: 'Atelier Landes' });
  });

  it('should show who is online now within the key’s départements only', async () => {
    const { data } = await graphql('{ onlineNow { network } }', reader);
    expect(data.onlineNow.map((p: { network: string }) => p.network).sort()).toEqual(['INSTAGRAM', 'TIKTOK']);
    expect(codeOf(await graphql('{ onlineNow(department: "31") { network } }', reader))).toBe('FORBIDDEN');
  });

  it("should show partners the public fields only: no registrations, nobody's presence, no report", async () => {
    const event = await graphql('query ($id: ID!) { event(id: $id) { confirmedCount registrations { id } myRegistration { id } } }', reader, { id: gersEvent.id });
    expect(event.data.event).toEqual({ confirmedCount: 1, registrations: [], myRegistration: null });
    const r = [{ __typename: 'Member', id: gersPromeneur.memberId, weeklyHoursCommitment: 2, department: '32' }];
    const member = await graphql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { registrations { id } } } }', reader, { r });
    expect(member.errors).toBeUndefined();
    expect(member.data._entities).toEqual([{ registrations: [] }]);
    // presence is non-null: refused on the field, not made up.
    const presence = await graphql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { presence(from: "2026-03-01", to: "2026-03-07") { minutesLogged } } } }', reader, { r });
    expect(presence.errors?.[0]).toMatchObject({ path: ['_entities', 0, 'presence'], extensions: { code: 'FORBIDDEN' } });
    expect(presence.data._entities).toEqual([null]);
    expect(codeOf(await graphql('{ presenceReport(from: "2026-03-01", to: "2026-03-07", department: "32") { totalMinutes } }', reader))).toBe('FORBIDDEN');
  });

  it('should refuse partners every mutation', async () => {
    expect(codeOf(await graphql('mutation ($id: ID!) { register(eventId: $id) { id } }', reader, { id: gersEvent.id }))).toBe('FORBIDDEN');
    expect(codeOf(await graphql('mutation { rotateCalendarFeedToken { url } }', reader))).toBe('FORBIDDEN');
  });

  // The events' way to members' audit log: services/calendar/src/audit and tools/e2e (audit-log).
  it("should audit a coordinator's read of a member's presence as an audit.private-read event, and not the member's own", async () => {
    const query = `query Compliance__calendar__0($r: [_Any!]!) { _entities(representations: $r) { ... on Member { presence(from: "2026-03-01", to: "2026-03-07") { minutesLogged } } } }`;
    const variables = { r: [{ __typename: 'Member', id: gersPromeneur.memberId, weeklyHoursCommitment: 2, department: '32' }] };
    const gers = coordinatorOf('32');
    const reads = async () => (await testDb.database.db.select().from(outbox)).filter((e) => e.type === AUDIT_PRIVATE_READ).map((e) => privateReadFromPayload(e.payload));
    expect((await graphql(query, gersPromeneur, variables)).data._entities).toEqual([{ presence: { minutesLogged: 90 } }]);
    expect(await reads()).toEqual([]);
    expect((await graphql(query, gers, variables)).data._entities).toEqual([{ presence: { minutesLogged: 90 } }]);
    expect(await reads()).toEqual([
      expect.objectContaining({
        actor: { kind: 'member', memberId: gers.memberId },
        subjectId: gersPromeneur.memberId,
        fields: ['presence'],
        operationName: 'Compliance',
        at: clock.now(),
      }),
    ]);
  });
});
