import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { asc } from 'drizzle-orm';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { eventsUrlBeside, HttpEventSource, outbox } from '@pdn/domain-events';
import { ANONYMOUS, signIdentity } from '@pdn/identity';
import { AUDIT_PRIVATE_READ, AUDIT_PRIVATE_READ_VERSION, privateReadFromPayload, type RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { CALENDAR_MIGRATIONS, startCalendar } from '../calendar-app.js';
import { loadCalendarSettings } from '../calendar.config.js';
import { calendarSchema, presenceLogs, type CalendarSchema } from '../db/calendar.tables.js';
import { coordinatorOf, promeneur, TestClock } from '../../test/events-fixtures.js';

// Calendar's reads of members' private fields (`presence`) reach the members audit log as
// audit.private-read events in calendar's outbox, served at GET /events like members' own log.
describe('calendar: the audit of private reads, as domain events', () => {
  const settings = loadCalendarSettings({ CALENDAR_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const key = identitySigningKey(settings);
  const clock = new TestClock(new Date('2026-04-01T08:00:00Z'));
  const coordinator = coordinatorOf('32');
  const lea = promeneur();
  const marc = promeneur();
  let testDb: TestDatabase<CalendarSchema>;
  let subgraph: RunningSubgraph;
  const graphql = signedGraphql(() => subgraph.url, key);
  const events = () => testDb.database.db.select().from(outbox).orderBy(asc(outbox.position));

  const presenceOf = `query Compliance($r: [_Any!]!) { _entities(representations: $r) {
    ... on Member { id presence(from: "2026-03-01", to: "2026-03-31") { minutesLogged } }
  } }`;
  const representation = (memberId: string) => ({ __typename: 'Member', id: memberId, weeklyHoursCommitment: 3, department: '32' });

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    await testDb.database.db.insert(presenceLogs).values([
      { memberId: lea.memberId, department: '32', date: '2026-03-02', minutes: 90, network: 'INSTAGRAM', contacts: 2 },
      { memberId: marc.memberId, department: '32', date: '2026-03-03', minutes: 30, network: 'SNAPCHAT', contacts: 1 },
    ]);
    subgraph = await startCalendar(settings, { database: testDb.database, clock });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  beforeEach(() => testDb.database.db.delete(outbox));

  it("should write one audit.private-read event when a coordinator reads a member's presence", async () => {
    const { data, errors } = await graphql(presenceOf, coordinator, { r: [representation(lea.memberId)] });
    expect(errors).toBeUndefined();
    expect(data._entities).toEqual([{ id: lea.memberId, presence: { minutesLogged: 90 } }]);

    const written = await events();
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ type: AUDIT_PRIVATE_READ, version: AUDIT_PRIVATE_READ_VERSION });
    expect(privateReadFromPayload(written[0]!.payload)).toEqual({
      actor: { kind: 'member', memberId: coordinator.memberId },
      subjectId: lea.memberId,
      fields: ['presence'],
      operationName: 'Compliance',
      at: clock.now(),
      requestId: expect.any(String),
    });
  });

  it("should not write any event for a member's read of their own presence, nor for a read that was refused", async () => {
    const own = await graphql(presenceOf, lea, { r: [representation(lea.memberId)] });
    expect(own.data._entities).toEqual([{ id: lea.memberId, presence: { minutesLogged: 90 } }]);
    const refused = await graphql(presenceOf, marc, { r: [representation(lea.memberId)] });
    expect(refused.errors?.[0]).toMatchObject({ path: ['_entities', 0, 'presence'], extensions: { code: 'FORBIDDEN' } });
    expect(refused.data._entities).toEqual([null]);
    expect(await events()).toEqual([]);
  });

  it('should write one event per member read in a request', async () => {
    const { errors } = await graphql(presenceOf, coordinator, { r: [representation(lea.memberId), representation(marc.memberId)] });
    expect(errors).toBeUndefined();
    const written = await events();
    expect(written.map((e) => privateReadFromPayload(e.payload).subjectId).sort()).toEqual([lea.memberId, marc.memberId].sort());
    expect(written.every((e) => (e.payload as { actorId: string }).actorId === coordinator.memberId)).toBe(true);
  });

  it("should serve the events at GET /events as calendar's log, to signed requests only", async () => {
    await graphql(presenceOf, coordinator, { r: [representation(marc.memberId)] });
    const url = eventsUrlBeside(subgraph.url);
    const served = await new HttpEventSource({ producer: 'calendar', url, identitySigningKey: key }).fetch(0, { limit: 100, waitSeconds: 0 });
    expect(served.map((e) => [e.type, (e.payload as { subjectId: string }).subjectId])).toEqual([[AUDIT_PRIVATE_READ, marc.memberId]]);

    const unsigned = await fetch(url);
    expect(unsigned.status).toBe(401);
    const wronglySigned = await fetch(url, { headers: { ...signIdentity(ANONYMOUS, 'another-key-of-at-least-thirty-two-characters') } });
    expect(wronglySigned.status).toBe(401);
  });
});
