import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AcknowledgeAlertDocument,
  CommentPostDocument,
  CreateEventDocument,
  LoginDocument,
  LogPresenceDocument,
  MyPersonalDataDocument,
  PublishPostDocument,
  RaiseAlertDocument,
  ReactToPostDocument,
  RegisterDocument,
  ReportPostDocument,
  RotateCalendarFeedTokenDocument,
  SetMyPermanencesDocument,
  type PdnResult,
} from '@pdn/client';
import { activate, createStructure, daysFromNow, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the export is JSON; its shape is this test's subject
type Export = any;

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${result.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
  return result.data;
}

/** Today in Paris, YYYY-MM-DD (the subgraphs run on the real clock here). */
const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

// The right of access end to end: members assembles `myPersonalData` from its own tables and from
// calendar's and feed's parts, fetched from the real subgraphs with the caller's signed identity.
describe('myPersonalData through the gateway', () => {
  let system: RunningSystem;
  let coordinator: Person;
  let isabelle: Person;
  let paul: Person;
  const secrets: string[] = [];
  let eventId: string;
  let ownPostId: string;
  let paulsPostId: string;
  let alertId: string;

  beforeAll(async () => {
    system = await startSystem();
    const admin = await signInAdmin(system);
    const structureId = await createStructure(admin, "BIJ d'Auch");
    coordinator = await join(system, admin, { structureId: null, email: 'coordination@caf32-rgpd.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    isabelle = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'isabelle@rgpd-auch.test', firstName: 'Isabelle', lastName: 'Laffargue' }));
    paul = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'paul@rgpd-auch.test', firstName: 'Paul', lastName: 'Armagnac' }));

    // Isabelle's data in every subgraph, written through the API with her own token.
    const login = ok(await system.anonymous.request(LoginDocument, { email: isabelle.email, password: isabelle.password }), 'login').login;
    secrets.push(isabelle.password, login.accessToken, login.refreshToken);
    eventId = ok(
      await coordinator.client.request(CreateEventDocument, {
        input: { kind: 'REGROUPEMENT', title: "Regroupement d'automne", department: '32', status: 'PUBLISHED', startsAt: daysFromNow(20), endsAt: daysFromNow(20, 17) },
      }),
      'createEvent',
    ).createEvent.id;
    ok(await isabelle.client.request(RegisterDocument, { eventId }), 'register');
    ok(await isabelle.client.request(SetMyPermanencesDocument, { slots: [{ weekday: 3, startTime: '18:00', endTime: '20:00', network: 'INSTAGRAM' }] }), 'setMyPermanences');
    ok(
      await isabelle.client.request(LogPresenceDocument, {
        input: { date: parisToday(), minutes: 95, network: 'INSTAGRAM', contacts: 6, requests: [{ category: 'DAILY_LIFE_PREVENTION', count: 3 }] },
      }),
      'logPresence',
    );
    secrets.push(ok(await isabelle.client.request(RotateCalendarFeedTokenDocument, {}), 'rotateCalendarFeedToken').rotateCalendarFeedToken.token);
    ownPostId = ok(
      await isabelle.client.request(PublishPostDocument, { input: { kind: 'INITIATIVE', title: 'Permanence Instagram du mercredi', body: 'Le BIJ répond le mercredi soir.', audience: 'PUBLIC' } }),
      'publishPost',
    ).publishPost.id;
    paulsPostId = ok(
      await paul.client.request(PublishPostDocument, { input: { kind: 'NEWS', title: 'Forum des métiers à Auch', body: 'Samedi au centre social.', audience: 'NETWORK' } }),
      'publishPost',
    ).publishPost.id;
    ok(await isabelle.client.request(CommentPostDocument, { postId: paulsPostId, body: 'Je relaie auprès des jeunes du BIJ.' }), 'commentPost');
    ok(await isabelle.client.request(ReactToPostDocument, { postId: paulsPostId, reaction: 'USEFUL' }), 'reactToPost');
    ok(await isabelle.client.request(ReportPostDocument, { postId: paulsPostId, reason: 'Date erronée dans le titre' }), 'reportPost');
    alertId = ok(
      await coordinator.client.request(RaiseAlertDocument, {
        input: { severity: 'WARNING', category: 'SCAM', title: 'Faux site de bourses', body: 'Un faux site demande des frais.', departments: ['32'] },
      }),
      'raiseAlert',
    ).raiseAlert.id;
    ok(await isabelle.client.request(AcknowledgeAlertDocument, { id: alertId }), 'acknowledgeAlert');
  }, 180_000);

  afterAll(() => system?.close());

  async function exportOf(person: Person): Promise<Export> {
    return ok(await person.client.request(MyPersonalDataDocument, {}), 'myPersonalData').myPersonalData;
  }

  it('should gather what members, calendar and feed hold about the member into one document', async () => {
    const document = await exportOf(isabelle);
    expect(document).toMatchObject({ format: 'pdn-personal-data/1', exportedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*[+-]\d{2}:\d{2}$/) });
    expect(document.member).toMatchObject({ id: isabelle.id, email: isabelle.email, firstName: 'Isabelle', lastName: 'Laffargue', status: 'ACTIVE', structure: { name: "BIJ d'Auch" } });
    expect(document.member.statusHistory).toEqual([
      expect.objectContaining({ fromStatus: null, toStatus: 'CANDIDATE' }),
      expect.objectContaining({ fromStatus: 'CANDIDATE', toStatus: 'ACTIVE', reason: 'labellisé en comité', byMemberId: coordinator.id }),
    ]);
    expect(document.member.sessions.length).toBeGreaterThanOrEqual(2);
    expect(document.member.invitationsReceived).toEqual([expect.objectContaining({ invitedBy: coordinator.id, acceptedAt: expect.any(String) })]);

    expect(document.calendar.registrations).toEqual([
      expect.objectContaining({ eventId, status: 'CONFIRMED', event: expect.objectContaining({ title: "Regroupement d'automne", kind: 'REGROUPEMENT' }) }),
    ]);
    expect(document.calendar.permanences).toEqual([expect.objectContaining({ weekday: 3, startTime: '18:00', endTime: '20:00', network: 'INSTAGRAM' })]);
    expect(document.calendar.presenceLogs).toEqual([
      expect.objectContaining({ date: parisToday(), minutes: 95, contacts: 6, requests: [{ category: 'DAILY_LIFE_PREVENTION', count: 3 }] }),
    ]);
    expect(document.calendar.calendarFeed).toMatchObject({ exists: true });

    expect(document.feed.posts).toEqual([expect.objectContaining({ id: ownPostId, title: 'Permanence Instagram du mercredi', body: 'Le BIJ répond le mercredi soir.' })]);
    expect(document.feed.comments).toEqual([expect.objectContaining({ postId: paulsPostId, body: 'Je relaie auprès des jeunes du BIJ.' })]);
    expect(document.feed.reactions).toEqual([expect.objectContaining({ postId: paulsPostId, reaction: 'USEFUL' })]);
    expect(document.feed.reportsMade).toEqual([expect.objectContaining({ postId: paulsPostId, reason: 'Date erronée dans le titre' })]);
    expect(document.feed.acknowledgements).toEqual([expect.objectContaining({ alertId, alert: expect.objectContaining({ title: 'Faux site de bourses' }) })]);
  });

  it('should hold no secret: no password, token or hash of one', async () => {
    const text = JSON.stringify(await exportOf(isabelle));
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/hash/i);
  });

  it("should hold only the member's own data", async () => {
    const text = JSON.stringify(await exportOf(isabelle));
    expect(text).not.toContain(paul.id);
    expect(text).not.toContain('Samedi au centre social.');
    expect((await exportOf(paul)).feed.posts).toEqual([expect.objectContaining({ id: paulsPostId })]);
  });

  it('should refuse anonymous callers, and keep the parts out of the public API', async () => {
    const anonymous = await system.anonymous.request(MyPersonalDataDocument, {});
    expect(anonymous.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets[1]}` },
      body: JSON.stringify({ query: '{ me { id calendarPersonalData feedPersonalData } }' }),
    });
    const body = (await response.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
    expect(body.errors?.map((e) => e.message).join(' ')).toMatch(/Cannot query field "calendarPersonalData"/);
  });

  // Last: it stops calendar (and starts it again for afterAll's orderly shutdown).
  it('should fail with SERVICE_UNAVAILABLE naming calendar while calendar is down, rather than export part of the data', async () => {
    await system.calendar.stop();
    try {
      const result = await isabelle.client.request(MyPersonalDataDocument, {});
      expect(result.data ?? null).toBeNull();
      expect(result.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service: 'calendar' }) })]);
    } finally {
      await system.calendar.run();
    }
    expect((await exportOf(isabelle)).calendar.presenceLogs).toHaveLength(1);
  });
});
