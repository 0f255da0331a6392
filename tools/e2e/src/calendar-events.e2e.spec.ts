import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CancelEventDocument,
  CancelRegistrationDocument,
  CloseEventDocument,
  CreateEventDocument,
  DecideRegistrationDocument,
  EventDocument,
  EventsDocument,
  MembersRegistrationsDocument,
  MyRegistrationsDocument,
  RecordAttendanceDocument,
  RegisterDocument,
  UpdateEventDocument,
  type CreateEventInput,
  type PdnClient,
  type PdnResult,
} from '@pdn/client';
import { activate, createStructure, daysFromNow, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

const codeOf = (result: PdnResult<unknown>) => result.errors?.[0]?.extensions?.['code'];

// Events and registrations through the gateway with the typed client, as coordinators, promeneurs,
// and partner applications (anonymous for now) use them; members come from the members subgraph.
describe('events and registrations through the gateway', () => {
  let system: RunningSystem;
  let coordinator: Person;
  let otherCoordinator: Person;
  let candidate: Person;
  const promeneurs: Person[] = [];

  beforeAll(async () => {
    system = await startSystem();
    const admin = await signInAdmin(system);
    const structureId = await createStructure(admin);
    coordinator = await join(system, admin, { structureId, email: 'coordination@caf32.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    otherCoordinator = await join(system, admin, { structureId: null, email: 'coordination@caf31.test', firstName: 'Henri', lastName: 'Garonne', role: 'COORDINATOR', department: '31' });
    for (const [firstName, lastName] of [
      ['Isabelle', 'Laffargue'],
      ['Paul', 'Armagnac'],
      ['Nérée', 'Dupré'],
      ['Lucie', 'Saint-Mont'],
    ] as const) {
      const person = await join(system, coordinator.client, { structureId, email: `${firstName.toLowerCase().replace('é', 'e')}@bij-auch.test`, firstName, lastName });
      promeneurs.push(await activate(system, coordinator.client, person));
    }
    candidate = await join(system, coordinator.client, { structureId, email: 'camille@bij-auch.test', firstName: 'Camille', lastName: 'Candidate' });
  });

  afterAll(() => system?.close());

  async function create(input: Partial<CreateEventInput> & { title: string }, by: PdnClient = coordinator.client) {
    const created = await by.request(CreateEventDocument, {
      input: { kind: 'WORKSHOP', department: '32', startsAt: daysFromNow(20), endsAt: daysFromNow(20, 12), ...input },
    });
    expect(created.errors).toBeUndefined();
    return created.data!.createEvent;
  }

  const eventAs = async (client: PdnClient, id: string) => (await client.request(EventDocument, { id })).data?.event;

  it('should keep drafts to the coordinators of the département until they are published', async () => {
    const draft = await create({ title: 'Atelier : écrire un post de prévention' });
    expect(draft).toMatchObject({ status: 'DRAFT', sequence: 0, organizer: { id: coordinator.id, displayName: coordinator.displayName } });

    expect(await eventAs(system.anonymous, draft.id)).toBeNull();
    expect(await eventAs(promeneurs[0]!.client, draft.id)).toBeNull();
    expect(await eventAs(otherCoordinator.client, draft.id)).toBeNull();
    expect(await eventAs(coordinator.client, draft.id)).toMatchObject({ id: draft.id, status: 'DRAFT' });
    const listed = await promeneurs[0]!.client.request(EventsDocument, { filter: { statuses: ['DRAFT', 'PUBLISHED'] } });
    expect(listed.data!.events.edges.map((e) => e.node.id)).not.toContain(draft.id);
    expect(codeOf(await promeneurs[0]!.client.request(RegisterDocument, { eventId: draft.id }))).toBe('CONFLICT');

    const published = await coordinator.client.request(UpdateEventDocument, { id: draft.id, input: { status: 'PUBLISHED' } });
    expect(published.data!.updateEvent).toMatchObject({ status: 'PUBLISHED', sequence: 1 });
    expect(await eventAs(system.anonymous, draft.id)).toMatchObject({ status: 'PUBLISHED', registrations: [], myRegistration: null });
    const publicList = await system.anonymous.request(EventsDocument, { filter: { department: '32' } });
    expect(publicList.data!.events.edges.map((e) => e.node.id)).toContain(draft.id);
  });

  it('should confirm, waitlist, and promote the first waitlisted when a seat frees up', async () => {
    const event = await create({ title: 'Formation : Discord pour les pros', kind: 'TRAINING', capacity: 2, status: 'PUBLISHED' });
    const [a, b, c, d] = promeneurs;
    const made = [];
    for (const p of [a, b, c, d]) {
      const registered = await p!.client.request(RegisterDocument, { eventId: event.id });
      expect(registered.errors).toBeUndefined();
      made.push(registered.data!.register);
    }
    expect(made.map((r) => [r.status, r.waitlistPosition])).toEqual([
      ['CONFIRMED', null],
      ['CONFIRMED', null],
      ['WAITLISTED', 1],
      ['WAITLISTED', 2],
    ]);
    expect(made[3]!.event).toMatchObject({ confirmedCount: 2, waitlistCount: 2, seatsLeft: 0 });
    // Registering twice returns the same registration.
    expect((await c!.client.request(RegisterDocument, { eventId: event.id })).data!.register).toMatchObject({ id: made[2]!.id, waitlistPosition: 1 });

    const cancelled = await a!.client.request(CancelRegistrationDocument, { id: made[0]!.id });
    expect(cancelled.data!.cancelRegistration).toMatchObject({ status: 'CANCELLED', waitlistPosition: null });
    expect((await eventAs(c!.client, event.id))!.myRegistration).toMatchObject({ status: 'CONFIRMED', waitlistPosition: null });
    expect((await eventAs(d!.client, event.id))!.myRegistration).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 1 });

    // Coordinators see who registered, with names from the members subgraph; others see nobody.
    const managed = await eventAs(coordinator.client, event.id);
    expect(managed).toMatchObject({ confirmedCount: 2, waitlistCount: 1, seatsLeft: 0, organizer: { displayName: coordinator.displayName } });
    expect(managed!.registrations.map((r) => [r.member.displayName, r.status])).toEqual([
      [a!.displayName, 'CANCELLED'],
      [b!.displayName, 'CONFIRMED'],
      [c!.displayName, 'CONFIRMED'],
      [d!.displayName, 'WAITLISTED'],
    ]);
    expect((await eventAs(a!.client, event.id))!.registrations).toEqual([]);
    expect((await eventAs(otherCoordinator.client, event.id))!.registrations).toEqual([]);

    // Lowering the capacity below the confirmed count is refused; raising it promotes the waitlist.
    const lowered = await coordinator.client.request(UpdateEventDocument, { id: event.id, input: { capacity: 1 } });
    expect(lowered.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.capacity' });
    await coordinator.client.request(UpdateEventDocument, { id: event.id, input: { capacity: 3 } });
    expect((await eventAs(d!.client, event.id))!.myRegistration).toMatchObject({ status: 'CONFIRMED' });
  });

  it('should wait for a coordinator\'s decision on APPROVAL events', async () => {
    const event = await create({ title: 'Regroupement départemental', kind: 'REGROUPEMENT', joinMode: 'APPROVAL', capacity: 1, status: 'PUBLISHED' });
    const [a, b, c] = promeneurs;
    const ids: string[] = [];
    for (const p of [a, b, c]) {
      const registered = await p!.client.request(RegisterDocument, { eventId: event.id });
      expect(registered.data!.register.status).toBe('PENDING_APPROVAL');
      ids.push(registered.data!.register.id);
    }
    expect(codeOf(await a!.client.request(DecideRegistrationDocument, { id: ids[0]!, approve: true }))).toBe('FORBIDDEN');
    expect(codeOf(await otherCoordinator.client.request(DecideRegistrationDocument, { id: ids[0]!, approve: true }))).toBe('FORBIDDEN');
    const approved = await coordinator.client.request(DecideRegistrationDocument, { id: ids[0]!, approve: true });
    expect(approved.data!.decideRegistration).toMatchObject({ status: 'CONFIRMED', member: { id: a!.id, displayName: a!.displayName } });
    expect((await coordinator.client.request(DecideRegistrationDocument, { id: ids[1]!, approve: true })).data!.decideRegistration).toMatchObject({
      status: 'WAITLISTED',
      waitlistPosition: 1,
    });
    expect((await coordinator.client.request(DecideRegistrationDocument, { id: ids[2]!, approve: false })).data!.decideRegistration.status).toBe('REJECTED');
    expect(codeOf(await coordinator.client.request(DecideRegistrationDocument, { id: ids[2]!, approve: true }))).toBe('CONFLICT');
  });

  it('should let a candidate register to initial trainings only, and refuse anonymous callers', async () => {
    const workshop = await create({ title: 'Atelier : TikTok', status: 'PUBLISHED' });
    const initial = await create({ title: 'Formation initiale', kind: 'INITIAL_TRAINING', status: 'PUBLISHED', startsAt: daysFromNow(30), endsAt: daysFromNow(32, 16) });
    expect(codeOf(await candidate.client.request(RegisterDocument, { eventId: workshop.id }))).toBe('FORBIDDEN');
    expect((await candidate.client.request(RegisterDocument, { eventId: initial.id })).data!.register.status).toBe('CONFIRMED');
    expect(codeOf(await system.anonymous.request(RegisterDocument, { eventId: initial.id }))).toBe('UNAUTHENTICATED');
  });

  it('should answer a query spanning members and calendar', async () => {
    const event = await create({ title: 'Webinaire : Snapchat et prévention', kind: 'WEBINAR', onlineUrl: 'https://visio.pdn32.test/snap', status: 'PUBLISHED', startsAt: daysFromNow(40), endsAt: daysFromNow(40, 10) });
    await promeneurs[3]!.client.request(RegisterDocument, { eventId: event.id });

    const members = await coordinator.client.request(MembersRegistrationsDocument, { filter: { department: '32', search: 'Lucie' } });
    expect(members.errors).toBeUndefined();
    const lucie = members.data!.members.edges.map((e) => e.node).find((m) => m.id === promeneurs[3]!.id)!;
    expect(lucie.displayName).toBe(promeneurs[3]!.displayName);
    expect(lucie.registrations.map((r) => r.event.title)).toContain('Webinaire : Snapchat et prévention');
    // Another promeneur sees the directory, but not other members' registrations.
    const seenByPeer = await promeneurs[0]!.client.request(MembersRegistrationsDocument, { filter: { department: '32', search: 'Lucie' } });
    expect(seenByPeer.data!.members.edges.find((e) => e.node.id === promeneurs[3]!.id)!.node.registrations).toEqual([]);

    const detail = await eventAs(coordinator.client, event.id);
    expect(detail!.organizer.displayName).toBe(coordinator.displayName);
    expect(detail!.registrations.map((r) => r.member.displayName)).toEqual([promeneurs[3]!.displayName]);

    const mine = await promeneurs[3]!.client.request(MyRegistrationsDocument, { statuses: ['CONFIRMED'] });
    expect(mine.data!.me!.registrations.map((r) => r.event.title)).toContain('Webinaire : Snapchat et prévention');
  });

  it('should cancel an event with its registrations, then refuse registrations saying why', async () => {
    const event = await create({ title: 'Atelier annulé', status: 'PUBLISHED' });
    const registered = await promeneurs[1]!.client.request(RegisterDocument, { eventId: event.id });
    expect(codeOf(await promeneurs[1]!.client.request(CancelEventDocument, { id: event.id, reason: 'x' }))).toBe('FORBIDDEN');
    const cancelled = await coordinator.client.request(CancelEventDocument, { id: event.id, reason: 'Intervenante malade' });
    expect(cancelled.data!.cancelEvent).toMatchObject({ status: 'CANCELLED', cancelReason: 'Intervenante malade', sequence: 1 });
    expect((await eventAs(promeneurs[1]!.client, event.id))!.myRegistration).toMatchObject({ id: registered.data!.register.id, status: 'CANCELLED' });
    const refused = await promeneurs[2]!.client.request(RegisterDocument, { eventId: event.id });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('cancelled') });
  });

  it('should record attendance once the event has started and close it once it has ended', async () => {
    const event = await create({ title: 'Regroupement en cours', kind: 'REGROUPEMENT', status: 'PUBLISHED', startsAt: new Date(Date.now() - 3_600_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString() });
    for (const p of promeneurs.slice(0, 3)) expect((await p.client.request(RegisterDocument, { eventId: event.id })).data!.register.status).toBe('CONFIRMED');
    const early = await coordinator.client.request(CloseEventDocument, { id: event.id, notes: 'Trop tôt' });
    expect(codeOf(early)).toBe('CONFLICT');

    const recorded = await coordinator.client.request(RecordAttendanceDocument, { eventId: event.id, memberIds: [promeneurs[0]!.id, promeneurs[1]!.id], attended: true });
    expect(recorded.data!.recordAttendance.map((r) => r.attended)).toEqual([true, true]);
    const notRegistered = await coordinator.client.request(RecordAttendanceDocument, { eventId: event.id, memberIds: [promeneurs[3]!.id], attended: true });
    expect(notRegistered.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberIds.0' });

    // The coordinator corrects the end time; the event is now over and can be closed.
    await coordinator.client.request(UpdateEventDocument, { id: event.id, input: { endsAt: new Date(Date.now() - 60_000).toISOString() } });
    const closed = await coordinator.client.request(CloseEventDocument, { id: event.id, notes: 'Belle journée.' });
    expect(closed.errors).toBeUndefined();
    expect(closed.data!.closeEvent).toMatchObject({ status: 'COMPLETED', attendedCount: 2, closingNotes: 'Belle journée.' });
    expect((await eventAs(system.anonymous, event.id))!).toMatchObject({ status: 'COMPLETED', attendedCount: 2, closingNotes: null });
  });

  it('should show an event across the change to summer time with its Europe/Paris wall-clock times', async () => {
    const event = await create({ title: 'Formation de printemps', kind: 'TRAINING', startsAt: '2026-03-28T10:00:00+01:00', endsAt: '2026-03-29T17:00:00+02:00' });
    expect(event).toMatchObject({ startsAt: '2026-03-28T10:00:00+01:00', endsAt: '2026-03-29T17:00:00+02:00' });
    const shifted = await coordinator.client.request(UpdateEventDocument, { id: event.id, input: { shiftDays: 1 } });
    expect(shifted.data!.updateEvent).toMatchObject({ startsAt: '2026-03-29T10:00:00+02:00', endsAt: '2026-03-30T17:00:00+02:00', sequence: 1 });
  });

  it('should validate with BAD_USER_INPUT naming the field, and keep creation to coordinators', async () => {
    const bad = await coordinator.client.request(CreateEventDocument, {
      input: { kind: 'WORKSHOP', title: 'Atelier', department: '32', startsAt: daysFromNow(5), endsAt: daysFromNow(5), capacity: 10 },
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.endsAt' });
    const url = await coordinator.client.request(CreateEventDocument, {
      input: { kind: 'WEBINAR', title: 'Webinaire', department: '32', startsAt: daysFromNow(5), endsAt: daysFromNow(5, 11), onlineUrl: 'javascript:alert(1)' },
    });
    expect(url.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.onlineUrl' });
    const byPromeneur = await promeneurs[0]!.client.request(CreateEventDocument, {
      input: { kind: 'WORKSHOP', title: 'Atelier', department: '32', startsAt: daysFromNow(5), endsAt: daysFromNow(5, 11) },
    });
    expect(codeOf(byPromeneur)).toBe('FORBIDDEN');
    const elsewhere = await otherCoordinator.client.request(CreateEventDocument, {
      input: { kind: 'WORKSHOP', title: 'Atelier', department: '32', startsAt: daysFromNow(5), endsAt: daysFromNow(5, 11) },
    });
    expect(codeOf(elsewhere)).toBe('FORBIDDEN');
  });
});
