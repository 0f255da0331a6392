import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { Theme } from '@pdn/domain';
import { createLogger } from '@pdn/logging';
import { createPubSub, type PubSubEngine } from '@pdn/pubsub';
import type { Caller } from '@pdn/identity';
import { FEED_MIGRATIONS } from '../feed-app.js';
import { feedSchema, moderationActions, posts, type FeedSchema, type PostRow } from '../db/feed.tables.js';
import { admin, anonymous, coordinatorOf, insertPost, partner, promeneur, refusal, TestClock } from '../../test/posts-fixtures.js';
import { ModerationAction, PostAudience, PostKind, Reaction } from './post.enums.js';
import type { FeedFilter, PublishPostInput } from './post.input.js';
import { PostsRepository } from './posts.repository.js';
import { PostsService } from './posts.service.js';

// Medium tier: the posts rules against a real database (PostgreSQL when TEST_DATABASE_URL is set).
describe('posts', () => {
  let testDb: TestDatabase<FeedSchema>;
  let pubsub: PubSubEngine;
  let service: PostsService;
  let repository: PostsRepository;
  const clock = new TestClock(new Date('2026-11-20T09:00:00+01:00'));
  const gers = coordinatorOf('32');
  const haute = coordinatorOf('31');
  const alice = promeneur();
  const bruno = promeneur();
  const toulouse = promeneur('ACTIVE', '31');

  const news = (overrides: Partial<PublishPostInput> = {}): PublishPostInput => ({
    kind: PostKind.NEWS,
    title: 'Permanence Instagram du BIJ',
    body: 'Le **BIJ d\'Auch** répond aux jeunes le mercredi soir.',
    audience: PostAudience.PUBLIC,
    ...overrides,
  });

  const ids = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((e) => e.node.id);
  const feedIds = async (caller: Caller, filter: FeedFilter | null = null, first = 50) => ids(await service.list(caller, filter, first));

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'feed', migrationsFolder: FEED_MIGRATIONS, schema: feedSchema });
    pubsub = createPubSub({ logger: createLogger('feed', 'silent') });
    repository = new PostsRepository(testDb.database);
    service = new PostsService(repository, clock, pubsub);
  });

  afterAll(async () => {
    await pubsub?.close();
    await testDb?.dispose();
  });

  beforeEach(async () => {
    clock.set('2026-11-20T09:00:00+01:00');
    await testDb.database.db.delete(posts);
  });

  describe('publishing', () => {
    it('should publish in the author\'s home département, for their structure, at the clock\'s time', async () => {
      const post = await service.publish(alice, news({ themes: [Theme.HEALTH, Theme.HEALTH], links: [{ url: 'https://bij.example.org/agenda', title: 'Agenda' }] }));
      expect(post).toMatchObject({
        kind: 'NEWS',
        status: 'PUBLISHED',
        audience: 'PUBLIC',
        department: '32',
        authorId: alice.memberId,
        structureId: alice.structureId,
        themes: ['HEALTH'],
        links: [{ url: 'https://bij.example.org/agenda', title: 'Agenda' }],
        republishedFromId: null,
      });
      expect(post.publishedAt.toISOString()).toBe('2026-11-20T08:00:00.000Z');
      expect(post.searchText).toBe('permanence instagram du bij le bij d auch repond aux jeunes le mercredi soir');
    });

    it('should publish from the first of a coordinator\'s départements', async () => {
      const post = await service.publish(coordinatorOf('31', '32'), news());
      expect(post.department).toBe('31');
    });

    it('should let only active members publish: candidates and suspended members are FORBIDDEN, others UNAUTHENTICATED', async () => {
      await refusal(service.publish(promeneur('CANDIDATE'), news()), 'FORBIDDEN');
      await refusal(service.publish(promeneur('SUSPENDED'), news()), 'FORBIDDEN');
      await refusal(service.publish(anonymous, news()), 'UNAUTHENTICATED');
      await refusal(service.publish(partner, news()), 'UNAUTHENTICATED');
      expect(await service.publish(gers, news())).toMatchObject({ authorId: gers.memberId });
    });

    it('should refuse invalid fields with BAD_USER_INPUT naming them', async () => {
      const cases: [Partial<PublishPostInput>, string][] = [
        [{ title: '  ' }, 'input.title'],
        [{ title: 'x'.repeat(201) }, 'input.title'],
        [{ body: ' \n ' }, 'input.body'],
        [{ body: 'x'.repeat(20_001) }, 'input.body'],
        [{ links: [{ url: 'https://ok.example.org' }, { url: 'javascript:alert(1)' }] }, 'input.links.1.url'],
        [{ links: [{ url: 'ftp://files.example.org/doc.pdf' }] }, 'input.links.0.url'],
        [{ links: [{ url: 'pas un lien' }] }, 'input.links.0.url'],
        [{ links: [{ url: 'https://ok.example.org', title: 'x'.repeat(201) }] }, 'input.links.0.title'],
        [{ links: Array.from({ length: 11 }, (_, i) => ({ url: `https://ok.example.org/${i}` })) }, 'input.links'],
        [{ themes: Object.values(Theme).slice(0, 9) }, 'input.themes'],
      ];
      for (const [overrides, field] of cases) await refusal(service.publish(alice, news(overrides)), 'BAD_USER_INPUT', field);
      expect(await service.publish(alice, news({ title: 'x'.repeat(200), body: 'x'.repeat(20_000) }))).toBeTruthy();
    });

    it('should keep the Markdown body as written, only trimmed at its ends', async () => {
      const post = await service.publish(alice, news({ body: '\n- un\n- deux\n\n    code\n' }));
      expect(post.body).toBe('- un\n- deux\n\n    code');
    });
  });

  describe('visibility', () => {
    let open: PostRow;
    let network: PostRow;

    beforeEach(async () => {
      open = await insertPost(testDb.database, { audience: 'PUBLIC', authorId: alice.memberId });
      network = await insertPost(testDb.database, { audience: 'NETWORK', authorId: alice.memberId });
    });

    it('should show PUBLIC posts to anonymous callers and partners, and NETWORK posts to network members only', async () => {
      expect(await feedIds(anonymous)).toEqual([open.id]);
      expect(await feedIds(partner)).toEqual([open.id]);
      expect(await service.get(anonymous, network.id)).toBeNull();
      expect(await service.get(partner, network.id)).toBeNull();
      expect(await service.get(anonymous, open.id)).toMatchObject({ id: open.id });
      expect((await feedIds(promeneur('CANDIDATE'))).sort()).toEqual([open.id, network.id].sort());
      expect(await service.get(toulouse, network.id)).toMatchObject({ id: network.id });
      expect(await feedIds(promeneur('SUSPENDED'))).toEqual([open.id]);
      expect((await service.list(anonymous, null)).totalCount).toBe(1);
    });

    it('should hide a HIDDEN post from everyone but its author and the coordinators of its département', async () => {
      await service.moderate(gers, open.id, ModerationAction.HIDE, 'Coordonnées d\'un jeune');
      for (const caller of [anonymous, partner, bruno, haute, toulouse]) {
        expect(await feedIds(caller)).not.toContain(open.id);
        expect(await service.get(caller, open.id)).toBeNull();
      }
      for (const caller of [alice, gers, admin()]) {
        expect(await feedIds(caller)).toContain(open.id);
        expect(await service.get(caller, open.id)).toMatchObject({ status: 'HIDDEN' });
      }
    });

    it('should hide the republications of a hidden post with it, since they carry its title and links', async () => {
      const relay = await service.republish(toulouse, open.id, 'À relayer');
      await service.moderate(gers, open.id, ModerationAction.HIDE, 'Contenu inapproprié');
      expect(await feedIds(bruno)).not.toContain(relay.id);
      expect(await service.get(bruno, relay.id)).toBeNull();
      expect(await feedIds(gers)).toContain(relay.id);
      await service.moderate(gers, open.id, ModerationAction.RESTORE, 'Vérifié');
      expect(await feedIds(bruno)).toContain(relay.id);
    });
  });

  describe('the feed', () => {
    it('should list newest first and page with stable cursors', async () => {
      const made: PostRow[] = [];
      for (let i = 0; i < 5; i++) made.push(await insertPost(testDb.database, { title: `Post ${i}`, publishedAt: new Date(Date.UTC(2026, 10, 1 + i)) }));
      // Two posts at the same instant are ordered by id, and pages neither skip nor repeat them.
      made.push(await insertPost(testDb.database, { title: 'Twin', publishedAt: made[4]!.publishedAt }));
      const expected = [...made].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || b.id.localeCompare(a.id)).map((p) => p.id);
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await service.list(bruno, null, 2, after);
        expect(page.totalCount).toBe(6);
        seen.push(...ids(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
    });

    it('should refuse a cursor that is not one of its own', async () => {
      await refusal(service.list(bruno, null, 2, 'garbage'), 'BAD_USER_INPUT', 'after');
      await insertPost(testDb.database);
      await insertPost(testDb.database);
      const ranked = await service.list(bruno, { search: 'permanence' }, 1);
      await refusal(service.list(bruno, null, 1, ranked.pageInfo.endCursor), 'BAD_USER_INPUT', 'after');
      await refusal(service.list(bruno, null, 101), 'BAD_USER_INPUT', 'first');
    });

    it('should apply every filter: kinds, themes (any of), author, structure, département', async () => {
      const structureId = alice.structureId!;
      const a = await insertPost(testDb.database, { kind: 'NEWS', themes: ['HEALTH', 'SPORT'], authorId: alice.memberId, structureId });
      const b = await insertPost(testDb.database, { kind: 'RESOURCE', themes: ['HOUSING'], department: '31' });
      const c = await insertPost(testDb.database, { kind: 'QUESTION', themes: [] });
      expect(await feedIds(bruno, { kinds: [PostKind.RESOURCE, PostKind.QUESTION] })).toEqual(expect.arrayContaining([b.id, c.id]));
      expect(await feedIds(bruno, { kinds: [PostKind.RESOURCE, PostKind.QUESTION] })).toHaveLength(2);
      expect((await feedIds(bruno, { themes: [Theme.SPORT, Theme.HOUSING] })).sort()).toEqual([a.id, b.id].sort());
      expect(await feedIds(bruno, { authorId: alice.memberId })).toEqual([a.id]);
      expect(await feedIds(bruno, { structureId })).toEqual([a.id]);
      expect(await feedIds(bruno, { department: '31' })).toEqual([b.id]);
      expect(await feedIds(bruno, { department: '31', kinds: [PostKind.NEWS] })).toEqual([]);
      await refusal(service.list(bruno, { department: 'Gers' }), 'BAD_USER_INPUT', 'filter.department');
      await refusal(service.list(bruno, { authorId: 'nobody' }), 'BAD_USER_INPUT', 'filter.authorId');
    });

    it('should search in French: accents ignored, words stemmed', async () => {
      const harassment = await insertPost(testDb.database, { title: 'Vague de cyber-harcèlement', body: 'Un défi circule sur TikTok.' });
      const youth = await insertPost(testDb.database, { title: 'Atelier', body: 'Pour un jeune qui cherche un stage.' });
      await insertPost(testDb.database, { title: 'Autre chose', body: 'Rien à voir.' });
      expect(await feedIds(bruno, { search: 'harcelement' })).toEqual([harassment.id]);
      expect(await feedIds(bruno, { search: 'HARCÈLEMENT' })).toEqual([harassment.id]);
      expect(await feedIds(bruno, { search: 'defis' })).toEqual([harassment.id]);
      expect(await feedIds(bruno, { search: 'jeunes' })).toEqual([youth.id]);
      expect(await feedIds(bruno, { search: 'stages jeunes' })).toEqual([youth.id]);
      expect(await feedIds(bruno, { search: 'jeunes harcelement' })).toEqual([]);
      expect((await service.list(bruno, { search: 'harcelement' })).totalCount).toBe(1);
    });

    it('should rank search results by relevance, then newest first, and page through them', async () => {
      const once = await insertPost(testDb.database, { title: 'Réunion', body: 'On parlera de prévention.', publishedAt: new Date('2026-11-19T10:00:00Z') });
      const often = await insertPost(testDb.database, {
        title: 'Prévention des addictions',
        body: 'Prévention, prévention : le guide de prévention.',
        publishedAt: new Date('2026-11-01T10:00:00Z'),
      });
      const alsoOnce = await insertPost(testDb.database, { title: 'Réunion bis', body: 'On parlera de prévention.', publishedAt: new Date('2026-11-18T10:00:00Z') });
      expect(await feedIds(bruno, { search: 'prevention' })).toEqual([often.id, once.id, alsoOnce.id]);
      const first = await service.list(bruno, { search: 'prevention' }, 2);
      expect(ids(first)).toEqual([often.id, once.id]);
      const second = await service.list(bruno, { search: 'prevention' }, 2, first.pageInfo.endCursor);
      expect(ids(second)).toEqual([alsoOnce.id]);
      expect(second.pageInfo.hasNextPage).toBe(false);
    });

    it('should keep the visibility rules while searching', async () => {
      await insertPost(testDb.database, { title: 'Harcèlement : ressources', audience: 'NETWORK' });
      expect(await feedIds(anonymous, { search: 'harcelement' })).toEqual([]);
      expect(await feedIds(bruno, { search: 'harcelement' })).toHaveLength(1);
    });
  });

  describe('republishing', () => {
    let original: PostRow;

    beforeEach(async () => {
      original = await service.publish(alice, news({ kind: PostKind.INITIATIVE, themes: [Theme.CULTURE], links: [{ url: 'https://mjc.example.org' }] }));
    });

    it('should relay the post as a new post of the same kind pointing to it, with the comment as body, and count it', async () => {
      clock.advance(60_000);
      const relay = await service.republish(toulouse, original.id, '  À relayer auprès de vos jeunes !  ');
      expect(relay).toMatchObject({
        kind: 'INITIATIVE',
        title: original.title,
        body: 'À relayer auprès de vos jeunes !',
        links: original.links,
        themes: ['CULTURE'],
        audience: 'PUBLIC',
        authorId: toulouse.memberId,
        structureId: toulouse.structureId,
        department: '31',
        republishedFromId: original.id,
      });
      expect(relay.publishedAt.getTime()).toBe(original.publishedAt.getTime() + 60_000);
      expect(await service.republishedFrom(bruno, relay)).toMatchObject({ id: original.id, authorId: alice.memberId });
      expect(await service.republishCount(original)).toBe(1);
      await service.republish(bruno, original.id, null);
      expect(await service.republishCount(original)).toBe(2);
      expect(await service.get(bruno, original.id)).toMatchObject({ authorId: alice.memberId });
    });

    it('should refuse republishing one\'s own post, or the same post twice, with CONFLICT', async () => {
      await refusal(service.republish(alice, original.id, null), 'CONFLICT');
      await service.republish(bruno, original.id, null);
      await refusal(service.republish(bruno, original.id, 'encore'), 'CONFLICT');
      expect(await service.republishCount(original)).toBe(1);
    });

    it('should relay the original when republishing a republication', async () => {
      const relay = await service.republish(bruno, original.id, null);
      const relayed = await service.republish(toulouse, relay.id, null);
      expect(relayed.republishedFromId).toBe(original.id);
      await refusal(service.republish(alice, relay.id, null), 'CONFLICT');
    });

    it('should answer NOT_FOUND for a hidden post, even to the coordinator who can see it, and for a post the caller cannot see', async () => {
      await service.moderate(gers, original.id, ModerationAction.HIDE, 'À vérifier');
      await refusal(service.republish(bruno, original.id, null), 'NOT_FOUND');
      await refusal(service.republish(gers, original.id, null), 'NOT_FOUND');
      await refusal(service.republish(bruno, '00000000-0000-4000-8000-000000000000', null), 'NOT_FOUND');
      await refusal(service.republish(bruno, 'not-an-id', null), 'NOT_FOUND');
    });

    it('should let only active members republish, with a comment of at most 5,000 characters', async () => {
      await refusal(service.republish(promeneur('CANDIDATE'), original.id, null), 'FORBIDDEN');
      await refusal(service.republish(anonymous, original.id, null), 'UNAUTHENTICATED');
      await refusal(service.republish(bruno, original.id, 'x'.repeat(5001)), 'BAD_USER_INPUT', 'comment');
    });

    it('should not count hidden republications', async () => {
      const relay = await service.republish(toulouse, original.id, null);
      await service.moderate(coordinatorOf('31'), relay.id, ModerationAction.HIDE, 'Hors sujet');
      expect(await service.republishCount(original)).toBe(0);
    });
  });

  describe('comments', () => {
    it('should add comments, listed oldest first and paged', async () => {
      const post = await service.publish(alice, news());
      const made = [];
      for (let i = 0; i < 3; i++) {
        clock.advance(1000);
        made.push(await service.comment(i === 1 ? promeneur('ACTIVE', '31') : bruno, post.id, ` Merci ${i} `));
      }
      expect(made[0]).toMatchObject({ postId: post.id, authorId: bruno.memberId, body: 'Merci 0' });
      const first = await service.comments(post, 2);
      expect(first.edges.map((e) => e.node.body)).toEqual(['Merci 0', 'Merci 1']);
      expect(first.totalCount).toBe(3);
      const rest = await service.comments(post, 2, first.pageInfo.endCursor);
      expect(rest.edges.map((e) => e.node.body)).toEqual(['Merci 2']);
      expect(rest.pageInfo.hasNextPage).toBe(false);
      expect(await service.postOfComment(anonymous, made[0]!)).toMatchObject({ id: post.id });
    });

    it('should refuse an empty or too long body, candidates, and hidden or invisible posts', async () => {
      const post = await service.publish(alice, news({ audience: PostAudience.NETWORK }));
      await refusal(service.comment(bruno, post.id, '   '), 'BAD_USER_INPUT', 'body');
      await refusal(service.comment(bruno, post.id, 'x'.repeat(5001)), 'BAD_USER_INPUT', 'body');
      expect(await service.comment(bruno, post.id, 'x'.repeat(5000))).toBeTruthy();
      await refusal(service.comment(promeneur('CANDIDATE'), post.id, 'Bonjour'), 'FORBIDDEN');
      await refusal(service.comment(anonymous, post.id, 'Bonjour'), 'UNAUTHENTICATED');
      await refusal(service.comment(bruno, 'not-an-id', 'Bonjour'), 'NOT_FOUND');
      await service.moderate(gers, post.id, ModerationAction.HIDE, 'À vérifier');
      await refusal(service.comment(bruno, post.id, 'Bonjour'), 'NOT_FOUND');
      await refusal(service.comment(alice, post.id, 'Bonjour'), 'CONFLICT');
    });
  });

  describe('reactions', () => {
    it('should count one reaction of each kind per member, toggled by calling again', async () => {
      const post = await service.publish(alice, news());
      const counts = async () => Object.fromEntries((await service.reactions(post)).map((r) => [r.reaction, r.count]));
      expect(await counts()).toEqual({ USEFUL: 0, THANKS: 0, SUPPORT: 0 });
      await service.react(bruno, post.id, Reaction.USEFUL);
      await service.react(bruno, post.id, Reaction.THANKS);
      await service.react(promeneur('CANDIDATE'), post.id, Reaction.USEFUL);
      expect(await counts()).toEqual({ USEFUL: 2, THANKS: 1, SUPPORT: 0 });
      expect(await service.myReactions(bruno, post)).toEqual(['USEFUL', 'THANKS']);
      expect(await service.myReactions(anonymous, post)).toEqual([]);
      await service.react(bruno, post.id, Reaction.USEFUL);
      expect(await counts()).toEqual({ USEFUL: 1, THANKS: 1, SUPPORT: 0 });
      expect(await service.myReactions(bruno, post)).toEqual(['THANKS']);
    });

    it('should refuse anonymous callers, partners and posts the caller cannot see', async () => {
      const post = await service.publish(alice, news({ audience: PostAudience.NETWORK }));
      await refusal(service.react(anonymous, post.id, Reaction.USEFUL), 'UNAUTHENTICATED');
      await refusal(service.react(partner, post.id, Reaction.USEFUL), 'UNAUTHENTICATED');
      await refusal(service.react(promeneur('LEFT'), post.id, Reaction.USEFUL), 'FORBIDDEN');
      await service.moderate(gers, post.id, ModerationAction.HIDE, 'À vérifier');
      await refusal(service.react(bruno, post.id, Reaction.USEFUL), 'NOT_FOUND');
    });
  });

  describe('reports', () => {
    it('should take one report per member and post, CONFLICT on a second', async () => {
      const post = await service.publish(alice, news());
      expect(await service.report(bruno, post.id, 'Numéro de téléphone d\'un jeune')).toMatchObject({ id: post.id });
      await refusal(service.report(bruno, post.id, 'Encore'), 'CONFLICT');
      expect(await service.report(toulouse, post.id, 'Même chose')).toMatchObject({ id: post.id });
      await refusal(service.report(gers, post.id, ' '), 'BAD_USER_INPUT', 'reason');
      await refusal(service.report(anonymous, post.id, 'Spam'), 'UNAUTHENTICATED');
      await refusal(service.report(bruno, 'not-an-id', 'Spam'), 'NOT_FOUND');
    });
  });

  describe('moderation', () => {
    it('should let the coordinators of the post\'s département hide and restore it, recording who, what and why', async () => {
      const post = await service.publish(alice, news());
      clock.advance(60_000);
      expect(await service.moderate(gers, post.id, ModerationAction.HIDE, 'Coordonnées d\'un jeune')).toMatchObject({ status: 'HIDDEN' });
      await refusal(service.moderate(gers, post.id, ModerationAction.HIDE, 'Encore'), 'CONFLICT');
      clock.advance(60_000);
      expect(await service.moderate(gers, post.id, ModerationAction.RESTORE, 'Corrigé par l\'autrice')).toMatchObject({ status: 'PUBLISHED' });
      await refusal(service.moderate(gers, post.id, ModerationAction.RESTORE, 'Encore'), 'CONFLICT');
      const history = await testDb.database.db.select().from(moderationActions);
      expect(history.map((h) => [h.action, h.reason, h.byMemberId, h.at.toISOString()])).toEqual([
        ['HIDE', 'Coordonnées d\'un jeune', gers.memberId, '2026-11-20T08:01:00.000Z'],
        ['RESTORE', 'Corrigé par l\'autrice', gers.memberId, '2026-11-20T08:02:00.000Z'],
      ]);
    });

    it('should refuse coordinators of another département and anyone else, and require a reason', async () => {
      const post = await service.publish(alice, news());
      await refusal(service.moderate(haute, post.id, ModerationAction.HIDE, 'Hors de chez moi'), 'FORBIDDEN');
      await refusal(service.moderate(bruno, post.id, ModerationAction.HIDE, 'Je n\'aime pas'), 'FORBIDDEN');
      await refusal(service.moderate(anonymous, post.id, ModerationAction.HIDE, 'Spam'), 'UNAUTHENTICATED');
      await refusal(service.moderate(gers, post.id, ModerationAction.HIDE, ''), 'BAD_USER_INPUT', 'reason');
      await refusal(service.moderate(gers, 'not-an-id', ModerationAction.HIDE, 'Spam'), 'NOT_FOUND');
      expect(await service.moderate(admin(), post.id, ModerationAction.HIDE, 'Spam')).toMatchObject({ status: 'HIDDEN' });
      // Hidden from a coordinator of another département: it does not exist for them.
      await refusal(service.moderate(haute, post.id, ModerationAction.RESTORE, 'Spam'), 'NOT_FOUND');
    });
  });

  describe('a member\'s posts', () => {
    it('should list the posts the caller may see, newest first, paged, for several members in one batch', async () => {
      const older = await insertPost(testDb.database, { authorId: alice.memberId, publishedAt: new Date('2026-11-01T10:00:00Z') });
      const newer = await insertPost(testDb.database, { authorId: alice.memberId, audience: 'NETWORK', publishedAt: new Date('2026-11-02T10:00:00Z') });
      const hidden = await insertPost(testDb.database, { authorId: alice.memberId, status: 'HIDDEN', publishedAt: new Date('2026-11-03T10:00:00Z') });
      const brunos = await insertPost(testDb.database, { authorId: bruno.memberId });
      const [forAlice, forBruno] = await Promise.all([service.postsOf(bruno, alice.memberId, 1), service.postsOf(bruno, bruno.memberId, 1)]);
      expect(ids(forAlice)).toEqual([newer.id]);
      expect(forAlice.totalCount).toBe(2);
      expect(ids(await service.postsOf(bruno, alice.memberId, 5, forAlice.pageInfo.endCursor))).toEqual([older.id]);
      expect(ids(forBruno)).toEqual([brunos.id]);
      expect(ids(await service.postsOf(anonymous, alice.memberId))).toEqual([older.id]);
      expect(ids(await service.postsOf(alice, alice.memberId))).toEqual([hidden.id, newer.id, older.id]);
      expect(ids(await service.postsOf(gers, alice.memberId))).toEqual([hidden.id, newer.id, older.id]);
    });
  });

  describe('postPublished', () => {
    // Collects what a subscriber receives until `count` posts arrived; a marker post that every
    // subscriber sees ends the wait, so "nothing received" is checked without a timer.
    async function received(stream: AsyncIterator<PostRow>, until: string): Promise<string[]> {
      const got: string[] = [];
      for (;;) {
        const next = await stream.next();
        if (next.done) return got;
        if (next.value.id === until) return got;
        got.push(next.value.title);
      }
    }

    it('should deliver new posts and republications with the visibility of the feed and the filter applied', async () => {
      const everything = service.subscribe(bruno, null);
      const outsider = service.subscribe(anonymous, null);
      const gersCulture = service.subscribe(bruno, { department: '32', themes: [Theme.CULTURE] });
      const searching = service.subscribe(anonymous, { search: 'harcelement' });
      const questions = service.subscribe(bruno, { kinds: [PostKind.QUESTION] });
      await Promise.all([everything, outsider, gersCulture, searching, questions].map((s) => s.ready));

      const original = await service.publish(alice, news({ title: 'Culture ouverte', themes: [Theme.CULTURE] }));
      await service.publish(alice, news({ title: 'Culture réseau', themes: [Theme.CULTURE], audience: PostAudience.NETWORK }));
      await service.publish(toulouse, news({ title: 'Culture à Toulouse', themes: [Theme.CULTURE] }));
      await service.publish(alice, news({ title: 'Vague de harcèlement', body: 'Soyez attentifs.' }));
      await service.republish(toulouse, original.id, 'À relayer');
      const end = await service.publish(alice, news({ title: 'Fin', kind: PostKind.QUESTION, themes: [Theme.CULTURE], body: 'harcèlement' }));

      expect(await received(everything, end.id)).toEqual(['Culture ouverte', 'Culture réseau', 'Culture à Toulouse', 'Vague de harcèlement', 'Culture ouverte']);
      expect(await received(outsider, end.id)).toEqual(['Culture ouverte', 'Culture à Toulouse', 'Vague de harcèlement', 'Culture ouverte']);
      expect(await received(gersCulture, end.id)).toEqual(['Culture ouverte', 'Culture réseau']);
      expect(await received(searching, end.id)).toEqual(['Vague de harcèlement']);
      expect(await received(questions, end.id)).toEqual([]);
      await Promise.all([everything, outsider, gersCulture, searching, questions].map((s) => s.return()));
    });

    it('should end the stream when the subscriber leaves, even while it waits', async () => {
      const stream = service.subscribe(anonymous, null);
      await stream.ready;
      const waiting = stream.next();
      await stream.return();
      expect(await waiting).toEqual({ done: true, value: undefined });
    });

    it('should refuse an invalid filter when subscribing', () => {
      expect(() => service.subscribe(anonymous, { department: 'Gers' })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.department' }));
    });
  });
});
