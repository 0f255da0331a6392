import { Injectable } from '@nestjs/common';
import type { MemberErasedPayload } from '@pdn/domain-events';
import type { FeedExecutor } from '../posts/posts.repository.js';
import { MemberErasureRepository } from './member-erasure.repository.js';

export interface FeedErasureSummary {
  reactions: number;
  posts: number;
  comments: number;
  postsDeleted: boolean;
  acknowledgements: number;
}

/**
 * What feed does when a member erases their account (member.erased), in the consumer's transaction:
 * their reactions go; their posts and comments stay without an author (shown as by "ancien membre")
 * unless they asked for them to be deleted; their acknowledgements and reports stay counted but
 * detached; the alerts they raised stay, without them.
 */
@Injectable()
export class MemberErasureService {
  constructor(private readonly repository: MemberErasureRepository) {}

  async apply(payload: MemberErasedPayload, tx: FeedExecutor): Promise<FeedErasureSummary> {
    const { memberId, deletePosts } = payload;
    const reactions = await this.repository.deleteReactions(tx, memberId);
    const written = deletePosts
      ? await this.repository.deletePostsAndComments(tx, memberId)
      : await this.repository.detachPostsAndComments(tx, memberId);
    const { acknowledgements } = await this.repository.detachTraces(tx, memberId);
    return { reactions, ...written, postsDeleted: deletePosts, acknowledgements };
  }
}
