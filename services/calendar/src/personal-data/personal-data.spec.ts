import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import type { Caller, MemberCaller } from '@pdn/identity';
import { personalDataCoverageProblems, personalDataExportProblems, type RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { CALENDAR_MIGRATIONS, startCalendar } from '../calendar-app.js';
import { loadCalendarSettings } from '../calendar.config.js';
import { calendarFeedTokens, calendarSchema, permanences, presenceLogs, registrations, type CalendarSchema, type EventRow } from '../db/calendar.tables.js';
import { admin, anonymous, coordinatorOf, insertEvent, partner, promeneur } from '../../test/events-fixtures.js';
import { calendarPersonalDataCoverage } from './personal-data.coverage.js';

const partQuery = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Member { id calendarPersonalData } } }`;

// Calendar's part of `myPersonalData`, as members fetches it: federation's `_entities` over HTTP with
// the caller's signed identity.
describe("calendar's part of a member's personal data", () => {
  const settings = loadCalendarSettings({ CALENDAR_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const now = new Date('2026-11-26T10:00:00Z');
  const isabelle: MemberCaller = { ...promeneur(), structureId: randomUUID() };
  const paul = promeneur();
  const coordinator = coordinatorOf('32');
  const feedSecret = 'calendar-feed-secret-of-isabelle';
  let testDb: TestDatabase<CalendarSchema>;
  let subgraph: RunningSubgraph;
  let training: EventRow;
  let organised: EventRow;
  const graphql = signedGraphql(() => subgraph.url, identitySigningKey(settings));

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    const database = testDb.database;
    training = await insertEvent(database, { title: 'Formation initiale', organizerId: coordinator.memberId, joinMode: 'APPROVAL' });
    organised = await insertEvent(database, { title: 'Atelier TikTok', organizerId: isabelle.memberId, kind: 'WORKSHOP' });
    await database.db.insert(registrations).values([
      { eventId: training.id, memberId: isabelle.memberId, status: 'CONFIRMED', attended: true, decidedBy: coordinator.memberId },
      { eventId: training.id, memberId: paul.memberId, status: 'CONFIRMED', decidedBy: isabelle.memberId },
    ]);
    await database.db.insert(permanences).values([
      { memberId: isabelle.memberId, department: '32', weekday: 3, startTime: '18:00', endTime: '20:00', network: 'INSTAGRAM' },
      { memberId: paul.memberId, department: '32', weekday: 2, startTime: '17:00', endTime: '18:00', network: 'SNAPCHAT' },
    ]);
    await database.db.insert(presenceLogs).values([
      { memberId: isabelle.memberId, department: '32', structureId: isabelle.structureId, date: '2026-11-18', minutes: 90, network: 'INSTAGRAM', contacts: 4, requests: [{ category: 'PREVENTION', count: 2 }], themes: ['HEALTH'] },
      { memberId: paul.memberId, department: '32', date: '2026-11-18', minutes: 30, network: 'SNAPCHAT' },
    ]);
    await database.db.insert(calendarFeedTokens).values({ memberId: isabelle.memberId, tokenHash: createHash('sha256').update(feedSecret).digest('hex') });
    subgraph = await startCalendar(settings, { database, clock: { now: () => now } });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  async function partOf(memberId: string, caller: Caller) {
    const body = await graphql(partQuery, caller, { representations: [{ __typename: 'Member', id: memberId }] });
    expect(body.errors).toBeUndefined();
    return body.data._entities[0].calendarPersonalData;
  }

  it('should classify every table and every column that may hold a member id', () => {
    expect(personalDataCoverageProblems(calendarSchema, calendarPersonalDataCoverage)).toEqual([]);
  });

  it('should export every column of every table the member appears in, and no secret', async () => {
    const part = await partOf(isabelle.memberId, isabelle);
    expect(personalDataExportProblems(calendarSchema, calendarPersonalDataCoverage, part)).toEqual([]);
    const text = JSON.stringify(part);
    expect(text).not.toMatch(/hash|secret/i);
    expect(text).not.toContain(createHash('sha256').update(feedSecret).digest('hex'));
  });

  it("should hold the member's registrations with their events, permanences, presence logs, organised events and feed", async () => {
    const part = await partOf(isabelle.memberId, isabelle);
    expect(part.registrations).toEqual([
      expect.objectContaining({
        eventId: training.id,
        memberId: isabelle.memberId,
        status: 'CONFIRMED',
        attended: true,
        decidedBy: coordinator.memberId,
        event: { title: 'Formation initiale', kind: 'TRAINING', startsAt: '2026-12-03T09:00:00+01:00', endsAt: '2026-12-03T17:00:00+01:00', department: '32', status: 'PUBLISHED' },
      }),
    ]);
    expect(part.permanences).toEqual([expect.objectContaining({ memberId: isabelle.memberId, weekday: 3, startTime: '18:00', endTime: '20:00', network: 'INSTAGRAM' })]);
    expect(part.presenceLogs).toEqual([
      expect.objectContaining({ date: '2026-11-18', minutes: 90, contacts: 4, requests: [{ category: 'PREVENTION', count: 2 }], themes: ['HEALTH'], structureId: isabelle.structureId }),
    ]);
    expect(part.organisedEvents).toEqual([expect.objectContaining({ id: organised.id, title: 'Atelier TikTok', organizerId: isabelle.memberId })]);
    expect(part.calendarFeed).toEqual({ exists: true, memberId: isabelle.memberId, createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*[+-]\d{2}:\d{2}$/) });
  });

  it("should hold nothing of other members, not even the registration the member decided on", async () => {
    const text = JSON.stringify(await partOf(isabelle.memberId, isabelle));
    expect(text).not.toContain(paul.memberId);
  });

  it('should say there is no calendar feed, and give empty lists, to a member with nothing in calendar', async () => {
    const newcomer = promeneur();
    expect(await partOf(newcomer.memberId, newcomer)).toEqual({ registrations: [], permanences: [], presenceLogs: [], organisedEvents: [], calendarFeed: { exists: false } });
  });

  it.each<[string, () => Caller]>([
    ['another promeneur', () => paul],
    ["the member's coordinator", () => coordinator],
    ['an admin', () => admin()],
    ['a partner application', () => partner],
    ['an anonymous caller', () => anonymous],
  ])('should give %s null', async (_, caller) => {
    expect(await partOf(isabelle.memberId, caller())).toBeNull();
  });

  it("should give null for a member id that is not the caller's, even a malformed one", async () => {
    expect(await partOf('not-a-uuid', isabelle)).toBeNull();
  });
});
