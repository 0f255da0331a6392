import { Field, InputType, Int } from '@nestjs/graphql';
import { Theme } from '@pdn/domain';
import { DateTimeScalar } from '@pdn/subgraph';
import { EventKind, EventStatus, JoinMode } from './event.enums.js';

@InputType()
export class EventFilter {
  @Field(() => [EventKind], { nullable: true, description: 'Any of' })
  kinds?: EventKind[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Events still running at or after this instant (ending after it)' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Events starting before this instant' })
  to?: Date | null;

  @Field(() => String, { nullable: true, description: 'INSEE code, e.g. "32"' })
  department?: string | null;

  @Field(() => [Theme], { nullable: true, description: 'Any of' })
  themes?: Theme[] | null;

  @Field(() => [EventStatus], {
    nullable: true,
    description: 'Default: every status the caller may see. DRAFT events are listed to the coordinators of their département only.',
  })
  statuses?: EventStatus[] | null;
}

@InputType()
export class CreateEventInput {
  @Field(() => EventKind)
  kind!: EventKind;

  @Field({ description: '3 to 200 characters' })
  title!: string;

  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => DateTimeScalar, { description: 'After startsAt' })
  endsAt!: Date;

  @Field({ description: 'INSEE code; the caller must coordinate it' })
  department!: string;

  @Field(() => String, { nullable: true, description: 'At most 5,000 characters' })
  description?: string | null;

  @Field(() => String, { nullable: true })
  location?: string | null;

  @Field(() => String, { nullable: true, description: 'An http(s) link' })
  onlineUrl?: string | null;

  @Field(() => [Theme], { nullable: true, description: 'At most 8' })
  themes?: Theme[] | null;

  @Field(() => Int, { nullable: true, description: 'At least 1; null or absent: no limit' })
  capacity?: number | null;

  @Field(() => JoinMode, { nullable: true, description: 'Default OPEN' })
  joinMode?: JoinMode | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Before endsAt' })
  registrationDeadline?: Date | null;

  @Field(() => EventStatus, { nullable: true, description: 'DRAFT (default) or PUBLISHED' })
  status?: EventStatus | null;
}

/**
 * Absent fields stay as they are. An explicit null clears description, location, onlineUrl,
 * registrationDeadline, and capacity (no limit); it is ignored for the others.
 */
@InputType({ description: 'Absent fields are kept; null clears description, location, onlineUrl, registrationDeadline and capacity (no limit)' })
export class UpdateEventInput {
  @Field(() => EventKind, { nullable: true })
  kind?: EventKind | null;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  startsAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  endsAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Moves startsAt, endsAt and registrationDeadline by whole days, keeping their Europe/Paris wall-clock times across daylight-saving changes. Not with startsAt or endsAt.',
  })
  shiftDays?: number | null;

  @Field(() => String, { nullable: true })
  department?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true })
  location?: string | null;

  @Field(() => String, { nullable: true })
  onlineUrl?: string | null;

  @Field(() => [Theme], { nullable: true })
  themes?: Theme[] | null;

  @Field(() => Int, { nullable: true, description: 'Not below the confirmed count; raising it promotes waitlisted registrations' })
  capacity?: number | null;

  @Field(() => JoinMode, { nullable: true })
  joinMode?: JoinMode | null;

  @Field(() => DateTimeScalar, { nullable: true })
  registrationDeadline?: Date | null;

  @Field(() => EventStatus, { nullable: true, description: 'PUBLISHED publishes a draft; use cancelEvent and closeEvent for the other statuses' })
  status?: EventStatus | null;
}
