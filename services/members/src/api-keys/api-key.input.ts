import { Field, InputType, Int } from '@nestjs/graphql';
import { DateTimeScalar } from '@pdn/subgraph';
import { ApiScope } from './api-key.model.js';

@InputType()
export class CreateApiKeyInput {
  @Field({ description: 'Who uses the key, e.g. "Site de la CAF du Gers"' })
  name!: string;

  @Field(() => [ApiScope], { description: 'At least one' })
  scopes!: ApiScope[];

  @Field(() => [String], { description: 'INSEE codes; coordinators only those they coordinate' })
  departments!: string[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'In the future; null: the key does not expire' })
  expiresAt?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'Only the operations of the gateway\'s safelist (default false)' })
  persistedOnly?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Requests per minute, 1 to 100000; null: the gateway\'s default for keys' })
  rateLimitPerMinute?: number | null;
}
