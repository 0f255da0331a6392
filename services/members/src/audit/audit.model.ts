import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '@pdn/pagination';
import { DateTimeScalar } from '@pdn/subgraph';
import { Member } from '../members/member.model.js';

@ObjectType({ description: "A read of a member's private fields by someone else (a coordinator, an admin): who, whose, which fields, when, through which operation" })
export class AuditEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => Member, { nullable: true, description: 'The member who read (an erased one shows as "Ancien membre"); null for a partner application' })
  actor!: Member | null;

  @Field(() => ID, { nullable: true, description: 'The API key, when a partner application read' })
  actorApiKeyId!: string | null;

  @Field(() => Member, { nullable: true, description: 'The member whose fields were read (an erased one shows as "Ancien membre")' })
  subject!: Member | null;

  @Field(() => [String], { description: 'The private fields returned, e.g. statusHistory, charterAcceptedAt, presence' })
  fields!: string[];

  @Field(() => String, { nullable: true, description: "The client's operation name; null for an anonymous operation" })
  operationName!: string | null;

  @Field({ description: 'The subgraph that served the read (members, calendar, feed)' })
  service!: string;

  @Field(() => DateTimeScalar)
  at!: Date;
}

export const AuditEntryConnection = ConnectionType(AuditEntry);

@InputType()
export class AuditFilter {
  @Field(() => ID, { nullable: true, description: 'The reader: a member id, or an API key id' })
  actorId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The member whose fields were read' })
  subjectId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'From this instant, included' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Until this instant, included' })
  to?: Date | null;
}
