import { Inject, Injectable } from '@nestjs/common';
import { asc, eq, getTableColumns, inArray } from 'drizzle-orm';
import { FEED_DATABASE, type FeedDatabase } from '../common/tokens.js';
import { alertAcknowledgements, alerts, comments, moderationActions, postReports, posts, reactions } from '../db/feed.tables.js';

const postSummary = { title: posts.title, publishedAt: posts.publishedAt };

/** Every row feed holds about one member, as stored (the service decides what leaves). */
@Injectable()
export class FeedPersonalDataRepository {
  constructor(@Inject(FEED_DATABASE) private readonly database: FeedDatabase) {}

  /** One snapshot: the reads share a transaction, so the part is consistent even while the member acts. */
  async rowsOf(memberId: string) {
    return this.database.db.transaction(async (tx) => {
      const postRows = await tx.select().from(posts).where(eq(posts.authorId, memberId)).orderBy(asc(posts.publishedAt), asc(posts.id));
      const postIds = postRows.map((p) => p.id);
      // What moderators did to the member's posts (not who: that is the moderators' data).
      const moderation = postIds.length
        ? await tx
            .select({ postId: moderationActions.postId, action: moderationActions.action, reason: moderationActions.reason, at: moderationActions.at })
            .from(moderationActions)
            .where(inArray(moderationActions.postId, postIds))
            .orderBy(asc(moderationActions.at), asc(moderationActions.id))
        : [];
      const commentRows = await tx
        .select({ ...getTableColumns(comments), post: postSummary })
        .from(comments)
        .innerJoin(posts, eq(posts.id, comments.postId))
        .where(eq(comments.authorId, memberId))
        .orderBy(asc(comments.createdAt), asc(comments.id));
      const reactionRows = await tx
        .select({ ...getTableColumns(reactions), post: postSummary })
        .from(reactions)
        .innerJoin(posts, eq(posts.id, reactions.postId))
        .where(eq(reactions.memberId, memberId))
        .orderBy(asc(reactions.createdAt), asc(reactions.postId), asc(reactions.reaction));
      const reportRows = await tx
        .select({ ...getTableColumns(postReports), post: postSummary })
        .from(postReports)
        .innerJoin(posts, eq(posts.id, postReports.postId))
        .where(eq(postReports.memberId, memberId))
        .orderBy(asc(postReports.createdAt), asc(postReports.id));
      const raised = await tx.select().from(alerts).where(eq(alerts.raisedBy, memberId)).orderBy(asc(alerts.raisedAt), asc(alerts.id));
      const resolved = await tx.select().from(alerts).where(eq(alerts.resolvedBy, memberId)).orderBy(asc(alerts.resolvedAt), asc(alerts.id));
      const acknowledgementRows = await tx
        .select({ ...getTableColumns(alertAcknowledgements), alert: { title: alerts.title, severity: alerts.severity, raisedAt: alerts.raisedAt } })
        .from(alertAcknowledgements)
        .innerJoin(alerts, eq(alerts.id, alertAcknowledgements.alertId))
        .where(eq(alertAcknowledgements.memberId, memberId))
        .orderBy(asc(alertAcknowledgements.at), asc(alertAcknowledgements.alertId));
      return {
        posts: postRows,
        moderation,
        comments: commentRows,
        reactions: reactionRows,
        reports: reportRows,
        alertsRaised: raised,
        alertsResolved: resolved,
        acknowledgements: acknowledgementRows,
      };
    });
  }
}
