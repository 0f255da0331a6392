import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CommentPostDocument,
  FeedDocument,
  MemberPostsDocument,
  ModeratePostDocument,
  PostDocument,
  PublishPostDocument,
  ReactToPostDocument,
  ReportPostDocument,
  RepublishDocument,
} from '@pdn/client';
import { activate, createStructure, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

// The information feed, end to end: posts written in feed, authors and structures resolved by
// members through the gateway, every caller with their own token.
describe('posts through the gateway', () => {
  let system: RunningSystem;
  let coordinator: Person;
  let alice: Person;
  let bruno: Person;

  beforeAll(async () => {
    system = await startSystem();
    const admin = await signInAdmin(system);
    const bij = await createStructure(admin, "BIJ d'Auch");
    const mjc = await createStructure(admin, 'MJC de Condom');
    coordinator = await join(system, admin, { structureId: null, email: 'coordination@caf32-feed.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    alice = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId: bij, email: 'alice@bij-auch.test', firstName: 'Alice', lastName: 'Gers' }));
    bruno = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId: mjc, email: 'bruno@mjc-condom.test', firstName: 'Bruno', lastName: 'Gers' }));
  }, 180_000);

  afterAll(() => system?.close());

  it('should publish, list with authors and structures, republish, comment, react, and hide on moderation', async () => {
    const published = await alice.client.request(PublishPostDocument, {
      input: {
        kind: 'INITIATIVE',
        title: 'Atelier prévention du cyber-harcèlement',
        body: 'Un atelier **ouvert aux jeunes** le 12 décembre. [Programme](https://bij-auch.example.org/atelier)',
        audience: 'PUBLIC',
        themes: ['CYBERBULLYING'],
        links: [{ url: 'https://bij-auch.example.org/atelier', title: 'Programme' }],
      },
    });
    expect(published.errors).toBeUndefined();
    const post = published.data!.publishPost;
    expect(post).toMatchObject({ status: 'PUBLISHED', department: '32', author: { id: alice.id, displayName: alice.displayName } });
    expect(post.bodyHtml).toContain('<a href="https://bij-auch.example.org/atelier" rel="noopener nofollow">Programme</a>');

    const searched = await bruno.client.request(FeedDocument, { filter: { search: 'harcelement' } });
    expect(searched.errors).toBeUndefined();
    expect(searched.data!.feed.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ id: post.id, author: { id: alice.id, displayName: alice.displayName }, structure: expect.objectContaining({ name: "BIJ d'Auch" }) }),
    ]);

    const relayed = await bruno.client.request(RepublishDocument, { postId: post.id, comment: 'À relayer à Condom !' });
    expect(relayed.errors).toBeUndefined();
    expect(relayed.data!.republish).toMatchObject({
      body: 'À relayer à Condom !',
      author: { id: bruno.id },
      republishedFrom: { id: post.id, republishCount: 1, author: { id: alice.id, displayName: alice.displayName } },
    });
    const again = await bruno.client.request(RepublishDocument, { postId: post.id });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    const own = await alice.client.request(RepublishDocument, { postId: post.id });
    expect(own.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');

    const commented = await bruno.client.request(CommentPostDocument, { postId: post.id, body: 'Merci, on vient avec un groupe.' });
    expect(commented.errors).toBeUndefined();
    expect(commented.data!.commentPost).toMatchObject({ author: { displayName: bruno.displayName }, post: { id: post.id } });

    const reacted = await bruno.client.request(ReactToPostDocument, { postId: post.id, reaction: 'USEFUL' });
    expect(reacted.data!.reactToPost).toMatchObject({ myReactions: ['USEFUL'], reactions: expect.arrayContaining([{ reaction: 'USEFUL', count: 1 }]) });
    const unreacted = await bruno.client.request(ReactToPostDocument, { postId: post.id, reaction: 'USEFUL' });
    expect(unreacted.data!.reactToPost).toMatchObject({ myReactions: [], reactions: expect.arrayContaining([{ reaction: 'USEFUL', count: 0 }]) });
    expect((await bruno.client.request(ReportPostDocument, { postId: post.id, reason: 'Vérifier la date' })).errors).toBeUndefined();

    const feed = await system.anonymous.request(FeedDocument, { first: 10 });
    const [relay, original] = feed.data!.feed.edges.map((e) => e.node);
    expect(relay).toMatchObject({
      author: { displayName: bruno.displayName },
      structure: { name: 'MJC de Condom' },
      republishedFrom: { id: post.id, author: { displayName: alice.displayName }, structure: { name: "BIJ d'Auch" } },
    });
    expect(original).toMatchObject({ id: post.id, republishCount: 1, comments: { totalCount: 1, edges: [{ node: { author: { displayName: bruno.displayName } } }] } });

    const forbidden = await bruno.client.request(ModeratePostDocument, { postId: post.id, action: 'HIDE', reason: 'Pas d\'accord' });
    expect(forbidden.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const hidden = await coordinator.client.request(ModeratePostDocument, { postId: post.id, action: 'HIDE', reason: 'Date erronée, à corriger' });
    expect(hidden.data!.moderatePost).toEqual({ id: post.id, status: 'HIDDEN' });

    // Gone for everyone else, republication included; still there for its author and the coordinator.
    for (const client of [system.anonymous, bruno.client]) {
      expect((await client.request(FeedDocument, {})).data!.feed.totalCount).toBe(0);
      expect((await client.request(PostDocument, { id: post.id })).data!.post).toBeNull();
    }
    expect((await alice.client.request(PostDocument, { id: post.id })).data!.post).toMatchObject({ status: 'HIDDEN' });
    expect((await coordinator.client.request(FeedDocument, {})).data!.feed.totalCount).toBe(2);
    const profile = await bruno.client.request(MemberPostsDocument, { id: alice.id });
    expect(profile.data!.member).toMatchObject({ displayName: alice.displayName, posts: { totalCount: 0 } });

    await coordinator.client.request(ModeratePostDocument, { postId: post.id, action: 'RESTORE', reason: 'Date corrigée' });
    expect((await bruno.client.request(FeedDocument, {})).data!.feed.totalCount).toBe(2);
  });

  it('should show NETWORK posts to members only, PUBLIC posts to everyone', async () => {
    const network = await alice.client.request(PublishPostDocument, {
      input: { kind: 'QUESTION', title: 'Question entre promeneurs', body: 'Comment gérez-vous Discord ?', audience: 'NETWORK' },
    });
    expect(network.errors).toBeUndefined();
    const id = network.data!.publishPost.id;
    expect((await system.anonymous.request(PostDocument, { id })).data!.post).toBeNull();
    const anonymousFeed = await system.anonymous.request(FeedDocument, { filter: { kinds: ['QUESTION'] } });
    expect(anonymousFeed.data!.feed.totalCount).toBe(0);
    const memberFeed = await bruno.client.request(FeedDocument, { filter: { kinds: ['QUESTION'] } });
    expect(memberFeed.data!.feed.edges.map((e) => e.node.id)).toEqual([id]);
    const profile = await system.anonymous.request(MemberPostsDocument, { id: alice.id });
    expect(profile.data!.member!.posts.edges.map((e) => e.node.id)).not.toContain(id);
  });
});
