import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import type { Caller } from '@pdn/identity';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { CALENDAR_MIGRATIONS, startCalendar } from '../calendar-app.js';
import { loadCalendarSettings } from '../calendar.config.js';
import { anonymousPresence, calendarSchema, presenceLogs, registrations, type CalendarSchema } from '../db/calendar.tables.js';
import { admin, anonymous, coordinatorOf, insertEvent, partner, promeneur } from '../../test/events-fixtures.js';

const FIGURES = 'department year eventsHeld promeneursTrained regroupementAttendanceRate minutesOnline contacts requests { category count }';
const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on DepartmentStats { ${FIGURES} } } }`;
const stats = (department: string, year: number) => ({ __typename: 'DepartmentStats', department, year });
const requests = (counts: Partial<Record<'DAILY_LIFE_PREVENTION' | 'STRUCTURE_INFO' | 'PROJECT_SUPPORT' | 'DIGITAL_PRACTICES' | 'PERSONAL', number>>) =>
  (['DAILY_LIFE_PREVENTION', 'STRUCTURE_INFO', 'PROJECT_SUPPORT', 'DIGITAL_PRACTICES', 'PERSONAL'] as const).map((category) => ({ category, count: counts[category] ?? 0 }));

// Calendar's figures of the yearly bilan, as the gateway asks for them (`_entities` after members'
// root field): a small known 2025 in the Gers, with events and logs just outside it (other years by
// minutes in Paris time, another département, other statuses).
describe('calendar subgraph: DepartmentStats figures', () => {
  const settings = loadCalendarSettings({ CALENDAR_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const now = new Date('2026-06-15T10:00:00+02:00');
  const gers = coordinatorOf('32');
  const statements: string[] = [];
  const [anne, bruno, chloe, denis, emma, fanny, gilles, hugo, ines, jules, karim, lea, marc, nina, oscar] = Array.from({ length: 15 }, () => randomUUID());
  let testDb: TestDatabase<CalendarSchema>;
  let subgraph: RunningSubgraph;
  const graphql = signedGraphql(() => subgraph.url, identitySigningKey(settings));

  async function event(kind: string, status: string, startsAt: string, attendance: [memberId: string, status: string, attended: boolean | null][] = [], department = '32') {
    const start = new Date(startsAt);
    const row = await insertEvent(testDb.database, { kind, status, department, startsAt: start, endsAt: new Date(start.getTime() + 3 * 3_600_000) });
    for (const [memberId, registrationStatus, attended] of attendance) {
      await testDb.database.db.insert(registrations).values({ eventId: row.id, memberId, status: registrationStatus, attended, waitlistPosition: registrationStatus === 'WAITLISTED' ? 1 : null });
    }
  }

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema, onQuery: (sql) => statements.push(sql) });
    // Trainings of 2025: Anne and Bruno attended; Chloé did not; Denis' attendance no longer counts (registration cancelled since).
    await event('TRAINING', 'COMPLETED', '2025-03-10T09:00:00+01:00', [[anne, 'CONFIRMED', true], [bruno, 'CONFIRMED', true], [chloe, 'CONFIRMED', false], [denis, 'CANCELLED', true]]);
    // Anne again (counted once) and Emma; Fanny at a webinar not closed yet; Marc at a workshop of 00:30 on 1 January 2025 in Paris.
    await event('WORKSHOP', 'COMPLETED', '2025-06-10T09:00:00+02:00', [[anne, 'CONFIRMED', true], [emma, 'CONFIRMED', true]]);
    await event('WEBINAR', 'PUBLISHED', '2025-09-10T18:00:00+02:00', [[fanny, 'CONFIRMED', true]]);
    await event('WORKSHOP', 'COMPLETED', '2024-12-31T23:30:00Z', [[marc, 'CONFIRMED', true]]);
    // A training cancelled after its attendance was recorded: nobody was trained.
    await event('TRAINING', 'CANCELLED', '2025-10-10T09:00:00+02:00', [[gilles, 'CONFIRMED', true]]);
    // Regroupements held in 2025: 4 attended of 6 confirmed; waitlisted, cancelled, pending and refused registrations aside.
    await event('REGROUPEMENT', 'COMPLETED', '2025-04-10T09:00:00+02:00', [[anne, 'CONFIRMED', true], [bruno, 'CONFIRMED', true], [chloe, 'CONFIRMED', false], [hugo, 'CONFIRMED', null], [ines, 'WAITLISTED', null], [jules, 'CANCELLED', true]]);
    await event('REGROUPEMENT', 'COMPLETED', '2025-11-10T09:00:00+01:00', [[anne, 'CONFIRMED', true], [bruno, 'CONFIRMED', true], [karim, 'PENDING_APPROVAL', null], [lea, 'REJECTED', null]]);
    // A regroupement not closed yet: neither held nor in the rate.
    await event('REGROUPEMENT', 'PUBLISHED', '2025-12-10T09:00:00+01:00', [[chloe, 'CONFIRMED', false]]);
    // Outside 2025 in the Gers: 00:30 on 1 January 2026 in Paris; a training of 2024. Elsewhere: Haute-Garonne. A draft.
    await event('REGIONAL_DAY', 'COMPLETED', '2025-12-31T23:30:00Z');
    await event('TRAINING', 'COMPLETED', '2024-06-01T09:00:00+02:00', [[oscar, 'CONFIRMED', true]]);
    await event('TRAINING', 'COMPLETED', '2025-05-01T09:00:00+02:00', [[nina, 'CONFIRMED', true]], '31');
    await event('WORKSHOP', 'DRAFT', '2025-05-02T09:00:00+02:00');

    await testDb.database.db.insert(presenceLogs).values([
      { memberId: anne, department: '32', date: '2025-01-01', minutes: 60, network: 'INSTAGRAM', contacts: 2, requests: [{ category: 'DAILY_LIFE_PREVENTION', count: 2 }] },
      { memberId: bruno, department: '32', date: '2025-12-31', minutes: 30, network: 'SNAPCHAT', contacts: 1, requests: [{ category: 'PERSONAL', count: 1 }, { category: 'STRUCTURE_INFO', count: 3 }] },
      { memberId: anne, department: '32', date: '2024-12-31', minutes: 100, network: 'INSTAGRAM', contacts: 10, requests: [{ category: 'PERSONAL', count: 10 }] },
      { memberId: anne, department: '32', date: '2026-01-01', minutes: 45, network: 'INSTAGRAM', contacts: 3, requests: [{ category: 'PERSONAL', count: 3 }] },
      { memberId: nina, department: '31', date: '2025-05-01', minutes: 200, network: 'TIKTOK', contacts: 20, requests: [{ category: 'PERSONAL', count: 20 }] },
    ]);
    // Erased members' logs, folded into anonymous monthly totals.
    await testDb.database.db.insert(anonymousPresence).values([
      { department: '32', month: '2025-03-01', entries: 2, minutes: 90, contacts: 4, requests: [{ category: 'DAILY_LIFE_PREVENTION', count: 1 }, { category: 'PROJECT_SUPPORT', count: 2 }] },
      { department: '32', month: '2024-12-01', entries: 1, minutes: 15, contacts: 1, requests: [] },
      { department: '32', month: '2026-01-01', entries: 1, minutes: 25, contacts: 1, requests: [{ category: 'DIGITAL_PRACTICES', count: 1 }] },
      { department: '31', month: '2025-03-01', entries: 1, minutes: 50, contacts: 5, requests: [] },
    ]);
    subgraph = await startCalendar(settings, { database: testDb.database, clock: { now: () => now } });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  const year2025 = {
    department: '32',
    year: 2025,
    eventsHeld: 5,
    // Anne, Bruno, Emma, Fanny, Marc.
    promeneursTrained: 5,
    regroupementAttendanceRate: 4 / 6,
    minutesOnline: 60 + 30 + 90,
    contacts: 2 + 1 + 4,
    requests: requests({ DAILY_LIFE_PREVENTION: 3, STRUCTURE_INFO: 3, PROJECT_SUPPORT: 2, PERSONAL: 1 }),
  };

  it("should count every figure of the Gers' 2025 exactly", async () => {
    const body = await graphql(ENTITIES, gers, { representations: [stats('32', 2025)] });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([year2025]);
  });

  it('should resolve several years and départements in one batch: the same statements as for one key', async () => {
    statements.length = 0;
    await graphql(ENTITIES, gers, { representations: [stats('32', 2025)] });
    const oneKey = statements.length;
    statements.length = 0;
    const body = await graphql(ENTITIES, admin(), { representations: [stats('32', 2024), stats('32', 2025), stats('32', 2026), stats('31', 2025), stats('32', 2025)] });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { department: '32', year: 2024, eventsHeld: 1, promeneursTrained: 1, regroupementAttendanceRate: 0, minutesOnline: 115, contacts: 11, requests: requests({ PERSONAL: 10 }) },
      year2025,
      { department: '32', year: 2026, eventsHeld: 1, promeneursTrained: 0, regroupementAttendanceRate: 0, minutesOnline: 70, contacts: 4, requests: requests({ PERSONAL: 3, DIGITAL_PRACTICES: 1 }) },
      { department: '31', year: 2025, eventsHeld: 1, promeneursTrained: 1, regroupementAttendanceRate: 0, minutesOnline: 250, contacts: 25, requests: requests({ PERSONAL: 20 }) },
      year2025,
    ]);
    // One statement for the events' figures, two for presence (totals, requests by category).
    expect(statements.length).toBe(oneKey);
    expect(statements.length).toBe(3);
  });

  it('should answer zeros for a year with nothing', async () => {
    const body = await graphql(ENTITIES, gers, { representations: [stats('32', 2019)] });
    expect(body.data._entities).toEqual([
      { department: '32', year: 2019, eventsHeld: 0, promeneursTrained: 0, regroupementAttendanceRate: 0, minutesOnline: 0, contacts: 0, requests: requests({}) },
    ]);
  });

  it('should refuse in _entities whoever the root field refuses', async () => {
    const refusal = async (who: Caller, representation = stats('32', 2025)) => {
      const body = await graphql(ENTITIES, who, { representations: [representation] });
      expect(body.data?._entities?.[0] ?? null).toBeNull();
      return body.errors?.[0]?.extensions;
    };
    expect(await refusal(anonymous)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refusal(partner)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(promeneur('ACTIVE', '32'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(coordinatorOf('31'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(gers, stats('32', 1999))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    expect(await refusal(gers, stats('XX', 2025))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'department' });
  });
});
