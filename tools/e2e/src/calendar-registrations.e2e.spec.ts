import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelRegistrationDocument, CreateEventDocument, EventDocument, RegisterDocument } from '@pdn/client';
import { createStructure, daysFromNow, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

// No overbooking, end to end: 50 members created through the API each register with their own
// token, all at once, through the gateway, to an event of 10 seats. Against the PostgreSQL server
// (TEST_DATABASE_URL) the calendar's transactions race on its connection pool; the event's row lock
// is what keeps them right.
describe('concurrent registrations through the gateway', () => {
  let system: RunningSystem;
  let coordinator: Person;
  let people: Person[];
  let eventId: string;

  beforeAll(async () => {
    system = await startSystem();
    const admin = await signInAdmin(system);
    const structureId = await createStructure(admin, 'Centre social de Fleurance');
    coordinator = await join(system, admin, { structureId, email: 'coordination@caf32.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    people = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        join(system, coordinator.client, { structureId, email: `promeneur${i}@cs-fleurance.test`, firstName: `Promeneur${i}`, lastName: 'Gers' }),
      ),
    );
    // New members are candidates: an initial training is what they may register to.
    const created = await coordinator.client.request(CreateEventDocument, {
      input: { kind: 'INITIAL_TRAINING', title: 'Formation initiale, session d\'hiver', department: '32', capacity: 10, status: 'PUBLISHED', startsAt: daysFromNow(30), endsAt: daysFromNow(32, 16) },
    });
    expect(created.errors).toBeUndefined();
    eventId = created.data!.createEvent.id;
  }, 180_000);

  afterAll(() => system?.close());

  async function registrationsSeenByCoordinator() {
    const event = await coordinator.client.request(EventDocument, { id: eventId });
    expect(event.errors).toBeUndefined();
    return event.data!.event!;
  }

  it('should confirm exactly 10 of 50 simultaneous registrations and waitlist 40 at positions 1..40; 3 cancellations promote 1..3', async () => {
    const results = await Promise.all(people.map((p) => p.client.request(RegisterDocument, { eventId })));
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);

    const event = await registrationsSeenByCoordinator();
    expect(event).toMatchObject({ confirmedCount: 10, waitlistCount: 40, seatsLeft: 0 });
    const confirmed = event.registrations.filter((r) => r.status === 'CONFIRMED');
    const waitlisted = event.registrations.filter((r) => r.status === 'WAITLISTED').sort((a, b) => a.waitlistPosition! - b.waitlistPosition!);
    expect(confirmed).toHaveLength(10);
    expect(waitlisted.map((r) => r.waitlistPosition)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // What each member was told matches what the coordinator sees.
    const told = new Map(results.map((r) => [r.data!.register.id, r.data!.register]));
    for (const r of event.registrations) expect(told.get(r.id)).toMatchObject({ status: r.status, waitlistPosition: r.waitlistPosition });

    const byMember = new Map(people.map((p) => [p.id, p]));
    const leaving = confirmed.slice(0, 3);
    const cancelled = await Promise.all(leaving.map((r) => byMember.get(r.member.id)!.client.request(CancelRegistrationDocument, { id: r.id })));
    expect(cancelled.map((c) => c.data?.cancelRegistration.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);

    const after = await registrationsSeenByCoordinator();
    expect(after).toMatchObject({ confirmedCount: 10, waitlistCount: 37, seatsLeft: 0 });
    const now = new Map(after.registrations.map((r) => [r.id, r]));
    for (const promoted of waitlisted.slice(0, 3)) expect(now.get(promoted.id)).toMatchObject({ status: 'CONFIRMED', waitlistPosition: null });
    expect(waitlisted.slice(3).map((r) => now.get(r.id)!.waitlistPosition)).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));

    // Each promoted member sees it on their own.
    const promotedMember = byMember.get(waitlisted[0]!.member.id)!;
    const seen = await promotedMember.client.request(EventDocument, { id: eventId });
    expect(seen.data!.event!.myRegistration).toMatchObject({ status: 'CONFIRMED', waitlistPosition: null });
  });
});
