import { Field, ID, InputType } from '@nestjs/graphql';
import { Theme } from '@pdn/domain';
import { PostAudience, PostKind } from './post.enums.js';

@InputType()
export class FeedFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Full-text search in French on title and body (stemmed, accents ignored); results are ranked by relevance',
  })
  search?: string | null;

  @Field(() => [PostKind], { nullable: true, description: 'Any of' })
  kinds?: PostKind[] | null;

  @Field(() => [Theme], { nullable: true, description: 'Any of' })
  themes?: Theme[] | null;

  @Field(() => ID, { nullable: true })
  authorId?: string | null;

  @Field(() => ID, { nullable: true })
  structureId?: string | null;

  @Field(() => String, { nullable: true, description: 'INSEE code, e.g. "32"' })
  department?: string | null;
}

@InputType()
export class LinkInput {
  @Field({ description: 'http or https' })
  url!: string;

  @Field(() => String, { nullable: true, description: 'At most 200 characters' })
  title?: string | null;
}

@InputType()
export class PublishPostInput {
  @Field(() => PostKind)
  kind!: PostKind;

  @Field({ description: '3 to 200 characters' })
  title!: string;

  @Field({ description: 'Markdown, at most 20,000 characters. Never a young person\'s identity.' })
  body!: string;

  @Field(() => PostAudience)
  audience!: PostAudience;

  @Field(() => [LinkInput], { nullable: true, description: 'At most 10' })
  links?: LinkInput[] | null;

  @Field(() => [Theme], { nullable: true, description: 'At most 8' })
  themes?: Theme[] | null;
}
