import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { signIdentity } from '@pdn/identity';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { comments, feedSchema, reactions, type FeedSchema, type PostRow } from '../src/db/feed.tables.js';
import { FEED_MIGRATIONS, startFeed } from '../src/feed-app.js';
import { loadFeedSettings } from '../src/feed.config.js';
import { anonymous, coordinatorOf, insertPost, promeneur, TestClock } from './posts-fixtures.js';


// Posts as the gateway sees them: real HTTP, signed identities, federation's `_entities`, error codes,
// and the number of SQL statements a feed page costs.
describe('feed subgraph: posts over HTTP', () => {
  const settings = loadFeedSettings({ FEED_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const key = identitySigningKey(settings);
  const clock = new TestClock(new Date('2026-11-20T09:00:00+01:00'));
  const statements: string[] = [];
  const reader = promeneur();
  const gers = coordinatorOf('32');
  const authors = Array.from({ length: 25 }, () => promeneur());
  let testDb: TestDatabase<FeedSchema>;
  let subgraph: RunningSubgraph;
  const originals: PostRow[] = [];
  const relays: PostRow[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'feed', migrationsFolder: FEED_MIGRATIONS, schema: feedSchema, onQuery: (sql) => statements.push(sql) });
    // 25 originals, each republished an hour later, commented three times and given reactions: a
    // page of the feed alternates originals and republications.
    for (let i = 0; i < 25; i++) {
      const author = authors[i]!;
      const original = await insertPost(testDb.database, {
        title: `Initiative ${i}`,
        authorId: author.memberId,
        structureId: author.structureId,
        publishedAt: new Date(Date.UTC(2026, 9, 1, 2 * i)),
      });
      originals.push(original);
      const relayer = authors[(i + 1) % 25]!;
      relays[(i + 1) % 25] = await insertPost(testDb.database, {
        title: original.title,
        body: 'À relayer',
        authorId: relayer.memberId,
        republishedFromId: original.id,
        publishedAt: new Date(Date.UTC(2026, 9, 1, 2 * i + 1)),
      });
      await testDb.database.db.insert(comments).values([0, 1, 2].map((c) => ({ postId: original.id, authorId: authors[(i + c) % 25]!.memberId, body: `Merci ${c}`, createdAt: new Date(Date.UTC(2026, 9, 3, 0, c)) })));
      await testDb.database.db.insert(reactions).values([
        { postId: original.id, memberId: reader.memberId, reaction: 'USEFUL' },
        { postId: original.id, memberId: author.memberId, reaction: 'THANKS' },
      ]);
    }
    subgraph = await startFeed(settings, { database: testDb.database, clock });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  const graphql = signedGraphql(() => subgraph.url, key);

  const feedPage = `query ($first: Int) { feed(first: $first) { totalCount edges { node {
    id title bodyHtml publishedAt author { id } structure { id }
    republishedFrom { id author { id } republishCount }
    republishCount reactions { reaction count } myReactions
    comments(first: 2) { totalCount edges { node { body author { id } post { id } } } }
  } } } }`;

  async function countedPage(first: number) {
    statements.length = 0;
    const body = await graphql(feedPage, reader, { first });
    return { body, statements: statements.length };
  }

  it('should resolve a feed page with its nested fields in the same number of SQL statements whatever its size', async () => {
    const small = await countedPage(5);
    const large = await countedPage(20);
    expect(small.body.errors).toBeUndefined();
    expect(large.body.errors).toBeUndefined();
    expect(large.body.data.feed.edges).toHaveLength(20);
    expect(large.statements).toBe(small.statements);
    // page + total, the originals and the comments' posts, republish counts (page, then originals),
    // reactions, my reactions, comments + their totals: one statement per batch.
    expect(large.statements).toBeLessThanOrEqual(10);
  });

  it('should give each post its own nested values', async () => {
    const { body } = await countedPage(50);
    const nodes = body.data.feed.edges.map((e: { node: unknown }) => e.node);
    expect(body.data.feed.totalCount).toBe(50);
    const relay = nodes.find((n: { republishedFrom: unknown }) => n.republishedFrom);
    const original = originals.find((o) => o.id === relay.republishedFrom.id)!;
    expect(relay).toMatchObject({ republishCount: 0, comments: { totalCount: 0, edges: [] }, reactions: [{ reaction: 'USEFUL', count: 0 }, { reaction: 'THANKS', count: 0 }, { reaction: 'SUPPORT', count: 0 }] });
    expect(relay.republishedFrom).toMatchObject({ author: { id: original.authorId }, republishCount: 1 });
    const shown = nodes.find((n: { id: string }) => n.id === original.id);
    expect(shown).toMatchObject({
      author: { id: original.authorId },
      structure: { id: original.structureId },
      republishedFrom: null,
      republishCount: 1,
      reactions: [{ reaction: 'USEFUL', count: 1 }, { reaction: 'THANKS', count: 1 }, { reaction: 'SUPPORT', count: 0 }],
      myReactions: ['USEFUL'],
      comments: { totalCount: 3, edges: [{ node: { body: 'Merci 0', post: { id: original.id } } }, { node: { body: 'Merci 1' } }] },
    });
    expect(shown.publishedAt).toMatch(/\+0[12]:00$/);
  });

  it('should resolve Post references and Member.posts in batches, with the caller\'s visibility', async () => {
    const hidden = await insertPost(testDb.database, { audience: 'NETWORK', authorId: authors[0]!.memberId, publishedAt: new Date('2026-11-15T10:00:00Z') });
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Post { id title }
      ... on Member { id posts(first: 1) { totalCount edges { node { id } } } }
    } }`;
    const representations = (n: number) => [
      ...originals.slice(0, n).map((p) => ({ __typename: 'Post', id: p.id })),
      ...authors.slice(0, n).map((a) => ({ __typename: 'Member', id: a.memberId })),
      { __typename: 'Post', id: hidden.id },
    ];
    statements.length = 0;
    const few = await graphql(query, anonymous, { representations: representations(3) });
    const fewStatements = statements.length;
    statements.length = 0;
    const many = await graphql(query, anonymous, { representations: representations(20) });
    expect(statements.length).toBe(fewStatements);
    expect(few.errors).toBeUndefined();
    const entities = many.data._entities;
    expect(entities.at(-1)).toBeNull();
    // authors[0] wrote originals[0] and relayed originals[24] later; the NETWORK post is not for anonymous callers.
    expect(entities[20]).toMatchObject({ id: authors[0]!.memberId, posts: { totalCount: 2, edges: [{ node: { id: relays[0]!.id } }] } });
    const asMember = await graphql(query, reader, { representations: [{ __typename: 'Post', id: hidden.id }, { __typename: 'Member', id: authors[0]!.memberId }] });
    expect(asMember.data._entities[0]).toMatchObject({ id: hidden.id });
    expect(asMember.data._entities[1].posts).toMatchObject({ totalCount: 3, edges: [{ node: { id: hidden.id } }] });
  });

  it('should answer with the contract\'s error codes and fields', async () => {
    const publish = `mutation ($input: PublishPostInput!) { publishPost(input: $input) { id } }`;
    const input = { kind: 'NEWS', title: 'Un lien', body: 'Voir le lien', audience: 'PUBLIC', links: [{ url: 'javascript:alert(1)' }] };
    const anonymousTry = await graphql(publish, anonymous, { input });
    expect(anonymousTry.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const badLink = await graphql(publish, reader, { input });
    expect(badLink.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.links.0.url' });
    const moderate = `mutation ($id: ID!) { moderatePost(postId: $id, action: HIDE, reason: "Hors charte") { status } }`;
    expect((await graphql(moderate, reader, { id: originals[0]!.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(moderate, gers, { id: originals[0]!.id })).data.moderatePost).toEqual({ status: 'HIDDEN' });
    const republish = `mutation ($id: ID!) { republish(postId: $id) { id } }`;
    expect((await graphql(republish, reader, { id: originals[0]!.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphql(republish, authors[1]!, { id: originals[1]!.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('should publish with the sanitised HTML body', async () => {
    const publish = `mutation ($input: PublishPostInput!) { publishPost(input: $input) { bodyHtml department author { id } } }`;
    const input = { kind: 'RESOURCE', title: 'Guide', body: '[Guide](https://guide.example.org) <script>alert(1)</script>', audience: 'NETWORK' };
    const { data, errors } = await graphql(publish, reader, { input });
    expect(errors).toBeUndefined();
    expect(data.publishPost).toEqual({
      bodyHtml: '<p><a href="https://guide.example.org" rel="noopener nofollow">Guide</a> </p>',
      department: '32',
      author: { id: reader.memberId },
    });
  });

  it('should stream postPublished over graphql-ws with the connection\'s visibility: anonymous connections get PUBLIC posts only', async () => {
    const client = createClient({ url: subgraph.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { ...signIdentity(anonymous, key) }, retryAttempts: 0 });
    const stream = client.iterate<{ postPublished: { title: string; audience: string; author: { id: string } } }>({
      query: 'subscription { postPublished(filter: { kinds: [QUESTION] }) { title audience author { id } } }',
    });
    const publish = (title: string, audience: string, kind = 'QUESTION') =>
      graphql(`mutation ($input: PublishPostInput!) { publishPost(input: $input) { id } }`, reader, { input: { kind, title, body: 'Une question', audience } });
    try {
      // The subscription starts listening some time after `iterate`: publish until the first one arrives.
      const first = stream.next();
      let arrived = false;
      void first.then(() => (arrived = true));
      for (let i = 0; i < 100 && !arrived; i++) {
        await publish(`Ping ${i}`, 'PUBLIC');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await first).value).toMatchObject({ data: { postPublished: { audience: 'PUBLIC', author: { id: reader.memberId } } } });
      // Drain the pings still in flight, then only the PUBLIC question may come through.
      await publish('Réservée au réseau', 'NETWORK');
      await publish('Pas une question', 'PUBLIC', 'NEWS');
      await publish('Question publique', 'PUBLIC');
      let next = await stream.next();
      while ((next.value as { data: { postPublished: { title: string } } }).data.postPublished.title.startsWith('Ping')) next = await stream.next();
      expect(next.value).toMatchObject({ data: { postPublished: { title: 'Question publique', audience: 'PUBLIC' } } });
    } finally {
      await stream.return?.();
      await client.dispose();
    }
  });
});
