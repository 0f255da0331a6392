import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  LogPresenceDocument,
  MemberPermanencesDocument,
  MemberPresenceDocument,
  OnlineNowDocument,
  PresenceReportDocument,
  SetMyPermanencesDocument,
  TeamPresenceDocument,
  UpdateMyProfileDocument,
  type PdnResult,
} from '@pdn/client';
import { activate, createStructure, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

const codeOf = (result: PdnResult<unknown>) => result.errors?.[0]?.extensions?.['code'];

/** A day `days` before today in Paris, YYYY-MM-DD (the subgraphs run on the real clock here). */
function parisDaysAgo(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
}

// Permanences and presence through the gateway with the typed client; Member.presence needs the
// commitment members owns, which reaches calendar through @requires in the gateway's query plan.
describe('permanences and presence through the gateway', () => {
  let system: RunningSystem;
  let coordinator: Person;
  let otherCoordinator: Person;
  let isabelle: Person;
  let paul: Person;
  let structureId: string;
  // Two weeks, today included: 14 days, so a 3 h/week commitment is 360 minutes.
  const from = parisDaysAgo(13);
  const to = parisDaysAgo(0);

  beforeAll(async () => {
    system = await startSystem();
    const admin = await signInAdmin(system);
    structureId = await createStructure(admin);
    coordinator = await join(system, admin, { structureId, email: 'coordination@caf32.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    otherCoordinator = await join(system, admin, { structureId: null, email: 'coordination@caf31.test', firstName: 'Henri', lastName: 'Garonne', role: 'COORDINATOR', department: '31' });
    isabelle = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'isabelle@bij-auch.test', firstName: 'Isabelle', lastName: 'Laffargue' }));
    paul = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'paul@bij-auch.test', firstName: 'Paul', lastName: 'Armagnac' }));
    for (const [person, weeklyHoursCommitment] of [
      [isabelle, 3],
      [paul, 2],
    ] as const) {
      expect((await person.client.request(UpdateMyProfileDocument, { input: { weeklyHoursCommitment } })).errors).toBeUndefined();
    }
  });

  afterAll(() => system?.close());

  it('should set a weekly schedule and show it publicly, online all week long', async () => {
    // Every day from 00:00 to 24:00: online whatever the real time of the run.
    const allWeek = Array.from({ length: 7 }, (_, i) => ({ weekday: i + 1, startTime: '00:00', endTime: '24:00', network: 'INSTAGRAM' as const }));
    const set = await isabelle.client.request(SetMyPermanencesDocument, { slots: allWeek.reverse() });
    expect(set.errors).toBeUndefined();
    expect(set.data!.setMyPermanences.map((p) => p.weekday)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(set.data!.setMyPermanences[0]).toMatchObject({ startTime: '00:00', endTime: '24:00', network: 'INSTAGRAM', member: { id: isabelle.id } });

    const seen = await system.anonymous.request(MemberPermanencesDocument, { id: isabelle.id });
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.member).toMatchObject({ displayName: isabelle.displayName, onlineNow: true });
    expect(seen.data!.member!.permanences).toHaveLength(7);
  });

  it('should list who is online now, with their public profile from members', async () => {
    const online = await system.anonymous.request(OnlineNowDocument, { department: '32' });
    expect(online.errors).toBeUndefined();
    expect(online.data!.onlineNow).toEqual([
      expect.objectContaining({ member: expect.objectContaining({ id: isabelle.id, displayName: isabelle.displayName }) }),
    ]);
    expect((await system.anonymous.request(OnlineNowDocument, { department: '31' })).data!.onlineNow).toEqual([]);
    const paulNow = await system.anonymous.request(MemberPermanencesDocument, { id: paul.id });
    expect(paulNow.data!.member).toMatchObject({ onlineNow: false, permanences: [] });
  });

  it('should refuse overlapping, inverted and malformed slots naming the slot field', async () => {
    const cases: [{ weekday: number; startTime: string; endTime: string }[], string][] = [
      [
        [
          { weekday: 2, startTime: '18:00', endTime: '20:00' },
          { weekday: 2, startTime: '19:00', endTime: '21:00' },
        ],
        'slots.1.startTime',
      ],
      [[{ weekday: 3, startTime: '20:00', endTime: '18:00' }], 'slots.0.endTime'],
      [[{ weekday: 8, startTime: '10:00', endTime: '11:00' }], 'slots.0.weekday'],
      [[{ weekday: 1, startTime: '9h', endTime: '11:00' }], 'slots.0.startTime'],
    ];
    for (const [slots, field] of cases) {
      const refused = await paul.client.request(SetMyPermanencesDocument, { slots: slots.map((s) => ({ ...s, network: 'SNAPCHAT' as const })) });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(codeOf(await system.anonymous.request(SetMyPermanencesDocument, { slots: [] }))).toBe('UNAUTHENTICATED');
  });

  it('should log presence with counts only and refuse a day in the future', async () => {
    const logs = [
      { date: parisDaysAgo(2), minutes: 120, contacts: 5, requests: [{ category: 'DAILY_LIFE_PREVENTION' as const, count: 3 }, { category: 'STRUCTURE_INFO' as const, count: 1 }] },
      { date: parisDaysAgo(3), minutes: 60, contacts: 2, requests: [{ category: 'DAILY_LIFE_PREVENTION' as const, count: 1 }] },
    ];
    for (const log of logs) {
      const logged = await isabelle.client.request(LogPresenceDocument, { input: { ...log, network: 'INSTAGRAM', themes: ['HEALTH'] } });
      expect(logged.errors).toBeUndefined();
      expect(logged.data!.logPresence).toMatchObject({ ...log, member: { id: isabelle.id } });
    }
    const paulLog = await paul.client.request(LogPresenceDocument, { input: { date: parisDaysAgo(4), minutes: 30, network: 'SNAPCHAT', contacts: 1, requests: [{ category: 'PERSONAL', count: 1 }] } });
    expect(paulLog.errors).toBeUndefined();

    const future = await isabelle.client.request(LogPresenceDocument, { input: { date: parisDaysAgo(-2), minutes: 30, network: 'INSTAGRAM' } });
    expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.date' });
    const tooLong = await isabelle.client.request(LogPresenceDocument, { input: { date: parisDaysAgo(1), minutes: 1441, network: 'INSTAGRAM' } });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.minutes' });
    expect(codeOf(await system.anonymous.request(LogPresenceDocument, { input: { date: parisDaysAgo(1), minutes: 30, network: 'INSTAGRAM' } }))).toBe('UNAUTHENTICATED');
  });

  it('should refuse a free-text field in a presence log at validation, through the gateway', async () => {
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation ($input: PresenceLogInput!) { logPresence(input: $input) { id } }',
        variables: { input: { date: parisDaysAgo(1), minutes: 30, network: 'INSTAGRAM', note: 'Léa, 15 ans' } },
      }),
    });
    const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it("should answer a coordinator's query across members and calendar, the commitment coming from members through @requires", async () => {
    const team = await coordinator.client.request(TeamPresenceDocument, { filter: { department: '32', statuses: ['ACTIVE'] }, from, to });
    expect(team.errors).toBeUndefined();
    const nodes = team.data!.members.edges.map((e) => e.node);
    expect(nodes).toEqual(
      expect.arrayContaining([
        {
          id: isabelle.id,
          displayName: isabelle.displayName,
          weeklyHoursCommitment: 3,
          permanences: expect.arrayContaining([{ weekday: 1, startTime: '00:00', endTime: '24:00' }]),
          onlineNow: true,
          presence: { minutesLogged: 180, minutesCommitted: 360, complianceRatio: 0.5 },
        },
        {
          id: paul.id,
          displayName: paul.displayName,
          weeklyHoursCommitment: 2,
          permanences: [],
          onlineNow: false,
          presence: { minutesLogged: 30, minutesCommitted: 240, complianceRatio: 0.125 },
        },
      ]),
    );
  });

  it('should show a member their own presence, and refuse it to other members and to anonymous callers', async () => {
    const own = await isabelle.client.request(MemberPresenceDocument, { id: isabelle.id, from, to });
    expect(own.errors).toBeUndefined();
    expect(own.data!.member!.presence).toEqual({ minutesLogged: 180, minutesCommitted: 360, complianceRatio: 0.5, contacts: 7 });

    const byPaul = await paul.client.request(MemberPresenceDocument, { id: isabelle.id, from, to });
    expect(byPaul.errors?.[0]).toMatchObject({ path: ['member', 'presence'], extensions: { code: 'FORBIDDEN' } });
    expect(byPaul.data?.member ?? null).toBeNull();
    expect(codeOf(await otherCoordinator.client.request(MemberPresenceDocument, { id: isabelle.id, from, to }))).toBe('FORBIDDEN');
    expect(codeOf(await system.anonymous.request(MemberPresenceDocument, { id: isabelle.id, from, to }))).toBe('UNAUTHENTICATED');
  });

  it("should report the coordinator's département: rows, totals and requests by category", async () => {
    const report = await coordinator.client.request(PresenceReportDocument, { from, to });
    expect(report.errors).toBeUndefined();
    expect(report.data!.presenceReport).toMatchObject({ from, to, department: '32', totalMinutes: 210, totalContacts: 8 });
    expect(report.data!.presenceReport.rows).toEqual([
      { minutesLogged: 180, contacts: 7, member: { id: isabelle.id, displayName: isabelle.displayName } },
      { minutesLogged: 30, contacts: 1, member: { id: paul.id, displayName: paul.displayName } },
    ]);
    expect(report.data!.presenceReport.requests).toEqual([
      { category: 'DAILY_LIFE_PREVENTION', count: 4 },
      { category: 'STRUCTURE_INFO', count: 1 },
      { category: 'PROJECT_SUPPORT', count: 0 },
      { category: 'DIGITAL_PRACTICES', count: 0 },
      { category: 'PERSONAL', count: 1 },
    ]);
  });

  it("should narrow the report to one structure, the one each promeneur's token names", async () => {
    const mine = await coordinator.client.request(PresenceReportDocument, { from, to, structureId });
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.presenceReport.totalMinutes).toBe(210);
    const elsewhere = await coordinator.client.request(PresenceReportDocument, { from, to, structureId: '00000000-0000-4000-8000-000000000000' });
    expect(elsewhere.data!.presenceReport).toMatchObject({ totalMinutes: 0, rows: [] });
  });

  it('should refuse the report to promeneurs and to coordinators of another département, and a structure id that is not one', async () => {
    expect(codeOf(await isabelle.client.request(PresenceReportDocument, { from, to }))).toBe('FORBIDDEN');
    expect(codeOf(await otherCoordinator.client.request(PresenceReportDocument, { from, to, department: '32' }))).toBe('FORBIDDEN');
    expect(codeOf(await system.anonymous.request(PresenceReportDocument, { from, to }))).toBe('UNAUTHENTICATED');
    const byStructure = await coordinator.client.request(PresenceReportDocument, { from, to, structureId: 'BIJ' });
    expect(byStructure.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'structureId' });
    const reversed = await coordinator.client.request(PresenceReportDocument, { from: to, to: from });
    expect(reversed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });
});
