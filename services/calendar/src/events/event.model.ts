import { Directive, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Theme } from '@pdn/domain';
import { ConnectionType } from '@pdn/pagination';
import { DateTimeScalar } from '@pdn/subgraph';
import { EventKind, EventStatus, JoinMode } from './event.enums.js';

/**
 * A training, workshop, webinar or regroupement. The fields computed from registrations and the
 * caller (organizer, counts, registrations, myRegistration, closingNotes) are resolved in
 * events.resolver.ts, in batches.
 */
@ObjectType({ description: 'A training, workshop, webinar or network day. Times are shown in Europe/Paris time.' })
@Directive('@key(fields: "id")')
export class Event {
  @Field(() => ID)
  id!: string;

  @Field(() => EventKind)
  kind!: EventKind;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => DateTimeScalar)
  endsAt!: Date;

  @Field(() => String, { nullable: true, description: 'Place and address; null when online only' })
  location!: string | null;

  @Field(() => String, { nullable: true })
  onlineUrl!: string | null;

  @Field({ description: 'INSEE code of the département that runs it, e.g. "32"' })
  department!: string;

  @Field(() => [Theme])
  themes!: Theme[];

  @Field(() => Int, { nullable: true, description: 'Seats; null: no limit' })
  capacity!: number | null;

  @Field(() => JoinMode)
  joinMode!: JoinMode;

  @Field(() => DateTimeScalar, { nullable: true, description: 'No registration after this instant' })
  registrationDeadline!: Date | null;

  @Field(() => EventStatus)
  status!: EventStatus;

  @Field(() => String, { nullable: true, description: 'Why it was cancelled, once CANCELLED' })
  cancelReason!: string | null;

  @Field(() => Int, { nullable: true, description: 'People who attended, recorded when the event was closed (COMPLETED)' })
  attendedCount!: number | null;

  @Field(() => Int, { description: 'iCalendar SEQUENCE: bumped by every change to the event' })
  sequence!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  /** Not exposed as such: `organizer` resolves it through members. */
  organizerId!: string;
}

export const EventConnection = ConnectionType(Event);
