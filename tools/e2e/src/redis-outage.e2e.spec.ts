import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse, print, type GraphQLFormattedError } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import {
  AcknowledgeAlertDocument,
  AlertDocument,
  AlertsDocument,
  EraseMyAccountDocument,
  LiveAlertRaisedDocument,
  LiveRaiseAlertDocument,
  LoginDocument,
  PdnClient,
  PostDocument,
  PublishPostDocument,
  type LiveAlertRaisedSubscription,
  type PdnResult,
} from '@pdn/client';
import { FORMER_MEMBER_ID } from '@pdn/domain';
import { eventually } from '@pdn/domain-events/testing';
import type { RunningGateway } from '@pdn/gateway';
import { activate, createStructure, join, signInAdmin, type Person } from './calendar-people.js';
import { SubgraphProcess } from './subgraph-process.js';
import { startSystem, type RunningSystem } from './system.js';
import { TemporaryRedis } from './temporary-redis.js';

// Redis crashes and comes back (issue 6, "Faults"). Redis of the test's own (never the shared one):
// the feed's pub/sub between two replicas, the gateways' rate limits and APQ registrations. While it is
// down the API keeps answering, alerts are stored, live subscriptions end with SERVICE_UNAVAILABLE, and
// domain events (an HTTP outbox, no Redis) keep flowing; once it is back, a client that subscribes
// again with `since` gets every alert it missed exactly once, then live ones, across replicas, and no
// process was restarted.

type Alert = LiveAlertRaisedSubscription['alertRaised'];

/** Not in the safelist: by APQ it runs by hash only once registered, in Redis with REDIS_URL. */
const OutageCount = parse('query OutageCount { alerts(first: 1) { totalCount } }') as TypedDocumentNode<{ alerts: { totalCount: number } }, Record<string, never>>;

/** Correctness bounds, not measurements: "answers, does not hang", "is delivered, is not lost". */
const ANSWER_BOUND_MS = 10_000;
const DELIVERY_BOUND_MS = 15_000;

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** The request, failing the test if it has not answered within the bound (a hung request, not a slow one). */
async function answered<T>(what: string, request: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ANSWER_BOUND_MS} ms`)), ANSWER_BOUND_MS);
  });
  try {
    return await Promise.race([request, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** One alertRaised subscription over graphql-ws: what it received, in order, and how it ended. */
class LiveAlerts {
  readonly items: Alert[] = [];
  readonly errors: GraphQLFormattedError[] = [];
  completed = false;
  private readonly unsubscribe: () => void;

  constructor(client: Client, variables: { since?: string } = {}) {
    this.unsubscribe = client.subscribe(
      { query: print(LiveAlertRaisedDocument), variables },
      {
        next: (result) => {
          if (result.errors?.length) this.errors.push(...result.errors);
          if (result.data) this.items.push((result.data as LiveAlertRaisedSubscription).alertRaised);
        },
        error: (error) => {
          this.errors.push(...(Array.isArray(error) ? error : [{ message: `socket closed: ${String((error as { code?: number }).code ?? error)}` }]));
          this.completed = true;
        },
        complete: () => {
          this.completed = true;
        },
      },
    );
  }

  ids(): string[] {
    return this.items.map((alert) => alert.id);
  }

  has(id: string): boolean {
    return this.items.some((alert) => alert.id === id);
  }

  until(condition: () => boolean, what: string): Promise<true> {
    return eventually(() => (condition() ? true : undefined), `${what} (got ${JSON.stringify(this.ids())}, errors ${JSON.stringify(this.errors)})`, {
      timeoutMs: DELIVERY_BOUND_MS,
      everyMs: 50,
    });
  }

  stop() {
    this.unsubscribe();
  }
}

describe('Redis stopped and restarted', () => {
  let redis: TemporaryRedis;
  let system: RunningSystem;
  /** A second feed replica on the same database, behind a second gateway: events between them go through Redis. */
  let feedB: SubgraphProcess;
  let gatewayB: RunningGateway;
  let coordinator: Person;
  let promeneur: Person;
  /** Erased during the outage: feed must apply it through the domain events, without Redis. */
  let leaving: Person;
  let leavingPostId: string;
  let promeneurToken: string;
  let coordinatorThroughB: PdnClient;
  const sockets: Client[] = [];
  let counter = 0;

  /** What the first part left for the next ones (the cases run in order: before, during, after). */
  const story: {
    /** Subscribed before the outage, through each gateway and replica. */
    onA?: LiveAlerts;
    onB?: LiveAlerts;
    lastSeenBeforeOutage?: Alert;
    /** Every alert raised before Redis stopped. */
    beforeOutage: Set<string>;
    duringOutage: string[];
    reconnectedDuringOutage?: LiveAlerts;
  } = { beforeOutage: new Set(), duringOutage: [] };
  /** Every alert the test raised, in order. */
  const raised: string[] = [];

  function connect(gatewayUrl: string): Client {
    const client = createClient({
      url: gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${promeneurToken}` },
      retryAttempts: 0,
    });
    sockets.push(client);
    return client;
  }

  async function raise(by: PdnClient): Promise<{ id: string; raisedAt: string }> {
    counter += 1;
    const data = ok(
      await answered(
        'raiseAlert',
        by.request(LiveRaiseAlertDocument, {
          input: {
            severity: 'WARNING',
            category: 'VIRAL_CHALLENGE',
            title: `Défi viral n°${counter}`,
            body: 'Un défi dangereux circule sur les réseaux : prévenir les jeunes suivis.',
            departments: ['32'],
          },
        }),
      ),
      'raiseAlert',
    );
    raised.push(data.raiseAlert.id);
    return data.raiseAlert;
  }

  /**
   * graphql-ws does not acknowledge a subscription: raising until the subscriber receives one proves
   * it is live end to end (through Redis when raised on the other replica).
   */
  async function raiseUntilReceived(live: LiveAlerts, by: PdnClient): Promise<Alert> {
    for (let attempt = 0; attempt < 60; attempt++) {
      const { id } = await raise(by);
      const received = await eventually(() => (live.has(id) ? true : undefined), 'warm-up', { timeoutMs: 250, everyMs: 25 }).catch(() => false);
      if (received) return live.items.find((alert) => alert.id === id)!;
      if (live.completed) break;
    }
    throw new Error(`the subscription never became live: ${JSON.stringify(live.errors)}`);
  }

  /** A client sending hashes first (APQ), and whether each body it sent carried the query's text. */
  function apqClient(gatewayUrl = system.gatewayUrl): { client: PdnClient; withText: boolean[] } {
    const withText: boolean[] = [];
    const client = new PdnClient(gatewayUrl, {
      persistedQueries: true,
      fetch: async (input, init) => {
        withText.push((JSON.parse(String(init?.body)) as { query?: string }).query !== undefined);
        return fetch(input, init);
      },
    }).withToken(promeneurToken);
    return { client, withText };
  }

  /** Every process of the system still running: none crashed on the outage. */
  function processesAlive(): Record<string, boolean> {
    return { members: system.members.alive, calendar: system.calendar.alive, feed: system.feed.alive, feedB: feedB.alive };
  }

  beforeAll(async () => {
    redis = await TemporaryRedis.start();
    system = await startSystem({ redisUrl: redis.url });
    feedB = await SubgraphProcess.replicaOf(system.feed);
    gatewayB = await system.startGateway({ feed: feedB });

    const admin = await signInAdmin(system);
    const structureId = await createStructure(admin);
    coordinator = await join(system, admin, { structureId, email: 'coordination@redis-outage.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    promeneur = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'p32@redis-outage.test', firstName: 'Isabelle', lastName: 'Laffargue' }));
    leaving = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'leaving@redis-outage.test', firstName: 'Marc', lastName: 'Armagnac' }));
    leavingPostId = ok(
      await leaving.client.request(PublishPostDocument, {
        input: { kind: 'NEWS', title: 'Permanence au BIJ', body: 'Tous les mercredis après-midi.', audience: 'NETWORK' },
      }),
      'publishPost',
    ).publishPost.id;
    promeneurToken = ok(await system.anonymous.request(LoginDocument, { email: promeneur.email, password: promeneur.password }), 'login').login.accessToken;
    const coordinatorToken = ok(await system.anonymous.request(LoginDocument, { email: coordinator.email, password: coordinator.password }), 'login').login.accessToken;
    coordinatorThroughB = new PdnClient(gatewayB.url).withToken(coordinatorToken);
  });

  afterAll(async () => {
    await Promise.all(sockets.map(async (socket) => socket.dispose()));
    await gatewayB?.stop();
    await feedB?.dispose();
    await system?.close();
    await redis?.dispose();
  });

  it('before the outage: delivers an alert raised on one feed replica to a subscriber of the other, through Redis', async () => {
    const onA = new LiveAlerts(connect(system.gatewayUrl));
    const onB = new LiveAlerts(connect(gatewayB.url));
    // Raised through gateway B and feed B, received through gateway A and feed A: Redis carried it.
    await raiseUntilReceived(onA, coordinatorThroughB);
    await raiseUntilReceived(onB, coordinator.client);
    const last = await raise(coordinatorThroughB);
    await onA.until(() => onA.has(last.id), 'the last alert before the outage');
    story.lastSeenBeforeOutage = onA.items.find((alert) => alert.id === last.id);
    // Kept open into the outage (next case).
    story.onA = onA;
    story.onB = onB;
  });

  it('while Redis is down: live subscriptions end with SERVICE_UNAVAILABLE, the API answers, alerts are stored, domain events flow', async () => {
    const [onA, onB] = [story.onA!, story.onB!];
    const lastSeen = story.lastSeenBeforeOutage!;
    story.beforeOutage = new Set(raised);
    await redis.stop();

    // Ended cleanly, with the contract's code, on both replicas: not a hung socket, not a silent gap.
    for (const live of [onA, onB]) {
      await live.until(() => live.completed, 'the subscription to end');
      expect(live.errors.map((error) => error.extensions?.['code'])).toEqual(['SERVICE_UNAVAILABLE']);
    }

    // A client that reconnects at once, with `since`, waits for Redis: no replay yet, no error.
    story.reconnectedDuringOutage = new LiveAlerts(connect(system.gatewayUrl), { since: lastSeen.raisedAt });

    // Mutations and queries through both gateways and both replicas: the rate limits fail open, the
    // broker's publish is dropped without failing the mutation.
    for (const by of [coordinator.client, coordinatorThroughB, coordinator.client, coordinatorThroughB]) {
      story.duringOutage.push((await raise(by)).id);
    }
    const listed = ok(await answered('alerts', promeneur.client.request(AlertsDocument, { first: 50 })), 'alerts');
    expect(listed.alerts.edges.map((edge) => edge.node.id)).toEqual(expect.arrayContaining(story.duringOutage));
    // An acknowledgement made meanwhile is stored too.
    const acknowledged = ok(await answered('acknowledgeAlert', promeneur.client.request(AcknowledgeAlertDocument, { id: story.duringOutage[0]! })), 'acknowledgeAlert');
    expect(acknowledged.acknowledgeAlert).toMatchObject({ acknowledgedByMe: true, acknowledgementCount: 1 });
    // Signing in goes through the login rate limit, whose counters are in Redis.
    ok(await answered('login', system.anonymous.request(LoginDocument, { email: promeneur.email, password: promeneur.password })), 'login');

    // Automatic persisted queries: a hash is a miss (the registration cache is away), the query sent
    // with its text then runs; the safelist's operations run by hash alone, as ever.
    const sent = apqClient();
    const counted = ok(await answered('an APQ query', sent.client.request(OutageCount)), 'an APQ query');
    expect(counted.alerts.totalCount).toBeGreaterThanOrEqual(story.duringOutage.length);
    expect(sent.withText).toEqual([false, true]);
    const safelisted = apqClient();
    const probe = ok(await answered('a safelisted query by hash', safelisted.client.request(AlertDocument, { id: story.duringOutage[1]! })), 'alert by hash');
    expect(probe.alert?.id).toBe(story.duringOutage[1]);
    expect(safelisted.withText).toEqual([false]);

    // Domain events go over HTTP from members' outbox: an account erased now is applied in feed.
    ok(await answered('eraseMyAccount', leaving.client.request(EraseMyAccountDocument, { password: leaving.password })), 'eraseMyAccount');
    await eventually(async () => {
      const { post } = ok(await promeneur.client.request(PostDocument, { id: leavingPostId }), 'post');
      return post?.author.id === FORMER_MEMBER_ID ? post : undefined;
    }, 'feed to apply member.erased during the outage');

    expect(story.reconnectedDuringOutage.items).toEqual([]);
    expect(story.reconnectedDuringOutage.errors).toEqual([]);
    expect(story.reconnectedDuringOutage.completed).toBe(false);
    expect(processesAlive()).toEqual({ members: true, calendar: true, feed: true, feedB: true });
  });

  it('after the restart: subscribers with `since` get every alert of the outage exactly once, then live ones, across replicas', async () => {
    const lastSeen = story.lastSeenBeforeOutage!;
    const outage = story.duringOutage;
    await redis.restart();

    // The client that reconnected during the outage gets its replay once Redis is back.
    const early = story.reconnectedDuringOutage!;
    await early.until(() => outage.every((id) => early.has(id)), 'the replay of the outage');
    // A client that reconnects now, through the other gateway and replica.
    const late = new LiveAlerts(connect(gatewayB.url), { since: lastSeen.raisedAt });
    await late.until(() => outage.every((id) => late.has(id)), 'the replay of the outage');

    // Live again, across replicas through the restarted Redis, without restarting any process: an
    // alert raised on A reaches the subscriber on B and the other way round.
    const live: string[] = [];
    for (const by of [coordinator.client, coordinatorThroughB]) {
      const { id } = await raise(by);
      live.push(id);
      for (const subscriber of [early, late]) await subscriber.until(() => subscriber.has(id), 'a live alert after the restart');
    }
    for (const subscriber of [early, late]) {
      // Exactly once each, in order: the replayed ones, then the live ones. `since` is the last seen
      // alert's `raisedAt` to the millisecond, so that alert and those before it do not come again.
      expect(subscriber.ids()).toEqual([...outage, ...live]);
      expect(subscriber.errors).toEqual([]);
      subscriber.stop();
    }

    // Nothing acknowledged was lost.
    const alert = ok(await promeneur.client.request(AlertDocument, { id: outage[0]! }), 'alert').alert;
    expect(alert).toMatchObject({ acknowledgedByMe: true, acknowledgementCount: 1 });

    // APQ registrations are shared through Redis again: registered through one gateway, known to the other.
    await eventually(async () => {
      const throughA = apqClient(system.gatewayUrl);
      ok(await throughA.client.request(OutageCount), 'an APQ query through A');
      const throughB = apqClient(gatewayB.url);
      ok(await throughB.client.request(OutageCount), 'an APQ query through B');
      return throughB.withText.length === 1 ? true : undefined;
    }, 'an APQ registration through the restarted Redis');

    // The gateways use Redis again: their rate limit counters are back in it.
    const direct = new Redis(redis.url, { maxRetriesPerRequest: 0, disconnectTimeout: 0 });
    try {
      await eventually(async () => {
        ok(await system.anonymous.request(LoginDocument, { email: promeneur.email, password: promeneur.password }), 'login');
        const keys = await direct.keys('pdn:rate:*');
        return keys.length > 0 ? keys : undefined;
      }, 'rate limit counters in the restarted Redis');
    } finally {
      direct.disconnect();
    }

    expect(processesAlive()).toEqual({ members: true, calendar: true, feed: true, feedB: true });
    for (const process of [system.members, system.calendar, system.feed, feedB]) {
      expect(process.logs).not.toMatch(/unhandled|uncaught/i);
    }
  });
});
