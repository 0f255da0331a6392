import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { alertAcknowledgements, alerts, comments, moderationActions, postReports, posts, reactions } from '../db/feed.tables.js';
import type { FeedExecutor } from '../posts/posts.repository.js';

/** Feed's side of an erasure; every statement runs in the consumer's transaction. */
@Injectable()
export class MemberErasureRepository {
  async deleteReactions(tx: FeedExecutor, memberId: string): Promise<number> {
    return (await tx.delete(reactions).where(eq(reactions.memberId, memberId)).returning({ postId: reactions.postId })).length;
  }

  /** Posts and comments stay, by no one ("ancien membre"). */
  async detachPostsAndComments(tx: FeedExecutor, memberId: string): Promise<{ posts: number; comments: number }> {
    const detachedPosts = await tx.update(posts).set({ authorId: null }).where(eq(posts.authorId, memberId)).returning({ id: posts.id });
    const detachedComments = await tx.update(comments).set({ authorId: null }).where(eq(comments.authorId, memberId)).returning({ id: comments.id });
    return { posts: detachedPosts.length, comments: detachedComments.length };
  }

  /** The member asked for them to go: their comments, their posts (with the comments, reactions and reports on them). */
  async deletePostsAndComments(tx: FeedExecutor, memberId: string): Promise<{ posts: number; comments: number }> {
    const deletedComments = await tx.delete(comments).where(eq(comments.authorId, memberId)).returning({ id: comments.id });
    const deletedPosts = await tx.delete(posts).where(eq(posts.authorId, memberId)).returning({ id: posts.id });
    return { posts: deletedPosts.length, comments: deletedComments.length };
  }

  /**
   * What the member did that others' records keep, without them: acknowledgements (still counted),
   * reports (still counted), moderation, and the alerts they raised or resolved.
   */
  async detachTraces(tx: FeedExecutor, memberId: string): Promise<{ acknowledgements: number }> {
    const acknowledgements = await tx
      .update(alertAcknowledgements)
      .set({ memberId: null })
      .where(eq(alertAcknowledgements.memberId, memberId))
      .returning({ alertId: alertAcknowledgements.alertId });
    await tx.update(postReports).set({ memberId: null }).where(eq(postReports.memberId, memberId));
    await tx.update(moderationActions).set({ byMemberId: null }).where(eq(moderationActions.byMemberId, memberId));
    await tx.update(alerts).set({ raisedBy: null }).where(eq(alerts.raisedBy, memberId));
    await tx.update(alerts).set({ resolvedBy: null }).where(eq(alerts.resolvedBy, memberId));
    return { acknowledgements: acknowledgements.length };
  }
}
