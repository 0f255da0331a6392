import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import {
  AcknowledgeAlertDocument,
  AlertDocument,
  CommentPostDocument,
  CreateEventDocument,
  DepartmentStatsDocument,
  EraseMyAccountDocument,
  EventDocument,
  LoginDocument,
  LogPresenceDocument,
  MemberPermanencesDocument,
  PostDocument,
  PresenceReportDocument,
  PublishPostDocument,
  RaiseAlertDocument,
  ReactToPostDocument,
  RefreshSessionDocument,
  RegisterDocument,
  SetMyPermanencesDocument,
  type PdnResult,
} from '@pdn/client';
import { openDatabase } from '@pdn/database';
import { FORMER_MEMBER_ID } from '@pdn/domain';
import { domainEventCursors, processedDomainEvents } from '@pdn/domain-events/tables';
import { eventually } from '@pdn/domain-events/testing';
import { activate, createStructure, daysFromNow, join, signInAdmin, type Person } from './calendar-people.js';
import { SubgraphProcess } from './subgraph-process.js';
import { startSystem, type RunningSystem } from './system.js';

const codeOf = (result: PdnResult<unknown>) => result.errors?.[0]?.extensions?.['code'];
const calendarMigrations = fileURLToPath(new URL('../../../services/calendar/src/db/migrations', import.meta.url));

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** Today in Paris, YYYY-MM-DD, and its year (the subgraphs run on the real clock here). */
function parisToday(): { date: string; year: number } {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  return { date, year: Number(date.slice(0, 4)) };
}

/** The consumer's log lines about member.erased events, from the calendar process's output. */
function erasureLines(calendar: SubgraphProcess): { eventId: string; outcome: string }[] {
  return calendar.logs
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; type?: string; eventId: string; outcome: string })
    .filter((line) => line.type === 'member.erased' && line.msg?.startsWith('domain event '));
}

/** Looks inside calendar's database while it is stopped (a PGlite folder belongs to one process at a time). */
async function withCalendarDatabase<T>(calendar: SubgraphProcess, work: (db: Awaited<ReturnType<typeof openCalendar>>['db']) => Promise<T>): Promise<T> {
  const database = await openCalendar(calendar);
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

function openCalendar(calendar: SubgraphProcess) {
  const where = calendar.database;
  return openDatabase({
    service: 'calendar',
    migrationsFolder: calendarMigrations,
    schema: { domainEventCursors, processedDomainEvents },
    ...('url' in where ? { url: where.url } : { dataDir: path.resolve(where.dataDir) }),
  });
}

// The right to erasure across the system: members erases and records member.erased in its outbox;
// feed applies it while calendar is down; calendar catches up when it comes back, and applies it
// exactly once, even when the event is delivered again.
describe('eraseMyAccount through the gateway', () => {
  let system: RunningSystem;
  let coordinator: Person;
  let isabelle: Person;
  let paul: Person;
  const today = parisToday();
  const ids: Record<string, string> = {};
  let structureId: string;

  beforeAll(async () => {
    system = await startSystem();
    const admin = await signInAdmin(system);
    structureId = await createStructure(admin);
    coordinator = await join(system, admin, { structureId, email: 'coordination@caf32-erasure.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    isabelle = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'isabelle@bij-erasure.test', firstName: 'Isabelle', lastName: 'Laffargue' }));
    paul = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'paul@bij-erasure.test', firstName: 'Paul', lastName: 'Armagnac' }));

    // Calendar: a weekly slot, presence, and the one seat of a training (Paul waits for it).
    ok(await isabelle.client.request(SetMyPermanencesDocument, { slots: [{ weekday: 3, startTime: '18:00', endTime: '20:00', network: 'INSTAGRAM' }] }), 'setMyPermanences');
    for (const [person, minutes, contacts] of [
      [isabelle, 90, 4],
      [isabelle, 60, 2],
      [paul, 45, 1],
    ] as const) {
      ok(
        await person.client.request(LogPresenceDocument, { input: { date: today.date, minutes, network: 'INSTAGRAM', contacts, requests: [{ category: 'DAILY_LIFE_PREVENTION', count: contacts }] } }),
        'logPresence',
      );
    }
    const event = ok(
      await coordinator.client.request(CreateEventDocument, {
        input: { kind: 'TRAINING', title: 'Atelier Discord', department: '32', capacity: 1, status: 'PUBLISHED', startsAt: daysFromNow(20), endsAt: daysFromNow(20, 16) },
      }),
      'createEvent',
    );
    ids['event'] = event.createEvent.id;
    expect(ok(await isabelle.client.request(RegisterDocument, { eventId: ids['event'] }), 'register').register.status).toBe('CONFIRMED');
    expect(ok(await paul.client.request(RegisterDocument, { eventId: ids['event'] }), 'register').register.status).toBe('WAITLISTED');

    // Feed: Isabelle's post with Paul's comment and reaction, her reaction to Paul's post, an alert both acknowledged.
    const published = ok(
      await isabelle.client.request(PublishPostDocument, { input: { kind: 'INITIATIVE', title: 'Atelier prévention', body: 'Le BIJ anime un atelier mercredi.', audience: 'NETWORK' } }),
      'publishPost',
    );
    ids['post'] = published.publishPost.id;
    ids['paulsPost'] = ok(await paul.client.request(PublishPostDocument, { input: { kind: 'QUESTION', title: 'Discord ?', body: 'Comment gérez-vous Discord ?', audience: 'NETWORK' } }), 'publishPost').publishPost.id;
    ok(await paul.client.request(CommentPostDocument, { postId: ids['post'], body: 'Merci Isabelle !' }), 'commentPost');
    ok(await isabelle.client.request(CommentPostDocument, { postId: ids['paulsPost'], body: 'Nous avons une charte.' }), 'commentPost');
    ok(await paul.client.request(ReactToPostDocument, { postId: ids['post'], reaction: 'THANKS' }), 'reactToPost');
    ok(await isabelle.client.request(ReactToPostDocument, { postId: ids['paulsPost'], reaction: 'USEFUL' }), 'reactToPost');
    ids['alert'] = ok(
      await coordinator.client.request(RaiseAlertDocument, { input: { severity: 'WARNING', category: 'SCAM', title: 'Faux concours', body: 'Un faux concours circule sur Instagram.', departments: ['32'] } }),
      'raiseAlert',
    ).raiseAlert.id;
    ok(await isabelle.client.request(AcknowledgeAlertDocument, { id: ids['alert'] }), 'acknowledgeAlert');
    ok(await paul.client.request(AcknowledgeAlertDocument, { id: ids['alert'] }), 'acknowledgeAlert');
  });

  afterAll(() => system?.close());

  const stats = async () => {
    const { departmentStats } = ok(await coordinator.client.request(DepartmentStatsDocument, { department: '32', year: today.year }), 'departmentStats');
    return { minutesOnline: departmentStats.minutesOnline, contacts: departmentStats.contacts, requests: departmentStats.requests };
  };

  it('should refuse a wrong password and change nothing', async () => {
    const refused = await isabelle.client.request(EraseMyAccountDocument, { password: 'pas mon mot de passe' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(codeOf(await system.anonymous.request(LoginDocument, { email: isabelle.email, password: isabelle.password }))).toBeUndefined();
  });

  it('should erase the member everywhere: feed at once, calendar once back from a stop, exactly once', async () => {
    const before = await stats();
    expect(before.minutesOnline).toBe(90 + 60 + 45);
    const { refreshToken } = ok(await system.anonymous.request(LoginDocument, { email: isabelle.email, password: isabelle.password }), 'login').login;

    await system.calendar.stop();
    expect(ok(await isabelle.client.request(EraseMyAccountDocument, { password: isabelle.password }), 'eraseMyAccount')).toEqual({ eraseMyAccount: true });

    // Members: the account is gone for good.
    expect(codeOf(await system.anonymous.request(LoginDocument, { email: isabelle.email, password: isabelle.password }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await system.anonymous.request(RefreshSessionDocument, { refreshToken }))).toBe('UNAUTHENTICATED');

    // Feed, up all along, applies it at once: the post stays by "Ancien membre" (the former member
    // that members resolves), her reaction goes, her acknowledgement still counts.
    const post = await eventually(async () => {
      const { post } = ok(await paul.client.request(PostDocument, { id: ids['post']! }), 'post');
      return post?.author.id === FORMER_MEMBER_ID ? post : undefined;
    }, 'feed to detach the post from its author');
    expect(post.author).toEqual({ id: FORMER_MEMBER_ID, displayName: 'Ancien membre' });
    expect(post.comments.edges.map((e) => [e.node.body, e.node.author.id])).toEqual([['Merci Isabelle !', paul.id]]);
    const paulsPost = ok(await paul.client.request(PostDocument, { id: ids['paulsPost']! }), 'post').post!;
    expect(paulsPost.comments.edges.map((e) => [e.node.body, e.node.author])).toEqual([['Nous avons une charte.', { id: FORMER_MEMBER_ID, displayName: 'Ancien membre' }]]);
    expect(paulsPost.reactions.find((r) => r.reaction === 'USEFUL')?.count).toBe(0);
    const alert = ok(await coordinator.client.request(AlertDocument, { id: ids['alert']! }), 'alert').alert!;
    expect(alert.acknowledgementCount).toBe(2);

    // Calendar comes back and catches up.
    await system.calendar.restart({ LOG_LEVEL: 'info' });
    const event = await eventually(async () => {
      const { event } = ok(await coordinator.client.request(EventDocument, { id: ids['event']! }), 'event');
      // Settled: her seat cancelled and given to the first waitlisted (one transaction in calendar).
      return event?.registrations.length === 1 && event.waitlistCount === 0 ? event : undefined;
    }, 'calendar to apply the erasure after its restart');
    expect(event).toMatchObject({ confirmedCount: 1, waitlistCount: 0, seatsLeft: 0 });
    expect(event.registrations.map((r) => [r.member.id, r.status])).toEqual([[paul.id, 'CONFIRMED']]);
    const erased = ok(await coordinator.client.request(MemberPermanencesDocument, { id: isabelle.id }), 'member').member;
    expect(erased).toMatchObject({ displayName: 'Ancien membre', permanences: [] });
    const report = ok(await coordinator.client.request(PresenceReportDocument, { from: today.date, to: today.date, department: '32' }), 'presenceReport').presenceReport;
    expect(report.rows.map((r) => r.member.id)).toEqual([paul.id]);
    // Presence survives only as anonymous totals: the bilan's figures are those of before.
    expect(await stats()).toEqual(before);

    const lines = erasureLines(system.calendar);
    expect(lines.map((l) => l.outcome)).toEqual(['applied']);
    const eventId = lines[0]!.eventId;

    // Delivered again (the cursor lost, say): recognised, not applied a second time.
    await system.calendar.stop();
    const position = await withCalendarDatabase(system.calendar, async (db) => {
      expect(await db.select().from(processedDomainEvents).where(eq(processedDomainEvents.eventId, eventId))).toHaveLength(1);
      const [cursor] = await db.select().from(domainEventCursors).where(eq(domainEventCursors.producer, 'members'));
      await db.update(domainEventCursors).set({ position: 0 }).where(eq(domainEventCursors.producer, 'members'));
      return cursor!.position;
    });
    expect(position).toBeGreaterThan(0);
    await system.calendar.restart();
    await eventually(() => (erasureLines(system.calendar).length === 2 ? true : undefined), 'calendar to read the event again');
    expect(erasureLines(system.calendar)).toEqual([
      { eventId, outcome: 'applied' },
      { eventId, outcome: 'duplicate' },
    ].map((line) => expect.objectContaining(line)));
    expect(await stats()).toEqual(before);
  });

  // Two calendar replicas on one PostgreSQL database follow the same log: each erasure is applied by
  // one of them, once.
  const replicated = process.env['TEST_DATABASE_URL'] ? it : it.skip;
  replicated('should apply each erasure once when two calendar replicas consume the log', async () => {
    const replica = await SubgraphProcess.replicaOf(system.calendar, { LOG_LEVEL: 'info' });
    try {
      const marc = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'marc@erasure.test', firstName: 'Marc', lastName: 'Astarac' }));
      ok(await marc.client.request(LogPresenceDocument, { input: { date: today.date, minutes: 30, network: 'DISCORD', contacts: 1 } }), 'logPresence');
      const before = await stats();
      for (const person of [paul, marc]) ok(await person.client.request(EraseMyAccountDocument, { password: person.password }), 'eraseMyAccount');
      await eventually(async () => {
        const { presenceReport } = ok(await coordinator.client.request(PresenceReportDocument, { from: today.date, to: today.date, department: '32' }), 'presenceReport');
        return presenceReport.rows.length === 0 ? true : undefined;
      }, 'both erasures to reach calendar');
      const applied = [...erasureLines(system.calendar), ...erasureLines(replica)].filter((line) => line.outcome === 'applied');
      // Isabelle's (earlier), Paul's and Marc's: one line each, whichever replica applied it.
      expect(applied).toHaveLength(3);
      expect(new Set(applied.map((line) => line.eventId)).size).toBe(3);
      expect(await stats()).toEqual(before);
    } finally {
      await replica.dispose();
    }
  });
});
