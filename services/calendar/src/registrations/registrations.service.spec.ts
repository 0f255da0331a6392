import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import type { MemberCaller } from '@pdn/identity';
import { CALENDAR_MIGRATIONS } from '../calendar-app.js';
import { calendarSchema, events, registrations, type CalendarSchema, type EventRow, type RegistrationRow } from '../db/calendar.tables.js';
import { EventsRepository } from '../events/events.repository.js';
import { EventsService } from '../events/events.service.js';
import { admin, anonymous, coordinatorOf, insertEvent, partner, promeneur, refusal, TestClock } from '../../test/events-fixtures.js';
import { RegistrationStatus } from './registration.model.js';
import { RegistrationsRepository } from './registrations.repository.js';
import { RegistrationsService } from './registrations.service.js';

// Medium tier: the registration rules against a real database (PostgreSQL when TEST_DATABASE_URL is set).
describe('registrations', () => {
  let testDb: TestDatabase<CalendarSchema>;
  let service: RegistrationsService;
  let eventsService: EventsService;
  const clock = new TestClock(new Date('2026-11-20T09:00:00+01:00'));
  const gers = coordinatorOf('32');
  const haute = coordinatorOf('31');

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    const eventsRepository = new EventsRepository(testDb.database);
    const registrationsRepository = new RegistrationsRepository(testDb.database);
    service = new RegistrationsService(registrationsRepository, eventsRepository, clock);
    eventsService = new EventsService(eventsRepository, registrationsRepository, clock);
  });

  afterAll(() => testDb.dispose());

  beforeEach(async () => {
    clock.set('2026-11-20T09:00:00+01:00');
    await testDb.database.db.delete(registrations);
    await testDb.database.db.delete(events);
  });

  const event = (values: Parameters<typeof insertEvent>[1] = {}) => insertEvent(testDb.database, values);
  const reload = async (r: RegistrationRow) => (await service.ofEvent(gers, (await eventsService.get(gers, r.eventId))!)).find((x) => x.id === r.id)!;
  const queue = async (e: EventRow) =>
    (await service.ofEvent(gers, e))
      .filter((r) => r.status === 'WAITLISTED')
      .sort((a, b) => a.waitlistPosition! - b.waitlistPosition!)
      .map((r) => [r.memberId, r.waitlistPosition]);

  describe('OPEN events', () => {
    it('should confirm while seats are left, then waitlist first come first served with positions 1, 2…', async () => {
      const e = await event({ capacity: 2 });
      const people = Array.from({ length: 4 }, () => promeneur());
      const made = [];
      for (const p of people) made.push(await service.register(p, e.id));
      expect(made.map((r) => [r.status, r.waitlistPosition])).toEqual([
        ['CONFIRMED', null],
        ['CONFIRMED', null],
        ['WAITLISTED', 1],
        ['WAITLISTED', 2],
      ]);
      expect(await service.seats(e)).toEqual({ confirmedCount: 2, waitlistCount: 2, seatsLeft: 0 });
    });

    it('should confirm everyone and report no seat limit when the capacity is null', async () => {
      const e = await event({ capacity: null });
      for (let i = 0; i < 3; i++) expect(await service.register(promeneur(), e.id)).toMatchObject({ status: 'CONFIRMED' });
      expect(await service.seats(e)).toEqual({ confirmedCount: 3, waitlistCount: 0, seatsLeft: null });
    });

    it('should return the standing registration when registering twice', async () => {
      const e = await event({ capacity: 1 });
      const me = promeneur();
      const first = await service.register(me, e.id);
      const again = await service.register(me, e.id);
      expect(again.id).toBe(first.id);
      expect(again.status).toBe('CONFIRMED');
      const waiting = promeneur();
      const queued = await service.register(waiting, e.id);
      expect(await service.register(waiting, e.id)).toMatchObject({ id: queued.id, status: 'WAITLISTED', waitlistPosition: 1 });
      expect(await service.seats(e)).toEqual({ confirmedCount: 1, waitlistCount: 1, seatsLeft: 0 });
    });

    it('should let a member who cancelled register again, at the end of the queue', async () => {
      const e = await event({ capacity: 1 });
      const [a, b, c] = [promeneur(), promeneur(), promeneur()];
      await service.register(a, e.id);
      const bRegistration = await service.register(b, e.id);
      await service.register(c, e.id);
      await service.cancel(b, bRegistration.id);
      clock.set('2026-11-21T09:00:00+01:00');
      const back = await service.register(b, e.id);
      expect(back).toMatchObject({ id: bRegistration.id, status: 'WAITLISTED', waitlistPosition: 2 });
      expect(back.createdAt.toISOString()).toBe('2026-11-21T08:00:00.000Z');
      expect(await queue(e)).toEqual([
        [c.memberId, 1],
        [b.memberId, 2],
      ]);
    });
  });

  describe('cancelling a registration', () => {
    it('should give the freed seat to the first waitlisted and renumber the waitlist', async () => {
      const e = await event({ capacity: 2 });
      const people = Array.from({ length: 5 }, () => promeneur());
      const made: RegistrationRow[] = [];
      for (const p of people) made.push(await service.register(p, e.id));
      const cancelled = await service.cancel(people[0]!, made[0]!.id);
      expect(cancelled).toMatchObject({ status: 'CANCELLED', waitlistPosition: null });
      expect(await reload(made[2]!)).toMatchObject({ status: 'CONFIRMED', waitlistPosition: null });
      expect(await queue(e)).toEqual([
        [people[3]!.memberId, 1],
        [people[4]!.memberId, 2],
      ]);
      expect(await service.seats(e)).toEqual({ confirmedCount: 2, waitlistCount: 2, seatsLeft: 0 });
    });

    it('should keep positions contiguous when a waitlisted member leaves the queue', async () => {
      const e = await event({ capacity: 1 });
      const people = Array.from({ length: 4 }, () => promeneur());
      const made: RegistrationRow[] = [];
      for (const p of people) made.push(await service.register(p, e.id));
      await service.cancel(people[2]!, made[2]!.id);
      expect(await queue(e)).toEqual([
        [people[1]!.memberId, 1],
        [people[3]!.memberId, 2],
      ]);
    });

    it('should let the member or a coordinator of the event cancel, and no one else', async () => {
      const e = await event({ capacity: 5 });
      const me = promeneur();
      const mine = await service.register(me, e.id);
      await refusal(service.cancel(promeneur(), mine.id), 'FORBIDDEN');
      await refusal(service.cancel(haute, mine.id), 'FORBIDDEN');
      await refusal(service.cancel(anonymous, mine.id), 'UNAUTHENTICATED');
      expect(await service.cancel(gers, mine.id)).toMatchObject({ status: 'CANCELLED' });
      expect(await service.cancel(me, mine.id)).toMatchObject({ status: 'CANCELLED' });
      await refusal(service.cancel(me, '00000000-0000-4000-8000-000000000000'), 'NOT_FOUND');
    });

    it('should refuse to cancel once the event is over', async () => {
      const e = await event();
      const me = promeneur();
      const mine = await service.register(me, e.id);
      clock.set('2026-12-03T18:00:00+01:00');
      await refusal(service.cancel(me, mine.id), 'CONFLICT');
    });
  });

  describe('APPROVAL events', () => {
    it('should wait for a coordinator, who approves into a seat or the waitlist, or refuses', async () => {
      const e = await event({ joinMode: 'APPROVAL', capacity: 1 });
      const [a, b, c] = [promeneur(), promeneur(), promeneur()];
      const ra = await service.register(a, e.id);
      const rb = await service.register(b, e.id);
      const rc = await service.register(c, e.id);
      expect([ra, rb, rc].map((r) => r.status)).toEqual(['PENDING_APPROVAL', 'PENDING_APPROVAL', 'PENDING_APPROVAL']);
      expect(await service.seats(e)).toEqual({ confirmedCount: 0, waitlistCount: 0, seatsLeft: 1 });

      await refusal(service.decide(haute, ra.id, true), 'FORBIDDEN');
      expect(await service.decide(gers, ra.id, true)).toMatchObject({ status: 'CONFIRMED', decidedBy: gers.memberId });
      expect(await service.decide(gers, rb.id, true)).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 1 });
      expect(await service.decide(gers, rc.id, false)).toMatchObject({ status: 'REJECTED', waitlistPosition: null });
      await refusal(service.decide(gers, rc.id, true), 'CONFLICT');

      // A refusal stands: registering again returns it.
      expect(await service.register(c, e.id)).toMatchObject({ id: rc.id, status: 'REJECTED' });
      // An approved member on the waitlist takes the seat the first one frees.
      await service.cancel(a, ra.id);
      expect(await reload(rb)).toMatchObject({ status: 'CONFIRMED', waitlistPosition: null });
    });

    it('should refuse decisions on a cancelled event', async () => {
      const e = await event({ joinMode: 'APPROVAL' });
      const pending = await service.register(promeneur(), e.id);
      await testDb.database.db.update(events).set({ status: 'CANCELLED' });
      await refusal(service.decide(gers, pending.id, true), 'CONFLICT');
    });
  });

  describe('who may register', () => {
    it('should refuse anonymous callers and partners with UNAUTHENTICATED', async () => {
      const e = await event();
      await refusal(service.register(anonymous, e.id), 'UNAUTHENTICATED');
      await refusal(service.register(partner, e.id), 'UNAUTHENTICATED');
    });

    it('should refuse SUSPENDED and LEFT members', async () => {
      const e = await event();
      await refusal(service.register(promeneur('SUSPENDED'), e.id), 'FORBIDDEN');
      await refusal(service.register(promeneur('LEFT'), e.id), 'FORBIDDEN');
    });

    it('should let a CANDIDATE register to initial trainings only', async () => {
      const training = await event({ kind: 'TRAINING' });
      const initial = await event({ kind: 'INITIAL_TRAINING' });
      const candidate = promeneur('CANDIDATE');
      const refused = await refusal(service.register(candidate, training.id), 'FORBIDDEN');
      expect(refused.message).toMatch(/initial training/);
      expect(await service.register(candidate, initial.id)).toMatchObject({ status: 'CONFIRMED' });
    });

    it('should refuse with CONFLICT, saying why, a draft, cancelled, completed or ended event, or after the deadline', async () => {
      const cases: [Parameters<typeof insertEvent>[1], RegExp][] = [
        [{ status: 'DRAFT' }, /not published/],
        [{ status: 'CANCELLED', cancelReason: 'neige' }, /cancelled \(neige\)/],
        [{ status: 'COMPLETED' }, /closed/],
        [{ startsAt: new Date('2026-11-19T09:00:00+01:00'), endsAt: new Date('2026-11-19T17:00:00+01:00') }, /over/],
        [{ registrationDeadline: new Date('2026-11-19T12:00:00+01:00') }, /Registrations closed on 2026-11-19T12:00:00\+01:00/],
      ];
      for (const [values, why] of cases) {
        const refused = await refusal(service.register(promeneur(), (await event(values)).id), 'CONFLICT');
        expect(refused.message).toMatch(why);
      }
      expect(await service.register(promeneur(), (await event({ registrationDeadline: new Date('2026-11-20T09:00:00+01:00') })).id)).toMatchObject({
        status: 'CONFIRMED',
      });
    });

    it('should answer NOT_FOUND for an unknown event', async () => {
      await refusal(service.register(promeneur(), '00000000-0000-4000-8000-000000000000'), 'NOT_FOUND');
      await refusal(service.register(promeneur(), 'nope'), 'NOT_FOUND');
    });
  });

  describe('reading registrations', () => {
    it('should list an event\'s registrations to the coordinators of its département only, filtered by status', async () => {
      const e = await event({ capacity: 1 });
      await service.register(promeneur(), e.id);
      await service.register(promeneur(), e.id);
      expect(await service.ofEvent(gers, e)).toHaveLength(2);
      expect(await service.ofEvent(admin(), e)).toHaveLength(2);
      expect((await service.ofEvent(gers, e, [RegistrationStatus.WAITLISTED])).map((r) => r.status)).toEqual(['WAITLISTED']);
      for (const caller of [haute, promeneur(), anonymous, partner]) expect(await service.ofEvent(caller, e)).toEqual([]);
    });

    it('should give the caller their own registration, and null to anonymous callers', async () => {
      const e = await event();
      const me = promeneur();
      const mine = await service.register(me, e.id);
      expect(await service.mine(me, e)).toMatchObject({ id: mine.id });
      expect(await service.mine(promeneur(), e)).toBeNull();
      expect(service.mine(anonymous, e)).toBeNull();
    });

    it('should show a member\'s registrations to themselves, and to coordinators for the events of their départements', async () => {
      const me = promeneur();
      const inGers = await event({ title: 'Gers', startsAt: new Date('2026-12-05T09:00:00+01:00'), endsAt: new Date('2026-12-05T12:00:00+01:00') });
      const inHaute = await event({ title: 'Haute-Garonne', department: '31', startsAt: new Date('2026-12-04T09:00:00+01:00'), endsAt: new Date('2026-12-04T12:00:00+01:00') });
      const g = await service.register(me, inGers.id);
      const h = await service.register(me, inHaute.id);
      expect((await service.ofMember(me, me.memberId)).map((r) => r.id)).toEqual([h.id, g.id]);
      expect((await service.ofMember(gers, me.memberId)).map((r) => r.id)).toEqual([g.id]);
      expect((await service.ofMember(haute, me.memberId)).map((r) => r.id)).toEqual([h.id]);
      expect(await service.ofMember(promeneur(), me.memberId)).toEqual([]);
      expect(await service.ofMember(anonymous, me.memberId)).toEqual([]);
      await service.cancel(me, g.id);
      expect((await service.ofMember(me, me.memberId, [RegistrationStatus.CONFIRMED])).map((r) => r.id)).toEqual([h.id]);
    });
  });

  describe('attendance', () => {
    let e: EventRow;
    let people: MemberCaller[];

    beforeEach(async () => {
      e = await event({ capacity: 2 });
      people = [promeneur(), promeneur(), promeneur()];
      for (const p of people) await service.register(p, e.id);
    });

    it('should be recorded by coordinators once the event has started, on confirmed registrations', async () => {
      await refusal(service.recordAttendance(gers, e.id, [people[0]!.memberId], true), 'CONFLICT');
      clock.set('2026-12-03T10:00:00+01:00');
      await refusal(service.recordAttendance(haute, e.id, [people[0]!.memberId], true), 'FORBIDDEN');
      const recorded = await service.recordAttendance(gers, e.id, [people[0]!.memberId, people[1]!.memberId], true);
      expect(recorded.map((r) => r.attended)).toEqual([true, true]);
      const absent = await service.recordAttendance(gers, e.id, [people[1]!.memberId], false);
      expect(absent).toMatchObject([{ memberId: people[1]!.memberId, attended: false }]);
    });

    it('should refuse members without a confirmed registration, naming the offending entry', async () => {
      clock.set('2026-12-03T10:00:00+01:00');
      // people[2] is waitlisted
      await refusal(service.recordAttendance(gers, e.id, [people[0]!.memberId, people[2]!.memberId], true), 'BAD_USER_INPUT', 'memberIds.1');
      await refusal(service.recordAttendance(gers, e.id, ['x'], true), 'BAD_USER_INPUT', 'memberIds.0');
      const rows = await service.ofEvent(gers, e);
      expect(rows.every((r) => r.attended === null)).toBe(true);
    });
  });
});
