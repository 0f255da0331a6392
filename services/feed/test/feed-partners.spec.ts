import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { signIdentity, type ApiScope, type Caller } from '@pdn/identity';
import { createPubSub, type PubSubEngine } from '@pdn/pubsub';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql, type GraphQLResponse } from '@pdn/subgraph/testing';
import { alerts, feedSchema, type FeedSchema, type PostRow } from '../src/db/feed.tables.js';
import { loadFeedSettings } from '../src/feed.config.js';
import { FEED_MIGRATIONS, startFeed } from '../src/feed-app.js';
import { coordinatorOf, insertPost, TestClock } from './posts-fixtures.js';

const quiet = { info() {}, warn() {}, error() {} };
const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.['code'];

// Partner applications in the feed: FEED_READ for posts, ALERTS_READ for alerts, their key's
// départements, public posts only; over HTTP and over graphql-ws alike.
describe('feed subgraph: partner applications', () => {
  const settings = loadFeedSettings({ FEED_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const clock = new TestClock(new Date('2026-03-10T10:00:00+01:00'));
  let testDb: TestDatabase<FeedSchema>;
  let pubsub: PubSubEngine;
  let subgraph: RunningSubgraph;
  let gersPublic: PostRow;
  let gersNetwork: PostRow;
  let landesPublic: PostRow;
  let toulousePublic: PostRow;
  const sockets: Client[] = [];

  const partner = (scopes: ApiScope[], departments = ['32', '40']): Caller => ({ kind: 'partner', apiKeyId: randomUUID(), scopes, departments });
  const reader = partner(['FEED_READ', 'ALERTS_READ']);

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'feed', migrationsFolder: FEED_MIGRATIONS, schema: feedSchema });
    const db = testDb.database;
    gersPublic = await insertPost(db, { title: 'Public Gers', department: '32', publishedAt: new Date('2026-03-01T10:00:00Z') });
    gersNetwork = await insertPost(db, { title: 'Réseau Gers', department: '32', audience: 'NETWORK', publishedAt: new Date('2026-03-02T10:00:00Z') });
    landesPublic = await insertPost(db, { title: 'Public Landes', department: '40', publishedAt: new Date('2026-03-03T10:00:00Z') });
    toulousePublic = await insertPost(db, { title: 'Public Toulouse', department: '31', publishedAt: new Date('2026-03-04T10:00:00Z') });
    await insertPost(db, { title: 'Masqué Gers', department: '32', status: 'HIDDEN', publishedAt: new Date('2026-03-05T10:00:00Z') });
    const raisedBy = randomUUID();
    await db.db.insert(alerts).values([
      { severity: 'WARNING', category: 'SCAM', title: 'Arnaque Gers', body: 'Vigilance.', departments: ['32'], raisedBy, raisedAt: new Date('2026-03-01T10:00:00Z') },
      { severity: 'WARNING', category: 'SCAM', title: 'Arnaque Toulouse', body: 'Vigilance.', departments: ['31'], raisedBy, raisedAt: new Date('2026-03-02T10:00:00Z') },
    ]);
    pubsub = createPubSub({ logger: quiet });
    subgraph = await startFeed(settings, { database: db, clock, pubsub });
  });

  afterAll(async () => {
    for (const socket of sockets) await socket.dispose();
    await subgraph?.close();
    await pubsub?.close();
    await testDb?.dispose();
  });

  const graphql = signedGraphql(() => subgraph.url, identitySigningKey(settings));
  const titles = (connection: { edges: { node: { title: string } }[] }) => connection.edges.map((e) => e.node.title);

  describe('posts', () => {
    it('should refuse a key without FEED_READ with FORBIDDEN, on feed and post', async () => {
      const key = partner(['DIRECTORY_READ', 'CALENDAR_READ', 'ALERTS_READ']);
      expect(codeOf(await graphql('{ feed { totalCount } }', key))).toBe('FORBIDDEN');
      expect(codeOf(await graphql('query ($id: ID!) { post(id: $id) { title } }', key, { id: gersPublic.id }))).toBe('FORBIDDEN');
    });

    it("should list the public, published posts of the key's départements only", async () => {
      const { data, errors } = await graphql('{ feed { edges { node { title } } } }', reader);
      expect(errors).toBeUndefined();
      expect(titles(data.feed)).toEqual(['Public Landes', 'Public Gers']);
      const gers = await graphql('{ feed(filter: { department: "32" }) { edges { node { title } } } }', reader);
      expect(titles(gers.data.feed)).toEqual(['Public Gers']);
    });

    it('should refuse a feed of another département with FORBIDDEN', async () => {
      expect(codeOf(await graphql('{ feed(filter: { department: "31" }) { totalCount } }', reader))).toBe('FORBIDDEN');
    });

    it("should answer a post outside the key's départements, or for the network only, as absent", async () => {
      const post = async (id: string) => (await graphql('query ($id: ID!) { post(id: $id) { title } }', reader, { id })).data.post;
      expect(await post(toulousePublic.id)).toBeNull();
      expect(await post(gersNetwork.id)).toBeNull();
      expect(await post(landesPublic.id)).toEqual({ title: 'Public Landes' });
    });

    it("should show a member's posts within the key's départements only", async () => {
      const { data, errors } = await graphql(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { posts { edges { node { title } } } } } }',
        reader,
        { r: [{ __typename: 'Member', id: toulousePublic.authorId }, { __typename: 'Member', id: gersPublic.authorId }] },
      );
      expect(errors).toBeUndefined();
      expect(data._entities.map((m: { posts: { edges: { node: { title: string } }[] } }) => titles(m.posts))).toEqual([[], ['Public Gers']]);
    });

    it('should refuse partners every mutation', async () => {
      const publish = await graphql('mutation { publishPost(input: { kind: NEWS, title: "Un titre", body: "Un texte", audience: PUBLIC }) { id } }', reader);
      expect(codeOf(publish)).toBe('FORBIDDEN');
      expect(codeOf(await graphql('mutation ($id: ID!) { reactToPost(postId: $id, reaction: USEFUL) { id } }', reader, { id: gersPublic.id }))).toBe('FORBIDDEN');
    });
  });

  describe('alerts', () => {
    it('should refuse a key without ALERTS_READ with FORBIDDEN', async () => {
      expect(codeOf(await graphql('{ alerts { totalCount } }', partner(['FEED_READ'])))).toBe('FORBIDDEN');
    });

    it("should list the alerts of the key's départements, refuse another, and not say who acknowledged", async () => {
      const { data, errors } = await graphql('{ alerts { edges { node { title acknowledgedByMe } } } }', reader);
      expect(errors).toBeUndefined();
      expect(data.alerts.edges).toEqual([{ node: { title: 'Arnaque Gers', acknowledgedByMe: false } }]);
      expect(codeOf(await graphql('{ alerts(filter: { department: "31" }) { totalCount } }', reader))).toBe('FORBIDDEN');
      const hasAcknowledged = await graphql(
        'query ($r: [_Any!]!, $a: ID!) { _entities(representations: $r) { ... on Member { hasAcknowledged(alertId: $a) } } }',
        reader,
        { r: [{ __typename: 'Member', id: randomUUID() }], a: randomUUID() },
      );
      expect(codeOf(hasAcknowledged)).toBe('FORBIDDEN');
    });
  });

  describe('subscriptions over graphql-ws', () => {
    function connect(caller: Caller): Client {
      const client = createClient({
        url: subgraph.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { ...signIdentity(caller, identitySigningKey(settings)) },
        retryAttempts: 0,
      });
      sockets.push(client);
      return client;
    }

    it('should refuse postPublished without FEED_READ, and alertRaised without ALERTS_READ, with FORBIDDEN', async () => {
      const posts = await connect(partner(['ALERTS_READ'])).iterate({ query: 'subscription { postPublished { id } }' }).next();
      expect((posts.value as GraphQLResponse).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      const raised = await connect(partner(['FEED_READ'])).iterate({ query: 'subscription { alertRaised { id } }' }).next();
      expect((raised.value as GraphQLResponse).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    });

    it('should stream to a partner the public posts of its départements only', async () => {
      const stream = connect(reader).iterate<{ postPublished: { title: string } }>({ query: 'subscription { postPublished { title } }' });
      const gers = coordinatorOf('32');
      const toulouse = coordinatorOf('31');
      const publish = async (author: Caller, title: string, audience: 'PUBLIC' | 'NETWORK') => {
        const published = await graphql('mutation ($input: PublishPostInput!) { publishPost(input: $input) { id } }', author, {
          input: { kind: 'NEWS', title, body: 'Texte.', audience },
        });
        expect(published.errors).toBeUndefined();
      };
      try {
        // The subscription starts listening some time after `iterate`: publish until the first one arrives.
        const first = stream.next();
        let arrived = false;
        void first.then(() => (arrived = true));
        for (let i = 0; i < 100 && !arrived; i++) {
          await publish(gers, `Ping ${i}`, 'PUBLIC');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect((await first).value).toMatchObject({ data: { postPublished: { title: expect.stringMatching(/^Ping/) } } });
        await publish(toulouse, 'En Haute-Garonne', 'PUBLIC');
        await publish(gers, 'Pour le réseau', 'NETWORK');
        await publish(gers, 'Pour tous dans le Gers', 'PUBLIC');
        let next = await stream.next();
        while ((next.value as { data: { postPublished: { title: string } } }).data.postPublished.title.startsWith('Ping')) next = await stream.next();
        expect(next.value).toEqual({ data: { postPublished: { title: 'Pour tous dans le Gers' } } });
      } finally {
        await stream.return?.();
      }
    });
  });
});
