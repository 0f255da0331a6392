import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';
import { StructureKind } from '@pdn/domain';
import { ConnectionType } from '@pdn/pagination';
import { PresenceChannel } from '../members/member.model.js';

@ObjectType({ description: 'An employer of promeneurs: centre social, MJC, PIJ/BIJ, mission locale…' })
@Directive('@key(fields: "id")')
export class Structure {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => StructureKind)
  kind!: StructureKind;

  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => String, { nullable: true })
  postalCode!: string | null;

  @Field()
  commune!: string;

  @Field(() => String, { nullable: true, description: 'INSEE code of the commune' })
  inseeCode!: string | null;

  @Field()
  department!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  website!: string | null;

  @Field(() => [PresenceChannel])
  channels!: PresenceChannel[];
}

export const StructureConnection = ConnectionType(Structure);
