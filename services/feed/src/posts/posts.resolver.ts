import { Args, ID, Int, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver, Subscription } from '@nestjs/graphql';
import { type Caller } from '@pdn/identity';
import { CurrentCaller, RequireMember, RequireRole, type SubgraphContext } from '@pdn/identity/nest';
import { PerViewer, RequireScope } from '@pdn/subgraph';
import type { CommentRow, PostRow } from '../db/feed.tables.js';
import { authorReference, Member } from '../members/member.reference.js';
import { Structure, structureReference } from '../structures/structure.reference.js';
import { renderMarkdown } from './markdown.js';
import { ModerationAction, Reaction } from './post.enums.js';
import { FeedFilter, PublishPostInput } from './post.input.js';
import { Comment, CommentConnection, Post, PostConnection, ReactionCount } from './post.model.js';
import { PostsService } from './posts.service.js';

@Resolver(() => Post)
export class PostsResolver {
  constructor(private readonly service: PostsService) {}

  @Query(() => PostConnection, {
    description:
      "Newest first, or by relevance while searching. PUBLIC posts for everyone, NETWORK posts for network members; hidden posts only for their author and the coordinators of their département; partner applications, the key's départements only.",
  })
  @RequireScope('FEED_READ')
  feed(
    @CurrentCaller() caller: Caller,
    @Args('filter', { type: () => FeedFilter, nullable: true }) filter: FeedFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.service.listCountedOnDemand(caller, filter, first, after);
  }

  @Query(() => Post, { nullable: true, description: 'Null when the post does not exist or the caller may not see it' })
  @RequireScope('FEED_READ')
  post(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(caller, id);
  }

  @Mutation(() => Post, { description: 'Active members; the post belongs to the caller\'s home département and structure' })
  @RequireMember()
  publishPost(@CurrentCaller() caller: Caller, @Args('input') input: PublishPostInput) {
    return this.service.publish(caller, input);
  }

  @Mutation(() => Post, {
    description:
      'Relays another member\'s post to the caller\'s network: a new post pointing to the original, with the comment as its body. Once per post; never one\'s own (CONFLICT).',
  })
  @RequireMember()
  republish(
    @CurrentCaller() caller: Caller,
    @Args('postId', { type: () => ID }) postId: string,
    @Args('comment', { type: () => String, nullable: true, description: 'Markdown, at most 5,000 characters' }) comment: string | null,
  ) {
    return this.service.republish(caller, postId, comment);
  }

  @Mutation(() => Comment, { description: 'Active members; 1 to 5,000 characters' })
  @RequireMember()
  commentPost(@CurrentCaller() caller: Caller, @Args('postId', { type: () => ID }) postId: string, @Args('body') body: string) {
    return this.service.comment(caller, postId, body);
  }

  @Mutation(() => Post, { description: 'Toggles the caller\'s reaction of this kind: calling again removes it' })
  @RequireMember()
  reactToPost(@CurrentCaller() caller: Caller, @Args('postId', { type: () => ID }) postId: string, @Args('reaction', { type: () => Reaction }) reaction: Reaction) {
    return this.service.react(caller, postId, reaction);
  }

  @Mutation(() => Post, { description: 'Tells the coordinators something is wrong; once per member and post (CONFLICT after)' })
  @RequireMember()
  reportPost(@CurrentCaller() caller: Caller, @Args('postId', { type: () => ID }) postId: string, @Args('reason') reason: string) {
    return this.service.report(caller, postId, reason);
  }

  @Mutation(() => Post, { description: 'Coordinators of the post\'s département: HIDE or RESTORE, with a reason that is kept' })
  @RequireRole('COORDINATOR')
  moderatePost(
    @CurrentCaller() caller: Caller,
    @Args('postId', { type: () => ID }) postId: string,
    @Args('action', { type: () => ModerationAction }) action: ModerationAction,
    @Args('reason') reason: string,
  ) {
    return this.service.moderate(caller, postId, action, reason);
  }

  @Subscription(() => Post, {
    description: 'Posts as they are published or republished, with the visibility and filter of `feed`',
    resolve: (post: PostRow) => post,
  })
  @RequireScope('FEED_READ')
  postPublished(@CurrentCaller() caller: Caller, @Args('filter', { type: () => FeedFilter, nullable: true }) filter: FeedFilter | null) {
    return this.service.subscribe(caller, filter);
  }

  @ResolveField(() => String, { description: 'The Markdown body as sanitised HTML: no scripts or inline handlers, links with rel="noopener nofollow"' })
  bodyHtml(@Parent() post: PostRow): string {
    return renderMarkdown(post.body);
  }

  @ResolveField(() => Member, { description: 'Once the author erased their account, the former member "Ancien membre"' })
  author(@Parent() post: PostRow): Member {
    return authorReference(post.authorId);
  }

  @ResolveField(() => Structure, { nullable: true, description: 'The author\'s structure when the post was published' })
  structure(@Parent() post: PostRow): Structure | null {
    return post.structureId ? structureReference(post.structureId) : null;
  }

  @ResolveField(() => Post, { nullable: true, description: 'The original of a republication, when the caller may see it' })
  @PerViewer() // a hidden original shows to its author
  republishedFrom(@CurrentCaller() caller: Caller, @Parent() post: PostRow) {
    return this.service.republishedFrom(caller, post);
  }

  @ResolveField(() => Int, { description: 'Published republications of this post' })
  republishCount(@Parent() post: PostRow) {
    return this.service.republishCount(post);
  }

  @ResolveField(() => CommentConnection, { description: 'Oldest first' })
  comments(
    @Parent() post: PostRow,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.service.comments(post, first, after);
  }

  @ResolveField(() => [ReactionCount], { description: 'One count per kind of reaction, zeros included' })
  reactions(@Parent() post: PostRow) {
    return this.service.reactions(post);
  }

  @ResolveField(() => [Reaction], { description: 'The reactions the caller gave; empty when not signed in' })
  @PerViewer()
  myReactions(@CurrentCaller() caller: Caller, @Parent() post: PostRow) {
    return this.service.myReactions(caller, post);
  }

  // Reference resolvers get (representation, context): Nest's parameter decorators do not apply here.
  @ResolveReference()
  resolveReference(reference: { id: string }, context: SubgraphContext) {
    return this.service.get(context.caller, reference.id);
  }
}

@Resolver(() => Comment)
export class CommentsResolver {
  constructor(private readonly service: PostsService) {}

  @ResolveField(() => Post)
  @PerViewer() // a hidden post shows to its author
  post(@CurrentCaller() caller: Caller, @Parent() comment: CommentRow) {
    return this.service.postOfComment(caller, comment);
  }

  @ResolveField(() => Member, { description: 'Once the author erased their account, the former member "Ancien membre"' })
  author(@Parent() comment: CommentRow): Member {
    return authorReference(comment.authorId);
  }
}

/** Feed's contribution to the members subgraph's Member. */
@Resolver(() => Member)
export class MemberPostsResolver {
  constructor(private readonly service: PostsService) {}

  @ResolveField(() => PostConnection, { description: 'The member\'s posts and republications the caller may see, newest first' })
  @PerViewer() // hidden posts show to their author
  posts(
    @CurrentCaller() caller: Caller,
    @Parent() member: Member,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.service.postsOf(caller, member.id, first, after);
  }
}
