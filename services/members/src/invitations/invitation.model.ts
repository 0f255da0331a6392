import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '@pdn/subgraph';

@ObjectType({ description: 'An invitation to join the network. Its token is shown this once, to the inviting coordinator.' })
export class Invitation {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field({ description: 'One-time secret for acceptInvitation; only its hash is kept.' })
  token!: string;

  @Field(() => DateTimeScalar)
  expiresAt!: Date;
}
