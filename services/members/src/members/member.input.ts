import { Field, Float, ID, InputType } from '@nestjs/graphql';
import { Audience, MemberStatus, SocialNetwork, StructureKind, Theme } from '@pdn/domain';
import { PresenceChannelInput } from './presence-channel.input.js';

@InputType()
export class MemberFilter {
  @Field(() => String, { nullable: true, description: 'Full-text on names, structure name, commune; accent-insensitive, ranked' })
  search?: string | null;

  @Field(() => String, { nullable: true, description: 'INSEE code, e.g. "32"' })
  department?: string | null;

  @Field(() => [Theme], { nullable: true, description: 'Any of' })
  themes?: Theme[] | null;

  @Field(() => [SocialNetwork], { nullable: true, description: 'Any of' })
  networks?: SocialNetwork[] | null;

  @Field(() => ID, { nullable: true })
  structureId?: string | null;

  @Field(() => [StructureKind], { nullable: true })
  structureKinds?: StructureKind[] | null;

  @Field(() => [MemberStatus], { nullable: true, description: 'Default ACTIVE; other statuses only within the départements a coordinator runs' })
  statuses?: MemberStatus[] | null;
}

@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true })
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  lastName?: string | null;

  @Field(() => String, { nullable: true, description: 'Public form of the name; derived from first name and structure when cleared' })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true, description: 'A French number; stored as +33…' })
  phone?: string | null;

  @Field(() => [Theme], { nullable: true })
  themes?: Theme[] | null;

  @Field(() => [Audience], { nullable: true })
  audiences?: Audience[] | null;

  @Field(() => [PresenceChannelInput], { nullable: true })
  channels?: PresenceChannelInput[] | null;

  @Field(() => Float, { nullable: true, description: 'Between 2 and 35 hours a week' })
  weeklyHoursCommitment?: number | null;
}

/** What a coordinator may correct that a member cannot (rectification, GDPR). */
@InputType()
export class CorrectMemberInput extends UpdateProfileInput {
  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => ID, { nullable: true })
  structureId?: string | null;
}
