import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import pg from 'pg';
import { WebSocket } from 'ws';
import {
  AcceptCharterDocument,
  AcknowledgeAlertDocument,
  AcceptInvitationDocument,
  AlertUpdatedDocument,
  CreateApiKeyDocument,
  CreateEventDocument,
  CreateStructureDocument,
  EventDocument,
  InviteMemberDocument,
  LiveAlertRaisedDocument,
  LiveRaiseAlertDocument,
  LoginDocument,
  MemberDocument,
  PdnClient,
  PostDocument,
  PublicDirectoryDocument,
  PublishPostDocument,
  RefreshSessionDocument,
  RegisterDocument,
  SetMemberStatusDocument,
  UpdateMyProfileDocument,
  type PdnResult,
  type Role,
} from '@pdn/client';
import { startCluster, type Cluster, type ClusterGateway, type SubgraphName } from './cluster.js';
import type { RoundRobinBalancer } from './round-robin-balancer.js';
import type { SubgraphProcess } from './subgraph-process.js';
import { ADMIN } from './system.js';

// Issue 6, replicas: two gateways and two replicas of each subgraph behind round-robin balancers of the
// test's own, on one PostgreSQL database per subgraph and one Redis. What one replica writes the other
// reads at once, subscriptions and rate limits span replicas, a refresh token is good once whichever
// replica sees it, and the jobs every replica runs on its own timer do their work once.

/** An anonymous request per client address per minute: enough for this file's sign-ins, few enough to reach. */
const ANONYMOUS_PER_MINUTE = 100;
/** Job timers of the two replicas: short, and different, so their ticks drift apart and both get to claim work. */
const TICKS = ['90', '130'] as const;
/** Generous bound for background work (a job's next tick, a pub/sub hop) on a busy 2-core machine. */
const WITHIN_MS = 15_000;
/** Tries before concluding that the round-robin never sent the traffic where a test needs it. */
const ATTEMPTS = 12;

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

const codeOf = (result: PdnResult<unknown>) => result.errors?.[0]?.extensions?.['code'];

/** Polls `probe` until it answers something other than undefined, or fails after WITHIN_MS. */
async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + WITHIN_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${WITHIN_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The backend that served the one GraphQL request since `mark` whose body mentions `field`. */
function servedBy(balancer: RoundRobinBalancer, mark: number, field: string): number {
  const matching = balancer.forwardedSince(mark).filter((entry) => entry.kind === 'http' && entry.body.includes(field));
  if (matching.length !== 1) throw new Error(`${balancer.name}: expected one request with ${field}, got ${matching.length}`);
  return matching[0]!.backend;
}

/**
 * Reads through `read` until one read of `field` was served by the replica that did not serve the
 * write; every read on the way must already see the write (`check`).
 */
async function readOnOtherReplica<T>(balancer: RoundRobinBalancer, writtenOn: number, field: string, read: () => Promise<T>, check: (value: T) => void) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const mark = balancer.mark();
    check(await read());
    const backends = balancer.forwardedSince(mark).filter((entry) => entry.kind === 'http' && entry.body.includes(field)).map((entry) => entry.backend);
    if (backends.some((backend) => backend !== writtenOn)) return;
  }
  throw new Error(`${balancer.name}: no read of ${field} reached the other replica in ${ATTEMPTS} tries`);
}

/** One live graphql-ws subscription: what it received, and how it ended. */
class Live<T> {
  readonly items: T[] = [];
  readonly errors: GraphQLFormattedError[] = [];
  private readonly unsubscribe: () => void;

  constructor(client: Client, document: TypedDocumentNode<unknown, object>, variables: Record<string, unknown>, pick: (data: never) => T) {
    this.unsubscribe = client.subscribe(
      { query: print(document), variables },
      {
        next: (result) => {
          if (result.errors?.length) this.errors.push(...result.errors);
          if (result.data) this.items.push(pick(result.data as never));
        },
        error: (error) => {
          this.errors.push({ message: String((error as { reason?: string }).reason ?? error) });
        },
        complete: () => {},
      },
    );
  }

  count(predicate: (item: T) => boolean): number {
    return this.items.filter(predicate).length;
  }

  stop() {
    this.unsubscribe();
  }
}

/** Every line of the replicas' logs matching `pattern` (with a /g flag), by replica. */
function logMatches(replicas: readonly SubgraphProcess[], pattern: RegExp): RegExpMatchArray[][] {
  return replicas.map((replica) => [...replica.logs.matchAll(pattern)]);
}

describe('two gateways and two replicas of each subgraph', () => {
  let cluster: Cluster;
  let starting: Promise<Cluster> | undefined;
  let admin: PdnClient;
  let coordinator: { id: string; token: string };
  let promeneur: { id: string; email: string; password: string; token: string };
  const sockets: Client[] = [];
  const databases: pg.Client[] = [];

  /** A member's client on one gateway (a token is good on every gateway: one signing key for both members replicas). */
  const on = (gateway: ClusterGateway, token: string) => gateway.anonymous.withToken(token);

  async function login(gateway: ClusterGateway, email: string, password: string) {
    return ok(await gateway.anonymous.request(LoginDocument, { email, password }), `login of ${email}`).login;
  }

  /** Invited by `by`, the person accepts through gateway B; promeneurs are made ACTIVE and sign in again. */
  async function join(by: PdnClient, structureId: string, email: string, role: Role) {
    const invited = ok(
      await by.request(InviteMemberDocument, { input: { email, firstName: 'Claire', lastName: 'Dubosc', role, structureId, department: '32' } }),
      `inviteMember ${email}`,
    ).inviteMember;
    const password = `pdn-${randomUUID()}`;
    const accepted = ok(await cluster.b.anonymous.request(AcceptInvitationDocument, { token: invited.token, password }), 'acceptInvitation').acceptInvitation;
    if (role === 'PROMENEUR') {
      ok(await on(cluster.b, accepted.accessToken).request(AcceptCharterDocument, { version: '2024-1' }), 'acceptCharter');
      ok(await by.request(SetMemberStatusDocument, { id: accepted.member.id, status: 'ACTIVE', reason: 'labellisé en comité' }), 'setMemberStatus');
      return { id: accepted.member.id, email, password, token: (await login(cluster.a, email, password)).accessToken };
    }
    return { id: accepted.member.id, email, password, token: accepted.accessToken };
  }

  function connect(gateway: ClusterGateway, token: string): Client {
    const client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    sockets.push(client);
    return client;
  }

  async function database(name: SubgraphName): Promise<pg.Client> {
    const where = cluster.replicas[name][0].database;
    if (!('url' in where)) throw new Error('replicas share a PostgreSQL database');
    const client = new pg.Client({ connectionString: where.url });
    await client.connect();
    databases.push(client);
    return client;
  }

  let alertCount = 0;
  async function raise(by: PdnClient, severity: 'WARNING' | 'CRITICAL' = 'WARNING') {
    alertCount += 1;
    return ok(
      await by.request(LiveRaiseAlertDocument, {
        input: { severity, category: 'VIRAL_CHALLENGE', title: `Défi viral n°${alertCount}`, body: 'Un défi dangereux circule : prévenir les jeunes suivis.', departments: ['32'] },
      }),
      'raiseAlert',
    ).raiseAlert;
  }

  beforeAll(async () => {
    const jobs = (name: 'ALERT_REMINDERS_TICK_MS' | 'PRESENCE_RETENTION_EVERY_MS' | 'AUDIT_RETENTION_EVERY_MS', tick: string) => ({
      [name]: tick,
      // Nest's log lines (which job run did what) are pino's debug level.
      LOG_LEVEL: 'debug',
    });
    starting = startCluster({
      env: {
        members: jobs('AUDIT_RETENTION_EVERY_MS', TICKS[0]),
        calendar: jobs('PRESENCE_RETENTION_EVERY_MS', TICKS[0]),
        feed: jobs('ALERT_REMINDERS_TICK_MS', TICKS[0]),
        gateway: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(ANONYMOUS_PER_MINUTE) },
      },
      secondReplicaEnv: {
        members: { AUDIT_RETENTION_EVERY_MS: TICKS[1] },
        calendar: { PRESENCE_RETENTION_EVERY_MS: TICKS[1] },
        feed: { ALERT_REMINDERS_TICK_MS: TICKS[1] },
      },
    });
    cluster = await starting;
    admin = on(cluster.a, (await login(cluster.a, ADMIN.email, ADMIN.password)).accessToken);
    const structureId = ok(
      await admin.request(CreateStructureDocument, { input: { name: "BIJ d'Auch", kind: 'YOUTH_INFORMATION', commune: 'Auch', department: '32', postalCode: '32000' } }),
      'createStructure',
    ).createStructure.id;
    coordinator = await join(admin, structureId, 'coordination@caf32.test', 'COORDINATOR');
    promeneur = await join(on(cluster.a, coordinator.token), structureId, 'isabelle@bij-auch.test', 'PROMENEUR');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(sockets.map(async (socket) => socket.dispose()));
    await Promise.all(databases.map((client) => client.end()));
    // Even when beforeAll timed out while the cluster was starting: its processes must not outlive the run.
    await (await starting?.catch(() => undefined))?.close();
  }, 60_000);

  it('should let a write through one replica be read through the other at once, each gateway fetching from both replicas of every subgraph', async () => {
    const { feed, calendar, members } = cluster.balancers;

    // feed: a post published through gateway A, read through gateway B.
    let mark = feed.mark();
    const post = ok(
      await on(cluster.a, promeneur.token).request(PublishPostDocument, {
        input: { kind: 'INITIATIVE', title: 'Atelier cyber-harcèlement', body: 'Un atelier ouvert aux jeunes le 12 décembre.', audience: 'NETWORK' },
      }),
      'publishPost',
    ).publishPost;
    const postWrittenOn = servedBy(feed, mark, 'publishPost');
    await readOnOtherReplica(
      feed,
      postWrittenOn,
      'post(',
      () => on(cluster.b, coordinator.token).request(PostDocument, { id: post.id }),
      (read) => expect(ok(read, 'post').post).toMatchObject({ id: post.id, title: 'Atelier cyber-harcèlement', author: { id: promeneur.id } }),
    );

    // calendar: an event created through A, a registration through B, read back through A.
    const event = ok(
      await on(cluster.a, coordinator.token).request(CreateEventDocument, {
        input: { kind: 'WORKSHOP', title: 'Atelier départemental', department: '32', capacity: 10, status: 'PUBLISHED', startsAt: '2031-03-04T09:00:00.000Z', endsAt: '2031-03-04T12:00:00.000Z' },
      }),
      'createEvent',
    ).createEvent;
    mark = calendar.mark();
    const registration = ok(await on(cluster.b, promeneur.token).request(RegisterDocument, { eventId: event.id }), 'register').register;
    expect(registration.status).toBe('CONFIRMED');
    const registeredOn = servedBy(calendar, mark, 'register(');
    await readOnOtherReplica(
      calendar,
      registeredOn,
      'event(',
      () => on(cluster.a, coordinator.token).request(EventDocument, { id: event.id }),
      (read) => {
        const seen = ok(read, 'event').event!;
        expect(seen.confirmedCount).toBe(1);
        expect(seen.registrations.map((r) => r.member?.id)).toEqual([promeneur.id]);
      },
    );

    // members: a profile changed through B, read through A.
    mark = members.mark();
    ok(await on(cluster.b, promeneur.token).request(UpdateMyProfileDocument, { input: { jobTitle: 'Animatrice numérique' } }), 'updateMyProfile');
    const profileWrittenOn = servedBy(members, mark, 'updateMyProfile');
    await readOnOtherReplica(
      members,
      profileWrittenOn,
      'member(',
      () => on(cluster.a, coordinator.token).request(MemberDocument, { id: promeneur.id }),
      (read) => expect(ok(read, 'member').member).toMatchObject({ id: promeneur.id, jobTitle: 'Animatrice numérique' }),
    );

    // Both gateways sent GraphQL to both replicas of every subgraph.
    for (const balancer of [members, calendar, feed]) {
      const graphql = balancer.forwarded.filter((entry) => entry.kind === 'http' && entry.path.startsWith('/graphql'));
      expect([0, 1].map((backend) => graphql.filter((entry) => entry.backend === backend).length > 0)).toEqual([true, true]);
      // The balancers themselves lost nothing: every GraphQL request reached its replica and was answered.
      expect(graphql.filter((entry) => entry.failure !== undefined || (entry.status ?? 0) >= 500)).toEqual([]);
    }
  });

  it("should deliver an alert raised through gateway B on one feed replica to a subscriber of gateway A whose feed leg is on the other", async () => {
    const { feed } = cluster.balancers;
    const mark = feed.mark();
    const live = new Live(connect(cluster.a, promeneur.token), LiveAlertRaisedDocument as TypedDocumentNode<unknown, object>, {}, (data: { alertRaised: { id: string } }) => data.alertRaised);
    const coordinatorOnB = on(cluster.b, coordinator.token);
    // graphql-ws does not acknowledge a subscription: raise until one arrives, which proves it is live.
    await eventually(async () => {
      const { id } = await raise(coordinatorOnB);
      const deadline = Date.now() + 300;
      while (Date.now() < deadline) {
        if (live.count((alert) => alert.id === id) > 0) return true;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return undefined;
    }, 'the subscription to become live');
    // Gateway A opened one WebSocket to the feed for this client: the replica its events come from.
    const upgrades = feed.forwardedSince(mark).filter((entry) => entry.kind === 'websocket');
    expect(upgrades).toHaveLength(1);
    const subscribedOn = upgrades[0]!.backend;

    for (let attempt = 0; ; attempt++) {
      if (attempt === ATTEMPTS) throw new Error(`no raiseAlert reached the other feed replica in ${ATTEMPTS} tries`);
      const before = feed.mark();
      const { id } = await raise(coordinatorOnB, 'CRITICAL');
      const raisedOn = servedBy(feed, before, 'raiseAlert');
      await eventually(() => (live.count((alert) => alert.id === id) > 0 ? true : undefined), `alert ${id} through Redis`);
      if (raisedOn !== subscribedOn) break;
    }
    expect(live.errors).toEqual([]);
    live.stop();
  });

  it('should hold rate limits across the two gateways: counters shared in Redis', async () => {
    // A partner key limited to 4 a minute, called through the front balancer: requests alternate between A and B.
    const key = ok(
      await on(cluster.a, coordinator.token).request(CreateApiKeyDocument, {
        input: { name: 'Portail jeunesse', scopes: ['DIRECTORY_READ'], departments: ['32'], rateLimitPerMinute: 4 },
      }),
      'createApiKey',
    ).createApiKey;
    const partner = new PdnClient(`${cluster.front.origin}/graphql`, { apiKey: key.secret });
    const mark = cluster.front.mark();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await partner.request(PublicDirectoryDocument, {})).status);
    const backends = cluster.front.forwardedSince(mark).map((entry) => entry.backend);
    expect(backends).toEqual([0, 1, 0, 1, 0, 1].map((turn) => (turn + backends[0]!) % 2));
    // Alone, each gateway would have let its three requests through.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = await partner.request(PublicDirectoryDocument, {});
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });

    // An anonymous client address, alternating between the gateways directly (each trusts one proxy hop).
    const address = { headers: { 'x-forwarded-for': `198.51.100.${Math.floor(Math.random() * 250) + 1}` } };
    const [onA, onB] = [new PdnClient(cluster.a.url, address), new PdnClient(cluster.b.url, address)];
    const anonymous = [];
    for (let i = 0; i <= ANONYMOUS_PER_MINUTE; i++) anonymous.push(await (i % 2 === 0 ? onA : onB).request(PublicDirectoryDocument, { first: 1 }));
    expect(anonymous.slice(0, ANONYMOUS_PER_MINUTE).filter((result) => result.status !== 200)).toEqual([]);
    const last = anonymous[ANONYMOUS_PER_MINUTE]!;
    expect(last.status).toBe(429);
    expect(codeOf(last)).toBe('RATE_LIMITED');
  });

  it('should refuse a refresh token used once through one members replica when it comes again through the other, and end its session', async () => {
    const { members } = cluster.balancers;
    for (let attempt = 0; ; attempt++) {
      if (attempt === ATTEMPTS) throw new Error(`the reuse never reached the other members replica in ${ATTEMPTS} tries`);
      const first = await login(cluster.a, promeneur.email, promeneur.password);
      let mark = members.mark();
      const rotated = ok(await cluster.a.anonymous.request(RefreshSessionDocument, { refreshToken: first.refreshToken }), 'refreshSession').refreshSession;
      const rotatedOn = servedBy(members, mark, 'refreshSession');
      expect(rotated.refreshToken).not.toBe(first.refreshToken);

      mark = members.mark();
      const reused = await cluster.b.anonymous.request(RefreshSessionDocument, { refreshToken: first.refreshToken });
      const reusedOn = servedBy(members, mark, 'refreshSession');
      expect(codeOf(reused)).toBe('UNAUTHENTICATED');
      // As on one replica: the whole session is revoked, the newest token included.
      expect(codeOf(await cluster.a.anonymous.request(RefreshSessionDocument, { refreshToken: rotated.refreshToken }))).toBe('UNAUTHENTICATED');
      if (reusedOn !== rotatedOn) break;
    }
  });

  describe('jobs every replica runs on its own timer', () => {
    it('should send a due CRITICAL reminder once, whichever feed replica claims it', async () => {
      const feedDb = await database('feed');
      const replicas = cluster.replicas.feed;
      // The promeneur has not acknowledged: reminders reach them, on gateway A and on gateway B.
      const updates = [cluster.a, cluster.b].map(
        (gateway) => new Live(connect(gateway, promeneur.token), AlertUpdatedDocument as TypedDocumentNode<unknown, object>, {}, (data: { alertUpdated: { id: string } }) => data.alertUpdated),
      );
      const coordinatorOnA = on(cluster.a, coordinator.token);
      // graphql-ws does not acknowledge a subscription: acknowledgements (alertUpdated too) until both receive one.
      await eventually(async () => {
        const { id } = await raise(coordinatorOnA);
        ok(await coordinatorOnA.request(AcknowledgeAlertDocument, { id }), 'acknowledgeAlert');
        const deadline = Date.now() + 300;
        while (Date.now() < deadline) {
          if (updates.every((live) => live.count((u) => u.id === id) > 0)) return true;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        return undefined;
      }, 'the alertUpdated subscriptions to become live');
      const alerts = [await raise(coordinatorOnA, 'CRITICAL'), await raise(coordinatorOnA, 'CRITICAL')];
      const ids = alerts.map((alert) => alert.id);
      const sentBy = (id: string) => logMatches(replicas, new RegExp(`CRITICAL reminders sent: [^"]*${id}`, 'g')).map((lines) => lines.length);
      let rounds = 0;
      for (;;) {
        rounds += 1;
        // Due: raised and last reminded longer ago than ALERT_REMINDER_MINUTES (15).
        await feedDb.query(`update alerts set raised_at = now() - interval '1 hour', last_reminded_at = now() - interval '1 hour' where id = any($1)`, [ids]);
        await eventually(async () => {
          const { rows } = await feedDb.query<{ reminded: number }>(`select count(*)::int as reminded from alerts where id = any($1) and last_reminded_at > now() - interval '10 minutes'`, [ids]);
          return rows[0]!.reminded === ids.length ? true : undefined;
        }, `round ${rounds} of reminders claimed`);
        for (const id of ids) {
          await eventually(() => (updates.every((live) => live.count((u) => u.id === id) >= 1) ? true : undefined), `reminder of ${id} received`);
        }
        // The log line follows the publication: it may reach us just after the event.
        await eventually(() => (ids.every((id) => sentBy(id).reduce((a, b) => a + b, 0) >= rounds) ? true : undefined), 'the claims logged');
        const claims = ids.map(sentBy);
        // Each round's reminder was sent by exactly one replica...
        for (const perReplica of claims) expect(perReplica[0]! + perReplica[1]!).toBe(rounds);
        // ...and over the rounds, both replicas' timers have claimed some.
        const byReplica = [0, 1].map((r) => claims.reduce((sum, perReplica) => sum + perReplica[r]!, 0));
        if (byReplica.every((count) => count > 0)) break;
        if (rounds === ATTEMPTS) throw new Error(`one feed replica claimed every reminder in ${rounds} rounds: ${JSON.stringify(byReplica)}`);
      }
      // Several ticks of both timers later, nothing more went out: each subscriber got one reminder per alert and round.
      await new Promise((resolve) => setTimeout(resolve, 10 * Number(TICKS[1])));
      for (const live of updates) for (const id of ids) expect(live.count((u) => u.id === id)).toBe(rounds);
      for (const id of ids) expect(sentBy(id).reduce((a, b) => a + b, 0)).toBe(rounds);
      for (const live of updates) {
        expect(live.errors).toEqual([]);
        live.stop();
      }
    });

    it('should fold and purge old presence logs once, both calendar replicas purging', async () => {
      const calendarDb = await database('calendar');
      const replicas = cluster.replicas.calendar;
      // Overseas département 976: no other test logs presence there. More logs than one purge batch (5,000).
      const LOGS = 12_000;
      const purgedBy = () => logMatches(replicas, /deleted (\d+) presence logs/g).map((lines) => lines.reduce((sum, line) => sum + Number(line[1]), 0));
      let rounds = 0;
      for (;;) {
        rounds += 1;
        await calendarDb.query(
          `insert into presence_logs (member_id, department, date, minutes, network, contacts)
           select gen_random_uuid(), '976', date '2019-03-01' + (i % 28), 30, 'INSTAGRAM', 2 from generate_series(1, $1) i`,
          [LOGS],
        );
        await eventually(async () => {
          const { rows } = await calendarDb.query<{ left: number }>(`select count(*)::int as left from presence_logs where department = '976'`);
          return rows[0]!.left === 0 ? true : undefined;
        }, `round ${rounds} purged`);
        const { rows } = await calendarDb.query<{ entries: number; minutes: number; contacts: number }>(
          `select sum(entries)::int as entries, sum(minutes)::int as minutes, sum(contacts)::int as contacts from anonymous_presence where department = '976'`,
        );
        // Folded once into the anonymous totals: neither lost nor counted twice by the two replicas.
        expect(rows[0]).toEqual({ entries: LOGS * rounds, minutes: 30 * LOGS * rounds, contacts: 2 * LOGS * rounds });
        await eventually(() => (purgedBy().reduce((a, b) => a + b, 0) >= LOGS * rounds ? true : undefined), 'the purges logged');
        const purged = purgedBy();
        expect(purged[0]! + purged[1]!).toBe(LOGS * rounds);
        if (purged.every((count) => count > 0)) break;
        if (rounds === ATTEMPTS) throw new Error(`one calendar replica purged everything in ${rounds} rounds: ${JSON.stringify(purged)}`);
      }
    });

    it('should purge expired audit entries once, both members replicas taking turns', async () => {
      const membersDb = await database('members');
      const replicas = cluster.replicas.members;
      const ENTRIES = 300;
      const actorId = randomUUID();
      // A recent entry of the same actor, which must stay.
      await membersDb.query(`insert into audit_entries (actor_kind, actor_id, subject_id, fields, at) values ('member', $1, $1, '{email}', now())`, [actorId]);
      const purgedBy = () => logMatches(replicas, /(\d+) expired audit entries purged/g).map((lines) => lines.reduce((sum, line) => sum + Number(line[1]), 0));
      let rounds = 0;
      for (;;) {
        rounds += 1;
        await membersDb.query(
          `insert into audit_entries (actor_kind, actor_id, subject_id, fields, at)
           select 'member', $1, gen_random_uuid(), '{email}', timestamptz '2019-05-01' + i * interval '1 minute' from generate_series(1, $2) i`,
          [actorId, ENTRIES],
        );
        await eventually(async () => {
          const { rows } = await membersDb.query<{ expired: number }>(`select count(*)::int as expired from audit_entries where actor_id = $1 and at < now() - interval '1 year'`, [actorId]);
          return rows[0]!.expired === 0 ? true : undefined;
        }, `round ${rounds} purged`);
        await eventually(() => (purgedBy().reduce((a, b) => a + b, 0) >= ENTRIES * rounds ? true : undefined), 'the purges logged');
        const purged = purgedBy();
        // Each entry was deleted by one purge: the replica that held the lock that round.
        expect(purged[0]! + purged[1]!).toBe(ENTRIES * rounds);
        if (purged.every((count) => count > 0)) break;
        if (rounds === ATTEMPTS) throw new Error(`one members replica purged everything in ${rounds} rounds: ${JSON.stringify(purged)}`);
      }
      const { rows } = await membersDb.query<{ kept: number }>(`select count(*)::int as kept from audit_entries where actor_id = $1`, [actorId]);
      expect(rows[0]!.kept).toBe(1);
    });
  });
});
