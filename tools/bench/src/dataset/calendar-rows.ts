import { events, permanences, presenceLogs, registrations, type StoredRequestCount } from '@pdn/calendar/db';
import { inBatches, tableJob, type TableJob } from './bulk-insert.js';
import { DAY_MS, ID_TAGS, neighbourhood, type Network, type PlannedDepartment, type PlannedMember } from './network.js';
import { apportion, idFactory, Random } from './random.js';
import type { DatasetTargets } from './scale.js';
import {
  EVENT_PROGRAMME,
  EVENT_TITLES,
  REQUEST_CATEGORY_WEIGHTS,
  THEME_WORDS,
  type EventKindName,
  type RequestCategoryName,
  type ThemeName,
} from './vocabulary.js';

const HOUR_MS = 3_600_000;
/** Events run from a year before the reference date to six months after it. */
const EVENTS_FROM_DAYS = -365;
const EVENTS_SPAN_DAYS = 545;
/** Presence is logged over the last year. */
const PRESENCE_DAYS = 365;
const MAX_PERMANENCES_PER_MEMBER = 5;

/** How many come, relatively, to each kind of event: a regional day gathers a couple of hundred. */
const REGISTRATION_WEIGHTS: Readonly<Record<EventKindName, number>> = {
  REGIONAL_DAY: 230, WEBINAR: 30, REGROUPEMENT: 25, INITIAL_TRAINING: 8, TRAINING: 7, WORKSHOP: 6,
};
/** From how many départements (the host and the next ones) an event draws its registrants. */
const CATCHMENT: Readonly<Record<EventKindName, number>> = {
  REGIONAL_DAY: 10, WEBINAR: 5, REGROUPEMENT: 1, INITIAL_TRAINING: 1, TRAINING: 1, WORKSHOP: 1,
};
const CAPACITY: Readonly<Record<EventKindName, number | null>> = {
  REGIONAL_DAY: 250, WEBINAR: null, REGROUPEMENT: 40, INITIAL_TRAINING: 12, TRAINING: 15, WORKSHOP: 15,
};

interface PlannedEvent {
  id: string;
  index: number;
  department: PlannedDepartment;
  kind: EventKindName;
  status: 'DRAFT' | 'PUBLISHED' | 'CANCELLED' | 'COMPLETED';
  joinMode: 'OPEN' | 'APPROVAL';
  startsAt: Date;
  endsAt: Date;
  createdAt: Date;
  organizer: PlannedMember;
  pool: PlannedMember[];
  registrations: number;
}

interface PlannedRegistration {
  member: PlannedMember;
  status: 'PENDING_APPROVAL' | 'CONFIRMED' | 'WAITLISTED' | 'CANCELLED' | 'REJECTED';
  waitlistPosition: number | null;
  attended: boolean | null;
  decidedBy: string | null;
  createdAt: Date;
}

/** The calendar subgraph's rows: events, registrations, permanences and presence logs. */
export function calendarJobs(seed: number, network: Network, targets: DatasetTargets): TableJob[] {
  const planned = planEvents(seed, network, targets);
  const permanenceCounts = apportionOverMembers(seed, 'permanences', network, targets.permanences, MAX_PERMANENCES_PER_MEMBER, [0.5, 1.5]);
  const presenceCounts = apportionOverMembers(seed, 'presence', network, targets.presenceLogs, PRESENCE_DAYS, [0.3, 1.7]);
  return [
    tableJob(events, planned.length, () => inBatches(eventRows(seed, network, planned))),
    tableJob(registrations, planned.reduce((sum, event) => sum + event.registrations, 0), () =>
      inBatches(registrationRows(seed, network, planned)),
    ),
    tableJob(permanences, sum(permanenceCounts.counts), () => inBatches(permanenceRows(seed, network, permanenceCounts))),
    tableJob(presenceLogs, sum(presenceCounts.counts), () => inBatches(presenceRows(seed, network, presenceCounts))),
  ];
}

function planEvents(seed: number, network: Network, targets: DatasetTargets): PlannedEvent[] {
  const random = Random.derived(seed, 'events');
  const id = idFactory(seed, ID_TAGS.event);
  const perDepartment = apportion(targets.events, network.departments.map(() => 1));
  const reference = network.referenceDate.getTime();
  const planned: PlannedEvent[] = [];
  network.departments.forEach((department, d) => {
    const count = perDepartment[d]!;
    for (let k = 0; k < count; k++) {
      const kind = EVENT_PROGRAMME[(k + d) % EVENT_PROGRAMME.length]!;
      const day = Math.floor(EVENTS_FROM_DAYS + ((k + random.next()) / count) * EVENTS_SPAN_DAYS);
      // Mornings at 9:00 Paris (8:00 UTC, near enough either side of DST); webinars at 18:00.
      const startsAt = new Date(reference + day * DAY_MS + (kind === 'WEBINAR' ? 17 : 8) * HOUR_MS);
      const durationMs =
        kind === 'INITIAL_TRAINING' ? (random.int(1, 3) * 24 + 8) * HOUR_MS : kind === 'WEBINAR' ? 1.5 * HOUR_MS : random.pick([3, 7, 8]) * HOUR_MS;
      const endsAt = new Date(startsAt.getTime() + durationMs);
      const status =
        endsAt.getTime() < reference
          ? random.chance(0.92) ? 'COMPLETED' : 'CANCELLED'
          : startsAt.getTime() > reference
            ? random.weighted({ PUBLISHED: 85, DRAFT: 10, CANCELLED: 5 })
            : 'PUBLISHED';
      const pool = neighbourhood(network, department, CATCHMENT[kind]).flatMap((near) => near.registrants);
      planned.push({
        id: id(planned.length),
        index: planned.length,
        department,
        kind,
        status,
        joinMode: kind === 'INITIAL_TRAINING' ? 'APPROVAL' : 'OPEN',
        startsAt,
        endsAt,
        createdAt: new Date(Math.min(startsAt.getTime(), reference) - random.int(20, 90) * DAY_MS),
        organizer: department.coordinators[k % department.coordinators.length]!,
        pool,
        registrations: 0,
      });
    }
  });
  // Drafts take no registrations: members cannot see them yet.
  const counts = apportion(
    targets.registrations,
    planned.map((event) => REGISTRATION_WEIGHTS[event.kind] * random.between(0.7, 1.3)),
    planned.map((event) => (event.status === 'DRAFT' ? 0 : event.pool.length)),
  );
  planned.forEach((event, i) => (event.registrations = counts[i]!));
  return planned;
}

/** Capacity as the event row stores it: never below the seats its confirmed registrations hold. */
function capacityOf(event: PlannedEvent, confirmed: number): number | null {
  const base = CAPACITY[event.kind];
  return base === null ? null : Math.max(base, confirmed);
}

/**
 * Who registered, in registration order, and how it ended: confirmed while seats are left, then
 * waitlisted (future OPEN events), decided by the organiser (APPROVAL), cancelled along with a
 * cancelled event; attendance recorded on completed ones. Drawn from the event's own stream, so the
 * event row (attendedCount) and the registration rows agree.
 */
function registrationsOf(seed: number, event: PlannedEvent, reference: number): PlannedRegistration[] {
  const random = Random.derived(seed, 'registrations', event.index);
  const members = random.sample(event.pool, event.registrations);
  const opensAt = event.createdAt.getTime();
  const closesAt = Math.min(event.startsAt.getTime() - DAY_MS, reference - HOUR_MS);
  const past = event.status === 'COMPLETED';
  const seats = CAPACITY[event.kind] ?? Number.POSITIVE_INFINITY;
  let confirmed = 0;
  let waitlisted = 0;
  return members.map((member, i) => {
    const createdAt = new Date(opensAt + ((i + random.next()) / members.length) * Math.max(HOUR_MS, closesAt - opensAt));
    const registration: PlannedRegistration = { member, status: 'CONFIRMED', waitlistPosition: null, attended: null, decidedBy: null, createdAt };
    if (event.status === 'CANCELLED') {
      registration.status = 'CANCELLED';
    } else if (event.joinMode === 'APPROVAL') {
      const decided = past || random.chance(0.6);
      registration.status = !decided ? 'PENDING_APPROVAL' : confirmed < seats && random.chance(0.85) ? 'CONFIRMED' : 'REJECTED';
      if (decided) registration.decidedBy = event.organizer.id;
    } else if (random.chance(0.07)) {
      registration.status = 'CANCELLED';
    } else if (confirmed >= seats && !past) {
      registration.status = 'WAITLISTED';
      registration.waitlistPosition = ++waitlisted;
    }
    if (registration.status === 'CONFIRMED') {
      confirmed++;
      if (past) registration.attended = random.chance(0.85);
    }
    return registration;
  });
}

function* eventRows(seed: number, network: Network, planned: PlannedEvent[]): Iterable<typeof events.$inferInsert> {
  const random = Random.derived(seed, 'event-rows');
  const reference = network.referenceDate.getTime();
  for (const event of planned) {
    const taken = registrationsOf(seed, event, reference);
    const confirmed = taken.filter((r) => r.status === 'CONFIRMED').length;
    const themes = random.sample(Object.keys(THEME_WORDS) as ThemeName[], random.int(1, 3));
    const online = event.kind === 'WEBINAR';
    // Closing or cancelling an event touched its row last; the others are as they were created.
    const updatedAt =
      event.status === 'COMPLETED'
        ? new Date(Math.min(reference, event.endsAt.getTime() + DAY_MS))
        : event.status === 'CANCELLED'
          ? new Date(Math.min(reference, Math.max(event.createdAt.getTime(), event.startsAt.getTime() - 7 * DAY_MS)))
          : event.createdAt;
    yield {
      id: event.id,
      kind: event.kind,
      title: `${random.pick(EVENT_TITLES[event.kind])} – ${event.department.name}`,
      description: `Temps du réseau Promeneurs du Net (${event.department.name}) autour de : ${themes.map((t) => THEME_WORDS[t]).join(', ')}. Inscription auprès de la coordination départementale.`,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      location: online ? null : `Salle du réseau, ${event.department.prefecture}`,
      onlineUrl: online ? `https://visio.bench.pdn.test/${event.id.slice(0, 8)}` : null,
      department: event.department.code,
      themes,
      capacity: capacityOf(event, confirmed),
      joinMode: event.joinMode,
      registrationDeadline: event.kind === 'INITIAL_TRAINING' || event.kind === 'TRAINING' ? new Date(event.startsAt.getTime() - 2 * DAY_MS) : null,
      status: event.status,
      organizerId: event.organizer.id,
      cancelReason: event.status === 'CANCELLED' ? 'Intervenant indisponible, date reportée' : null,
      attendedCount: event.status === 'COMPLETED' ? taken.filter((r) => r.attended === true).length : null,
      closingNotes: event.status === 'COMPLETED' ? 'Bonne dynamique de groupe, supports partagés sur le fil.' : null,
      sequence: event.status === 'DRAFT' ? 0 : event.status === 'PUBLISHED' ? 1 : 2,
      createdAt: event.createdAt,
      updatedAt,
    };
  }
}

function* registrationRows(seed: number, network: Network, planned: PlannedEvent[]): Iterable<typeof registrations.$inferInsert> {
  const id = idFactory(seed, ID_TAGS.registration);
  const reference = network.referenceDate.getTime();
  let index = 0;
  for (const event of planned) {
    for (const registration of registrationsOf(seed, event, reference)) {
      yield {
        id: id(index++),
        eventId: event.id,
        memberId: registration.member.id,
        status: registration.status,
        waitlistPosition: registration.waitlistPosition,
        attended: registration.attended,
        decidedBy: registration.decidedBy,
        createdAt: registration.createdAt,
        updatedAt: registration.createdAt,
      };
    }
  }
}

interface MemberCounts {
  members: PlannedMember[];
  counts: number[];
}

/** Splits `total` rows over the active promeneurs, some keener than others, at most `cap` each. */
function apportionOverMembers(seed: number, name: string, network: Network, total: number, cap: number, spread: [number, number]): MemberCounts {
  const members = network.departments.flatMap((department) => department.activePromeneurs);
  const random = Random.derived(seed, name, 'weights');
  const counts = apportion(total, members.map(() => random.between(...spread)), members.map(() => cap));
  return { members, counts };
}

const PERMANENCE_STARTS = ['12:00', '16:30', '17:00', '17:30', '18:00', '18:30', '19:00', '20:00'];

function* permanenceRows(seed: number, network: Network, { members, counts }: MemberCounts): Iterable<typeof permanences.$inferInsert> {
  const random = Random.derived(seed, 'permanence-rows');
  const id = idFactory(seed, ID_TAGS.permanence);
  let index = 0;
  for (const [m, member] of members.entries()) {
    // Weekdays first: most permanences are weekday evenings.
    const weekdays = random.sample([1, 2, 3, 4, 5, 3, 2, 6, 7], 9).filter((day, i, all) => all.indexOf(day) === i).slice(0, counts[m]!);
    for (const weekday of weekdays.sort((a, b) => a - b)) {
      const startTime = random.pick(PERMANENCE_STARTS);
      const minutes = random.pick([60, 90, 120]);
      yield {
        id: id(index++),
        memberId: member.id,
        department: member.department.code,
        weekday,
        startTime,
        endTime: addMinutes(startTime, minutes),
        network: random.pick(member.networks),
        createdAt: new Date(Math.min(network.referenceDate.getTime(), (member.validatedAt ?? member.createdAt).getTime() + random.int(1, 30) * DAY_MS)),
      };
    }
  }
}

function* presenceRows(seed: number, network: Network, { members, counts }: MemberCounts): Iterable<typeof presenceLogs.$inferInsert> {
  const random = Random.derived(seed, 'presence-rows');
  const id = idFactory(seed, ID_TAGS.presenceLog);
  const reference = network.referenceDate.getTime();
  const dayOffsets = Array.from({ length: PRESENCE_DAYS }, (_, i) => i + 1);
  let index = 0;
  for (const [m, member] of members.entries()) {
    // At most one log per member and day, on days drawn without replacement.
    const days = random.sample(dayOffsets, counts[m]!).sort((a, b) => b - a);
    for (const daysAgo of days) {
      const day = new Date(reference - daysAgo * DAY_MS);
      const contacts = random.chance(0.2) ? 0 : random.int(1, 12);
      yield {
        id: id(index++),
        memberId: member.id,
        department: member.department.code,
        structureId: member.structure?.id ?? null,
        date: day.toISOString().slice(0, 10),
        minutes: random.pick([30, 45, 60, 60, 90, 90, 120, 120, 150, 180, 240]),
        network: random.pick(member.networks),
        contacts,
        requests: requestCounts(random, random.int(0, contacts)),
        themes: random.sample(member.themes, random.int(0, 2)),
        // Logged in the evening of that day.
        createdAt: new Date(day.getTime() + 19 * HOUR_MS + random.int(0, 3 * HOUR_MS)),
      };
    }
  }
}

/** `requests` requests, by category in the Loire 2019 proportions; only categories that occurred. */
function requestCounts(random: Random, requests: number): StoredRequestCount[] {
  const byCategory = new Map<RequestCategoryName, number>();
  for (let i = 0; i < requests; i++) {
    const category = random.weighted(REQUEST_CATEGORY_WEIGHTS);
    byCategory.set(category, (byCategory.get(category) ?? 0) + 1);
  }
  return [...byCategory].map(([category, count]) => ({ category, count }));
}

function addMinutes(time: string, minutes: number): string {
  const [hours, mins] = time.split(':').map(Number) as [number, number];
  const total = hours * 60 + mins + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
