import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { signIdentity, type Caller } from '@pdn/identity';
import { createPubSub, type PubSubEngine } from '@pdn/pubsub';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql, type GraphQLResponse } from '@pdn/subgraph/testing';
import { alertAcknowledgements, alerts, feedSchema, type FeedSchema } from '../src/db/feed.tables.js';
import { loadFeedSettings } from '../src/feed.config.js';
import { FEED_MIGRATIONS, startFeed } from '../src/feed-app.js';
import { admin, anonymous, coordinatorOf, partner, promeneurOf, TestClock } from './alerts-fixtures.js';


const quiet = { info() {}, warn() {}, error() {} };

// Alerts as the gateway sees them: real HTTP with signed identities, federation's `_entities` for
// Alert and Member.hasAcknowledged, the number of SQL statements a page costs, and the subscriptions
// over graphql-ws with the signed identity in connection_init.
describe('feed subgraph: network alerts over HTTP and WebSocket', () => {
  const settings = loadFeedSettings({ FEED_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const key = identitySigningKey(settings);
  const clock = new TestClock(new Date('2026-03-10T10:00:00+01:00'));
  const gers = coordinatorOf('32');
  const auch = promeneurOf('32');
  const muret = promeneurOf('31');
  const statements: string[] = [];
  let testDb: TestDatabase<FeedSchema>;
  let pubsub: PubSubEngine;
  let subgraph: RunningSubgraph;

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'feed', migrationsFolder: FEED_MIGRATIONS, schema: feedSchema, onQuery: (sql) => statements.push(sql) });
    pubsub = createPubSub({ logger: quiet });
    subgraph = await startFeed(settings, { database: testDb.database, clock, pubsub });
  });

  afterAll(async () => {
    await subgraph?.close();
    await pubsub?.close();
    await testDb?.dispose();
  });

  beforeEach(async () => {
    clock.set('2026-03-10T10:00:00+01:00');
    await testDb.database.db.delete(alertAcknowledgements);
    await testDb.database.db.delete(alerts);
  });

  const graphql = signedGraphql(() => subgraph.url, key);

  async function counted(query: string, caller: Caller, variables: Record<string, unknown>) {
    statements.length = 0;
    const body = await graphql(query, caller, variables);
    expect(body.errors).toBeUndefined();
    return { body, statements: statements.length };
  }

  const raiseMutation = `mutation ($input: RaiseAlertInput!) { raiseAlert(input: $input) {
    id severity category title departments status raisedAt expiresAt raisedBy { id } acknowledgementCount acknowledgedByMe } }`;

  async function raise(input: Record<string, unknown> = {}, by: Caller = gers): Promise<string> {
    const body = await graphql(raiseMutation, by, {
      input: { severity: 'WARNING', category: 'SCAM', title: 'Arnaque aux faux concours', body: 'Des comptes promettent des cadeaux.', departments: ['32'], ...input },
    });
    expect(body.errors).toBeUndefined();
    clock.advanceMinutes(1);
    return body.data.raiseAlert.id as string;
  }

  it('should raise an alert with its times in Paris time and its author as a member reference', async () => {
    const body = await graphql(raiseMutation, gers, {
      input: { severity: 'CRITICAL', category: 'VIRAL_CHALLENGE', title: 'Défi du foulard', body: 'Vigilance.', departments: ['32'], expiresAt: '2026-03-11T10:00:00+01:00' },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.raiseAlert).toMatchObject({
      severity: 'CRITICAL',
      status: 'ACTIVE',
      raisedAt: '2026-03-10T10:00:00+01:00',
      expiresAt: '2026-03-11T10:00:00+01:00',
      raisedBy: { id: gers.memberId },
      acknowledgementCount: 0,
      acknowledgedByMe: false,
    });
  });

  it('should refuse contact data with BAD_USER_INPUT naming the field, and promeneurs with FORBIDDEN', async () => {
    const input = { severity: 'INFO', category: 'OTHER', title: 'Contact', body: 'Joindre Léa au 06.12.34.56.78', departments: ['32'] };
    const refused = await graphql(raiseMutation, gers, { input });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.body' });
    expect(refused.errors?.[0]?.message).toMatch(/phone number/);
    const promeneur = await graphql(raiseMutation, auch, { input: { ...input, body: 'Vigilance.' } });
    expect(promeneur.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it("should answer UNAUTHENTICATED to anonymous callers, FORBIDDEN to partners without ALERTS_READ, and the key's départements to the others", async () => {
    await raise();
    const query = '{ alerts { totalCount } }';
    expect((await graphql(query, anonymous)).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const key = partner as Extract<Caller, { kind: 'partner' }>;
    expect((await graphql(query, { ...key, scopes: ['FEED_READ'] })).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await graphql(query, partner)).data.alerts.totalCount).toBe(1);
    expect((await graphql(query, { ...key, departments: ['31'] })).data.alerts.totalCount).toBe(0);
    expect((await graphql(query, muret)).data.alerts.totalCount).toBe(0);
    expect((await graphql(query, auch)).data.alerts.totalCount).toBe(1);
  });

  it('should acknowledge, resolve, and read the counts of any page with the same number of statements', async () => {
    const first = await raise();
    const ack = await graphql('mutation ($id: ID!) { acknowledgeAlert(id: $id) { acknowledgementCount acknowledgedByMe } }', auch, { id: first });
    expect(ack.data.acknowledgeAlert).toEqual({ acknowledgementCount: 1, acknowledgedByMe: true });
    const resolved = await graphql('mutation ($id: ID!) { resolveAlert(id: $id, note: "Compte fermé") { status } }', gers, { id: first });
    expect(resolved.data.resolveAlert.status).toBe('RESOLVED');
    const again = await graphql('mutation ($id: ID!) { acknowledgeAlert(id: $id) { id } }', auch, { id: first });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');

    const page = `{ alerts(first: 100) { edges { node { id status acknowledgementCount acknowledgedByMe raisedBy { id } } } } }`;
    const small = await counted(page, auch, {});
    for (let i = 0; i < 12; i++) await raise({ title: `Alerte ${i}` });
    const large = await counted(page, auch, {});
    expect(large.body.data.alerts.edges).toHaveLength(13);
    expect(large.statements).toBe(small.statements);
  });

  it('should resolve Alert and Member.hasAcknowledged references in batches, for members who see the alert', async () => {
    const alertId = await raise();
    const members = Array.from({ length: 30 }, () => promeneurOf('32'));
    for (const member of members.slice(0, 10)) {
      await graphql('mutation ($id: ID!) { acknowledgeAlert(id: $id) { id } }', member, { id: alertId });
    }
    const query = `query ($representations: [_Any!]!, $alertId: ID!) { _entities(representations: $representations) {
      ... on Member { id hasAcknowledged(alertId: $alertId) } ... on Alert { id title } } }`;
    const representations = (list: typeof members) => [{ __typename: 'Alert', id: alertId }, ...list.map((m) => ({ __typename: 'Member', id: m.memberId }))];
    const small = await counted(query, gers, { representations: representations(members.slice(0, 3)), alertId });
    const large = await counted(query, gers, { representations: representations(members), alertId });
    expect(large.statements).toBe(small.statements);
    const entities = large.body.data._entities as Array<{ id: string; hasAcknowledged?: boolean; title?: string }>;
    expect(entities[0]).toEqual({ id: alertId, title: 'Arnaque aux faux concours' });
    expect(entities.filter((e) => e.hasAcknowledged).map((e) => e.id)).toEqual(members.slice(0, 10).map((m) => m.memberId));

    const outsider = await graphql(query, muret, { representations: representations(members.slice(0, 1)), alertId });
    expect(outsider.data?._entities?.[0]).toBeNull();
    expect(outsider.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  describe('subscriptions over graphql-ws', () => {
    jest.setTimeout(15_000);
    const clients: Client[] = [];
    const connect = (caller: Caller) => {
      const client = createClient({
        url: subgraph.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { ...signIdentity(caller, key) },
        retryAttempts: 0,
      });
      clients.push(client);
      return client;
    };

    afterAll(async () => {
      await Promise.all(clients.map(async (c) => c.dispose()));
    });

    it('should replay with `since`, then deliver live alerts of the caller\'s départements with the same fields', async () => {
      // Strictly after `since`: the alert raised at that instant (the client's last one) is not replayed.
      const since = clock.now().toISOString();
      await raise({ title: 'Vue avant la coupure' });
      const replayed = await raise({ title: 'Déjà levée' });
      const iterator = connect(auch).iterate<{ alertRaised: { id: string; title: string; raisedBy: { id: string }; acknowledgedByMe: boolean } }>({
        query: 'subscription ($since: DateTime) { alertRaised(since: $since, filter: { minSeverity: WARNING }) { id title raisedBy { id } acknowledgedByMe } }',
        variables: { since },
      });
      expect((await iterator.next()).value?.data?.alertRaised).toEqual({ id: replayed, title: 'Déjà levée', raisedBy: { id: gers.memberId }, acknowledgedByMe: false });
      await raise({ title: 'Ailleurs', departments: ['31'] }, admin());
      await raise({ title: 'Pour info', severity: 'INFO' });
      const live = await raise({ title: 'En direct' });
      expect((await iterator.next()).value?.data?.alertRaised.id).toBe(live);
      await iterator.return?.();
    });

    it('should refuse anonymous callers on subscriptions', async () => {
      const iterator = connect(anonymous).iterate({ query: 'subscription { alertRaised { id } }' });
      const first = await iterator.next();
      expect((first.value as GraphQLResponse | undefined)?.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    });

    it('should announce acknowledgements on alertUpdated with the new count', async () => {
      const alertId = await raise();
      const iterator = connect(gers).iterate<{ alertUpdated: { id: string; acknowledgementCount: number } }>({
        query: 'subscription ($id: ID) { alertUpdated(id: $id) { id acknowledgementCount } }',
        variables: { id: alertId },
      });
      // The subscription is live once a first round trip on the socket has been made.
      await waitForSubscribers(pubsub);
      await graphql('mutation ($id: ID!) { acknowledgeAlert(id: $id) { id } }', auch, { id: alertId });
      expect((await iterator.next()).value?.data?.alertUpdated).toEqual({ id: alertId, acknowledgementCount: 1 });
      await iterator.return?.();
    });
  });
});

/** Waits until some subscriber listens on alert updates (the WebSocket subscribe is asynchronous). */
async function waitForSubscribers(engine: PubSubEngine): Promise<void> {
  for (let i = 0; i < 200 && engine.localSubscribers('alerts.updated') === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(engine.localSubscribers('alerts.updated')).toBeGreaterThan(0);
}
