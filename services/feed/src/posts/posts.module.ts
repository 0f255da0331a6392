import { Module } from '@nestjs/common';
import { PostsRepository } from './posts.repository.js';
import { CommentsResolver, MemberPostsResolver, PostsResolver } from './posts.resolver.js';
import { PostsService } from './posts.service.js';

/**
 * Posts, republications, comments, reactions, reports and moderation. Needs FEED_DATABASE, CLOCK
 * and FEED_PUBSUB (global).
 */
@Module({
  providers: [PostsRepository, PostsService, PostsResolver, CommentsResolver, MemberPostsResolver],
})
export class PostsModule {}
