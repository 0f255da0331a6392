import { Args, ID, Int, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { type Caller } from '@pdn/identity';
import { CurrentCaller, RequireRole, type SubgraphContext } from '@pdn/identity/nest';
import { PerViewer, RequireScope } from '@pdn/subgraph';
import type { EventRow } from '../db/calendar.tables.js';
import { Member, memberReference } from '../members/member.reference.js';
import { Registration, RegistrationStatus } from '../registrations/registration.model.js';
import { RegistrationsService } from '../registrations/registrations.service.js';
import { CreateEventInput, EventFilter, UpdateEventInput } from './event.input.js';
import { Event, EventConnection } from './event.model.js';
import { EventsService } from './events.service.js';

@Resolver(() => Event)
export class EventsResolver {
  constructor(
    private readonly service: EventsService,
    private readonly seating: RegistrationsService,
  ) {}

  @Query(() => Event, {
    nullable: true,
    description: "Null when the event does not exist, is a draft the caller may not see, or (partner applications) lies outside the key's départements",
  })
  @RequireScope('CALENDAR_READ')
  event(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(caller, id);
  }

  @Query(() => EventConnection, {
    description: "Ordered by start, then id. Drafts only for the coordinators of their département; partner applications, the key's départements only.",
  })
  @RequireScope('CALENDAR_READ')
  events(
    @CurrentCaller() caller: Caller,
    @Args('filter', { type: () => EventFilter, nullable: true }) filter: EventFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.service.list(caller, filter, first, after);
  }

  @Mutation(() => Event, { description: 'Coordinators of the event\'s département; the caller is its organizer' })
  @RequireRole('COORDINATOR')
  createEvent(@CurrentCaller() caller: Caller, @Args('input') input: CreateEventInput) {
    return this.service.create(caller, input);
  }

  @Mutation(() => Event, { description: 'Coordinators of the event\'s département' })
  @RequireRole('COORDINATOR')
  updateEvent(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateEventInput) {
    return this.service.update(caller, id, input);
  }

  @Mutation(() => Event, { description: 'Coordinators: cancels the event and every registration still standing' })
  @RequireRole('COORDINATOR')
  cancelEvent(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.service.cancel(caller, id, reason);
  }

  @Mutation(() => Event, {
    description: 'Coordinators, once the event has ended: COMPLETED, with the number of people who attended (default: the recorded attendance) and notes',
  })
  @RequireRole('COORDINATOR')
  closeEvent(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
    @Args('attendedCount', { type: () => Int, nullable: true }) attendedCount: number | null,
    @Args('notes', { type: () => String, nullable: true }) notes: string | null,
  ) {
    return this.service.close(caller, id, attendedCount, notes);
  }

  @ResolveField(() => Member)
  organizer(@Parent() event: EventRow): Member {
    return memberReference(event.organizerId);
  }

  @ResolveField(() => Int)
  async confirmedCount(@Parent() event: EventRow) {
    return (await this.seating.seats(event)).confirmedCount;
  }

  @ResolveField(() => Int)
  async waitlistCount(@Parent() event: EventRow) {
    return (await this.seating.seats(event)).waitlistCount;
  }

  @ResolveField(() => Int, { nullable: true, description: 'Null when there is no limit' })
  async seatsLeft(@Parent() event: EventRow) {
    return (await this.seating.seats(event)).seatsLeft;
  }

  @ResolveField(() => [Registration], {
    description: 'Coordinators of the event\'s département only: an empty list for everyone else (members, partners, anonymous callers)',
  })
  registrations(
    @CurrentCaller() caller: Caller,
    @Parent() event: EventRow,
    @Args('statuses', { type: () => [RegistrationStatus], nullable: true }) statuses: RegistrationStatus[] | null,
  ) {
    return this.seating.ofEvent(caller, event, statuses);
  }

  @ResolveField(() => Registration, { nullable: true, description: 'The caller\'s registration, whatever its status; null when anonymous or never registered' })
  @PerViewer()
  myRegistration(@CurrentCaller() caller: Caller, @Parent() event: EventRow) {
    return this.seating.mine(caller, event);
  }

  @ResolveField(() => String, { nullable: true, description: 'Written when closing the event; coordinators of its département only' })
  closingNotes(@CurrentCaller() caller: Caller, @Parent() event: EventRow) {
    return this.service.closingNotes(caller, event);
  }

  // Reference resolvers get (representation, context): Nest's parameter decorators do not apply here.
  @ResolveReference()
  resolveReference(reference: { id: string }, context: SubgraphContext) {
    return this.service.get(context.caller, reference.id);
  }
}
