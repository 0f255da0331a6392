import { Field, InputType, Int } from '@nestjs/graphql';
import { SocialNetwork, Theme } from '@pdn/domain';
import { DateScalar } from '@pdn/subgraph';
import { RequestCategory } from './request-category.js';

@InputType()
export class RequestCountInput {
  @Field(() => RequestCategory)
  category!: RequestCategory;

  @Field(() => Int, { description: '0 or more' })
  count!: number;
}

/**
 * Counts only, by design: there is no free-text field, so nothing about a young person (name, handle,
 * message) can be logged. GraphQL validation refuses any field not declared here.
 */
@InputType()
export class PresenceLogInput {
  @Field(() => DateScalar, { description: 'The day spent online (Europe/Paris): not in the future, at most a year ago' })
  date!: string;

  @Field(() => Int, { description: '1 to 1440' })
  minutes!: number;

  @Field(() => SocialNetwork)
  network!: SocialNetwork;

  @Field(() => Int, { defaultValue: 0, description: 'Young people reached, 0 or more' })
  contacts!: number;

  @Field(() => [RequestCountInput], { defaultValue: [], description: 'Requests by category, each category once' })
  requests!: RequestCountInput[];

  @Field(() => [Theme], { defaultValue: [] })
  themes!: Theme[];
}
