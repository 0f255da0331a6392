import { Field, InputType, Int } from '@nestjs/graphql';
import { SocialNetwork } from '@pdn/domain';

@InputType()
export class PermanenceInput {
  @Field(() => Int, { description: '1 = Monday … 7 = Sunday' })
  weekday!: number;

  @Field({ description: 'HH:MM, Europe/Paris, 00:00 to 23:59' })
  startTime!: string;

  @Field({ description: 'HH:MM, Europe/Paris, after startTime, up to "24:00"; a slot past midnight is entered as two slots' })
  endTime!: string;

  @Field(() => SocialNetwork)
  network!: SocialNetwork;
}
