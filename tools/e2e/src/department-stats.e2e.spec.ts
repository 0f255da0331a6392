import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AcknowledgeAlertDocument,
  CancelEventDocument,
  CloseEventDocument,
  CreateEventDocument,
  CreateStructureDocument,
  DepartmentStatsDocument,
  DepartmentStatsOverYearsDocument,
  LogPresenceDocument,
  ModeratePostDocument,
  PublishPostDocument,
  RaiseAlertDocument,
  RecordAttendanceDocument,
  RegisterDocument,
  RepublishDocument,
  SetMemberStatusDocument,
  UpdateEventDocument,
  type EventKind,
  type PdnClient,
  type PdnResult,
} from '@pdn/client';
import { activate, createStructure, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${result.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
  return result.data;
}

const codeOf = (result: PdnResult<unknown>) => result.errors?.[0]?.extensions?.['code'];
/** Today in Paris, YYYY-MM-DD: the subgraphs run on the real clock here, so the known year is this one. */
const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

// The yearly bilan end to end: a small known year built through the API in the Gers (and beside it in
// Haute-Garonne), then one query through the gateway whose figures come from members (root field,
// directory), calendar (events, presence) and feed (posts, alerts; the rate with activePromeneurs from
// members through @requires), each checked against what was built.
describe('the yearly bilan through the gateway', () => {
  let system: RunningSystem;
  let admin: PdnClient;
  let coordinator: Person;
  let garonne: Person;
  let anne: Person;
  let bruno: Person;
  let chloe: Person;
  const year = Number(parisToday().slice(0, 4));

  /** An event of the Gers that took place just now: registrations, attendance, then closed (COMPLETED). */
  async function heldEvent(kind: EventKind, registered: Person[], attended: Person[], by: Person = coordinator, department = '32'): Promise<void> {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const created = ok(
      await by.client.request(CreateEventDocument, {
        input: { kind, title: `${kind} du réseau`, department, status: 'PUBLISHED', startsAt, endsAt: new Date(Date.now() + 2 * 3_600_000).toISOString() },
      }),
      'createEvent',
    );
    const id = created.createEvent.id;
    for (const person of registered) ok(await person.client.request(RegisterDocument, { eventId: id }), 'register');
    if (attended.length) ok(await by.client.request(RecordAttendanceDocument, { eventId: id, memberIds: attended.map((p) => p.id), attended: true }), 'recordAttendance');
    // Brought to its end now, so that it can be closed without waiting.
    ok(await by.client.request(UpdateEventDocument, { id, input: { endsAt: new Date(Date.now() - 1_000).toISOString() } }), 'updateEvent');
    ok(await by.client.request(CloseEventDocument, { id, notes: 'Bilan de la journée.' }), 'closeEvent');
  }

  async function alert(by: Person, departments: string[]): Promise<string> {
    const raised = ok(
      await by.client.request(RaiseAlertDocument, {
        input: { severity: 'WARNING', category: 'SCAM', title: 'Arnaque aux faux jobs', body: 'De fausses offres circulent sur Snapchat.', departments },
      }),
      'raiseAlert',
    );
    return raised.raiseAlert.id;
  }

  async function publish(person: Person, title: string): Promise<string> {
    const published = ok(await person.client.request(PublishPostDocument, { input: { kind: 'NEWS', title, body: 'Permanence en ligne le mercredi soir.', audience: 'PUBLIC' } }), 'publishPost');
    return published.publishPost.id;
  }

  beforeAll(async () => {
    system = await startSystem();
    admin = await signInAdmin(system);
    // Directory: two structures and three active promeneurs in the Gers, a candidate, a suspended promeneur.
    const bij = await createStructure(admin, "BIJ d'Auch");
    await createStructure(admin, 'MJC de Condom');
    const muret = ok(await admin.request(CreateStructureDocument, { input: { name: 'MJC de Muret', kind: 'YOUTH_CLUB', commune: 'Muret', department: '31' } }), 'createStructure');
    coordinator = await join(system, admin, { structureId: null, email: 'coordination@caf32-bilan.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    garonne = await join(system, admin, { structureId: null, email: 'coordination@caf31-bilan.test', firstName: 'Henri', lastName: 'Garonne', role: 'COORDINATOR', department: '31' });
    const newPromeneur = async (firstName: string) =>
      activate(system, coordinator.client, await join(system, coordinator.client, { structureId: bij, email: `${firstName.toLowerCase()}@bilan-auch.test`, firstName, lastName: 'Gers' }));
    anne = await newPromeneur('Anne');
    bruno = await newPromeneur('Bruno');
    chloe = await newPromeneur('Chloe');
    await join(system, coordinator.client, { structureId: bij, email: 'denis@bilan-auch.test', firstName: 'Denis', lastName: 'Gers' });
    const emma = await newPromeneur('Emma');
    ok(await coordinator.client.request(SetMemberStatusDocument, { id: emma.id, status: 'SUSPENDED', reason: 'Absente depuis six mois' }), 'setMemberStatus');
    const julien = await activate(
      system,
      garonne.client,
      await join(system, garonne.client, { structureId: muret.createStructure.id, email: 'julien@bilan-muret.test', firstName: 'Julien', lastName: 'Garonne', department: '31' }),
    );

    // Calendar: three events held (trainings attended by Anne and Bruno, a regroupement 2 of 3), one cancelled, one to come, one in 31.
    await heldEvent('TRAINING', [anne, bruno], [anne, bruno]);
    await heldEvent('WORKSHOP', [anne, chloe], [anne]);
    await heldEvent('REGROUPEMENT', [anne, bruno, chloe], [anne, bruno]);
    await heldEvent('TRAINING', [julien], [julien], garonne, '31');
    const cancelled = ok(
      await coordinator.client.request(CreateEventDocument, {
        input: { kind: 'TRAINING', title: 'Formation annulée', department: '32', status: 'PUBLISHED', startsAt: new Date(Date.now() + 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString() },
      }),
      'createEvent',
    );
    ok(await coordinator.client.request(CancelEventDocument, { id: cancelled.createEvent.id, reason: 'Formatrice malade' }), 'cancelEvent');
    ok(
      await coordinator.client.request(CreateEventDocument, {
        input: { kind: 'WEBINAR', title: 'Webinaire à venir', department: '32', status: 'PUBLISHED', onlineUrl: 'https://visio.pdn32.test/w', startsAt: new Date(Date.now() + 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString() },
      }),
      'createEvent',
    );
    // Presence logged today.
    const date = parisToday();
    ok(await anne.client.request(LogPresenceDocument, { input: { date, minutes: 120, network: 'INSTAGRAM', contacts: 5, requests: [{ category: 'DAILY_LIFE_PREVENTION', count: 3 }, { category: 'STRUCTURE_INFO', count: 1 }] } }), 'logPresence');
    ok(await bruno.client.request(LogPresenceDocument, { input: { date, minutes: 30, network: 'SNAPCHAT', contacts: 1, requests: [{ category: 'PERSONAL', count: 1 }] } }), 'logPresence');
    ok(await julien.client.request(LogPresenceDocument, { input: { date, minutes: 60, network: 'TIKTOK', contacts: 4, requests: [{ category: 'PERSONAL', count: 4 }] } }), 'logPresence');

    // Feed: two posts from the Gers (a third hidden by moderation), two republications, one post from 31.
    const annePost = await publish(anne, 'Permanence Instagram du BIJ');
    await publish(anne, 'Nouveaux horaires');
    const hidden = await publish(bruno, 'Annonce hors charte');
    ok(await coordinator.client.request(ModeratePostDocument, { postId: hidden, action: 'HIDE', reason: 'Hors charte' }), 'moderatePost');
    const julienPost = await publish(julien, 'Forum des métiers à Muret');
    ok(await chloe.client.request(RepublishDocument, { postId: julienPost }), 'republish');
    ok(await bruno.client.request(RepublishDocument, { postId: annePost }), 'republish');
    // Alerts: two for the Gers, acknowledged 3 times; one for 31 only.
    const first = await alert(coordinator, ['32']);
    const second = await alert(coordinator, ['32']);
    await alert(garonne, ['31']);
    for (const [person, id] of [[anne, first], [bruno, first], [anne, second]] as const) ok(await person.client.request(AcknowledgeAlertDocument, { id }), 'acknowledgeAlert');
  }, 240_000);

  afterAll(() => system?.close());

  const known = () => ({
    department: '32',
    year,
    activePromeneurs: 3,
    candidates: 1,
    structures: 2,
    eventsHeld: 3,
    promeneursTrained: 2,
    regroupementAttendanceRate: 2 / 3,
    minutesOnline: 150,
    contacts: 6,
    requests: [
      { category: 'DAILY_LIFE_PREVENTION', count: 3 },
      { category: 'STRUCTURE_INFO', count: 1 },
      { category: 'PROJECT_SUPPORT', count: 0 },
      { category: 'DIGITAL_PRACTICES', count: 0 },
      { category: 'PERSONAL', count: 1 },
    ],
    postsPublished: 2,
    republications: 2,
    alertsRaised: 2,
    // 3 acknowledgements / (2 alerts × 3 active promeneurs).
    alertAcknowledgementRate: 0.5,
  });

  it("should answer every figure of the coordinator's yearly bilan from the three subgraphs in one query", async () => {
    const result = await coordinator.client.request(DepartmentStatsDocument, { department: '32', year });
    expect(result.errors).toBeUndefined();
    expect(result.data!.departmentStats).toEqual(known());
  });

  it('should answer admins for any département', async () => {
    const result = await admin.request(DepartmentStatsDocument, { department: '31', year });
    expect(result.errors).toBeUndefined();
    expect(result.data!.departmentStats).toMatchObject({ department: '31', activePromeneurs: 1, structures: 1, eventsHeld: 1, promeneursTrained: 1, minutesOnline: 60, postsPublished: 1, alertsRaised: 1, alertAcknowledgementRate: 0 });
  });

  it('should put three years side by side in one query, the earlier ones empty', async () => {
    const result = await coordinator.client.request(DepartmentStatsOverYearsDocument, { department: '32', years: [year - 2, year - 1, year] });
    expect(result.errors).toBeUndefined();
    const empty = (y: number) => ({
      ...known(),
      year: y,
      activePromeneurs: 0,
      candidates: 0,
      structures: 0,
      eventsHeld: 0,
      promeneursTrained: 0,
      regroupementAttendanceRate: 0,
      minutesOnline: 0,
      contacts: 0,
      requests: known().requests.map((r) => ({ ...r, count: 0 })),
      postsPublished: 0,
      republications: 0,
      alertsRaised: 0,
      alertAcknowledgementRate: 0,
    });
    expect(result.data!.departmentStatsOverYears).toEqual([empty(year - 2), empty(year - 1), known()]);
  });

  it('should refuse anonymous callers, promeneurs and the coordinators of another département, and name a bad argument', async () => {
    expect(codeOf(await system.anonymous.request(DepartmentStatsDocument, { department: '32', year }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await anne.client.request(DepartmentStatsDocument, { department: '32', year }))).toBe('FORBIDDEN');
    expect(codeOf(await garonne.client.request(DepartmentStatsDocument, { department: '32', year }))).toBe('FORBIDDEN');
    const badYear = await coordinator.client.request(DepartmentStatsDocument, { department: '32', year: 1990 });
    expect(badYear.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    const badDepartment = await coordinator.client.request(DepartmentStatsDocument, { department: '100', year });
    expect(badDepartment.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'department' });
  });
});
