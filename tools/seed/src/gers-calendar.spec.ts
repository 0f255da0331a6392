import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import {
  ACTIVE_PROMENEURS,
  CANDIDATE_PROMENEURS,
  MAX_CONTACTS_PER_SESSION,
  PRESENCE_WEEKS,
  REQUEST_CATEGORIES,
  REQUEST_MIX,
  isHolidayWeek,
  memberNetworks,
  planEvents,
  planPermanences,
  planPresence,
  presencePeriod,
  shiftedInput,
  type PlannedEvent,
  type PlannedPresence,
} from './gers-calendar.js';
import { PROMENEURS } from './gers-network.js';
import { addDays, daysBetween, formatParisDateTime, isoWeekday, mondayOf } from './paris-time.js';

/** The API's enums as the typed client knows them (libs/client/schema.graphql, composed from the subgraphs). */
const schema = parse(readFileSync(fileURLToPath(new URL('../../../libs/client/schema.graphql', import.meta.url)), 'utf8'));
function enumValues(name: string): string[] {
  const node = schema.definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === name);
  if (!node) throw new Error(`no enum ${name} in the client schema`);
  return (node.values ?? []).map((v) => v.name.value);
}

/** Demo days all over the year: around both daylight-saving changes, summer, Christmas, New Year. */
const TODAYS = ['2026-11-26', '2026-03-25', '2026-03-30', '2026-10-22', '2026-10-26', '2027-07-01', '2026-08-10', '2026-12-24', '2027-01-02'];

const offsetOf = (iso: string) => iso.slice(19);
const dateOf = (iso: string) => iso.slice(0, 10);
const timeOf = (iso: string) => iso.slice(11, 16);
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Paris reads this instant with this offset: checked with Intl, independently of the seed's own helper. */
function expectParisOffset(iso: string): void {
  expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+0[12]:00$/);
  const instant = new Date(iso);
  expect(Number.isNaN(instant.getTime())).toBe(false);
  const intl = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')!.value;
  expect(`GMT${offsetOf(iso)}`).toBe(intl);
  expect(formatParisDateTime(instant)).toBe(iso);
}

describe.each(TODAYS)('the demo calendar planned on %s', (today) => {
  const events = planEvents(today);
  const byKind = (kind: string) => events.filter((e) => e.input.kind === kind);

  it('should hold a year of events: 3 regroupements, 2 initial trainings, workshops and webinars', () => {
    expect(byKind('REGROUPEMENT')).toHaveLength(3);
    expect(byKind('INITIAL_TRAINING')).toHaveLength(2);
    const workshops = byKind('WORKSHOP').map((e) => e.input.title.toLowerCase());
    for (const topic of ['cyberharcèlement', 'tiktok', 'posture professionnelle', 'discord']) {
      expect(workshops.some((title) => title.includes(topic))).toBe(true);
    }
    expect(byKind('WEBINAR').length).toBeGreaterThanOrEqual(3);
    const span = daysBetween(events[0]!.firstDay, events[events.length - 1]!.lastDay);
    expect(span).toBeGreaterThan(300);
    expect(span).toBeLessThan(400);
    expect(new Set(events.map((e) => e.input.title)).size).toBe(events.length);
  });

  it('should have a few past events, most upcoming and published, one cancelled with a reason, one draft', () => {
    const phases = events.map((e) => e.phase);
    expect(phases.filter((p) => p === 'past').length).toBeGreaterThanOrEqual(3);
    expect(phases.filter((p) => p === 'upcoming').length).toBeGreaterThan(events.length / 2);
    expect(events.filter((e) => e.phase === 'cancelled').map((e) => e.cancelReason?.length ?? 0)).toEqual([expect.any(Number)]);
    expect(events.find((e) => e.phase === 'cancelled')!.cancelReason!.length).toBeGreaterThan(10);
    expect(events.filter((e) => e.phase === 'draft').map((e) => e.input.status)).toEqual(['DRAFT']);
    for (const event of events) expect(event.input.status).toBe(event.phase === 'draft' ? 'DRAFT' : 'PUBLISHED');
    for (const event of events.filter((e) => e.phase === 'past')) expect(event.lastDay < today).toBe(true);
    for (const event of events.filter((e) => e.phase !== 'past')) expect(event.firstDay > today).toBe(true);
  });

  it('should send valid instants with the Paris offset of their own day, on both sides of daylight-saving changes', () => {
    for (const event of events) {
      const { startsAt, endsAt, registrationDeadline } = event.input;
      for (const iso of [startsAt, endsAt, registrationDeadline].filter((x): x is string => !!x)) expectParisOffset(iso);
      expect(dateOf(startsAt)).toBe(event.firstDay);
      expect(dateOf(endsAt)).toBe(event.lastDay);
      expect(Date.parse(endsAt)).toBeGreaterThan(Date.parse(startsAt));
      if (registrationDeadline) expect(Date.parse(registrationDeadline)).toBeLessThan(Date.parse(startsAt));
      // Daytime or early-evening events, whatever the season.
      expect(timeOf(startsAt) >= '09:00' && timeOf(startsAt) <= '18:00').toBe(true);
      expect(timeOf(endsAt) <= '19:30').toBe(true);
    }
  });

  it('should keep events off the summer and Christmas breaks and space the regroupements about a term apart', () => {
    for (const event of events) expect(isHolidayWeek(mondayOf(event.firstDay))).toBe(false);
    const regroupements = byKind('REGROUPEMENT').map((e) => e.firstDay);
    for (let i = 1; i < regroupements.length; i++) expect(daysBetween(regroupements[i - 1]!, regroupements[i]!)).toBeGreaterThanOrEqual(70);
  });

  it('should give initial trainings 2 to 4 days, webinars a link and no place, the others a place', () => {
    for (const training of byKind('INITIAL_TRAINING')) {
      const days = daysBetween(training.firstDay, training.lastDay) + 1;
      expect(days).toBeGreaterThanOrEqual(2);
      expect(days).toBeLessThanOrEqual(4);
    }
    for (const event of events) {
      if (event.input.kind === 'WEBINAR') {
        expect(event.input.onlineUrl).toMatch(/^https:\/\/[a-z0-9.-]+\.test\//);
        expect(event.input.location).toBeNull();
      } else {
        expect(event.input.location?.length).toBeGreaterThan(5);
      }
      expect(event.input.title.length).toBeGreaterThanOrEqual(3);
      expect(event.input.title.length).toBeLessThanOrEqual(200);
      expect((event.input.description ?? '').length).toBeLessThanOrEqual(5000);
      expect(event.input.themes!.length).toBeLessThanOrEqual(8);
      expect(event.input.department).toBe('32');
    }
  });

  it('should register known promeneurs once each, candidates only to initial trainings', () => {
    const active = new Set(ACTIVE_PROMENEURS.map((p) => p.email));
    const candidates = new Set(CANDIDATE_PROMENEURS.map((p) => p.email));
    for (const event of events) {
      expect(new Set(event.registrants).size).toBe(event.registrants.length);
      for (const email of event.registrants) {
        expect(active.has(email) || candidates.has(email)).toBe(true);
        if (candidates.has(email)) expect(event.input.kind).toBe('INITIAL_TRAINING');
      }
      if (event.phase === 'draft') expect(event.registrants).toEqual([]);
    }
    const upcomingTraining = byKind('INITIAL_TRAINING').find((e) => e.phase === 'upcoming')!;
    expect(upcomingTraining.registrants.sort()).toEqual([...candidates].sort());
  });

  it('should have one full event with a waitlist and one approval event with decisions and pending registrations', () => {
    const full = events.filter((e) => e.input.capacity != null && e.registrants.length > e.input.capacity && e.input.joinMode === 'OPEN');
    expect(full).toHaveLength(1);
    expect(full[0]!.phase).toBe('upcoming');
    expect(full[0]!.input.capacity).toBeLessThanOrEqual(10);

    const approval = events.filter((e) => e.input.joinMode === 'APPROVAL');
    expect(approval).toHaveLength(1);
    const { approve, refuse, registrants, input, phase } = approval[0]!;
    expect(phase).toBe('upcoming');
    expect(approve.length).toBeGreaterThan(0);
    expect(approve.length).toBeLessThanOrEqual(input.capacity!);
    expect([...approve, ...refuse].every((email) => registrants.includes(email))).toBe(true);
    expect(new Set([...approve, ...refuse]).size).toBe(approve.length + refuse.length);
    expect(registrants.length - approve.length - refuse.length).toBeGreaterThan(0);
  });

  it('should record attendance of past events among confirmed registrants only, most of them present', () => {
    for (const event of events) {
      if (event.phase !== 'past') {
        expect(event.attendees).toEqual([]);
        expect(event.stagingShiftDays).toBe(0);
        continue;
      }
      expect(event.input.capacity == null || event.registrants.length <= event.input.capacity).toBe(true);
      expect(event.attendees.every((email) => event.registrants.includes(email))).toBe(true);
      expect(event.attendees.length).toBeGreaterThanOrEqual(event.registrants.length * 0.7);
    }
  });

  it('should stage past events in the future with registrations open, at the same wall-clock times', () => {
    for (const event of events.filter((e) => e.phase === 'past')) {
      expect(event.stagingShiftDays % 7).toBe(0);
      const staged = shiftedInput(event, event.stagingShiftDays);
      expect(dateOf(staged.startsAt) > addDays(today, 13)).toBe(true);
      if (staged.registrationDeadline) expect(dateOf(staged.registrationDeadline) > today).toBe(true);
      for (const [planned, moved] of [
        [event.input.startsAt, staged.startsAt],
        [event.input.endsAt, staged.endsAt],
      ] as const) {
        expectParisOffset(moved);
        expect(timeOf(moved)).toBe(timeOf(planned));
        expect(daysBetween(dateOf(planned), dateOf(moved))).toBe(event.stagingShiftDays);
        expect(isoWeekday(dateOf(moved))).toBe(isoWeekday(dateOf(planned)));
      }
    }
  });
});

describe('weekly permanences', () => {
  it('should give every active promeneur 1 to 3 slots on the networks of their channels', () => {
    for (const member of ACTIVE_PROMENEURS) {
      const slots = planPermanences(member);
      const networks = memberNetworks(member);
      expect(slots.length).toBeGreaterThanOrEqual(1);
      expect(slots.length).toBeLessThanOrEqual(3);
      for (const slot of slots) {
        expect(networks).toContain(slot.network);
        expect(enumValues('SocialNetwork')).toContain(slot.network);
      }
    }
  });

  it('should hold valid, non-overlapping slots: weekday evenings, or weekend afternoons', () => {
    let weekend = 0;
    for (const member of ACTIVE_PROMENEURS) {
      const slots = planPermanences(member);
      expect(new Set(slots.map((s) => s.weekday)).size).toBe(slots.length);
      for (const slot of slots) {
        expect(slot.weekday).toBeGreaterThanOrEqual(1);
        expect(slot.weekday).toBeLessThanOrEqual(7);
        expect(slot.startTime).toMatch(HHMM);
        expect(slot.endTime).toMatch(HHMM);
        expect(slot.endTime > slot.startTime).toBe(true);
        expect(slot.endTime <= '22:00').toBe(true);
        if (slot.weekday >= 6) {
          weekend++;
          expect(slot.startTime >= '14:00' && slot.startTime < '17:00').toBe(true);
        } else {
          expect(slot.startTime >= '17:00').toBe(true);
        }
      }
    }
    expect(weekend).toBeGreaterThanOrEqual(2);
  });

  it('should be the same on every run', () => {
    for (const member of ACTIVE_PROMENEURS) expect(planPermanences(member)).toEqual(planPermanences(member));
  });
});

describe('presence logs', () => {
  const today = '2026-11-26';
  const logs: PlannedPresence[] = ACTIVE_PROMENEURS.flatMap((m) => planPresence(m, today));

  it('should use the request categories of the API, with the Loire figures summing to 100 %', () => {
    expect([...REQUEST_CATEGORIES].sort()).toEqual(enumValues('RequestCategory').sort());
    expect(REQUEST_MIX).toEqual({ DAILY_LIFE_PREVENTION: 44.6, STRUCTURE_INFO: 25.8, PROJECT_SUPPORT: 13.1, DIGITAL_PRACTICES: 10.4, PERSONAL: 6.1 });
    expect(Object.values(REQUEST_MIX).reduce((s, p) => s + p, 0)).toBeCloseTo(100, 9);
  });

  it.each(['2026-11-26', '2026-04-02', '2026-11-02'])('should cover the %s minus 12 weeks, never today or later', (day) => {
    const period = presencePeriod(day);
    expect(daysBetween(period.from, period.to)).toBe(7 * PRESENCE_WEEKS - 1);
    for (const member of ACTIVE_PROMENEURS) {
      for (const { input } of planPresence(member, day)) {
        expect(input.date >= period.from && input.date <= period.to).toBe(true);
        expect(input.date < day).toBe(true);
      }
    }
  });

  it('should log valid sessions: minutes, 0–15 contacts, requests by category, the member own themes and networks', () => {
    const categories = enumValues('RequestCategory');
    const themes = enumValues('Theme');
    for (const { email, input } of logs) {
      const member = PROMENEURS.find((p) => p.email === email)!;
      expect(input.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isInteger(input.minutes)).toBe(true);
      expect(input.minutes).toBeGreaterThanOrEqual(15);
      expect(input.minutes).toBeLessThanOrEqual(1440);
      expect(input.minutes % 5).toBe(0);
      expect(Number.isInteger(input.contacts)).toBe(true);
      expect(input.contacts).toBeGreaterThanOrEqual(0);
      expect(input.contacts).toBeLessThanOrEqual(MAX_CONTACTS_PER_SESSION);
      expect(new Set(input.requests.map((r) => r.category)).size).toBe(input.requests.length);
      for (const request of input.requests) {
        expect(categories).toContain(request.category);
        expect(Number.isInteger(request.count) && request.count > 0).toBe(true);
      }
      expect(input.requests.reduce((s, r) => s + r.count, 0)).toBeLessThanOrEqual(input.contacts);
      expect(memberNetworks(member)).toContain(input.network);
      for (const theme of input.themes) {
        expect(member.themes).toContain(theme);
        expect(themes).toContain(theme);
      }
    }
  });

  it('should log every active promeneur 1 to 3 sessions a week, about their weekly commitment', () => {
    for (const member of ACTIVE_PROMENEURS) {
      const own = logs.filter((l) => l.email === member.email);
      for (let week = 0; week < PRESENCE_WEEKS; week++) {
        const first = addDays(today, -7 * week - 7);
        const last = addDays(today, -7 * week - 1);
        const sessions = own.filter((l) => l.input.date >= first && l.input.date <= last);
        expect(sessions.length).toBeGreaterThanOrEqual(1);
        expect(sessions.length).toBeLessThanOrEqual(3);
        expect(new Set(sessions.map((s) => s.input.date)).size).toBe(sessions.length);
      }
      const weeklyHours = own.reduce((s, l) => s + l.input.minutes, 0) / 60 / PRESENCE_WEEKS;
      expect(weeklyHours).toBeGreaterThan(member.weeklyHoursCommitment * 0.75);
      expect(weeklyHours).toBeLessThan(member.weeklyHoursCommitment * 1.25);
    }
  });

  it('should follow the Loire request mix overall, within 1.5 points per category', () => {
    const totals = new Map<string, number>();
    for (const { input } of logs) for (const r of input.requests) totals.set(r.category, (totals.get(r.category) ?? 0) + r.count);
    const all = [...totals.values()].reduce((s, n) => s + n, 0);
    expect(all).toBeGreaterThan(1000);
    for (const category of REQUEST_CATEGORIES) {
      expect(Math.abs((100 * (totals.get(category) ?? 0)) / all - REQUEST_MIX[category])).toBeLessThan(1.5);
    }
  });

  it('should be deterministic: the same logs for the same day, the same figures whatever the day', () => {
    const again = ACTIVE_PROMENEURS.flatMap((m) => planPresence(m, today));
    expect(again).toEqual(logs);
    const figures = (list: PlannedPresence[]) => list.map(({ email, input }) => [email, input.minutes, input.contacts, input.requests]);
    const later = ACTIVE_PROMENEURS.flatMap((m) => planPresence(m, '2027-05-13'));
    expect(figures(later)).toEqual(figures(logs));
  });

  it('should plan nothing for members who are not active', () => {
    const planned = new Set(logs.map((l) => l.email));
    for (const member of PROMENEURS.filter((p) => p.outcome.status !== 'ACTIVE')) expect(planned.has(member.email)).toBe(false);
    expect(planned.size).toBe(ACTIVE_PROMENEURS.length);
  });
});

describe('planned events in registration order', () => {
  it('should fill the full event in plan order so the waitlist is always the same', () => {
    const a = planEvents('2026-11-26');
    const b = planEvents('2027-02-15');
    const registrantsOf = (events: PlannedEvent[]) => Object.fromEntries(events.map((e) => [e.key, e.registrants]));
    expect(registrantsOf(a)).toEqual(registrantsOf(b));
  });
});
