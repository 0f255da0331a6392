import { Field, InputType, OmitType, PartialType } from '@nestjs/graphql';
import { StructureKind } from '@pdn/domain';
import { PresenceChannelInput } from '../members/presence-channel.input.js';

@InputType()
export class StructureFilter {
  @Field(() => String, { nullable: true, description: 'Full-text on name and commune, accent-insensitive' })
  search?: string | null;

  @Field(() => String, { nullable: true })
  department?: string | null;

  @Field(() => [StructureKind], { nullable: true })
  kinds?: StructureKind[] | null;

  @Field(() => String, { nullable: true })
  commune?: string | null;
}

@InputType()
export class CreateStructureInput {
  @Field()
  name!: string;

  @Field(() => StructureKind)
  kind!: StructureKind;

  @Field()
  commune!: string;

  @Field()
  department!: string;

  @Field(() => String, { nullable: true })
  address?: string | null;

  @Field(() => String, { nullable: true })
  postalCode?: string | null;

  @Field(() => String, { nullable: true })
  inseeCode?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  website?: string | null;

  @Field(() => [PresenceChannelInput], { nullable: true })
  channels?: PresenceChannelInput[] | null;
}

/** Any field of a structure but its département (a structure does not move); absent fields stay. */
@InputType()
export class UpdateStructureInput extends PartialType(OmitType(CreateStructureInput, ['department'] as const)) {}
