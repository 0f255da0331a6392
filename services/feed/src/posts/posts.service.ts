import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '@pdn/errors';
import { coordinates, type Caller, type MemberCaller } from '@pdn/identity';
import { decodeCursor, pageSize, toConnection, type Connection, type CursorValue } from '@pdn/pagination';
import type { PubSubEngine } from '@pdn/pubsub';
import { CLOCK, partnerDepartments, type Clock } from '@pdn/subgraph';
import { FEED_PUBSUB } from '../common/tokens.js';
import type { CommentRow, PostRow } from '../db/feed.tables.js';
import { ModerationAction, PostStatus, Reaction } from './post.enums.js';
import type { FeedFilter, PublishPostInput } from './post.input.js';
import {
  canSeePost,
  feedQuery,
  matchesFeedQuery,
  MAX_COMMENT,
  searchTextOf,
  validPostFields,
  viewerKey,
  viewerOf,
} from './post-rules.js';
import { PostsRepository, type CommentCursor, type FeedCursor, type FeedPageRow } from './posts.repository.js';

/** Topic of `postPublished`: the event carries the post's id, each subscriber reads it with its own rights. */
export const POST_PUBLISHED_TOPIC = 'feed.post-published';

const NEWEST = 'posts:newest';
const RELEVANCE = 'posts:relevance';
const CONVERSATION = 'comments:oldest';

/** A live stream of posts, closed by `return()` (the client went away). */
export interface PostStream extends AsyncIterableIterator<PostRow> {
  /** Resolves once events published from now on will be seen, on any replica. */
  readonly ready: Promise<void>;
  return(): Promise<IteratorResult<PostRow>>;
}

@Injectable()
export class PostsService {
  constructor(
    private readonly posts: PostsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(FEED_PUBSUB) private readonly pubsub: PubSubEngine,
  ) {}

  /** The post, or null when it does not exist or the caller may not see it. */
  async get(caller: Caller, id: string): Promise<PostRow | null> {
    const post = await this.posts.findById(id);
    if (!post || !canSeePost(caller, post)) return null;
    // A republication carries its original's title and links: it vanishes with a hidden original.
    if (post.republishedFromId) {
      const source = await this.posts.findById(post.republishedFromId);
      if (source && !canSeePost(caller, source)) return null;
    }
    return post;
  }

  /**
   * Newest first, or by relevance while searching (then newest first among equals). Keyset pages:
   * posts published while a reader pages through do not shift what comes next.
   */
  async list(caller: Caller, filter: FeedFilter | null | undefined, first?: number | null, after?: string | null): Promise<Connection<FeedPageRow>> {
    const connection = await this.listCountedOnDemand(caller, filter, first, after);
    return { ...connection, totalCount: await connection.totalCount };
  }

  /**
   * The feed as `list` gives it, but its totalCount is counted only when the query selects it: a page
   * that shows no total (the feed page) is spared a count of every post the viewer may see, which
   * grows with the network.
   */
  async listCountedOnDemand(
    caller: Caller,
    filter: FeedFilter | null | undefined,
    first?: number | null,
    after?: string | null,
  ): Promise<Omit<Connection<FeedPageRow>, 'totalCount'> & { totalCount: PromiseLike<number> }> {
    const limit = pageSize(first);
    const query = feedQuery(filter);
    // A partner asking for a département outside its key is refused rather than answered empty.
    partnerDepartments(caller, query.department);
    const ordering = query.search ? RELEVANCE : NEWEST;
    const cursor = feedCursor(decodeCursor(after, ordering, query.search ? 3 : 2), !!query.search);
    const viewer = viewerOf(caller);
    const rows = await this.posts.pageRows(viewer, query, limit + 1, cursor);
    const connection = toConnection(rows, limit, ordering, (p) => (query.search ? [p.rank, p.publishedAt.toISOString(), p.id] : [p.publishedAt.toISOString(), p.id]), 0);
    // A thenable that counts once something awaits it: Nest resolves the field to the value as it is,
    // and graphql-js awaits it only when the query selects totalCount.
    let counted: Promise<number> | undefined;
    const totalCount: PromiseLike<number> = { then: (resolve, reject) => (counted ??= this.posts.count(viewer, query)).then(resolve, reject) };
    return { ...connection, totalCount };
  }

  /** A member's posts that the caller may see, newest first; batched across the members of a page. */
  async postsOf(caller: Caller, memberId: string, first?: number | null, after?: string | null): Promise<Connection<PostRow>> {
    const limit = pageSize(first);
    const cursor = feedCursor(decodeCursor(after, NEWEST, 2), false);
    const viewer = viewerOf(caller);
    const { rows, total } = await this.posts.postsOf(memberId, viewer, viewerKey(viewer), limit + 1, cursor);
    return toConnection(rows, limit, NEWEST, (p) => [p.publishedAt.toISOString(), p.id], total);
  }

  /**
   * Active members (promeneurs, coordinators) publish in their home département, for their
   * structure. Candidates read the network but do not speak for it until they are labelled.
   */
  async publish(caller: Caller, input: PublishPostInput): Promise<PostRow> {
    const author = activeMember(caller, 'publish');
    const fields = validPostFields(input);
    const post = await this.posts.insert({
      ...fields,
      searchText: searchTextOf(fields.title, fields.body),
      department: homeDepartment(author),
      authorId: author.memberId,
      structureId: author.structureId ?? null,
      ...this.timestamps(),
    });
    await this.announce(post);
    return post;
  }

  /**
   * Relays someone else's post to the caller's network: a new post of the same kind, title, links,
   * themes and audience, whose body is the caller's comment (possibly empty), pointing to the
   * original, which keeps its author and counts its republications. Republishing a republication
   * relays its original. Once per member and post; never one's own.
   */
  async republish(caller: Caller, postId: string, comment: string | null | undefined): Promise<PostRow> {
    const author = activeMember(caller, 'republish');
    const body = (comment ?? '').trim();
    if (body.length > MAX_COMMENT) throw badInput('comment', `At most ${MAX_COMMENT.toLocaleString('en')} characters.`);
    let source = await this.visible(caller, postId);
    if (source.republishedFromId) source = await this.visible(caller, source.republishedFromId);
    // Coordinators still see hidden posts; they must not spread them either.
    if (source.status !== PostStatus.PUBLISHED) throw notFound('Post', postId);
    if (source.authorId === author.memberId) throw conflict('This is your own post: it is already in the feed.');
    const post = await this.posts.insertRepublication({
      kind: source.kind,
      title: source.title,
      body,
      searchText: searchTextOf(source.title, body),
      links: source.links,
      themes: source.themes,
      audience: source.audience,
      department: homeDepartment(author),
      authorId: author.memberId,
      structureId: author.structureId ?? null,
      republishedFromId: source.id,
      ...this.timestamps(),
    });
    if (!post) throw conflict('You have already republished this post.');
    await this.announce(post);
    return post;
  }

  async comment(caller: Caller, postId: string, body: string): Promise<CommentRow> {
    const author = activeMember(caller, 'comment');
    const text = body.trim();
    if (text.length === 0) throw badInput('body', 'This cannot be empty.');
    if (text.length > MAX_COMMENT) throw badInput('body', `At most ${MAX_COMMENT.toLocaleString('en')} characters.`);
    const post = await this.visible(caller, postId);
    if (post.status !== PostStatus.PUBLISHED) throw conflict('This post is hidden by moderation: it cannot be commented.');
    return this.posts.insertComment({ postId: post.id, authorId: author.memberId, body: text, createdAt: this.clock.now() });
  }

  /** Toggles the caller's reaction of this kind: one of each kind per member, calling again removes it. */
  async react(caller: Caller, postId: string, reaction: Reaction): Promise<PostRow> {
    const member = networkMember(caller);
    const post = await this.visible(caller, postId);
    if (post.status !== PostStatus.PUBLISHED) throw conflict('This post is hidden by moderation: it cannot receive reactions.');
    await this.posts.toggleReaction(post.id, member.memberId, reaction, this.clock.now());
    return post;
  }

  /** Tells the coordinators something is wrong with a post; once per member and post. */
  async report(caller: Caller, postId: string, reason: string): Promise<PostRow> {
    const member = networkMember(caller);
    const why = validate.text('reason', reason, { min: 3, max: 1000 });
    const post = await this.visible(caller, postId);
    const reported = await this.posts.insertReport({ postId: post.id, memberId: member.memberId, reason: why, createdAt: this.clock.now() });
    if (!reported) throw conflict('You have already reported this post: the coordinators have your report.');
    return post;
  }

  /** Coordinators of the post's département hide or restore it, with a reason kept in moderation_actions. */
  async moderate(caller: Caller, postId: string, action: ModerationAction, reason: string): Promise<PostRow> {
    if (caller.kind !== 'member') throw unauthenticated();
    const why = validate.text('reason', reason, { min: 3, max: 1000 });
    return this.posts.withLockedPost(postId, async (post, tx) => {
      if (!post || !canSeePost(caller, post)) throw notFound('Post', postId);
      if (!coordinates(caller, post.department)) throw forbidden(`Only the coordinators of département ${post.department} can moderate this post.`);
      const status = action === ModerationAction.HIDE ? PostStatus.HIDDEN : PostStatus.PUBLISHED;
      if (post.status === status) throw conflict(action === ModerationAction.HIDE ? 'This post is already hidden.' : 'This post is not hidden.');
      return this.posts.moderate(tx, { postId: post.id, action, status, reason: why, byMemberId: caller.memberId, at: this.clock.now() });
    });
  }

  /** The original of a republication, when the caller may see it. */
  async republishedFrom(caller: Caller, post: PostRow): Promise<PostRow | null> {
    if (!post.republishedFromId) return null;
    const source = await this.posts.findById(post.republishedFromId);
    return source && canSeePost(caller, source) ? source : null;
  }

  republishCount(post: PostRow): Promise<number> {
    return this.posts.republishCount(post.id);
  }

  /** Every kind, zeros included, in the enum's order. */
  async reactions(post: PostRow): Promise<{ reaction: Reaction; count: number }[]> {
    const counts = await this.posts.reactionCountsOf(post.id);
    return Object.values(Reaction).map((reaction) => ({ reaction, count: counts.get(reaction) ?? 0 }));
  }

  async myReactions(caller: Caller, post: PostRow): Promise<Reaction[]> {
    if (caller.kind !== 'member') return [];
    const mine = await this.posts.reactionsBy(caller.memberId, post.id);
    return Object.values(Reaction).filter((reaction) => mine.includes(reaction));
  }

  /** Oldest first, as a conversation reads. */
  async comments(post: PostRow, first?: number | null, after?: string | null): Promise<Connection<CommentRow>> {
    const limit = pageSize(first);
    const { rows, total } = await this.posts.commentsOf(post.id, limit + 1, commentCursor(decodeCursor(after, CONVERSATION, 2)));
    return toConnection(rows, limit, CONVERSATION, (c) => [c.createdAt.toISOString(), c.id], total);
  }

  async postOfComment(caller: Caller, comment: CommentRow): Promise<PostRow | null> {
    return this.get(caller, comment.postId);
  }

  /**
   * Posts published (and republished) from now on that the caller may see and that match the
   * filter, exactly as `feed(filter)` would list them: anonymous connections get PUBLIC posts only.
   */
  subscribe(caller: Caller, filter: FeedFilter | null | undefined): PostStream {
    const query = feedQuery(filter);
    partnerDepartments(caller, query.department);
    const events = this.pubsub.subscribe<{ id: string }>(POST_PUBLISHED_TOPIC);
    const deliverable = async ({ id }: { id: string }): Promise<PostRow | null> => {
      const post = await this.get(caller, id);
      if (!post || post.status !== PostStatus.PUBLISHED || !matchesFeedQuery(post, query)) return null;
      if (query.search && !(await this.posts.matchesSearch(post.id, query.search))) return null;
      return post;
    };
    const stream: PostStream = {
      ready: events.ready,
      async next() {
        for (;;) {
          const event = await events.next();
          if (event.done) return { done: true, value: undefined };
          const post = await deliverable(event.value);
          if (post) return { done: false, value: post };
        }
      },
      return: async () => {
        await events.return();
        return { done: true, value: undefined };
      },
      throw: async (error?: unknown) => {
        await events.return();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return stream;
  }

  /** The post if it exists and the caller may see it; NOT_FOUND otherwise, so hidden posts do not leak. */
  private async visible(caller: Caller, id: string): Promise<PostRow> {
    const post = await this.get(caller, id);
    if (!post) throw notFound('Post', id);
    return post;
  }

  private timestamps() {
    const now = this.clock.now();
    return { publishedAt: now, updatedAt: now };
  }

  /** Best effort: the post is stored; a broker failure only costs live delivery, never the publication. */
  private async announce(post: PostRow): Promise<void> {
    await this.pubsub.publish(POST_PUBLISHED_TOPIC, { id: post.id });
  }
}

function activeMember(caller: Caller, what: string): MemberCaller {
  if (caller.kind !== 'member') throw unauthenticated();
  if (caller.status !== 'ACTIVE') throw forbidden(`Only active members can ${what} in the feed.`);
  return caller;
}

/** Reacting and reporting: any network member, candidates included. */
function networkMember(caller: Caller): MemberCaller {
  if (caller.kind !== 'member') throw unauthenticated();
  if (caller.status !== 'ACTIVE' && caller.status !== 'CANDIDATE') throw forbidden('Only network members can do this.');
  return caller;
}

function homeDepartment(member: MemberCaller): string {
  const department = member.departments[0];
  if (!department) throw forbidden('Your account has no département: ask a coordinator to set it before publishing.');
  return department;
}

function feedCursor(values: CursorValue[] | null, ranked: boolean): FeedCursor | null {
  if (!values) return null;
  const [rank, publishedAt, id] = ranked ? values : [null, ...values];
  if (
    (ranked && (typeof rank !== 'number' || !Number.isFinite(rank))) ||
    typeof publishedAt !== 'string' ||
    Number.isNaN(Date.parse(publishedAt)) ||
    typeof id !== 'string' ||
    !validate.isUuid(id)
  ) {
    throw badInput('after', 'This cursor is not valid for this list.');
  }
  return { rank: ranked ? (rank as number) : null, publishedAt, id };
}

function commentCursor(values: CursorValue[] | null): CommentCursor | null {
  if (!values) return null;
  const [createdAt, id] = values;
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt)) || typeof id !== 'string' || !validate.isUuid(id)) {
    throw badInput('after', 'This cursor is not valid for this list.');
  }
  return { createdAt, id };
}
