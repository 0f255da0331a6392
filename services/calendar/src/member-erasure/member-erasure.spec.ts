import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asc, eq } from 'drizzle-orm';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { MEMBER_ERASED, domainEventCursors, processedDomainEvents } from '@pdn/domain-events';
import { eventually, startScriptedEventLog, type ScriptedEventLog } from '@pdn/domain-events/testing';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { CALENDAR_MIGRATIONS, startCalendar } from '../calendar-app.js';
import { loadCalendarSettings } from '../calendar.config.js';
import {
  anonymousPresence,
  calendarFeedTokens,
  calendarSchema,
  events,
  permanences,
  presenceLogs,
  registrations,
  type CalendarSchema,
} from '../db/calendar.tables.js';
import { TestClock, coordinatorOf, insertEvent } from '../../test/events-fixtures.js';

// The calendar subgraph as it runs: its consumer follows a members event log over real HTTP (a
// scripted one: the end-to-end tests run the real members subgraph) and applies member.erased.
describe('calendar: a member erased their account', () => {
  const settings = loadCalendarSettings({ CALENDAR_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const key = identitySigningKey(settings);
  const clock = new TestClock(new Date('2026-05-04T10:00:00+02:00'));
  const coordinator = coordinatorOf('32');
  const erased = randomUUID();
  const other = randomUUID();
  let testDb: TestDatabase<CalendarSchema>;
  let members: ScriptedEventLog;
  let subgraph: RunningSubgraph;
  const graphql = signedGraphql(() => subgraph.url, key);
  const db = () => testDb.database.db;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    members = await startScriptedEventLog('members', key);
    const database = testDb.database;
    // A future training with one seat: the erased member holds it, another waits.
    const full = await insertEvent(database, { capacity: 1, startsAt: new Date('2026-06-10T09:00:00+02:00'), endsAt: new Date('2026-06-10T17:00:00+02:00') });
    // A regroupement that took place: both attended.
    const held = await insertEvent(database, {
      kind: 'REGROUPEMENT',
      status: 'COMPLETED',
      startsAt: new Date('2026-03-12T09:00:00+01:00'),
      endsAt: new Date('2026-03-12T17:00:00+01:00'),
      organizerId: erased,
    });
    const approval = await insertEvent(database, { joinMode: 'APPROVAL', startsAt: new Date('2026-07-01T09:00:00+02:00'), endsAt: new Date('2026-07-01T12:00:00+02:00') });
    Object.assign(ids, { full: full.id, held: held.id, approval: approval.id });
    await db().insert(registrations).values([
      { eventId: full.id, memberId: erased, status: 'CONFIRMED' },
      { eventId: full.id, memberId: other, status: 'WAITLISTED', waitlistPosition: 1 },
      { eventId: held.id, memberId: erased, status: 'CONFIRMED', attended: true },
      { eventId: held.id, memberId: other, status: 'CONFIRMED', attended: true, decidedBy: erased },
      { eventId: approval.id, memberId: erased, status: 'PENDING_APPROVAL' },
    ]);
    await db().insert(permanences).values([
      { memberId: erased, department: '32', weekday: 3, startTime: '18:00', endTime: '20:00', network: 'INSTAGRAM' },
      { memberId: other, department: '32', weekday: 3, startTime: '18:00', endTime: '20:00', network: 'SNAPCHAT' },
    ]);
    await db().insert(calendarFeedTokens).values({ memberId: erased, tokenHash: `hash-${erased}` });
    await db().insert(presenceLogs).values([
      { memberId: erased, department: '32', date: '2026-03-03', minutes: 90, network: 'INSTAGRAM', contacts: 4, requests: [{ category: 'HEALTH', count: 2 }, { category: 'SCHOOL', count: 1 }] },
      { memberId: erased, department: '32', date: '2026-03-17', minutes: 60, network: 'INSTAGRAM', contacts: 2, requests: [{ category: 'HEALTH', count: 1 }] },
      { memberId: erased, department: '32', date: '2026-04-02', minutes: 30, network: 'DISCORD', contacts: 1, requests: [] },
      { memberId: other, department: '32', date: '2026-03-03', minutes: 120, network: 'SNAPCHAT', contacts: 5, requests: [{ category: 'HEALTH', count: 3 }] },
    ]);
    // What an earlier erasure left for March.
    await db().insert(anonymousPresence).values({ department: '32', month: '2026-03-01', entries: 1, minutes: 45, contacts: 3, requests: [{ category: 'HEALTH', count: 1 }, { category: 'WORK', count: 2 }] });

    subgraph = await startCalendar(
      loadCalendarSettings({ CALENDAR_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent', MEMBERS_EVENTS_URL: members.url, DOMAIN_EVENTS_WAIT_SECONDS: '0', DOMAIN_EVENTS_MIN_BACKOFF_MS: '20', DOMAIN_EVENTS_MAX_BACKOFF_MS: '100' }),
      { database: testDb.database, clock },
    );
  });

  afterAll(async () => {
    await subgraph?.close();
    await members?.close();
    await testDb?.dispose();
  });

  async function appliedUpTo(position: number) {
    await eventually(async () => {
      const [cursor] = await db().select().from(domainEventCursors).where(eq(domainEventCursors.producer, 'members'));
      return cursor && cursor.position >= position ? true : undefined;
    }, `calendar to reach position ${position} of the members log`);
  }

  const anonymousTotals = () =>
    db().select().from(anonymousPresence).where(eq(anonymousPresence.department, '32')).orderBy(asc(anonymousPresence.month));

  const EVENT = `query ($id: ID!) { event(id: $id) { confirmedCount waitlistCount seatsLeft attendedCount organizer { id } registrations { status attended member { id } } } }`;

  it('should remove, fold and detach what calendar holds about the member, once', async () => {
    const event = members.push({ type: MEMBER_ERASED, payload: { memberId: erased, department: '32', deletePosts: false } });
    await appliedUpTo(event.position);

    expect(await db().select({ memberId: permanences.memberId }).from(permanences)).toEqual([{ memberId: other }]);
    expect(await db().select().from(calendarFeedTokens)).toEqual([]);
    expect(await db().select({ memberId: presenceLogs.memberId }).from(presenceLogs)).toEqual([{ memberId: other }]);
    expect(await anonymousTotals()).toEqual([
      {
        department: '32',
        month: '2026-03-01',
        entries: 3,
        minutes: 45 + 90 + 60,
        contacts: 3 + 4 + 2,
        requests: [
          { category: 'HEALTH', count: 4 },
          { category: 'SCHOOL', count: 1 },
          { category: 'WORK', count: 2 },
        ],
      },
      { department: '32', month: '2026-04-01', entries: 1, minutes: 30, contacts: 1, requests: [] },
    ]);

    // The seat the member held goes to the waitlist; the regroupement keeps its figures.
    const full = await graphql(EVENT, coordinator, { id: ids['full'] });
    expect(full.data.event).toMatchObject({ confirmedCount: 1, waitlistCount: 0, seatsLeft: 0, registrations: [{ status: 'CONFIRMED', member: { id: other } }] });
    const held = await graphql(EVENT, coordinator, { id: ids['held'] });
    expect(held.errors).toBeUndefined();
    expect(held.data.event).toMatchObject({ confirmedCount: 2, organizer: { id: erased }, registrations: [{ status: 'CONFIRMED', attended: true, member: { id: other } }] });

    const rows = await db().select().from(registrations).orderBy(asc(registrations.createdAt));
    expect(rows.filter((r) => r.memberId === erased)).toEqual([]);
    expect(rows.filter((r) => r.memberId === null).map((r) => [r.eventId, r.status, r.attended])).toEqual(
      expect.arrayContaining([
        [ids['full'], 'CANCELLED', null],
        [ids['held'], 'CONFIRMED', true],
        [ids['approval'], 'CANCELLED', null],
      ]),
    );
    expect(rows.filter((r) => r.memberId === null)).toHaveLength(3);
    expect(rows.find((r) => r.memberId === other && r.eventId === ids['held'])?.decidedBy).toBeNull();
    // Events organised by the member stay, their organiser the anonymised member.
    expect(await db().select({ id: events.id }).from(events).where(eq(events.organizerId, erased))).toEqual([{ id: ids['held'] }]);

    const cancel = await graphql('mutation ($id: ID!) { cancelRegistration(id: $id) { id } }', coordinator, {
      id: rows.find((r) => r.memberId === null && r.eventId === ids['approval'])!.id,
    });
    expect(cancel.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('should not apply the erasure again when the event is delivered again', async () => {
    const [first] = await db().select().from(processedDomainEvents);
    const totals = await anonymousTotals();
    // The same event (same id) later in the log, as an at-least-once producer may deliver it.
    const again = members.push({ id: first!.eventId, type: MEMBER_ERASED, payload: { memberId: erased, department: '32', deletePosts: false } });
    await appliedUpTo(again.position);
    expect(await anonymousTotals()).toEqual(totals);
    expect(await db().select().from(processedDomainEvents)).toHaveLength(1);
  });

  it('should keep the log flowing for members who hold nothing here', async () => {
    const nobody = members.push({ type: MEMBER_ERASED, payload: { memberId: randomUUID(), department: '31', deletePosts: true } });
    await appliedUpTo(nobody.position);
    expect(await db().select().from(processedDomainEvents)).toHaveLength(2);
  });
});
