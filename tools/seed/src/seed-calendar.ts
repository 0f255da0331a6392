import {
  CancelEventDocument,
  CloseEventDocument,
  CreateEventDocument,
  DecideRegistrationDocument,
  RecordAttendanceDocument,
  SeedEventRegistrationsDocument,
  SeedExistingEventsDocument,
  SeedLogPresenceDocument,
  SeedLoggedPresenceDocument,
  SeedRegisterDocument,
  SetMyPermanencesDocument,
  UpdateEventDocument,
  type EventKind,
  type EventStatus,
  type PdnClient,
  type RegistrationStatus,
} from '@pdn/client';
import { DEMO_PASSWORD } from './demo-logins.js';
import {
  ACTIVE_PROMENEURS,
  CANDIDATE_PROMENEURS,
  PRESENCE_WEEKS,
  planEvents,
  planPermanences,
  planPresence,
  presencePeriod,
  shiftedInput,
  type PlannedEvent,
} from './gers-calendar.js';
import { COORDINATORS, DEPARTMENT, type SeedCoordinator, type SeedMember } from './gers-network.js';
import { addDays, formatParisDateTime, parisToday } from './paris-time.js';
import { expectData, mapLimit, signIn, type SignedIn } from './seed-steps.js';

export interface CalendarSeedOptions {
  /** A client for the gateway, without credentials: everyone signs in with the demo password. */
  anonymous: PdnClient;
  /** The instant the year of events and the twelve weeks of presence are planned around. */
  now: Date;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface CalendarReport {
  events: {
    created: number;
    reused: number;
    byKind: Partial<Record<EventKind, number>>;
    byStatus: Partial<Record<EventStatus, number>>;
  };
  registrations: { total: number; byStatus: Partial<Record<RegistrationStatus, number>>; attended: number; absent: number };
  permanences: { slots: number; members: number };
  presence: { logs: number; members: number; alreadyLogged: number; minutes: number; contacts: number; requests: number };
  durationMs: number;
}

const ALL_STATUSES: EventStatus[] = ['DRAFT', 'PUBLISHED', 'CANCELLED', 'COMPLETED'];

/**
 * Seeds the demo calendar through the gateway, as the network lives it: the coordinators create and
 * run the events, each promeneur signs in to register, publish their permanences and log their
 * presence. Events already there (same title, within a year or so of today) are left as they are, and
 * presence is not logged again for members who already have some in the period: running it twice
 * (seed --force) duplicates nothing.
 */
export async function seedCalendar(options: CalendarSeedOptions): Promise<CalendarReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const limit = options.concurrency ?? 8;
  const today = parisToday(options.now);
  const report: CalendarReport = {
    events: { created: 0, reused: 0, byKind: {}, byStatus: {} },
    registrations: { total: 0, byStatus: {}, attended: 0, absent: 0 },
    permanences: { slots: 0, members: 0 },
    presence: { logs: 0, members: 0, alreadyLogged: 0, minutes: 0, contacts: 0, requests: 0 },
    durationMs: 0,
  };

  // ---------------------------------------------------------------- everyone signs in (fresh tokens carry today's statuses)
  const people: SeedMember[] = [...COORDINATORS, ...ACTIVE_PROMENEURS, ...CANDIDATE_PROMENEURS];
  const sessions = new Map<string, SignedIn>();
  await mapLimit(people, limit, async (member) => {
    sessions.set(member.email, await signIn(options.anonymous, member.email, DEMO_PASSWORD, `${member.firstName} ${member.lastName}`));
  });
  const session = (email: string): SignedIn => {
    const found = sessions.get(email);
    if (!found) throw new Error(`seed: ${email} has not signed in`);
    return found;
  };
  const coordinator = (key: SeedCoordinator['key']): SignedIn => session(COORDINATORS.find((c) => c.key === key)!.email);

  // ---------------------------------------------------------------- events and registrations
  const plan = planEvents(today);
  const existing = await existingEvents(coordinator('caf').client, addDays(today, -400));
  const eventIds = await mapLimit(plan, limit, async (event) => {
    const found = existing.get(event.input.title);
    if (found) {
      report.events.reused++;
      return found.id;
    }
    report.events.created++;
    return runEvent(event, coordinator(event.organizer), session);
  });

  // What the calendar now holds, read back by the coordinators: promotions, cancellations and decisions included.
  await mapLimit(plan, limit, async (event, i) => {
    const { event: seen } = await expectData(
      `reading back the registrations of "${event.input.title}"`,
      coordinator(event.organizer).client.request(SeedEventRegistrationsDocument, { id: eventIds[i]! }),
    );
    if (!seen) return;
    count(report.events.byKind, event.input.kind);
    count(report.events.byStatus, seen.status);
    for (const registration of seen.registrations) {
      report.registrations.total++;
      count(report.registrations.byStatus, registration.status);
      if (registration.attended === true) report.registrations.attended++;
      if (registration.attended === false) report.registrations.absent++;
    }
  });
  log(`events: ${describeEvents(report)}`);
  log(`registrations: ${describeRegistrations(report)}`);

  // ---------------------------------------------------------------- weekly permanences (replaced: running twice changes nothing)
  await mapLimit(ACTIVE_PROMENEURS, limit, async (member) => {
    const slots = planPermanences(member);
    if (slots.length === 0) return;
    await expectData(`publishing the permanences of ${member.email}`, session(member.email).client.request(SetMyPermanencesDocument, { slots }));
    report.permanences.slots += slots.length;
    report.permanences.members++;
  });
  log(`permanences: ${report.permanences.slots} weekly slots for ${report.permanences.members} active promeneurs`);

  // ---------------------------------------------------------------- presence logs, the weeks before today
  const period = presencePeriod(today);
  const logged = await membersWithPresence(coordinator('caf').client, period);
  const loggers = ACTIVE_PROMENEURS.filter((member) => !logged.has(session(member.email).id));
  report.presence.alreadyLogged = ACTIVE_PROMENEURS.length - loggers.length;
  const logs = loggers.flatMap((member) => planPresence(member, today));
  await mapLimit(logs, limit, async ({ email, input }) => {
    await expectData(`logging presence for ${email} on ${input.date}`, session(email).client.request(SeedLogPresenceDocument, { input }));
  });
  report.presence.logs = logs.length;
  report.presence.members = new Set(logs.map((l) => l.email)).size;
  for (const { input } of logs) {
    report.presence.minutes += input.minutes;
    report.presence.contacts += input.contacts;
    report.presence.requests += input.requests.reduce((sum, r) => sum + r.count, 0);
  }
  log(`presence: ${describePresence(report, period)}`);

  report.durationMs = Date.now() - started;
  log(`calendar seeded in ${(report.durationMs / 1000).toFixed(1)} s`);
  return report;
}

/**
 * One event's life up to today: created by its coordinator; the promeneurs register (one after the
 * other, so the waitlist order is the plan's); approvals decided; then cancelled, or — for an event
 * already held — moved back to its real dates, attendance recorded and the event closed.
 */
async function runEvent(event: PlannedEvent, organizer: SignedIn, session: (email: string) => SignedIn): Promise<string> {
  const title = event.input.title;
  // A past event takes its registrations at a later date first: registrations close when an event is over.
  const input = event.phase === 'past' ? shiftedInput(event, event.stagingShiftDays) : event.input;
  const { createEvent } = await expectData(`creating the event "${title}"`, organizer.client.request(CreateEventDocument, { input }));
  const id = createEvent.id;
  if (event.phase === 'draft') return id;

  const registrations = new Map<string, { id: string; status: RegistrationStatus }>();
  for (const email of event.registrants) {
    const { register } = await expectData(`registering ${email} to "${title}"`, session(email).client.request(SeedRegisterDocument, { eventId: id }));
    registrations.set(email, register);
  }
  const decide = async (email: string, approve: boolean) => {
    const registration = registrations.get(email);
    if (registration?.status !== 'PENDING_APPROVAL') return;
    await expectData(
      `${approve ? 'approving' : 'refusing'} the registration of ${email} to "${title}"`,
      organizer.client.request(DecideRegistrationDocument, { id: registration.id, approve }),
    );
  };
  for (const email of event.approve) await decide(email, true);
  for (const email of event.refuse) await decide(email, false);

  if (event.phase === 'cancelled') {
    await expectData(`cancelling "${title}"`, organizer.client.request(CancelEventDocument, { id, reason: event.cancelReason ?? 'Annulé.' }));
    return id;
  }
  if (event.phase !== 'past') return id;

  await expectData(`moving "${title}" back to its dates`, organizer.client.request(UpdateEventDocument, { id, input: { shiftDays: -event.stagingShiftDays } }));
  const confirmed = event.registrants.filter((email) => registrations.get(email)?.status === 'CONFIRMED');
  const present = confirmed.filter((email) => event.attendees.includes(email)).map((email) => session(email).id);
  const absent = confirmed.filter((email) => !event.attendees.includes(email)).map((email) => session(email).id);
  for (const [memberIds, attended] of [
    [present, true],
    [absent, false],
  ] as const) {
    if (memberIds.length === 0) continue;
    await expectData(
      `recording attendance at "${title}"`,
      organizer.client.request(RecordAttendanceDocument, { eventId: id, memberIds: [...memberIds], attended }),
    );
  }
  await expectData(`closing "${title}"`, organizer.client.request(CloseEventDocument, { id, notes: event.closingNotes ?? null }));
  return id;
}

/** The département's events by title, every status, ending after `since` (a Paris date). */
async function existingEvents(client: PdnClient, since: string): Promise<Map<string, { id: string; status: EventStatus }>> {
  const found = new Map<string, { id: string; status: EventStatus }>();
  const from = formatParisDateTime(new Date(`${since}T00:00:00Z`));
  let after: string | null | undefined;
  do {
    const { events } = await expectData(
      'listing the events already in the calendar',
      client.request(SeedExistingEventsDocument, { filter: { department: DEPARTMENT, from, statuses: ALL_STATUSES }, first: 100, after }),
    );
    for (const { node } of events.edges) if (!found.has(node.title)) found.set(node.title, { id: node.id, status: node.status });
    after = events.pageInfo.hasNextPage ? events.pageInfo.endCursor : undefined;
  } while (after);
  return found;
}

/** Ids of the département's active members who already logged presence in the period. */
async function membersWithPresence(client: PdnClient, period: { from: string; to: string }): Promise<Set<string>> {
  const found = new Set<string>();
  let after: string | null | undefined;
  do {
    const { members } = await expectData(
      'checking which members already logged presence',
      client.request(SeedLoggedPresenceDocument, { filter: { department: DEPARTMENT, statuses: ['ACTIVE'] }, first: 100, after, ...period }),
    );
    for (const { node } of members.edges) if (node.presence.minutesLogged > 0) found.add(node.id);
    after = members.pageInfo.hasNextPage ? members.pageInfo.endCursor : undefined;
  } while (after);
  return found;
}

function count<K extends string>(tally: Partial<Record<K, number>>, key: K): void {
  tally[key] = (tally[key] ?? 0) + 1;
}

const KIND_NAMES: Record<EventKind, [string, string]> = {
  REGROUPEMENT: ['regroupement', 'regroupements'],
  INITIAL_TRAINING: ['initial training', 'initial trainings'],
  TRAINING: ['training', 'trainings'],
  WORKSHOP: ['workshop', 'workshops'],
  WEBINAR: ['webinar', 'webinars'],
  REGIONAL_DAY: ['regional day', 'regional days'],
};

function tallyText<K extends string>(tally: Partial<Record<K, number>>, name: (key: K, n: number) => string): string {
  return (Object.entries(tally) as [K, number][]).map(([key, n]) => `${n} ${name(key, n)}`).join(', ');
}

export function describeEvents(report: CalendarReport): string {
  const { events } = report;
  const total = events.created + events.reused;
  const kinds = tallyText(events.byKind, (kind, n) => KIND_NAMES[kind][n === 1 ? 0 : 1]);
  const statuses = tallyText(events.byStatus, (status) => status.toLowerCase());
  return `${total} (${kinds}); ${statuses}${events.reused ? `; ${events.created} created, ${events.reused} already there` : ''}`;
}

export function describeRegistrations(report: CalendarReport): string {
  const { registrations } = report;
  const statuses = tallyText(registrations.byStatus, (status) => status.toLowerCase().replace('_', ' '));
  return `${registrations.total} (${statuses}); attendance: ${registrations.attended} present, ${registrations.absent} absent`;
}

export function describePresence(report: CalendarReport, period: { from: string; to: string }): string {
  const { presence } = report;
  const hours = Math.round(presence.minutes / 60).toLocaleString('en');
  const already = presence.alreadyLogged ? `; ${presence.alreadyLogged} members already had presence logged, left as is` : '';
  return (
    `${presence.logs} logs for ${presence.members} promeneurs over ${PRESENCE_WEEKS} weeks (${period.from} to ${period.to}): ` +
    `${hours} h online, ${presence.contacts} contacts, ${presence.requests} requests${already}`
  );
}
