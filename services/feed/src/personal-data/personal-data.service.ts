import { Injectable } from '@nestjs/common';
import type { Caller } from '@pdn/identity';
import { withoutOmitted } from '@pdn/subgraph';
import { feedPersonalDataCoverage as coverage } from './personal-data.coverage.js';
import { FeedPersonalDataRepository } from './personal-data.repository.js';

/** Feed's part of a member's personal-data export (`myPersonalData`, assembled by members). */
@Injectable()
export class FeedPersonalDataService {
  constructor(private readonly repository: FeedPersonalDataRepository) {}

  /** The member's own part; null for anyone else, coordinators and admins included. */
  async partFor(caller: Caller, memberId: string) {
    if (caller.kind !== 'member' || caller.memberId !== memberId) return null;
    const rows = await this.repository.rowsOf(memberId);
    return {
      posts: rows.posts.map((post) => ({
        ...withoutOmitted(coverage.posts, post),
        moderation: rows.moderation.filter((m) => m.postId === post.id).map(({ action, reason, at }) => ({ action, reason, at })),
      })),
      comments: rows.comments.map((row) => withoutOmitted(coverage.comments, row)),
      reactions: rows.reactions.map((row) => withoutOmitted(coverage.reactions, row)),
      reportsMade: rows.reports.map((row) => withoutOmitted(coverage.postReports, row)),
      alertsRaised: rows.alertsRaised.map((row) => withoutOmitted(coverage.alerts, row)),
      alertsResolved: rows.alertsResolved.map((row) => withoutOmitted(coverage.alerts, row)),
      acknowledgements: rows.acknowledgements.map((row) => withoutOmitted(coverage.alertAcknowledgements, row)),
    };
  }
}
