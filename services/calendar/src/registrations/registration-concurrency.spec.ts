import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, openDatabase, type Database, type TestDatabase } from '@pdn/database';
import { CALENDAR_MIGRATIONS } from '../calendar-app.js';
import { calendarSchema, registrations, type CalendarSchema } from '../db/calendar.tables.js';
import { EventsRepository } from '../events/events.repository.js';
import { EventsService } from '../events/events.service.js';
import { coordinatorOf, insertEvent, promeneur, TestClock } from '../../test/events-fixtures.js';
import { RegistrationsRepository } from './registrations.repository.js';
import { RegistrationsService } from './registrations.service.js';

// No overbooking: 50 members register at once to 10 seats. On a PostgreSQL server (TEST_DATABASE_URL)
// the calls run on a pool of 50 connections, so the transactions truly race and only the event's row
// lock keeps the count right. PGlite is a single connection that runs one transaction at a time: there
// the test still checks the outcome, but proves nothing about locking.
describe('registrations under concurrency', () => {
  let testDb: TestDatabase<CalendarSchema>;
  let racing: Database<CalendarSchema>;
  let service: RegistrationsService;
  let eventsService: EventsService;
  const clock = new TestClock(new Date('2026-11-20T09:00:00+01:00'));

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    racing = testDb.url
      ? await openDatabase({ service: 'calendar', url: testDb.url, migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema, poolSize: 50 })
      : testDb.database;
    const eventsRepository = new EventsRepository(racing);
    const registrationsRepository = new RegistrationsRepository(racing);
    service = new RegistrationsService(registrationsRepository, eventsRepository, clock);
    eventsService = new EventsService(eventsRepository, registrationsRepository, clock);
  });

  afterAll(async () => {
    if (racing && racing !== testDb?.database) await racing.close();
    await testDb?.dispose();
  });

  it('should confirm exactly 10 of 50 concurrent registrations and waitlist 40 at positions 1..40; 3 cancellations promote 1..3 and renumber the rest', async () => {
    const event = await insertEvent(testDb.database, { capacity: 10 });
    const people = Array.from({ length: 50 }, () => promeneur());
    const made = await Promise.all(people.map((p) => service.register(p, event.id)));

    expect(made.filter((r) => r.status === 'CONFIRMED')).toHaveLength(10);
    const waitlisted = made.filter((r) => r.status === 'WAITLISTED').sort((a, b) => a.waitlistPosition! - b.waitlistPosition!);
    expect(waitlisted.map((r) => r.waitlistPosition)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const stored = await testDb.database.db.select().from(registrations);
    expect(stored).toHaveLength(50);
    expect(stored.filter((r) => r.status === 'CONFIRMED')).toHaveLength(10);

    const confirmed = made.filter((r) => r.status === 'CONFIRMED').slice(0, 3);
    const ownerOf = new Map(people.map((p) => [p.memberId, p]));
    await Promise.all(confirmed.map((r) => service.cancel(ownerOf.get(r.memberId!)!, r.id)));

    const after = new Map((await testDb.database.db.select().from(registrations)).map((r) => [r.id, r]));
    expect([...after.values()].filter((r) => r.status === 'CONFIRMED')).toHaveLength(10);
    for (const promoted of waitlisted.slice(0, 3)) expect(after.get(promoted.id)).toMatchObject({ status: 'CONFIRMED', waitlistPosition: null });
    // The others keep their order, renumbered 1..37.
    expect(waitlisted.slice(3).map((r) => after.get(r.id)!.waitlistPosition)).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));
    expect(await service.seats(event)).toEqual({ confirmedCount: 10, waitlistCount: 37, seatsLeft: 0 });
  });

  it('should keep one registration per member when the same member registers many times at once', async () => {
    const event = await insertEvent(testDb.database, { capacity: 10 });
    const me = promeneur();
    const made = await Promise.all(Array.from({ length: 10 }, () => service.register(me, event.id)));
    expect(new Set(made.map((r) => r.id)).size).toBe(1);
    expect(await service.seats(event)).toMatchObject({ confirmedCount: 1 });
  });

  it('should not overbook when the capacity changes while members register', async () => {
    const event = await insertEvent(testDb.database, { capacity: 5 });
    const gers = coordinatorOf('32');
    const people = Array.from({ length: 20 }, () => promeneur());
    await Promise.all([
      ...people.slice(0, 10).map((p) => service.register(p, event.id)),
      eventsService.update(gers, event.id, { capacity: 8 }),
      ...people.slice(10).map((p) => service.register(p, event.id)),
    ]);
    const rows = (await testDb.database.db.select().from(registrations)).filter((r) => r.eventId === event.id);
    expect(rows.filter((r) => r.status === 'CONFIRMED')).toHaveLength(8);
    const positions = rows.filter((r) => r.status === 'WAITLISTED').map((r) => r.waitlistPosition!).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });
});
