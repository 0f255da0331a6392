import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Client, createClient } from 'graphql-ws';
import pg from 'pg';
import { WebSocket } from 'ws';
import { LoginDocument } from '@pdn/client';
import { activate, createStructure, join, signInAdmin, type Person } from './calendar-people.js';
import { GatewayProcess } from './gateway-process.js';
import { startSystem, type RunningSystem } from './system.js';

// A subgraph crashes (SIGKILL: no draining, connections cut mid-request) while the gateway serves a
// load of mixed queries and a stream of writes. The gateway, a built process of its own, keeps
// answering: the other subgraphs' fields with SERVICE_UNAVAILABLE for the feed's; its circuit breaker
// fails fast, then probes the feed back once it restarts, with no restart of the gateway. Every write
// the client was told succeeded is there afterwards, once; none is applied twice.

const SUBGRAPH_TIMEOUT_MS = 3000;
const BREAKER_OPEN_MS = 500;
/**
 * No answer may take longer: a plan here has at most two fetches one after the other, each bounded by
 * the subgraph timeout; the rest is slack for a loaded 2-core machine. Beyond it, the gateway hung.
 */
const HANG_BOUND_MS = 3 * SUBGRAPH_TIMEOUT_MS;

const ME = 'query OutageMe { me { id displayName } }';
const EVENTS = 'query OutageEvents { events(first: 5) { totalCount } }';
/** Members, calendar and feed in one operation; `post` is nullable, so only it is lost with the feed. */
const ACROSS = 'query OutageAcross($post: ID!) { me { displayName } events(first: 1) { totalCount } post(id: $post) { title author { displayName } } }';
/** `Member.posts` is non-null: without the feed the member is null (GraphQL's null propagation), `events` stays. */
const MEMBER_POSTS = 'query OutageMemberPosts($id: ID!) { member(id: $id) { displayName posts(first: 1) { totalCount } } events(first: 1) { totalCount } }';
const FEED = 'query OutageFeed { feed(first: 5) { totalCount } }';
const LIVE_POSTS = 'subscription OutageLivePosts { postPublished { title author { displayName } } }';
const PUBLISH = 'mutation OutagePublish($input: PublishPostInput!) { publishPost(input: $input) { id title } }';

interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; service?: string };
}
interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
}

/** One request of the load: what was sent, when, and what came back (or how it failed). */
interface Exchange {
  operation: string;
  startedAt: number;
  endedAt: number;
  status?: number;
  contentType?: string;
  body?: GraphQLBody;
  /** No HTTP answer at all (connection refused or reset, or no answer within HANG_BOUND_MS), or not JSON. */
  failure?: string;
  /** For writes: the title sent, unique to this write. */
  title?: string;
}

async function send(url: string, query: string, options: { variables?: Record<string, unknown>; token?: string; requestId?: string } = {}): Promise<Omit<Exchange, 'operation'>> {
  const startedAt = Date.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
      },
      body: JSON.stringify({ query, variables: options.variables ?? {} }),
      signal: AbortSignal.timeout(HANG_BOUND_MS),
    });
    const contentType = response.headers.get('content-type') ?? '';
    const text = await response.text();
    const endedAt = Date.now();
    try {
      return { startedAt, endedAt, status: response.status, contentType, body: JSON.parse(text) as GraphQLBody };
    } catch {
      return { startedAt, endedAt, status: response.status, contentType, failure: `not JSON: ${text.slice(0, 200)}` };
    }
  } catch (error) {
    return { startedAt, endedAt: Date.now(), failure: String(error) };
  }
}

/** The errors a fetch from the stopped feed leaves, one per missing field. */
function feedUnavailable(...paths: (string | number)[][]): GraphQLError[] {
  return paths.map((path) => expect.objectContaining({ path, extensions: { code: 'SERVICE_UNAVAILABLE', service: 'feed' } }) as unknown as GraphQLError);
}

/** Samples of one metric whose labels include `labels`, e.g. the feed's fetches that met an open breaker. */
function sampleOf(metrics: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) total += Number(match[3]);
  }
  return total;
}

/** One subscription on a graphql-ws connection: the titles it received, its errors, whether it ended. */
class LivePosts {
  readonly titles: string[] = [];
  readonly errors: GraphQLError[] = [];
  ended = false;

  constructor(client: Client) {
    client.subscribe(
      { query: LIVE_POSTS },
      {
        next: (result) => {
          if (result.errors) this.errors.push(...(result.errors as GraphQLError[]));
          const post = (result.data as { postPublished?: { title: string } } | null | undefined)?.postPublished;
          if (post) this.titles.push(post.title);
        },
        error: (error) => {
          this.errors.push({ message: `connection error: ${String((error as { reason?: string }).reason ?? error)}` });
          this.ended = true;
        },
        complete: () => (this.ended = true),
      },
    );
  }
}

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a subgraph killed (SIGKILL) under load', () => {
  let system: RunningSystem;
  let gateway: GatewayProcess;
  let author: Person;
  let token: string;
  let seedPostId: string;
  let feedDatabase: pg.Client;

  beforeAll(async () => {
    system = await startSystem();
    const admin = await signInAdmin(system);
    const structureId = await createStructure(admin, 'Maison des jeunes de Lectoure');
    const coordinator = await join(system, admin, { structureId: null, email: 'coordination@caf32-outage.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    author = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'alice@mj-lectoure.test', firstName: 'Alice', lastName: 'Gers' }));
    const login = await system.anonymous.request(LoginDocument, { email: author.email, password: author.password });
    token = login.data!.login.accessToken;

    gateway = await GatewayProcess.start(
      { members: system.members.url, calendar: system.calendar.url, feed: system.feed.url },
      {
        // Debug: the gateway logs each retry of a subgraph fetch, with the request's id.
        LOG_LEVEL: 'debug',
        SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS),
        MEMBERS_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS),
        SUBGRAPH_RETRIES: '1',
        SUBGRAPH_BREAKER_FAILURES: '5',
        SUBGRAPH_BREAKER_OPEN_MS: String(BREAKER_OPEN_MS),
        // The load comes from one address and one member: the limits are not what is tested here.
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
        RATE_LIMIT_MEMBER_PER_MINUTE: '1000000',
      },
    );
    const seed = await send(gateway.url, PUBLISH, { token, variables: { input: postInput('outage-seed') } });
    expect(seed.body?.errors).toBeUndefined();
    seedPostId = (seed.body!.data!['publishPost'] as { id: string }).id;

    const where = system.feed.database;
    if (!('url' in where)) throw new Error('This test looks inside the feed database on the PostgreSQL server: set TEST_DATABASE_URL.');
    feedDatabase = new pg.Client({ connectionString: where.url });
    await feedDatabase.connect();
  }, 180_000);

  afterAll(async () => {
    await feedDatabase?.end();
    await gateway?.dispose();
    await system?.close();
  });

  function postInput(title: string) {
    return {
      kind: 'NEWS',
      title,
      body: `Le corps de ${title}`,
      audience: 'PUBLIC',
      themes: ['CYBERBULLYING'],
      links: [{ url: `https://mj-lectoure.example.org/${title}`, title: `Lien de ${title}` }],
    };
  }

  /** The feed's posts by title, as stored: one row per applied write. */
  async function storedPosts(): Promise<Map<string, { id: string; title: string; body: string; themes: string[]; links: unknown }[]>> {
    const { rows } = await feedDatabase.query<{ id: string; title: string; body: string; themes: string[]; links: unknown }>(
      "SELECT id, title, body, themes, links FROM posts WHERE title LIKE 'outage-%'",
    );
    const byTitle = new Map<string, typeof rows>();
    for (const row of rows) byTitle.set(row.title, [...(byTitle.get(row.title) ?? []), row]);
    return byTitle;
  }

  /** The gateway's JSON log lines so far. */
  function logLines(): { requestId?: string; msg?: string; subgraph?: string }[] {
    return gateway.logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { requestId?: string; msg?: string; subgraph?: string });
  }

  /** Which of its two acceptable forms an answer has: in full, or without the feed's part. Throws on anything else. */
  function classify(exchange: Exchange): 'full' | 'without-feed' {
    const { operation, body } = exchange;
    const is = (shape: unknown) => {
      try {
        expect(body).toEqual(shape);
        return true;
      } catch {
        return false;
      }
    };
    const events = { totalCount: expect.any(Number) };
    switch (operation) {
      case 'me':
        if (is({ data: { me: { id: author.id, displayName: author.displayName } } })) return 'full';
        break;
      case 'events':
        if (is({ data: { events } })) return 'full';
        break;
      case 'across':
        if (is({ data: { me: { displayName: author.displayName }, events, post: { title: 'outage-seed', author: { displayName: author.displayName } } } })) return 'full';
        if (is({ data: { me: { displayName: author.displayName }, events, post: null }, errors: feedUnavailable(['post']) })) return 'without-feed';
        break;
      case 'member-posts':
        if (is({ data: { member: { displayName: author.displayName, posts: { totalCount: expect.any(Number) } }, events } })) return 'full';
        if (is({ data: { member: null, events }, errors: feedUnavailable(['member', 'posts']) })) return 'without-feed';
        break;
      case 'feed':
        if (is({ data: { feed: { totalCount: expect.any(Number) } } })) return 'full';
        if (is({ data: null, errors: feedUnavailable(['feed']) })) return 'without-feed';
        break;
      case 'publish':
        if (is({ data: { publishPost: { id: expect.any(String), title: exchange.title } } })) return 'full';
        if (is({ data: null, errors: feedUnavailable(['publishPost']) })) return 'without-feed';
        break;
    }
    throw new Error(`unexpected answer to ${operation}: ${JSON.stringify(exchange)}`);
  }

  it('should keep the gateway answering, fail fast on the open breaker, recover by itself, and lose no acknowledged write', async () => {
    const exchanges: Exchange[] = [];
    const healthChecks: { ok: boolean; at: number }[] = [];
    let loading = true;

    const reads: [string, () => Promise<Omit<Exchange, 'operation'>>][] = [
      ['me', () => send(gateway.url, ME, { token })],
      ['events', () => send(gateway.url, EVENTS, { token })],
      ['across', () => send(gateway.url, ACROSS, { token, variables: { post: seedPostId } })],
      ['member-posts', () => send(gateway.url, MEMBER_POSTS, { token, variables: { id: author.id } })],
      ['feed', () => send(gateway.url, FEED, { token })],
    ];
    const reader = async (offset: number) => {
      for (let i = offset; loading; i++) {
        const [operation, run] = reads[i % reads.length]!;
        exchanges.push({ operation, ...(await run()) });
      }
    };
    let written = 0;
    const writer = async () => {
      while (loading) {
        const title = `outage-post-${++written}`;
        exchanges.push({ operation: 'publish', title, ...(await send(gateway.url, PUBLISH, { token, variables: { input: postInput(title) } })) });
      }
    };
    const health = async () => {
      while (loading) {
        const at = Date.now();
        const ok = await fetch(gateway.url.replace(/\/graphql$/, '/healthz'), { signal: AbortSignal.timeout(HANG_BOUND_MS) })
          .then((response) => response.ok)
          .catch(() => false);
        healthChecks.push({ ok, at });
        await sleep(100);
      }
    };
    const scrape = async () => (await fetch(gateway.metricsUrl)).text();
    const since = (at: number) => exchanges.filter((e) => e.startedAt >= at);
    const load = Promise.all([reader(0), reader(2), reader(4), writer(), writer(), health()]);
    // A member's app on one WebSocket to the gateway, kept open throughout (not lazy): its live feed
    // breaks with the feed, the connection itself must not.
    const socketClosures: unknown[] = [];
    const subscriber = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      on: { closed: (event) => socketClosures.push(event) },
    });

    try {
      // Before: everything answers in full, and posts arrive live.
      const liveBefore = new LivePosts(subscriber);
      await until(async () => since(0).filter((e) => e.operation === 'publish').length >= 5 && since(0).length >= 30, 'the load to run');
      await until(async () => liveBefore.titles.length > 0, 'a post to arrive live');

      await system.feed.kill();
      const killedAt = Date.now();
      const openBefore = sampleOf(await scrape(), 'pdn_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'feed', outcome: 'circuit-open' });
      // The breaker opens after five failures in a row; from then on fetches to the feed fail without a connection.
      await until(
        async () => sampleOf(await scrape(), 'pdn_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'feed', outcome: 'circuit-open' }) >= openBefore + 50,
        'the feed breaker to refuse fifty fetches',
      );
      // The live feed that was running ends with SERVICE_UNAVAILABLE; one started now, at once.
      await until(async () => liveBefore.ended, 'the live feed to end');
      const liveDuring = new LivePosts(subscriber);
      await until(async () => liveDuring.ended, 'the live feed started during the outage to end');
      // At least two probes while the feed is down (each re-opens the breaker), under load.
      await sleep(3 * BREAKER_OPEN_MS);

      const restartingAt = Date.now();
      const duringOutage = exchanges.filter((e) => e.startedAt >= killedAt && e.endedAt < restartingAt);
      const outageMetrics = await scrape();

      await system.feed.run();
      // The gateway's breaker lets a probe through, which succeeds: no restart, no signal to the gateway.
      const recoveredAt = await until(async () => {
        const answer = { operation: 'across', ...(await send(gateway.url, ACROSS, { token, variables: { post: seedPostId } })) };
        return classify(answer) === 'full' && answer.endedAt;
      }, 'the gateway to serve the feed again');
      // Same WebSocket, new subscription: posts arrive live again.
      const liveAfter = new LivePosts(subscriber);
      await until(async () => liveAfter.titles.length > 0, 'a post to arrive live after recovery');
      await until(async () => since(recoveredAt).filter((e) => e.operation === 'publish').length >= 5 && since(recoveredAt).length >= 30, 'the load to run after recovery');
      loading = false;
      await load;

      for (const live of [liveBefore, liveDuring]) {
        expect(live.errors).toEqual([expect.objectContaining({ extensions: { code: 'SERVICE_UNAVAILABLE', service: 'feed' } })]);
      }
      expect(liveAfter).toMatchObject({ errors: [], ended: false });
      expect(socketClosures).toEqual([]);

      // The gateway never died and always said it was alive.
      expect(gateway.alive).toBe(true);
      expect(healthChecks.filter((h) => !h.ok)).toEqual([]);
      expect(healthChecks.filter((h) => h.at > killedAt && h.at < restartingAt).length).toBeGreaterThan(0);

      // Every answer is JSON over HTTP 200, in time: no 5xx page, no reset, no hang.
      expect(exchanges.filter((e) => e.failure || e.status !== 200 || !e.contentType?.includes('json'))).toEqual([]);
      expect(exchanges.filter((e) => e.endedAt - e.startedAt >= HANG_BOUND_MS)).toEqual([]);

      // Each answer is the full one or, for what needs the feed, the one without the feed's fields.
      const kinds = exchanges.map((e) => ({ exchange: e, kind: classify(e) }));
      for (const operation of ['me', 'events']) expect(kinds.filter((k) => k.exchange.operation === operation && k.kind !== 'full')).toEqual([]);
      // While the feed was down, nothing that needs it came back in full, and the rest did.
      const downKinds = duringOutage.map((e) => ({ operation: e.operation, kind: classify(e) }));
      for (const operation of ['across', 'member-posts', 'feed', 'publish']) {
        expect(downKinds.filter((k) => k.operation === operation).length).toBeGreaterThan(0);
        expect(downKinds.filter((k) => k.operation === operation && k.kind === 'full')).toEqual([]);
      }
      expect(downKinds.filter((k) => k.operation === 'me' || k.operation === 'events').length).toBeGreaterThan(0);
      // Once recovered, every answer is full again.
      expect(kinds.filter((k) => k.exchange.startedAt >= recoveredAt && k.kind !== 'full').map((k) => k.exchange)).toEqual([]);

      // Failing fast: most fetches to the down feed met the open breaker rather than a refused
      // connection, and each was answered well under the subgraph timeout (within the 0.5 s bucket; a
      // query whose first attempt failed meets the breaker on its retry, 25-50 ms later).
      const feedFetches = (outcome: string) => sampleOf(outageMetrics, 'pdn_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'feed', outcome });
      const fastOpen = sampleOf(outageMetrics, 'pdn_gateway_subgraph_fetch_duration_seconds_bucket', { subgraph: 'feed', outcome: 'circuit-open', le: '0.5' });
      expect(feedFetches('circuit-open')).toBeGreaterThan(feedFetches('unavailable'));
      expect(fastOpen).toBe(feedFetches('circuit-open'));
      // A breaker that recovers on its own closes on a successful probe: the gateway logged both.
      const breakerLog = logLines().filter((l) => l.subgraph === 'feed' && l.msg?.startsWith('subgraph circuit breaker'));
      expect(breakerLog.map((l) => l.msg)).toEqual(
        expect.arrayContaining(['subgraph circuit breaker open', 'subgraph circuit breaker half-open: probing', 'subgraph circuit breaker closed: the subgraph answers again']),
      );

      // No acknowledged write is lost, none is applied twice, none is half-applied.
      const stored = await storedPosts();
      const writes = exchanges.filter((e) => e.operation === 'publish');
      const acknowledged = writes.filter((e) => classify(e) === 'full');
      const refused = writes.filter((e) => classify(e) === 'without-feed');
      expect(acknowledged.length + refused.length).toBe(writes.length);
      expect(refused.length).toBeGreaterThan(0);
      for (const write of acknowledged) {
        const id = (write.body!.data!['publishPost'] as { id: string }).id;
        const { title, body, themes, links } = postInput(write.title!);
        expect(stored.get(title)).toEqual([{ id, title, body, themes, links }]);
      }
      // Cut mid-request by the kill, a write may have been committed without its answer: the client is
      // told it may have been applied, and it is there once at most. Told nothing of the kind, it is not there.
      const mayHaveBeenApplied = (write: Exchange) => write.body!.errors!.every((e) => e.message.endsWith('The change may have been applied.'));
      expect(refused.filter((write) => (stored.get(write.title!)?.length ?? 0) > 1)).toEqual([]);
      expect(refused.filter((write) => !mayHaveBeenApplied(write) && stored.has(write.title!))).toEqual([]);
      // Sent while the feed was down: never applied.
      for (const write of duringOutage.filter((e) => e.operation === 'publish')) expect(stored.get(write.title!)).toBeUndefined();
      // Nothing stored that no client sent.
      const sent = new Set(['outage-seed', ...writes.map((w) => w.title!)]);
      expect([...stored.keys()].filter((title) => !sent.has(title))).toEqual([]);
    } finally {
      loading = false;
      await load;
      await subscriber.dispose();
    }
  }, 180_000);

  it('should retry a query fetch to the down feed once, but never a mutation, and apply neither', async () => {
    await system.feed.kill();
    try {
      const query = await send(gateway.url, FEED, { token, requestId: 'outage-retried-query' });
      expect(query.body).toEqual({ data: null, errors: feedUnavailable(['feed']) });
      const mutation = await send(gateway.url, PUBLISH, { token, requestId: 'outage-unretried-mutation', variables: { input: postInput('outage-unretried') } });
      expect(mutation.body).toEqual({ data: null, errors: feedUnavailable(['publishPost']) });
    } finally {
      await system.feed.run();
    }
    const about = (requestId: string) => logLines().filter((l) => l.requestId === requestId && l.subgraph === 'feed').map((l) => l.msg);
    // Two connections refused for the query (SUBGRAPH_RETRIES=1), one for the mutation.
    expect(about('outage-retried-query')).toEqual(['retrying subgraph fetch', 'subgraph unavailable']);
    expect(about('outage-unretried-mutation')).toEqual(['subgraph unavailable']);

    const recovered = await until(async () => {
      const answer = await send(gateway.url, FEED, { token });
      return answer.body?.errors === undefined && answer;
    }, 'the feed to answer again');
    expect(recovered.body?.data).toEqual({ feed: { totalCount: expect.any(Number) } });
    expect((await storedPosts()).get('outage-unretried')).toBeUndefined();
    expect(gateway.alive).toBe(true);
  }, 120_000);
});
