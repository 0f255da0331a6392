import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { Theme } from '@pdn/domain';
import { formatParisDateTime } from '@pdn/subgraph';
import { CALENDAR_MIGRATIONS } from '../calendar-app.js';
import { calendarSchema, events, registrations, type CalendarSchema, type EventRow } from '../db/calendar.tables.js';
import { RegistrationsRepository } from '../registrations/registrations.repository.js';
import { RegistrationsService } from '../registrations/registrations.service.js';
import { admin, anonymous, coordinatorOf, insertEvent, partner, promeneur, refusal, TestClock } from '../../test/events-fixtures.js';
import { EventKind, EventStatus, JoinMode } from './event.enums.js';
import type { CreateEventInput } from './event.input.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';

// Medium tier: the events rules against a real database (PostgreSQL when TEST_DATABASE_URL is set).
describe('events', () => {
  let testDb: TestDatabase<CalendarSchema>;
  let service: EventsService;
  let seating: RegistrationsService;
  const clock = new TestClock(new Date('2026-11-20T09:00:00+01:00'));
  const gers = coordinatorOf('32');
  const haute = coordinatorOf('31');

  const training = (overrides: Partial<CreateEventInput> = {}): CreateEventInput => ({
    kind: EventKind.TRAINING,
    title: 'Formation : accompagner en ligne',
    startsAt: new Date('2026-12-03T09:00:00+01:00'),
    endsAt: new Date('2026-12-03T17:00:00+01:00'),
    department: '32',
    ...overrides,
  });

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    const eventsRepository = new EventsRepository(testDb.database);
    const registrationsRepository = new RegistrationsRepository(testDb.database);
    service = new EventsService(eventsRepository, registrationsRepository, clock);
    seating = new RegistrationsService(registrationsRepository, eventsRepository, clock);
  });

  afterAll(() => testDb.dispose());

  beforeEach(async () => {
    clock.set('2026-11-20T09:00:00+01:00');
    await testDb.database.db.delete(registrations);
    await testDb.database.db.delete(events);
  });

  describe('creating', () => {
    it('should create a DRAFT by default, organised by the calling coordinator, at SEQUENCE 0', async () => {
      const event = await service.create(gers, training({ themes: [Theme.HEALTH, Theme.HEALTH], capacity: 12 }));
      expect(event).toMatchObject({ status: 'DRAFT', organizerId: gers.memberId, sequence: 0, themes: ['HEALTH'], capacity: 12, joinMode: 'OPEN' });
    });

    it('should let only the coordinators of the event\'s département (and admins) create it', async () => {
      await refusal(service.create(haute, training()), 'FORBIDDEN');
      expect(await service.create(admin(), training())).toMatchObject({ department: '32' });
    });

    it('should refuse invalid fields with BAD_USER_INPUT naming them', async () => {
      const cases: [Partial<CreateEventInput>, string][] = [
        [{ title: '   ' }, 'input.title'],
        [{ title: 'ab' }, 'input.title'],
        [{ title: 'x'.repeat(201) }, 'input.title'],
        [{ endsAt: new Date('2026-12-03T09:00:00+01:00') }, 'input.endsAt'],
        [{ endsAt: new Date('2026-12-02T17:00:00+01:00') }, 'input.endsAt'],
        [{ capacity: 0 }, 'input.capacity'],
        [{ capacity: 2.5 }, 'input.capacity'],
        [{ registrationDeadline: new Date('2026-12-03T17:00:00+01:00') }, 'input.registrationDeadline'],
        [{ department: '20' }, 'input.department'],
        [{ department: 'Gers' }, 'input.department'],
        [{ onlineUrl: 'ftp://imaj.example.org/visio' }, 'input.onlineUrl'],
        [{ onlineUrl: 'not a link' }, 'input.onlineUrl'],
        [{ themes: Object.values(Theme).slice(0, 9) }, 'input.themes'],
        [{ description: 'x'.repeat(5001) }, 'input.description'],
        [{ status: EventStatus.CANCELLED }, 'input.status'],
      ];
      for (const [overrides, field] of cases) await refusal(service.create(gers, training(overrides)), 'BAD_USER_INPUT', field);
    });
  });

  describe('visibility', () => {
    let draft: EventRow;
    let published: EventRow;

    beforeEach(async () => {
      draft = await insertEvent(testDb.database, { status: 'DRAFT', title: 'Brouillon' });
      published = await insertEvent(testDb.database, { title: 'Publié' });
      await insertEvent(testDb.database, { status: 'CANCELLED', title: 'Annulé' });
      await insertEvent(testDb.database, { status: 'COMPLETED', title: 'Terminé' });
      await insertEvent(testDb.database, { status: 'DRAFT', title: 'Brouillon 31', department: '31' });
    });

    const titles = async (caller: Parameters<EventsService['list']>[0], statuses?: EventStatus[]) =>
      (await service.list(caller, statuses ? { statuses } : null)).edges.map((e) => e.node.title).sort();

    it('should show drafts to the coordinators of their département and admins only', async () => {
      expect(await titles(gers)).toEqual(['Annulé', 'Brouillon', 'Publié', 'Terminé']);
      expect(await titles(haute)).toEqual(['Annulé', 'Brouillon 31', 'Publié', 'Terminé']);
      expect(await titles(admin())).toHaveLength(5);
      expect(await service.get(gers, draft.id)).toMatchObject({ id: draft.id });
      expect(await service.get(haute, draft.id)).toBeNull();
    });

    it('should never show a draft to members, partners or anonymous callers, even when they ask for drafts', async () => {
      for (const caller of [promeneur(), anonymous, partner]) {
        expect(await titles(caller)).toEqual(['Annulé', 'Publié', 'Terminé']);
        expect(await titles(caller, [EventStatus.DRAFT])).toEqual([]);
        expect(await service.get(caller, draft.id)).toBeNull();
        expect(await service.get(caller, published.id)).toMatchObject({ id: published.id });
      }
    });

    it('should answer null for an id that is not a UUID', async () => {
      expect(await service.get(gers, 'not-an-id')).toBeNull();
    });
  });

  describe('listing', () => {
    it('should page by start then id, with a cursor that continues where the page ended', async () => {
      const sameStart = new Date('2026-12-10T09:00:00+01:00');
      for (let i = 0; i < 5; i++) {
        await insertEvent(testDb.database, { title: `Atelier ${i}`, startsAt: sameStart, endsAt: new Date('2026-12-10T12:00:00+01:00') });
      }
      await insertEvent(testDb.database, { title: 'Plus tôt', startsAt: new Date('2026-12-01T09:00:00+01:00'), endsAt: new Date('2026-12-01T12:00:00+01:00') });
      const seen: EventRow[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await service.list(anonymous, null, 2, after);
        expect(page.totalCount).toBe(6);
        seen.push(...page.edges.map((e) => e.node));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        pages++;
      } while (after);
      expect(pages).toBe(3);
      expect(seen[0]!.title).toBe('Plus tôt');
      const sorted = [...seen].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id));
      expect(seen.map((e) => e.id)).toEqual(sorted.map((e) => e.id));
      expect(new Set(seen.map((e) => e.id)).size).toBe(6);
    });

    it('should refuse a cursor that is not one of this list, and more than 100 at a time', async () => {
      await refusal(service.list(anonymous, null, 10, 'garbage'), 'BAD_USER_INPUT', 'after');
      await refusal(service.list(anonymous, null, 101), 'BAD_USER_INPUT', 'first');
    });

    it('should filter on the time range of events (overlap), kinds, département, themes and statuses', async () => {
      await insertEvent(testDb.database, { title: 'Regroupement', kind: 'REGROUPEMENT', themes: ['HEALTH'], startsAt: new Date('2026-12-01T09:00:00+01:00'), endsAt: new Date('2026-12-01T17:00:00+01:00') });
      await insertEvent(testDb.database, { title: 'Formation initiale', kind: 'INITIAL_TRAINING', startsAt: new Date('2026-12-07T09:00:00+01:00'), endsAt: new Date('2026-12-10T17:00:00+01:00') });
      await insertEvent(testDb.database, { title: 'Webinaire 31', kind: 'WEBINAR', department: '31', themes: ['SPORT', 'HEALTH'], startsAt: new Date('2026-12-15T18:00:00+01:00'), endsAt: new Date('2026-12-15T19:00:00+01:00') });
      const titles = async (filter: Parameters<EventsService['list']>[1]) => (await service.list(anonymous, filter)).edges.map((e) => e.node.title);
      // The initial training runs from the 7th to the 10th: a range starting on the 8th still catches it.
      expect(await titles({ from: new Date('2026-12-08T00:00:00+01:00'), to: new Date('2026-12-09T00:00:00+01:00') })).toEqual(['Formation initiale']);
      expect(await titles({ from: new Date('2026-12-02T00:00:00+01:00') })).toEqual(['Formation initiale', 'Webinaire 31']);
      expect(await titles({ to: new Date('2026-12-07T09:00:00+01:00') })).toEqual(['Regroupement']);
      expect(await titles({ kinds: [EventKind.WEBINAR, EventKind.REGROUPEMENT] })).toEqual(['Regroupement', 'Webinaire 31']);
      expect(await titles({ department: '31' })).toEqual(['Webinaire 31']);
      expect(await titles({ themes: [Theme.HEALTH] })).toEqual(['Regroupement', 'Webinaire 31']);
      expect(await titles({ statuses: [EventStatus.CANCELLED] })).toEqual([]);
      await refusal(service.list(anonymous, { department: '999' }), 'BAD_USER_INPUT', 'filter.department');
      await refusal(service.list(anonymous, { from: new Date('2026-12-09T00:00:00Z'), to: new Date('2026-12-08T00:00:00Z') }), 'BAD_USER_INPUT', 'filter.to');
    });
  });

  describe('editing', () => {
    it('should publish a draft and bump the SEQUENCE on every update', async () => {
      const draft = await service.create(gers, training());
      const published = await service.update(gers, draft.id, { status: EventStatus.PUBLISHED });
      expect(published).toMatchObject({ status: 'PUBLISHED', sequence: 1 });
      const renamed = await service.update(gers, draft.id, { title: 'Formation : écouter en ligne' });
      expect(renamed).toMatchObject({ title: 'Formation : écouter en ligne', sequence: 2 });
    });

    it('should keep absent fields and clear the clearable ones given as null', async () => {
      const event = await service.create(gers, training({ location: 'IMAJ, Auch', capacity: 10, description: 'Programme' }));
      const updated = await service.update(gers, event.id, { location: null, capacity: null, title: null });
      expect(updated).toMatchObject({ location: null, capacity: null, description: 'Programme', title: event.title });
    });

    it('should refuse to put a published event back to draft, or to cancel or close it through updateEvent', async () => {
      const event = await service.create(gers, training({ status: EventStatus.PUBLISHED }));
      await refusal(service.update(gers, event.id, { status: EventStatus.DRAFT }), 'CONFLICT');
      await refusal(service.update(gers, event.id, { status: EventStatus.CANCELLED }), 'BAD_USER_INPUT', 'input.status');
      await refusal(service.update(gers, event.id, { status: EventStatus.COMPLETED }), 'BAD_USER_INPUT', 'input.status');
    });

    it('should validate the merged event: a new start after the stored end is refused', async () => {
      const event = await service.create(gers, training());
      await refusal(service.update(gers, event.id, { startsAt: new Date('2026-12-04T09:00:00+01:00') }), 'BAD_USER_INPUT', 'input.endsAt');
      await refusal(service.update(gers, event.id, { capacity: 0 }), 'BAD_USER_INPUT', 'input.capacity');
    });

    it('should let only the coordinators of the département edit, and move an event only to a département they coordinate', async () => {
      const event = await service.create(gers, training({ status: EventStatus.PUBLISHED }));
      const draft = await service.create(gers, training());
      await refusal(service.update(haute, event.id, { title: 'Autre titre' }), 'FORBIDDEN');
      await refusal(service.update(haute, draft.id, { title: 'Autre titre' }), 'NOT_FOUND');
      await refusal(service.update(gers, event.id, { department: '31' }), 'FORBIDDEN');
      expect(await service.update(coordinatorOf('32', '31'), event.id, { department: '31' })).toMatchObject({ department: '31' });
      await refusal(service.update(gers, '00000000-0000-4000-8000-000000000000', { title: 'Autre titre' }), 'NOT_FOUND');
    });

    it('should refuse to lower the capacity below the confirmed count, and promote the waitlist when it rises', async () => {
      const event = await service.create(gers, training({ capacity: 2, status: EventStatus.PUBLISHED }));
      const people = [promeneur(), promeneur(), promeneur(), promeneur()];
      for (const p of people) await seating.register(p, event.id);
      await refusal(service.update(gers, event.id, { capacity: 1 }), 'CONFLICT', 'input.capacity');
      expect(await service.update(gers, event.id, { capacity: 2 })).toMatchObject({ capacity: 2 });

      await service.update(gers, event.id, { capacity: 3 });
      const after = await testDb.database.db.select().from(registrations);
      const byMember = new Map(after.map((r) => [r.memberId, r]));
      expect(byMember.get(people[2]!.memberId)).toMatchObject({ status: 'CONFIRMED', waitlistPosition: null });
      expect(byMember.get(people[3]!.memberId)).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 1 });

      await service.update(gers, event.id, { capacity: null });
      const unlimited = await testDb.database.db.select().from(registrations);
      expect(unlimited.every((r) => r.status === 'CONFIRMED')).toBe(true);
    });

    it('should refuse to edit a cancelled or completed event', async () => {
      const cancelled = await insertEvent(testDb.database, { status: 'CANCELLED' });
      const completed = await insertEvent(testDb.database, { status: 'COMPLETED' });
      await refusal(service.update(gers, cancelled.id, { title: 'Encore' }), 'CONFLICT');
      await refusal(service.update(gers, completed.id, { title: 'Encore' }), 'CONFLICT');
    });
  });

  describe('daylight-saving time', () => {
    it('should keep the wall-clock times of an event across the change to summer time', async () => {
      const event = await service.create(gers, training({ startsAt: new Date('2026-03-28T10:00:00+01:00'), endsAt: new Date('2026-03-29T17:00:00+02:00') }));
      const stored = (await service.get(gers, event.id))!;
      expect(stored.startsAt.toISOString()).toBe('2026-03-28T09:00:00.000Z');
      expect(stored.endsAt.toISOString()).toBe('2026-03-29T15:00:00.000Z');
      expect(formatParisDateTime(stored.startsAt)).toBe('2026-03-28T10:00:00+01:00');
      expect(formatParisDateTime(stored.endsAt)).toBe('2026-03-29T17:00:00+02:00');
    });

    it('should move an event by whole days keeping 10:00 local (shiftDays), deadline included', async () => {
      const event = await service.create(
        gers,
        training({
          startsAt: new Date('2026-03-21T10:00:00+01:00'),
          endsAt: new Date('2026-03-21T17:00:00+01:00'),
          registrationDeadline: new Date('2026-03-20T12:00:00+01:00'),
        }),
      );
      const moved = await service.update(gers, event.id, { shiftDays: 7 });
      expect(formatParisDateTime(moved.startsAt)).toBe('2026-03-28T10:00:00+01:00');
      const again = await service.update(gers, event.id, { shiftDays: 1 });
      expect(formatParisDateTime(again.startsAt)).toBe('2026-03-29T10:00:00+02:00');
      expect(formatParisDateTime(again.endsAt)).toBe('2026-03-29T17:00:00+02:00');
      expect(formatParisDateTime(again.registrationDeadline!)).toBe('2026-03-28T12:00:00+01:00');
      expect(again.sequence).toBe(2);
      await refusal(service.update(gers, event.id, { shiftDays: 1, startsAt: new Date('2026-04-01T10:00:00+02:00') }), 'BAD_USER_INPUT', 'input.shiftDays');
    });

    it('should store explicit new instants as given, whatever their offset', async () => {
      const event = await service.create(gers, training({ startsAt: new Date('2026-03-28T10:00:00+01:00'), endsAt: new Date('2026-03-28T17:00:00+01:00') }));
      const moved = await service.update(gers, event.id, { startsAt: new Date('2026-04-04T10:00:00+02:00'), endsAt: new Date('2026-04-04T17:00:00+02:00') });
      expect(formatParisDateTime(moved.startsAt)).toBe('2026-04-04T10:00:00+02:00');
    });
  });

  describe('cancelling and closing', () => {
    it('should cancel the event with its reason and every standing registration, and bump the SEQUENCE', async () => {
      const event = await service.create(gers, training({ capacity: 1, status: EventStatus.PUBLISHED, joinMode: JoinMode.OPEN }));
      await seating.register(promeneur(), event.id);
      await seating.register(promeneur(), event.id);
      await refusal(service.cancel(gers, event.id, '  '), 'BAD_USER_INPUT', 'reason');
      await refusal(service.cancel(haute, event.id, 'Intervenant malade'), 'FORBIDDEN');
      const cancelled = await service.cancel(gers, event.id, 'Intervenant malade');
      expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelReason: 'Intervenant malade', sequence: 1 });
      const rows = await testDb.database.db.select().from(registrations);
      expect(rows.map((r) => [r.status, r.waitlistPosition])).toEqual([
        ['CANCELLED', null],
        ['CANCELLED', null],
      ]);
      await refusal(service.cancel(gers, event.id, 'Encore'), 'CONFLICT');
    });

    it('should close an event only once it has ended, with the recorded attendance by default', async () => {
      const event = await service.create(gers, training({ status: EventStatus.PUBLISHED }));
      const [a, b, c] = [promeneur(), promeneur(), promeneur()];
      for (const p of [a, b, c]) await seating.register(p, event.id);
      const early = await refusal(service.close(gers, event.id, null, null), 'CONFLICT');
      expect(early.message).toContain('2026-12-03T17:00:00+01:00');

      clock.set('2026-12-03T18:00:00+01:00');
      await seating.recordAttendance(gers, event.id, [a.memberId, b.memberId], true);
      await refusal(service.close(haute, event.id, null, null), 'FORBIDDEN');
      await refusal(service.close(gers, event.id, -1, null), 'BAD_USER_INPUT', 'attendedCount');
      const closed = await service.close(gers, event.id, null, 'Très bons échanges.\nÀ refaire.');
      expect(closed).toMatchObject({ status: 'COMPLETED', attendedCount: 2, closingNotes: 'Très bons échanges.\nÀ refaire.', sequence: 1 });
      expect(service.closingNotes(gers, closed)).toBe('Très bons échanges.\nÀ refaire.');
      expect(service.closingNotes(promeneur(), closed)).toBeNull();
      await refusal(service.close(gers, event.id, 3, null), 'CONFLICT');
      await refusal(service.cancel(gers, event.id, 'Trop tard'), 'CONFLICT');
    });

    it('should take the attended count given, and refuse to close a draft or a cancelled event', async () => {
      clock.set('2027-01-01T00:00:00+01:00');
      const event = await insertEvent(testDb.database);
      expect(await service.close(gers, event.id, 14, null)).toMatchObject({ status: 'COMPLETED', attendedCount: 14, closingNotes: null });
      await refusal(service.close(gers, (await insertEvent(testDb.database, { status: 'DRAFT' })).id, 3, null), 'CONFLICT');
      await refusal(service.close(gers, (await insertEvent(testDb.database, { status: 'CANCELLED' })).id, 3, null), 'CONFLICT');
    });
  });
});
