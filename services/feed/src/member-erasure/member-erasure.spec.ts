import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { FORMER_MEMBER_ID } from '@pdn/domain';
import { MEMBER_ERASED, domainEventCursors, processedDomainEvents } from '@pdn/domain-events';
import { eventually, startScriptedEventLog, type ScriptedEventLog } from '@pdn/domain-events/testing';
import { createPubSub, type PubSubEngine } from '@pdn/pubsub';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import {
  alertAcknowledgements,
  alerts,
  comments,
  feedSchema,
  moderationActions,
  postReports,
  posts,
  reactions,
  type FeedSchema,
} from '../db/feed.tables.js';
import { loadFeedSettings } from '../feed.config.js';
import { FEED_MIGRATIONS, startFeed } from '../feed-app.js';
import { TestClock, insertPost } from '../../test/posts-fixtures.js';

const quiet = { info() {}, warn() {}, error() {} };

// The feed subgraph as it runs: its consumer follows a members event log over real HTTP (a scripted
// one: the end-to-end tests run the real members subgraph) and applies member.erased.
describe('feed: a member erased their account', () => {
  const settings = loadFeedSettings({ FEED_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const key = identitySigningKey(settings);
  const clock = new TestClock(new Date('2026-11-25T10:00:00+01:00'));
  const reader = { kind: 'member' as const, memberId: randomUUID(), role: 'COORDINATOR' as const, status: 'ACTIVE' as const, departments: ['32'] };
  let testDb: TestDatabase<FeedSchema>;
  let members: ScriptedEventLog;
  let pubsub: PubSubEngine;
  let subgraph: RunningSubgraph;
  const graphql = signedGraphql(() => subgraph.url, key);
  const db = () => testDb.database.db;

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'feed', migrationsFolder: FEED_MIGRATIONS, schema: feedSchema });
    members = await startScriptedEventLog('members', key);
    pubsub = createPubSub({ logger: quiet });
    subgraph = await startFeed(
      loadFeedSettings({ FEED_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent', MEMBERS_EVENTS_URL: members.url, DOMAIN_EVENTS_WAIT_SECONDS: '0', DOMAIN_EVENTS_MIN_BACKOFF_MS: '20', DOMAIN_EVENTS_MAX_BACKOFF_MS: '100' }),
      { database: testDb.database, clock, pubsub },
    );
  });

  afterAll(async () => {
    await subgraph?.close();
    await pubsub?.close();
    await members?.close();
    await testDb?.dispose();
  });

  /** A member's traces across the feed: a post with a comment, reactions, a report, a moderation, an alert raised and acknowledged. */
  async function tracesOf(memberId: string) {
    const other = randomUUID();
    const own = await insertPost(testDb.database, { authorId: memberId, title: 'Mon atelier du mercredi' });
    const othersPost = await insertPost(testDb.database, { authorId: other, title: 'Un post d\u2019un autre membre' });
    await db().insert(comments).values([
      { postId: own.id, authorId: other, body: 'Merci !' },
      { postId: othersPost.id, authorId: memberId, body: 'Très utile' },
    ]);
    await db().insert(reactions).values([
      { postId: othersPost.id, memberId, reaction: 'USEFUL' },
      { postId: othersPost.id, memberId: other, reaction: 'USEFUL' },
      { postId: own.id, memberId: other, reaction: 'THANKS' },
    ]);
    await db().insert(postReports).values({ postId: othersPost.id, memberId, reason: 'Hors sujet' });
    await db().insert(moderationActions).values({ postId: othersPost.id, action: 'RESTORE', reason: 'Vérifié', byMemberId: memberId });
    const [alert] = await db()
      .insert(alerts)
      .values({ severity: 'WARNING', category: 'SCAM', title: 'Arnaque', body: 'Faux concours sur Instagram', departments: ['32'], raisedBy: memberId, raisedAt: new Date('2026-11-20T09:00:00+01:00') })
      .returning();
    await db().insert(alertAcknowledgements).values([
      { alertId: alert!.id, memberId },
      { alertId: alert!.id, memberId: other },
    ]);
    return { other, own, othersPost, alert: alert! };
  }

  async function erase(memberId: string, deletePosts: boolean) {
    const event = members.push({ type: MEMBER_ERASED, payload: { memberId, department: '32', deletePosts } });
    await eventually(async () => {
      const [cursor] = await db().select().from(domainEventCursors).where(eq(domainEventCursors.producer, 'members'));
      return cursor && cursor.position >= event.position ? true : undefined;
    }, 'feed to apply the erasure');
    return event;
  }

  const POST = `query ($id: ID!) { post(id: $id) { title author { id } comments { edges { node { body author { id } } } } reactions { reaction count } } }`;
  const ALERT = `query ($id: ID!) { alert(id: $id) { title raisedBy { id } acknowledgementCount } }`;

  it('should keep posts and comments by the former member, and detach or remove the rest', async () => {
    const erased = randomUUID();
    const { other, own, othersPost, alert } = await tracesOf(erased);
    await erase(erased, false);

    const ownAfter = await graphql(POST, reader, { id: own.id });
    expect(ownAfter.errors).toBeUndefined();
    expect(ownAfter.data.post).toMatchObject({ title: own.title, author: { id: FORMER_MEMBER_ID }, comments: { edges: [{ node: { body: 'Merci !', author: { id: other } } }] } });
    const othersAfter = await graphql(POST, reader, { id: othersPost.id });
    expect(othersAfter.data.post.author).toEqual({ id: other });
    expect(othersAfter.data.post.comments.edges).toEqual([{ node: { body: 'Très utile', author: { id: FORMER_MEMBER_ID } } }]);
    expect(othersAfter.data.post.reactions).toContainEqual({ reaction: 'USEFUL', count: 1 });

    const alertAfter = await graphql(ALERT, reader, { id: alert.id });
    expect(alertAfter.data.alert).toEqual({ title: 'Arnaque', raisedBy: { id: FORMER_MEMBER_ID }, acknowledgementCount: 2 });
    const acknowledged = await graphql(
      'query ($r: [_Any!]!, $alert: ID!) { _entities(representations: $r) { ... on Member { hasAcknowledged(alertId: $alert) } } }',
      reader,
      { r: [{ __typename: 'Member', id: erased }, { __typename: 'Member', id: other }], alert: alert.id },
    );
    expect(acknowledged.data._entities).toEqual([{ hasAcknowledged: false }, { hasAcknowledged: true }]);

    expect(await db().select().from(reactions).where(eq(reactions.memberId, erased))).toEqual([]);
    expect((await db().select().from(postReports).where(eq(postReports.postId, othersPost.id))).map((r) => r.memberId)).toEqual([null]);
    expect((await db().select().from(moderationActions).where(eq(moderationActions.postId, othersPost.id))).map((m) => m.byMemberId)).toEqual([null]);
    const leftovers = JSON.stringify([
      await db().select().from(posts),
      await db().select().from(comments),
      await db().select().from(alerts),
      await db().select().from(alertAcknowledgements),
      await db().select().from(postReports),
      await db().select().from(moderationActions),
    ]);
    expect(leftovers).not.toContain(erased);
  });

  it('should answer a post, comment or alert detached from its author with the former member, for members to resolve', async () => {
    const detached = await insertPost(testDb.database, { authorId: randomUUID(), title: 'Un post sans auteur' });
    await db().update(posts).set({ authorId: null }).where(eq(posts.id, detached.id));
    await db().insert(comments).values({ postId: detached.id, authorId: null, body: 'Un commentaire sans auteur' });
    const [alert] = await db()
      .insert(alerts)
      .values({ severity: 'INFO', category: 'SCAM', title: 'Sans auteur', body: 'Une alerte sans auteur', departments: ['32'], raisedBy: null, raisedAt: new Date('2026-11-21T09:00:00+01:00') })
      .returning();
    const former = { __typename: 'Member', id: FORMER_MEMBER_ID };

    const post = await graphql(
      'query ($id: ID!) { post(id: $id) { author { __typename id } comments { edges { node { author { __typename id } } } } } }',
      reader,
      { id: detached.id },
    );
    expect(post.errors).toBeUndefined();
    expect(post.data.post).toEqual({ author: former, comments: { edges: [{ node: { author: former } }] } });
    const raised = await graphql('query ($id: ID!) { alert(id: $id) { raisedBy { __typename id } } }', reader, { id: alert!.id });
    expect(raised.errors).toBeUndefined();
    expect(raised.data.alert).toEqual({ raisedBy: former });
  });

  it('should delete the posts and comments of a member who asked for it', async () => {
    const erased = randomUUID();
    const { own, othersPost, alert } = await tracesOf(erased);
    await erase(erased, true);

    expect((await graphql(POST, reader, { id: own.id })).data.post).toBeNull();
    expect(await db().select().from(comments).where(eq(comments.postId, own.id))).toEqual([]);
    const othersAfter = await graphql(POST, reader, { id: othersPost.id });
    expect(othersAfter.data.post.comments.edges).toEqual([]);
    // Acknowledgements are not posts: they stay counted.
    expect((await graphql(ALERT, reader, { id: alert.id })).data.alert).toMatchObject({ raisedBy: { id: FORMER_MEMBER_ID }, acknowledgementCount: 2 });
  });

  it('should apply an erasure delivered twice only once', async () => {
    const erased = randomUUID();
    const { own } = await tracesOf(erased);
    const first = await erase(erased, false);
    // Posted again after the erasure under the same id (a stale token, say): a redelivery must not touch it.
    await db().update(posts).set({ authorId: erased }).where(eq(posts.id, own.id));
    members.push({ id: first.id, type: MEMBER_ERASED, payload: { memberId: erased, department: '32', deletePosts: false } });
    await erase(randomUUID(), false);
    expect((await db().select({ authorId: posts.authorId }).from(posts).where(eq(posts.id, own.id)))[0]!.authorId).toBe(erased);
    expect((await db().select().from(processedDomainEvents).where(eq(processedDomainEvents.eventId, first.id)))).toHaveLength(1);
  });
});
