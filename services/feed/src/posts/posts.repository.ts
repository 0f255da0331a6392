import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, desc, eq, getTableColumns, inArray, lte, not, notExists, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { batchById } from '@pdn/database';
import { validate } from '@pdn/domain';
import { FEED_DATABASE, type FeedDatabase } from '../common/tokens.js';
import { comments, moderationActions, postReports, posts, reactions, type CommentRow, type PostRow } from '../db/feed.tables.js';
import { batchByGroup } from './post-batches.js';
import type { FeedQuery, Viewer } from './post-rules.js';

/** The database or a transaction: repositories accept either, services only pass it along. */
export type FeedExecutor = FeedDatabase['db'];
export type NewPost = typeof posts.$inferInsert;
export type FeedPageRow = PostRow & { rank: number };

/** Newest first: [publishedAt ISO, id]; while searching, by relevance first: [rank, publishedAt ISO, id]. */
export type FeedCursor = { rank: number | null; publishedAt: string; id: string };
/** Oldest first, the order of a conversation: [createdAt ISO, id]. */
export type CommentCursor = { createdAt: string; id: string };

export interface Page<Row> {
  rows: Row[];
  total: number;
}

type PostsTable = typeof posts;
const original = alias(posts, 'original');

// The expressions must be spelt as the index is (`to_tsvector('french', search_text)`), with the
// configuration as a literal, for PostgreSQL to use it.
const searchVector = sql`to_tsvector('french', ${posts.searchText})`;
const searchQuery = (folded: string) => sql`plainto_tsquery('french', ${folded})`;

@Injectable()
export class PostsRepository {
  /** `post(id)`, `republishedFrom`, `Comment.post`, live events and federation's `_entities` share this batch. */
  readonly findById = batchById((ids) => this.database.db.select().from(posts).where(inArray(posts.id, ids)));

  private readonly republishCounts = batchByGroup(
    async (_: null, ids: string[]) => {
      const rows = await this.database.db
        .select({ id: posts.republishedFromId, total: count() })
        .from(posts)
        .where(and(inArray(posts.republishedFromId, ids), eq(posts.status, 'PUBLISHED')))
        .groupBy(posts.republishedFromId);
      return new Map(rows.map((r) => [r.id!, Number(r.total)]));
    },
    () => 0,
  );

  private readonly reactionCounts = batchByGroup(
    async (_: null, ids: string[]) => {
      const rows = await this.database.db
        .select({ postId: reactions.postId, reaction: reactions.reaction, total: count() })
        .from(reactions)
        .where(inArray(reactions.postId, ids))
        .groupBy(reactions.postId, reactions.reaction);
      const found = new Map<string, Map<string, number>>();
      for (const row of rows) {
        const counts = found.get(row.postId) ?? new Map<string, number>();
        counts.set(row.reaction, Number(row.total));
        found.set(row.postId, counts);
      }
      return found;
    },
    () => new Map<string, number>(),
  );

  private readonly memberReactions = batchByGroup(
    async (memberId: string, ids: string[]) => {
      const rows = await this.database.db
        .select({ postId: reactions.postId, reaction: reactions.reaction })
        .from(reactions)
        .where(and(eq(reactions.memberId, memberId), inArray(reactions.postId, ids)));
      const found = new Map<string, string[]>();
      for (const row of rows) found.set(row.postId, [...(found.get(row.postId) ?? []), row.reaction]);
      return found;
    },
    () => [] as string[],
  );

  private readonly commentPages = batchByGroup(
    (group: { limit: number; after: CommentCursor | null }, ids: string[]) => this.fetchCommentPages(ids, group.limit, group.after),
    (): Page<CommentRow> => ({ rows: [], total: 0 }),
  );

  private readonly authorPages = batchByGroup(
    (group: { viewer: Viewer; limit: number; after: FeedCursor | null }, ids: string[]) => this.fetchAuthorPages(ids, group.viewer, group.limit, group.after),
    (): Page<PostRow> => ({ rows: [], total: 0 }),
  );

  constructor(@Inject(FEED_DATABASE) private readonly database: FeedDatabase) {}

  /** Published republications of each post (hidden ones are not relays anyone sees). */
  republishCount(postId: string): Promise<number> {
    return this.republishCounts('', null, postId);
  }

  reactionCountsOf(postId: string): Promise<Map<string, number>> {
    return this.reactionCounts('', null, postId);
  }

  reactionsBy(memberId: string, postId: string): Promise<string[]> {
    return this.memberReactions(memberId, memberId, postId);
  }

  commentsOf(postId: string, limit: number, after: CommentCursor | null): Promise<Page<CommentRow>> {
    return this.commentPages(JSON.stringify([limit, after]), { limit, after }, postId);
  }

  postsOf(authorId: string, viewer: Viewer, viewerKey: string, limit: number, after: FeedCursor | null): Promise<Page<PostRow>> {
    return this.authorPages(JSON.stringify([viewerKey, limit, after]), { viewer, limit, after }, authorId);
  }

  /** A page of the feed, without its total (which costs a scan of every post the viewer may see). */
  async pageRows(viewer: Viewer, query: FeedQuery, limit: number, after: FeedCursor | null): Promise<FeedPageRow[]> {
    const rank = query.search ? sql<number>`ts_rank(${searchVector}, ${searchQuery(query.search)})::real` : null;
    const newer = after ? sql`(${posts.publishedAt}, ${posts.id}) < (${after.publishedAt}::timestamptz, ${after.id}::uuid)` : undefined;
    const keyset =
      after && rank ? sql`(${rank} < ${after.rank}::real or (${rank} = ${after.rank}::real and ${newer}))` : newer;
    const order = [desc(posts.publishedAt), desc(posts.id)];
    const rows = await this.database.db
      .select({ post: posts, rank: rank ?? sql<number>`0` })
      .from(posts)
      .where(and(this.feedCondition(viewer, query), keyset))
      .orderBy(...(rank ? [desc(rank), ...order] : order))
      .limit(limit);
    return rows.map((r) => ({ ...r.post, rank: Number(r.rank) }));
  }

  /** How many posts of the feed the viewer may see (the feed's totalCount). */
  async count(viewer: Viewer, query: FeedQuery): Promise<number> {
    const [row] = await this.database.db.select({ total: count() }).from(posts).where(this.feedCondition(viewer, query));
    return Number(row?.total ?? 0);
  }

  private feedCondition(viewer: Viewer, query: FeedQuery) {
    return and(
      visibleTo(this.database.db, viewer),
      query.search ? sql`${searchVector} @@ ${searchQuery(query.search)}` : undefined,
      query.kinds ? inArray(posts.kind, query.kinds) : undefined,
      query.themes ? sql`${posts.themes} && ${sql.param(query.themes)}::text[]` : undefined,
      query.authorId ? eq(posts.authorId, query.authorId) : undefined,
      query.structureId ? eq(posts.structureId, query.structureId) : undefined,
      query.department ? eq(posts.department, query.department) : undefined,
    );
  }

  /** Whether the post matches a folded search, exactly as `feed(filter: { search })` would. */
  async matchesSearch(postId: string, folded: string): Promise<boolean> {
    const [row] = await this.database.db
      .select({ id: posts.id })
      .from(posts)
      .where(and(eq(posts.id, postId), sql`${searchVector} @@ ${searchQuery(folded)}`));
    return !!row;
  }

  async insert(values: NewPost): Promise<PostRow> {
    const [row] = await this.database.db.insert(posts).values(values).returning();
    return row!;
  }

  /** Null when the author has already republished that post (one republication per member and post). */
  async insertRepublication(values: NewPost): Promise<PostRow | null> {
    const [row] = await this.database.db.insert(posts).values(values).onConflictDoNothing().returning();
    return row ?? null;
  }

  async insertComment(values: typeof comments.$inferInsert): Promise<CommentRow> {
    const [row] = await this.database.db.insert(comments).values(values).returning();
    return row!;
  }

  /** Removes the member's reaction of this kind if present, adds it otherwise; true when it is now on. */
  toggleReaction(postId: string, memberId: string, reaction: string, at: Date): Promise<boolean> {
    return this.database.db.transaction(async (tx) => {
      const mine = and(eq(reactions.postId, postId), eq(reactions.memberId, memberId), eq(reactions.reaction, reaction));
      const removed = await tx.delete(reactions).where(mine).returning({ postId: reactions.postId });
      if (removed.length > 0) return false;
      await tx.insert(reactions).values({ postId, memberId, reaction, createdAt: at }).onConflictDoNothing();
      return true;
    });
  }

  /** False when the member had already reported the post. */
  async insertReport(values: typeof postReports.$inferInsert): Promise<boolean> {
    const rows = await this.database.db.insert(postReports).values(values).onConflictDoNothing().returning({ id: postReports.id });
    return rows.length > 0;
  }

  /** Runs `work` holding the post's row lock, so two coordinators' decisions on one post take turns. */
  withLockedPost<T>(id: string, work: (post: PostRow | null, tx: FeedExecutor) => Promise<T>): Promise<T> {
    if (!validate.isUuid(id)) return work(null, this.database.db);
    return this.database.db.transaction(async (tx) => {
      const [post] = await tx.select().from(posts).where(eq(posts.id, id)).for('update');
      return work(post ?? null, tx);
    });
  }

  /** Changes the status and records who did it and why, in the caller's transaction. */
  async moderate(tx: FeedExecutor, change: { postId: string; action: string; status: string; reason: string; byMemberId: string; at: Date }): Promise<PostRow> {
    const [row] = await tx.update(posts).set({ status: change.status, updatedAt: change.at }).where(eq(posts.id, change.postId)).returning();
    await tx.insert(moderationActions).values({ postId: change.postId, action: change.action, reason: change.reason, byMemberId: change.byMemberId, at: change.at });
    return row!;
  }

  moderationHistory(postId: string) {
    return this.database.db.select().from(moderationActions).where(eq(moderationActions.postId, postId)).orderBy(asc(moderationActions.at), asc(moderationActions.id));
  }

  private async fetchCommentPages(postIds: string[], limit: number, after: CommentCursor | null): Promise<Map<string, Page<CommentRow>>> {
    const db = this.database.db;
    const keyset = after ? sql`(${comments.createdAt}, ${comments.id}) > (${after.createdAt}::timestamptz, ${after.id}::uuid)` : undefined;
    const numbered = db
      .select({
        ...getTableColumns(comments),
        n: sql<number>`row_number() over (partition by ${comments.postId} order by ${comments.createdAt}, ${comments.id})`.as('n'),
      })
      .from(comments)
      .where(and(inArray(comments.postId, postIds), keyset))
      .as('numbered');
    const [rows, totals] = await Promise.all([
      limit > 0 ? db.select().from(numbered).where(lte(numbered.n, limit)).orderBy(asc(numbered.n)) : Promise.resolve([]),
      db.select({ postId: comments.postId, total: count() }).from(comments).where(inArray(comments.postId, postIds)).groupBy(comments.postId),
    ]);
    return grouped(postIds, rows, (r) => r.postId, totals.map((t) => [t.postId, Number(t.total)]));
  }

  private async fetchAuthorPages(authorIds: string[], viewer: Viewer, limit: number, after: FeedCursor | null): Promise<Map<string, Page<PostRow>>> {
    const db = this.database.db;
    const condition = and(inArray(posts.authorId, authorIds), visibleTo(db, viewer));
    const keyset = after ? sql`(${posts.publishedAt}, ${posts.id}) < (${after.publishedAt}::timestamptz, ${after.id}::uuid)` : undefined;
    const numbered = db
      .select({
        ...getTableColumns(posts),
        n: sql<number>`row_number() over (partition by ${posts.authorId} order by ${posts.publishedAt} desc, ${posts.id} desc)`.as('n'),
      })
      .from(posts)
      .where(and(condition, keyset))
      .as('numbered');
    const [rows, totals] = await Promise.all([
      limit > 0 ? db.select().from(numbered).where(lte(numbered.n, limit)).orderBy(asc(numbered.n)) : Promise.resolve([]),
      db.select({ authorId: posts.authorId, total: count() }).from(posts).where(condition).groupBy(posts.authorId),
    ]);
    // Never null here: selected by author id.
    return grouped(authorIds, rows, (r) => r.authorId ?? '', totals.map((t) => [t.authorId ?? '', Number(t.total)]));
  }
}

/** Splits rows numbered per parent into one page per parent, dropping the row number. */
function grouped<Row extends { n: number }>(
  parentIds: string[],
  rows: Row[],
  parentOf: (row: Row) => string,
  totals: [string, number][],
): Map<string, Page<Omit<Row, 'n'>>> {
  const counts = new Map(totals);
  const pages = new Map<string, Page<Omit<Row, 'n'>>>(parentIds.map((id) => [id, { rows: [], total: counts.get(id) ?? 0 }]));
  for (const { n: _n, ...row } of rows) pages.get(parentOf(row as unknown as Row))?.rows.push(row);
  return pages;
}

/**
 * The visibility rules in SQL: NETWORK posts for network members only; HIDDEN posts for their author
 * and the coordinators of their département; and a republication disappears with its original, since
 * it carries the original's title and links.
 */
function visibleTo(db: FeedExecutor, viewer: Viewer): SQL | undefined {
  const shownStatus = (table: PostsTable | typeof original) =>
    or(
      eq(table.status, 'PUBLISHED'),
      viewer.memberId ? eq(table.authorId, viewer.memberId) : undefined,
      viewer.moderates === 'ALL' ? sql`true` : viewer.moderates.length ? inArray(table.department, viewer.moderates) : undefined,
    );
  return and(
    viewer.network ? undefined : eq(posts.audience, 'PUBLIC'),
    viewer.departments ? inArray(posts.department, viewer.departments) : undefined,
    shownStatus(posts),
    notExists(
      db
        .select({ one: sql`1` })
        .from(original)
        .where(and(eq(original.id, posts.republishedFromId), not(shownStatus(original)!))),
    ),
  );
}
