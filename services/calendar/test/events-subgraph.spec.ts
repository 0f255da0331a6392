import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import type { Caller } from '@pdn/identity';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { CALENDAR_MIGRATIONS, startCalendar } from '../src/calendar-app.js';
import { loadCalendarSettings } from '../src/calendar.config.js';
import { calendarSchema, registrations, type CalendarSchema, type EventRow } from '../src/db/calendar.tables.js';
import { anonymous, coordinatorOf, insertEvent, promeneur, TestClock } from './events-fixtures.js';


// Events and registrations as the gateway sees them: real HTTP, signed identities, federation's
// `_entities`, the DateTime scalar, and the number of SQL statements a page costs.
describe('calendar subgraph: events and registrations over HTTP', () => {
  const settings = loadCalendarSettings({ CALENDAR_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const key = identitySigningKey(settings);
  const clock = new TestClock(new Date('2026-11-20T09:00:00+01:00'));
  const gers = coordinatorOf('32');
  const statements: string[] = [];
  const attendees = Array.from({ length: 4 }, () => promeneur());
  const people = Array.from({ length: 50 }, () => randomUUID());
  let testDb: TestDatabase<CalendarSchema>;
  let subgraph: RunningSubgraph;
  let page: EventRow[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema, onQuery: (sql) => statements.push(sql) });
    // 50 events in the Gers, each with 3 registrations (one of them the first attendee's), and every
    // one of 50 members registered to a few events.
    for (let i = 0; i < 50; i++) {
      const startsAt = new Date(Date.UTC(2026, 11, 1 + (i % 28), 8 + Math.floor(i / 28)));
      const event = await insertEvent(testDb.database, { title: `Atelier ${i}`, capacity: 2, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) });
      page.push(event);
      await testDb.database.db.insert(registrations).values([
        { eventId: event.id, memberId: attendees[0]!.memberId, status: 'CONFIRMED' },
        { eventId: event.id, memberId: people[i]!, status: 'CONFIRMED' },
        { eventId: event.id, memberId: people[(i + 1) % 50]!, status: 'WAITLISTED', waitlistPosition: 1 },
      ]);
    }
    page = page.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id));
    subgraph = await startCalendar(settings, { database: testDb.database, clock });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  const graphql = signedGraphql(() => subgraph.url, key);

  async function counted(query: string, caller: Caller, variables: Record<string, unknown>) {
    statements.length = 0;
    const body = await graphql(query, caller, variables);
    expect(body.errors).toBeUndefined();
    return { body, statements: statements.length };
  }

  const pageQuery = `query ($first: Int) { events(first: $first) { totalCount edges { node {
    id title organizer { id } confirmedCount waitlistCount seatsLeft closingNotes
    registrations { id status waitlistPosition member { id } event { id } }
    myRegistration { id status }
  } } } }`;

  it('should resolve a page of events with its registrations, counts and myRegistration in a constant number of statements', async () => {
    const small = await counted(pageQuery, { ...gers, memberId: attendees[0]!.memberId }, { first: 5 });
    const large = await counted(pageQuery, { ...gers, memberId: attendees[0]!.memberId }, { first: 50 });
    expect(large.body.data.events.edges).toHaveLength(50);
    expect(large.statements).toBe(small.statements);
    // The page, its total, the seat counts, the registrations, myRegistration, the registrations' events.
    expect(large.statements).toBe(6);
    const first = large.body.data.events.edges[0].node;
    expect(first).toMatchObject({ confirmedCount: 2, waitlistCount: 1, seatsLeft: 0, myRegistration: { status: 'CONFIRMED' }, organizer: { id: page[0]!.organizerId } });
    expect(first.registrations).toHaveLength(3);
  });

  const membersQuery = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on Member { id registrations { status waitlistPosition event { title startsAt confirmedCount } } }
  } }`;

  it('should resolve Member.registrations of any number of members in a constant number of statements', async () => {
    const representations = (n: number) => people.slice(0, n).map((id) => ({ __typename: 'Member', id }));
    const small = await counted(membersQuery, gers, { representations: representations(5) });
    const large = await counted(membersQuery, gers, { representations: representations(50) });
    expect(large.body.data._entities).toHaveLength(50);
    expect(large.body.data._entities[0].registrations).toHaveLength(2);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBe(3);
  });

  it('should show a member\'s registrations to themselves and to coordinators only', async () => {
    const representations = [{ __typename: 'Member', id: people[0] }];
    const self = await graphql(membersQuery, { ...promeneur(), memberId: people[0]! }, { representations });
    expect(self.data._entities[0].registrations).toHaveLength(2);
    for (const caller of [promeneur(), anonymous, coordinatorOf('31')]) {
      const other = await graphql(membersQuery, caller, { representations });
      expect(other.data._entities[0].registrations).toEqual([]);
    }
  });

  it('should give anonymous callers events and counts, an empty registrations list and no myRegistration', async () => {
    const body = await graphql(`query ($id: ID!) { event(id: $id) { title confirmedCount registrations { id } myRegistration { id } closingNotes } }`, anonymous, {
      id: page[0]!.id,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.event).toEqual({ title: page[0]!.title, confirmedCount: 2, registrations: [], myRegistration: null, closingNotes: null });
  });

  it('should resolve Event references, hiding drafts from those who may not see them', async () => {
    const draft = await insertEvent(testDb.database, { status: 'DRAFT', title: 'Brouillon' });
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Event { id title } } }`;
    const representations = [
      { __typename: 'Event', id: page[0]!.id },
      { __typename: 'Event', id: draft.id },
    ];
    expect((await graphql(query, anonymous, { representations })).data._entities).toEqual([{ id: page[0]!.id, title: page[0]!.title }, null]);
    expect((await graphql(query, gers, { representations })).data._entities[1]).toEqual({ id: draft.id, title: 'Brouillon' });
  });

  it('should read back an event across the change to summer time with its Europe/Paris wall-clock times', async () => {
    const created = await graphql(
      `mutation { createEvent(input: { kind: REGROUPEMENT, title: "Regroupement de printemps", department: "32",
        startsAt: "2026-03-28T10:00:00+01:00", endsAt: "2026-03-29T17:00:00+02:00" }) { id startsAt endsAt status sequence } }`,
      gers,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createEvent).toMatchObject({ startsAt: '2026-03-28T10:00:00+01:00', endsAt: '2026-03-29T17:00:00+02:00', status: 'DRAFT', sequence: 0 });
    // Given in UTC, shown in Paris time.
    const moved = await graphql(
      `mutation ($id: ID!) { updateEvent(id: $id, input: { startsAt: "2026-04-04T08:00:00Z", endsAt: "2026-04-04T15:00:00Z" }) { startsAt endsAt sequence } }`,
      gers,
      { id: created.data.createEvent.id },
    );
    expect(moved.data.updateEvent).toEqual({ startsAt: '2026-04-04T10:00:00+02:00', endsAt: '2026-04-04T17:00:00+02:00', sequence: 1 });
    const shifted = await graphql(`mutation ($id: ID!) { updateEvent(id: $id, input: { shiftDays: -7 }) { startsAt endsAt } }`, gers, { id: created.data.createEvent.id });
    expect(shifted.data.updateEvent).toEqual({ startsAt: '2026-03-28T10:00:00+01:00', endsAt: '2026-03-28T17:00:00+01:00' });
  });

  it('should answer refusals with the contract codes and the input path', async () => {
    const invalid = await graphql(
      `mutation { createEvent(input: { kind: WORKSHOP, title: "Atelier", department: "32", startsAt: "2026-12-01T10:00:00+01:00", endsAt: "2026-12-01T09:00:00+01:00" }) { id } }`,
      gers,
    );
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.endsAt' });
    const byPromeneur = await graphql(
      `mutation { createEvent(input: { kind: WORKSHOP, title: "Atelier", department: "32", startsAt: "2026-12-01T10:00:00+01:00", endsAt: "2026-12-01T12:00:00+01:00" }) { id } }`,
      promeneur(),
    );
    expect(byPromeneur.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const anonymousRegistration = await graphql(`mutation ($id: ID!) { register(eventId: $id) { id } }`, anonymous, { id: page[0]!.id });
    expect(anonymousRegistration.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const full = await graphql(`mutation ($id: ID!) { register(eventId: $id) { status waitlistPosition } }`, promeneur(), { id: page[1]!.id });
    expect(full.data.register).toEqual({ status: 'WAITLISTED', waitlistPosition: 2 });
  });
});
