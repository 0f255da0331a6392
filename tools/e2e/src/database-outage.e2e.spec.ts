import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GraphQLFormattedError } from 'graphql';
import pg from 'pg';
import {
  AcceptInvitationDocument,
  CancelRegistrationDocument,
  CreateEventDocument,
  EraseMyAccountDocument,
  EventsDocument,
  FeedDocument,
  InviteMemberDocument,
  PdnClient,
  PostDocument,
  PublishPostDocument,
  RegisterDocument,
  type PdnResult,
} from '@pdn/client';
import { FORMER_MEMBER_ID } from '@pdn/domain';
import { eventually } from '@pdn/domain-events/testing';
import { activate, createStructure, daysFromNow, join, signIn, signInAdmin, type Person } from './calendar-people.js';
import type { SubgraphProcess } from './subgraph-process.js';
import { startSystem, type RunningSystem } from './system.js';
import { TemporaryPostgres, type PostgresStopMode } from './temporary-postgres.js';

// The database stops under load, then comes back. A server of the test's own, never the shared one.
// While it is away, every answer is a well-formed SERVICE_UNAVAILABLE that comes at once (no hang), the
// subgraphs say they are not ready but stay alive; once it is back, the pools reconnect by themselves
// and the same requests succeed. Afterwards, every write that was acknowledged is there, and no
// transaction is found half-applied.

/** Bounds on waiting for the database, as an operator would set them (DATABASE_*_TIMEOUT_MS). */
const DATABASE_TIMEOUTS = { DATABASE_CONNECT_TIMEOUT_MS: '2000', DATABASE_STATEMENT_TIMEOUT_MS: '5000' };
/**
 * No answer may take longer: above the connect timeout, below the gateway's 10 s subgraph timeout
 * (system.ts), so a SERVICE_UNAVAILABLE within it comes from the subgraph, not from the gateway giving up.
 */
const ANSWER_BOUND_MS = 8_000;
/** A request not answered by then counts as a hang (the client gives up). */
const CLIENT_GIVES_UP_MS = 20_000;
/** Events of SEATS seats each that the load registers to: with 4 members, some wait for a seat. */
const EVENTS = 5;
const SEATS = 2;
/** How long the database stays away at least, the load going on. */
const OUTAGE_MS = 3_000;

type OperationKind = 'events' | 'feed' | 'register' | 'cancel' | 'publish' | 'invite' | 'accept';

interface Answer {
  kind: OperationKind;
  startedAt: number;
  endedAt: number;
  /** The GraphQL errors of the answer (none: it succeeded). */
  errors: readonly GraphQLFormattedError[];
  /** The request failed without a GraphQL answer (no JSON, connection error, the client gave up). */
  failure?: string;
}

/** The load's clients give up after CLIENT_GIVES_UP_MS instead of waiting forever: a hang is then a failure. */
const impatientFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(CLIENT_GIVES_UP_MS) });

/** The same people, signed in again through clients that give up (signIn uses only `anonymous`). */
async function impatientClients(system: RunningSystem, people: Person[]): Promise<Person[]> {
  const impatient = { ...system, anonymous: new PdnClient(system.gatewayUrl, { fetch: impatientFetch }) };
  return Promise.all(people.map(async (person) => ({ ...person, client: await signIn(impatient, person.email, person.password) })));
}

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** Everything the load sent that was acknowledged, to find again in the databases afterwards. */
class Acknowledged {
  /** `${memberId}/${eventId}` → the registration an acknowledged `register` returned. */
  readonly registrations = new Map<string, { id: string; memberId: string; eventId: string }>();
  /** Pairs whose registration a `cancel` was sent for (acknowledged or not): registered no more. */
  readonly cancelAttempted = new Set<string>();
  readonly cancelled = new Set<string>();
  /** Post id → title, of acknowledged `publishPost`s; and every title sent. */
  readonly posts = new Map<string, string>();
  readonly postTitlesSent: string[] = [];
  /** E-mail → invitation id, of acknowledged `inviteMember`s; e-mail → member id, of acknowledged `acceptInvitation`s. */
  readonly invitations = new Map<string, string>();
  readonly invitationEmailsSent: string[] = [];
  readonly members = new Map<string, string>();
  private sequence = 0;

  /** Numbers titles and e-mail addresses, unique over every load of the test. */
  next(): number {
    return ++this.sequence;
  }
}

/**
 * Clients doing what members do, all the time, through the gateway: reading the calendar and the feed,
 * registering to events and cancelling, publishing posts, inviting people who then sign up.
 */
class Load {
  readonly answers: Answer[] = [];
  private running = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly anonymous: PdnClient,
    private readonly promeneurs: Person[],
    private readonly coordinator: PdnClient,
    private readonly structureId: string,
    private readonly eventIds: string[],
    readonly acknowledged: Acknowledged,
  ) {}

  start(workers: number): void {
    this.running = true;
    this.workers = Array.from({ length: workers }, (_, w) => this.work(w));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** Answers to `kind` that succeeded and were sent after `since`. */
  succeededSince(since: number, kind?: OperationKind): Answer[] {
    return this.answers.filter((a) => a.startedAt >= since && a.errors.length === 0 && !a.failure && (!kind || a.kind === kind));
  }

  private async work(worker: number): Promise<void> {
    const rounds: (() => Promise<void>)[] = [
      () => this.readEvents(),
      () => this.register(),
      () => this.readFeed(),
      () => this.publish(),
      () => this.cancel(),
      () => this.signUp(),
    ];
    for (let round = worker; this.running; round++) {
      await rounds[round % rounds.length]!();
      // Steady, not a flood: a 2-core machine also runs the subgraphs, the gateway and PostgreSQL.
      await sleep(20);
    }
  }

  private next(): number {
    return this.acknowledged.next();
  }

  private person(): Person {
    return this.promeneurs[this.next() % this.promeneurs.length]!;
  }

  private async send<T>(kind: OperationKind, request: () => Promise<PdnResult<T>>): Promise<PdnResult<T> | undefined> {
    const startedAt = Date.now();
    try {
      const result = await request();
      this.answers.push({ kind, startedAt, endedAt: Date.now(), errors: result.errors ?? [] });
      return result.errors?.length ? undefined : result;
    } catch (error) {
      this.answers.push({ kind, startedAt, endedAt: Date.now(), errors: [], failure: (error as Error).message });
      return undefined;
    }
  }

  private async readEvents(): Promise<void> {
    await this.send('events', () => this.person().client.request(EventsDocument, { first: 5 }));
  }

  private async readFeed(): Promise<void> {
    await this.send('feed', () => this.person().client.request(FeedDocument, { first: 5, comments: 1 }));
  }

  private async register(): Promise<void> {
    const person = this.person();
    const eventId = this.eventIds[this.next() % this.eventIds.length]!;
    const pair = `${person.id}/${eventId}`;
    // A registration once cancelled stays so: its final state is then known whatever happened.
    if (this.acknowledged.cancelAttempted.has(pair)) return;
    const result = await this.send('register', () => person.client.request(RegisterDocument, { eventId }));
    if (result?.data) this.acknowledged.registrations.set(pair, { id: result.data.register.id, memberId: person.id, eventId });
  }

  private async cancel(): Promise<void> {
    // Up to half of the registrations are cancelled, oldest first: each gives its seat to the first waitlisted.
    const candidates = [...this.acknowledged.registrations.entries()].filter(([pair]) => !this.acknowledged.cancelAttempted.has(pair));
    const pairs = this.promeneurs.length * this.eventIds.length;
    if (candidates.length < 2 || this.acknowledged.cancelAttempted.size >= pairs / 2) return;
    const [pair, registration] = candidates[0]!;
    const person = this.promeneurs.find((p) => p.id === registration.memberId)!;
    this.acknowledged.cancelAttempted.add(pair);
    const result = await this.send('cancel', () => person.client.request(CancelRegistrationDocument, { id: registration.id }));
    if (result?.data) this.acknowledged.cancelled.add(registration.id);
  }

  private async publish(): Promise<void> {
    const title = `Pendant la panne ${this.next()}`;
    this.acknowledged.postTitlesSent.push(title);
    const result = await this.send('publish', () =>
      this.person().client.request(PublishPostDocument, { input: { kind: 'INITIATIVE', title, body: 'Atelier au BIJ mercredi.', audience: 'NETWORK' } }),
    );
    if (result?.data) this.acknowledged.posts.set(result.data.publishPost.id, title);
  }

  private async signUp(): Promise<void> {
    const n = this.next();
    const email = `recrue-${n}@outage.test`;
    this.acknowledged.invitationEmailsSent.push(email);
    const invited = await this.send('invite', () =>
      this.coordinator.request(InviteMemberDocument, {
        input: { email, firstName: 'Recrue', lastName: `Numéro ${n}`, role: 'PROMENEUR', structureId: this.structureId, department: '32' },
      }),
    );
    if (!invited?.data) return;
    this.acknowledged.invitations.set(email, invited.data.inviteMember.id);
    const accepted = await this.send('accept', () =>
      this.anonymous.request(AcceptInvitationDocument, { token: invited.data!.inviteMember.token, password: `recrue-${n}-mot-de-passe` }),
    );
    if (accepted?.data) this.acknowledged.members.set(email, accepted.data.acceptInvitation.member.id);
  }
}

/** What no client may read in an error: SQL, the driver's words, addresses, stack frames. */
const INTERNALS = /\b(select|insert|update|delete)\b.*\b(from|into|set)\b|failed query|ECONN|127\.0\.0\.1|postgres|pg_|\bat .*\.js|terminat/i;

/** Whether a failed answer is what an outage should give: GraphQL errors, each SERVICE_UNAVAILABLE, saying nothing internal. */
function isWellFormedUnavailable(answer: Answer): boolean {
  return (
    !answer.failure &&
    answer.errors.every(
      (error) =>
        error.extensions?.['code'] === 'SERVICE_UNAVAILABLE' &&
        typeof error.message === 'string' &&
        !INTERNALS.test(error.message) &&
        error.extensions['stacktrace'] === undefined,
    )
  );
}

/** What the subgraphs logged as internal errors: the other side of an unexpected answer. */
function internalErrorsLogged(subgraphs: SubgraphProcess[]): string[] {
  return subgraphs.flatMap((subgraph) =>
    subgraph.logs
      .split('\n')
      .filter((line) => line.includes('"level":50'))
      .map((line) => `${subgraph.name}: ${line.slice(0, 1_000)}`),
  );
}

async function status(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(CLIENT_GIVES_UP_MS) })).status;
  } catch {
    return 0;
  }
}

const healthOf = (subgraph: SubgraphProcess, path: '/readyz' | '/healthz') => status(new URL(path, subgraph.url).href);

/** Rows of one query on a subgraph's database (a connection of its own). */
async function rows<T>(subgraph: SubgraphProcess, text: string, values: unknown[] = []): Promise<T[]> {
  const where = subgraph.database;
  if (!('url' in where)) throw new Error('expected a server database');
  const client = new pg.Client({ connectionString: where.url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('PostgreSQL stopped and restarted under load', () => {
  let postgres: TemporaryPostgres;
  let system: RunningSystem;
  let coordinator: Person;
  let promeneurs: Person[];
  /** The promeneurs and the coordinator as the load acts: through clients that give up. */
  let loadPeople: { promeneurs: Person[]; coordinator: Person; anonymous: PdnClient };
  let erased: Person[];
  let structureId: string;
  const eventIds: string[] = [];
  let seedEventId: string;
  const erasedPosts = new Map<string, string>();
  const acknowledged = new Acknowledged();
  const outageAnswers: Answer[] = [];
  const allAnswers: Answer[] = [];

  beforeAll(async () => {
    postgres = await TemporaryPostgres.create();
    system = await startSystem({
      databaseServerUrl: postgres.url,
      env: {
        members: DATABASE_TIMEOUTS,
        calendar: DATABASE_TIMEOUTS,
        feed: DATABASE_TIMEOUTS,
        // The load is steady, not abusive: rate limits are another test's subject.
        gateway: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0', RATE_LIMIT_MEMBER_PER_MINUTE: '0' },
      },
    });
    const admin = await signInAdmin(system);
    structureId = await createStructure(admin);
    coordinator = await join(system, admin, { structureId, email: 'coordination@outage.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    const people = [];
    for (const [first, last] of [
      ['Isabelle', 'Laffargue'],
      ['Paul', 'Armagnac'],
      ['Marc', 'Astarac'],
      ['Lucie', 'Gimont'],
      ['Hugo', 'Lectoure'],
      ['Emma', 'Condom'],
    ] as const) {
      const email = `${first.toLowerCase()}@outage.test`;
      people.push(await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email, firstName: first, lastName: last })));
    }
    promeneurs = people.slice(0, 4);
    erased = people.slice(4);
    const [loadCoordinator, ...loadPromeneurs] = await impatientClients(system, [coordinator, ...promeneurs]);
    loadPeople = { promeneurs: loadPromeneurs, coordinator: loadCoordinator!, anonymous: new PdnClient(system.gatewayUrl, { fetch: impatientFetch }) };
    for (let i = 0; i < EVENTS; i++) {
      const { createEvent } = ok(
        await coordinator.client.request(CreateEventDocument, {
          input: { kind: 'TRAINING', title: `Atelier ${i + 1}`, department: '32', capacity: SEATS, status: 'PUBLISHED', startsAt: daysFromNow(20 + i), endsAt: daysFromNow(20 + i, 16) },
        }),
        'createEvent',
      );
      eventIds.push(createEvent.id);
    }
    // The two members erased around the outages are registered and have posted, out of the load's way.
    const { createEvent: seedEvent } = ok(
      await coordinator.client.request(CreateEventDocument, {
        input: { kind: 'TRAINING', title: 'Atelier à part', department: '32', capacity: 10, status: 'PUBLISHED', startsAt: daysFromNow(30), endsAt: daysFromNow(30, 16) },
      }),
      'createEvent',
    );
    seedEventId = seedEvent.id;
    for (const person of erased) {
      ok(await person.client.request(RegisterDocument, { eventId: seedEventId }), 'register');
      const { publishPost } = ok(
        await person.client.request(PublishPostDocument, { input: { kind: 'QUESTION', title: `Question de ${person.displayName}`, body: 'Comment gérez-vous Discord ?', audience: 'NETWORK' } }),
        'publishPost',
      );
      erasedPosts.set(person.id, publishPost.id);
    }
  }, 180_000);

  afterAll(async () => {
    // Dropping the subgraphs' databases needs the server: it may have been left stopped by a failure.
    // Whatever fails here, the processes are stopped (else Jest would wait for them) and the server removed.
    try {
      if (postgres && !postgres.isRunning) await postgres.start().catch((error: unknown) => console.error(error));
      await system?.close();
    } finally {
      await postgres?.dispose();
    }
  }, 120_000);

  /**
   * Load, then the database stops (`mode`) for a while and starts again, load all along. The answers
   * go to `allAnswers`, those sent and answered while it was stopped also to `outageAnswers`.
   */
  async function outage(mode: PostgresStopMode, beforeStop: () => Promise<void> = async () => {}): Promise<void> {
    const load = new Load(loadPeople.anonymous, loadPeople.promeneurs, loadPeople.coordinator.client, structureId, eventIds, acknowledged);
    load.start(3);
    try {
      const began = Date.now();
      await eventually(() => (load.succeededSince(began).length >= 12 ? true : undefined), 'the load to get going', { timeoutMs: 60_000 });

      await beforeStop();
      await postgres.stop(mode);
      const stoppedAt = Date.now();

      // Not ready, but alive, every subgraph.
      for (const subgraph of [system.members, system.calendar, system.feed]) {
        await eventually(async () => ((await healthOf(subgraph, '/readyz')) === 503 ? true : undefined), `${subgraph.name} /readyz to answer 503`);
        expect(await healthOf(subgraph, '/healthz')).toBe(200);
      }
      expect(await status(new URL('/readyz', system.gatewayUrl).href)).toBe(503);
      // The load keeps going for a while against the stopped database.
      await eventually(
        () => {
          const during = load.answers.filter((a) => a.startedAt >= stoppedAt);
          const kinds = new Set(during.map((a) => a.kind));
          return Date.now() - stoppedAt >= OUTAGE_MS && during.length >= 20 && ['events', 'feed', 'register', 'publish', 'invite'].every((k) => kinds.has(k as OperationKind)) ? true : undefined;
        },
        'requests of every kind during the outage',
        { timeoutMs: 60_000 },
      );
      const restartingAt = Date.now();
      outageAnswers.push(...load.answers.filter((a) => a.startedAt >= stoppedAt && a.endedAt < restartingAt));
      await postgres.start();
      const restartedAt = Date.now();

      // Back by themselves: ready again, and each kind of request succeeds, with no process restarted.
      for (const subgraph of [system.members, system.calendar, system.feed]) {
        await eventually(async () => ((await healthOf(subgraph, '/readyz')) === 200 ? true : undefined), `${subgraph.name} /readyz to answer 200 again`, { timeoutMs: 30_000 });
      }
      for (const kind of ['events', 'feed', 'register', 'publish', 'invite', 'accept'] as const) {
        await eventually(() => (load.succeededSince(restartedAt, kind).length > 0 ? true : undefined), `${kind} to succeed again after the restart`, { timeoutMs: 60_000 });
      }
    } catch (error) {
      throw withDeadProcesses(error);
    } finally {
      await load.stop();
      allAnswers.push(...load.answers);
    }
    expect([system.members.alive, system.calendar.alive, system.feed.alive]).toEqual([true, true, true]);
  }

  /** A subgraph that exited is the likeliest cause of a failure: its last words go with the error. */
  function withDeadProcesses(error: unknown): unknown {
    const dead = [system.members, system.calendar, system.feed].filter((subgraph) => !subgraph.alive);
    if (dead.length === 0 || !(error instanceof Error)) return error;
    error.message += dead.map((subgraph) => `\n\n${subgraph.name} exited; its last output:\n${subgraph.logs.slice(-4_000)}`).join('');
    return error;
  }

  it('answers SERVICE_UNAVAILABLE at once while the database is down after a crash (immediate stop), then recovers', async () => {
    await outage('immediate');
  }, 240_000);

  it('does the same through an orderly (fast) stop, with a member erased just before it', async () => {
    await outage('fast', async () => {
      ok(await erased[0]!.client.request(EraseMyAccountDocument, { password: erased[0]!.password }), 'eraseMyAccount');
    });
  }, 240_000);

  it('gave every request a GraphQL answer within the bound: success, or SERVICE_UNAVAILABLE and nothing else', () => {
    expect(outageAnswers.length).toBeGreaterThanOrEqual(40);
    // Sent and answered while the database was stopped: an error, every one.
    expect(outageAnswers.filter((a) => a.errors.length === 0 && !a.failure)).toEqual([]);
    const unexpected = allAnswers.filter((a) => (a.errors.length > 0 || a.failure) && !isWellFormedUnavailable(a));
    // On failure, what the subgraphs logged tells which error was not recognised as an outage.
    expect({ unexpected, logged: unexpected.length > 0 ? internalErrorsLogged([system.members, system.calendar, system.feed]) : [] }).toEqual({ unexpected: [], logged: [] });
    expect(allAnswers.filter((a) => a.endedAt - a.startedAt > ANSWER_BOUND_MS)).toEqual([]);
    // Queries and mutations were refused alike, and the subgraphs said so themselves (not a gateway timeout).
    const refusedKinds = new Set(outageAnswers.map((a) => a.kind));
    for (const kind of ['events', 'feed', 'register', 'publish', 'invite'] as const) expect(refusedKinds).toContain(kind);
  });

  it('kept every acknowledged registration and cancellation, and left no event half-updated', async () => {
    expect(acknowledged.registrations.size).toBeGreaterThan(0);
    expect(acknowledged.cancelled.size).toBeGreaterThan(0);
    const stored = await rows<{ id: string; event_id: string; member_id: string; status: string; waitlist_position: number | null }>(
      system.calendar,
      'select id, event_id, member_id, status, waitlist_position from registrations where event_id = any($1::uuid[])',
      [eventIds],
    );
    const byId = new Map(stored.map((r) => [r.id, r]));
    for (const [pair, registration] of acknowledged.registrations) {
      const row = byId.get(registration.id);
      expect({ pair, found: row !== undefined }).toEqual({ pair, found: true });
      if (acknowledged.cancelled.has(registration.id)) expect({ pair, status: row!.status }).toEqual({ pair, status: 'CANCELLED' });
      else if (!acknowledged.cancelAttempted.has(pair)) expect(['CONFIRMED', 'WAITLISTED']).toContain(row!.status);
    }
    // Each event as one transaction leaves it: seats never overbooked, a free seat never left while
    // someone waits (a cancellation and the promotion it causes go together), the waitlist numbered 1..n.
    for (const eventId of eventIds) {
      const mine = stored.filter((r) => r.event_id === eventId);
      const confirmed = mine.filter((r) => r.status === 'CONFIRMED');
      const waitlisted = mine.filter((r) => r.status === 'WAITLISTED');
      expect(confirmed.length).toBeLessThanOrEqual(SEATS);
      if (confirmed.length < SEATS) expect(waitlisted).toEqual([]);
      expect(waitlisted.map((r) => r.waitlist_position).sort((a, b) => a! - b!)).toEqual(waitlisted.map((_, i) => i + 1));
      expect(mine.filter((r) => r.status !== 'WAITLISTED' && r.waitlist_position !== null)).toEqual([]);
    }
  });

  it('kept every acknowledged post, and no post it was not asked for', async () => {
    expect(acknowledged.posts.size).toBeGreaterThan(0);
    const stored = await rows<{ id: string; title: string }>(system.feed, "select id, title from posts where title like 'Pendant la panne %'");
    const byId = new Map(stored.map((r) => [r.id, r.title]));
    for (const [id, title] of acknowledged.posts) expect({ id, title: byId.get(id) }).toEqual({ id, title });
    // Unacknowledged ones may or may not have been written (the answer, not the commit, was lost).
    const sent = new Set(acknowledged.postTitlesSent);
    expect(stored.filter((r) => !sent.has(r.title))).toEqual([]);
    expect(new Set(stored.map((r) => r.title)).size).toBe(stored.length);
  });

  it('kept every acknowledged invitation and sign-up, each whole: invitation with its e-mail, member with its accepted invitation', async () => {
    expect(acknowledged.members.size).toBeGreaterThan(0);
    const invitations = await rows<{ id: string; email: string; accepted_at: Date | null; member_id: string | null }>(
      system.members,
      "select id, email, accepted_at, member_id from invitations where email like 'recrue-%@outage.test'",
    );
    const emails = await rows<{ recipient: string; n: number }>(
      system.members,
      "select recipient, count(*)::int as n from email_outbox where recipient like 'recrue-%@outage.test' group by recipient",
    );
    const members = await rows<{ id: string; email: string }>(system.members, "select id, email from members where email like 'recrue-%@outage.test'");
    const sessions = await rows<{ member_id: string }>(system.members, 'select distinct member_id from sessions where member_id = any($1::uuid[])', [members.map((m) => m.id)]);

    const invitationByEmail = new Map(invitations.map((i) => [i.email, i]));
    for (const [email, id] of acknowledged.invitations) expect({ email, id: invitationByEmail.get(email)?.id }).toEqual({ email, id });
    for (const [email, id] of acknowledged.members) expect({ email, id: members.find((m) => m.email === email)?.id }).toEqual({ email, id });
    // One transaction each: an invitation and its e-mail; a member, its accepted invitation and its session.
    expect(emails.map((e) => [e.recipient, e.n]).sort()).toEqual(invitations.map((i) => [i.email, 1]).sort());
    expect(invitations.filter((i) => i.accepted_at !== null).map((i) => [i.email, i.member_id]).sort()).toEqual(members.map((m) => [m.email, m.id]).sort());
    expect(sessions.map((s) => s.member_id).sort()).toEqual(members.map((m) => m.id).sort());
    const sent = new Set(acknowledged.invitationEmailsSent);
    expect(invitations.filter((i) => !sent.has(i.email))).toEqual([]);
  });

  it('delivers erasures recorded around the outage: the consumers of members’ event log resumed', async () => {
    // One erased just before the last stop, one now, after it.
    ok(await erased[1]!.client.request(EraseMyAccountDocument, { password: erased[1]!.password }), 'eraseMyAccount');
    for (const person of erased) {
      await eventually(async () => {
        const { post } = ok(await coordinator.client.request(PostDocument, { id: erasedPosts.get(person.id)! }), 'post');
        return post?.author.id === FORMER_MEMBER_ID ? true : undefined;
      }, `feed to apply the erasure of ${person.displayName}`, { timeoutMs: 30_000 });
      await eventually(
        async () => ((await rows(system.calendar, 'select 1 from registrations where member_id = $1', [person.id])).length === 0 ? true : undefined),
        `calendar to apply the erasure of ${person.displayName}`,
        { timeoutMs: 30_000 },
      );
    }
    // Their registrations stay, belonging to no one.
    expect(await rows(system.calendar, 'select id from registrations where event_id = $1 and member_id is null', [seedEventId])).toHaveLength(2);
    expect([system.members.alive, system.calendar.alive, system.feed.alive]).toEqual([true, true, true]);
  });
});
