import { Directive, Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { Audience, MemberStatus, Role, SocialNetwork, Theme } from '@pdn/domain';
import { ConnectionType } from '@pdn/pagination';
import { DateTimeScalar, Visibility, VisibilitySubject } from '@pdn/subgraph';

@ObjectType({ description: 'Where a promeneur or a structure can be reached online' })
export class PresenceChannel {
  @Field(() => SocialNetwork)
  network!: SocialNetwork;

  @Field()
  handle!: string;

  @Field(() => String, { nullable: true })
  url!: string | null;
}

@ObjectType({ description: 'A labelled professional of the network (promeneur, coordinator or admin)' })
@Directive('@key(fields: "id")')
@VisibilitySubject((member: { id: string; department: string }) => ({ memberId: member.id, department: member.department }))
export class Member {
  @Field(() => ID)
  id!: string;

  @Field()
  firstName!: string;

  @Field(() => String, { nullable: true, description: 'Network members and above' })
  @Visibility('NETWORK')
  lastName!: string | null;

  @Field({ description: 'Public form, e.g. "Isabelle du BIJ d\'Auch"' })
  displayName!: string;

  @Field(() => String, { nullable: true, description: 'Network members and above' })
  @Visibility('NETWORK')
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Network members and above' })
  @Visibility('NETWORK')
  phone!: string | null;

  @Field(() => Role)
  role!: Role;

  @Field(() => MemberStatus)
  status!: MemberStatus;

  @Field(() => String, { nullable: true })
  jobTitle!: string | null;

  @Field({ description: 'INSEE code of the member\'s département, e.g. "32"' })
  department!: string;

  @Field(() => [Theme])
  themes!: Theme[];

  @Field(() => [Audience])
  audiences!: Audience[];

  @Field(() => [PresenceChannel])
  channels!: PresenceChannel[];

  @Field(() => Float, { description: 'Hours online promised each week (at least 2)' })
  weeklyHoursCommitment!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The member and their coordinators' })
  @Visibility('PRIVATE')
  charterAcceptedAt!: Date | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  /** Not exposed: carried for the resolvers of `structure`. */
  structureId!: string | null;
}

@ObjectType()
export class StatusChange {
  @Field(() => MemberStatus, { nullable: true })
  from!: MemberStatus | null;

  @Field(() => MemberStatus)
  to!: MemberStatus;

  @Field()
  reason!: string;

  @Field(() => Member, { nullable: true })
  by!: Member | null;

  @Field(() => DateTimeScalar)
  at!: Date;
}

export const MemberConnection = ConnectionType(Member);
