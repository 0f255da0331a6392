import { Field, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '@pdn/subgraph';

@ObjectType({ description: "A member's private iCalendar feed. Its URL holds a secret shown this once; only its hash is kept." })
export class CalendarFeed {
  @Field({ description: 'The feed to subscribe to in a calendar app: GET /ics/members/<token>.ics on the gateway' })
  url!: string;

  @Field({ description: 'The secret in the URL (32 random bytes, base64url)' })
  token!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}
