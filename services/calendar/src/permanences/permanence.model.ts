import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { SocialNetwork } from '@pdn/domain';

@ObjectType({ description: "A weekly slot when the promeneur is reachable online: public, the promeneur's announced online hours" })
export class Permanence {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: '1 = Monday … 7 = Sunday' })
  weekday!: number;

  @Field({ description: 'HH:MM, Europe/Paris' })
  startTime!: string;

  @Field({ description: 'HH:MM, Europe/Paris, after startTime; "24:00" is the end of the day' })
  endTime!: string;

  @Field(() => SocialNetwork)
  network!: SocialNetwork;
}
