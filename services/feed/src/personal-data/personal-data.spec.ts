import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import type { Caller } from '@pdn/identity';
import { personalDataCoverageProblems, personalDataExportProblems, type RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { alertAcknowledgements, alerts, comments, feedSchema, moderationActions, postReports, reactions, type AlertRow, type FeedSchema, type PostRow } from '../db/feed.tables.js';
import { FEED_MIGRATIONS, startFeed } from '../feed-app.js';
import { loadFeedSettings } from '../feed.config.js';
import { admin, anonymous, coordinatorOf, insertPost, partner, promeneur } from '../../test/posts-fixtures.js';
import { feedPersonalDataCoverage } from './personal-data.coverage.js';

const partQuery = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Member { id feedPersonalData } } }`;

// Feed's part of `myPersonalData`, as members fetches it: federation's `_entities` over HTTP with the
// caller's signed identity.
describe("feed's part of a member's personal data", () => {
  const settings = loadFeedSettings({ FEED_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const now = new Date('2026-11-26T10:00:00Z');
  const isabelle = coordinatorOf('32');
  const paul = promeneur();
  const moderator = coordinatorOf('32');
  let testDb: TestDatabase<FeedSchema>;
  let subgraph: RunningSubgraph;
  let ownPost: PostRow;
  let paulsPost: PostRow;
  let raised: AlertRow;
  let resolved: AlertRow;
  const graphql = signedGraphql(() => subgraph.url, identitySigningKey(settings));

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'feed', migrationsFolder: FEED_MIGRATIONS, schema: feedSchema });
    const database = testDb.database;
    const db = database.db;
    ownPost = await insertPost(database, { authorId: isabelle.memberId, structureId: isabelle.structureId, title: 'Permanence du mercredi', themes: ['HEALTH'] });
    paulsPost = await insertPost(database, { authorId: paul.memberId, structureId: paul.structureId, title: 'Forum des métiers' });
    const republication = await insertPost(database, { authorId: isabelle.memberId, republishedFromId: paulsPost.id, title: 'Forum des métiers', publishedAt: new Date('2026-11-21T09:00:00+01:00') });
    await db.insert(moderationActions).values([
      { postId: ownPost.id, action: 'HIDE', reason: 'lien cassé', byMemberId: moderator.memberId },
      { postId: paulsPost.id, action: 'HIDE', reason: 'hors sujet', byMemberId: isabelle.memberId },
    ]);
    await db.insert(comments).values([
      { postId: paulsPost.id, authorId: isabelle.memberId, body: 'Merci pour le partage !' },
      { postId: ownPost.id, authorId: paul.memberId, body: 'Bonne idée' },
    ]);
    await db.insert(reactions).values([
      { postId: paulsPost.id, memberId: isabelle.memberId, reaction: 'THANKS' },
      { postId: ownPost.id, memberId: paul.memberId, reaction: 'LIKE' },
    ]);
    await db.insert(postReports).values([
      { postId: paulsPost.id, memberId: isabelle.memberId, reason: 'Numéro de téléphone visible' },
      { postId: ownPost.id, memberId: paul.memberId, reason: 'doublon' },
    ]);
    [raised] = await db
      .insert(alerts)
      .values({ severity: 'HIGH', category: 'VIRAL_CHALLENGE', title: 'Défi dangereux', body: 'Un défi circule sur TikTok.', departments: ['32'], raisedBy: isabelle.memberId })
      .returning();
    [resolved] = await db
      .insert(alerts)
      .values({
        severity: 'MEDIUM',
        category: 'SCAM',
        title: 'Arnaque aux bourses',
        body: 'Faux site de bourses.',
        departments: ['32'],
        raisedBy: moderator.memberId,
        resolvedBy: isabelle.memberId,
        resolvedAt: new Date('2026-11-21T10:00:00Z'),
        resolutionNote: 'Site fermé',
      })
      .returning();
    await db.insert(alertAcknowledgements).values([
      { alertId: resolved!.id, memberId: isabelle.memberId },
      { alertId: raised!.id, memberId: paul.memberId },
    ]);
    expect(republication.republishedFromId).toBe(paulsPost.id);
    subgraph = await startFeed(settings, { database, clock: { now: () => now } });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  async function partOf(memberId: string, caller: Caller) {
    const body = await graphql(partQuery, caller, { representations: [{ __typename: 'Member', id: memberId }] });
    expect(body.errors).toBeUndefined();
    return body.data._entities[0].feedPersonalData;
  }

  it('should classify every table and every column that may hold a member id', () => {
    expect(personalDataCoverageProblems(feedSchema, feedPersonalDataCoverage)).toEqual([]);
  });

  it('should export every column of every table the member appears in', async () => {
    expect(personalDataExportProblems(feedSchema, feedPersonalDataCoverage, await partOf(isabelle.memberId, isabelle))).toEqual([]);
  });

  it("should hold the member's posts with their moderation, comments, reactions, reports, alerts and acknowledgements", async () => {
    const part = await partOf(isabelle.memberId, isabelle);
    expect(part.posts).toEqual([
      expect.objectContaining({ id: ownPost.id, title: 'Permanence du mercredi', themes: ['HEALTH'], moderation: [{ action: 'HIDE', reason: 'lien cassé', at: expect.any(String) }] }),
      expect.objectContaining({ republishedFromId: paulsPost.id, moderation: [] }),
    ]);
    expect(part.posts[0]).not.toHaveProperty('searchText');
    expect(part.comments).toEqual([expect.objectContaining({ postId: paulsPost.id, body: 'Merci pour le partage !', post: { title: 'Forum des métiers', publishedAt: '2026-11-20T09:00:00+01:00' } })]);
    expect(part.reactions).toEqual([expect.objectContaining({ postId: paulsPost.id, reaction: 'THANKS' })]);
    expect(part.reportsMade).toEqual([expect.objectContaining({ postId: paulsPost.id, reason: 'Numéro de téléphone visible' })]);
    expect(part.alertsRaised).toEqual([expect.objectContaining({ id: raised.id, title: 'Défi dangereux' })]);
    expect(part.alertsResolved).toEqual([expect.objectContaining({ id: resolved.id, resolutionNote: 'Site fermé' })]);
    expect(part.acknowledgements).toEqual([expect.objectContaining({ alertId: resolved.id, alert: { title: 'Arnaque aux bourses', severity: 'MEDIUM', raisedAt: expect.any(String) } })]);
  });

  it("should not show other members' comments, reactions and reports on the member's posts, nor what the member did as a moderator", async () => {
    const text = JSON.stringify(await partOf(isabelle.memberId, isabelle));
    expect(text).not.toContain(paul.memberId);
    expect(text).not.toContain('hors sujet');
    expect(text).not.toContain('Bonne idée');
    expect(text).not.toContain('doublon');
  });

  it.each<[string, () => Caller]>([
    ['another promeneur', () => paul],
    ['a coordinator of the département', () => moderator],
    ['an admin', () => admin()],
    ['a partner application', () => partner],
    ['an anonymous caller', () => anonymous],
  ])('should give %s null', async (_, caller) => {
    expect(await partOf(isabelle.memberId, caller())).toBeNull();
  });
});
