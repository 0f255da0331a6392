import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from '@pdn/subgraph';

export enum RegistrationStatus {
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  CONFIRMED = 'CONFIRMED',
  WAITLISTED = 'WAITLISTED',
  CANCELLED = 'CANCELLED',
  REJECTED = 'REJECTED',
}

registerEnumType(RegistrationStatus, {
  name: 'RegistrationStatus',
  valuesMap: {
    PENDING_APPROVAL: { description: 'Waiting for a coordinator\'s decision (APPROVAL events)' },
    WAITLISTED: { description: 'No seat left: promoted in waitlistPosition order when one frees up' },
  },
});

/** A member's registration to an event. `event` and `member` are resolved in registrations.resolver.ts. */
@ObjectType({ description: 'A member\'s registration to an event' })
export class Registration {
  @Field(() => ID)
  id!: string;

  @Field(() => RegistrationStatus)
  status!: RegistrationStatus;

  @Field(() => Int, { nullable: true, description: '1-based while WAITLISTED; the positions stay contiguous' })
  waitlistPosition!: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Null until a coordinator records attendance' })
  attended!: boolean | null;

  @Field(() => DateTimeScalar, { description: 'When the member (last) registered' })
  createdAt!: Date;

  eventId!: string;
  /** Null once the member erased their account; such registrations are counted, never served. */
  memberId!: string | null;
}
