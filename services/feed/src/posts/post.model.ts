import { Directive, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Theme } from '@pdn/domain';
import { ConnectionType } from '@pdn/pagination';
import { DateTimeScalar } from '@pdn/subgraph';
import { PostAudience, PostKind, PostStatus, Reaction } from './post.enums.js';

@ObjectType({ description: 'A link attached to a post: http or https only' })
export class Link {
  @Field()
  url!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;
}

/**
 * Information shared with the network or the public. The fields computed from other rows (author,
 * structure, republishedFrom, republishCount, comments, reactions, bodyHtml) are resolved in
 * posts.resolver.ts, in batches.
 */
@ObjectType({ description: 'Information shared with the network or the public; a republication points to its original. Times in Europe/Paris time.' })
@Directive('@key(fields: "id")')
export class Post {
  @Field(() => ID)
  id!: string;

  @Field(() => PostKind)
  kind!: PostKind;

  @Field()
  title!: string;

  @Field({ description: 'Markdown, as written. For a republication: the republisher\'s comment, possibly empty.' })
  body!: string;

  @Field(() => [Link])
  links!: Link[];

  @Field(() => [Theme])
  themes!: Theme[];

  @Field(() => PostAudience)
  audience!: PostAudience;

  @Field({ description: 'INSEE code of the author\'s home département' })
  department!: string;

  @Field(() => PostStatus)
  status!: PostStatus;

  @Field(() => DateTimeScalar)
  publishedAt!: Date;
}

@ObjectType()
export class Comment {
  @Field(() => ID)
  id!: string;

  @Field()
  body!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@ObjectType({ description: 'How many members gave this reaction to the post' })
export class ReactionCount {
  @Field(() => Reaction)
  reaction!: Reaction;

  @Field(() => Int)
  count!: number;
}

export const PostConnection = ConnectionType(Post);
export const CommentConnection = ConnectionType(Comment);
