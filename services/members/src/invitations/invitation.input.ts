import { Field, ID, InputType } from '@nestjs/graphql';
import { Role } from '@pdn/domain';

@InputType()
export class InviteMemberInput {
  @Field()
  email!: string;

  @Field()
  firstName!: string;

  @Field()
  lastName!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => ID, { nullable: true, description: 'Required for a promeneur; must be in `department`.' })
  structureId?: string | null;

  @Field({ description: 'INSEE code of the département the member joins, e.g. "32".' })
  department!: string;
}
