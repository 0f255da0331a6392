import { Args, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { type Caller } from '@pdn/identity';
import { CurrentCaller, RequireMember, RequireRole } from '@pdn/identity/nest';
import type { RegistrationRow } from '../db/calendar.tables.js';
import { Event } from '../events/event.model.js';
import { Member, memberReference } from '../members/member.reference.js';
import { Registration } from './registration.model.js';
import { RegistrationsService } from './registrations.service.js';

@Resolver(() => Registration)
export class RegistrationsResolver {
  constructor(private readonly service: RegistrationsService) {}

  @Mutation(() => Registration, {
    description:
      'The caller registers: CONFIRMED while seats are left, then WAITLISTED; PENDING_APPROVAL for APPROVAL events. Registering again returns the standing registration.',
  })
  @RequireMember()
  register(@CurrentCaller() caller: Caller, @Args('eventId', { type: () => ID }) eventId: string) {
    return this.service.register(caller, eventId);
  }

  @Mutation(() => Registration, { description: 'The member or a coordinator of the event: frees the seat, and the first waitlisted is promoted' })
  @RequireMember()
  cancelRegistration(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string) {
    return this.service.cancel(caller, id);
  }

  @Mutation(() => Registration, { description: 'Coordinators, APPROVAL events: approved → CONFIRMED if a seat is left, else WAITLISTED; refused → REJECTED' })
  @RequireRole('COORDINATOR')
  decideRegistration(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string, @Args('approve') approve: boolean) {
    return this.service.decide(caller, id, approve);
  }

  @Mutation(() => [Registration], { description: 'Coordinators, once the event has started: sets `attended` on these members\' confirmed registrations' })
  @RequireRole('COORDINATOR')
  recordAttendance(
    @CurrentCaller() caller: Caller,
    @Args('eventId', { type: () => ID }) eventId: string,
    @Args('memberIds', { type: () => [ID] }) memberIds: string[],
    @Args('attended') attended: boolean,
  ) {
    return this.service.recordAttendance(caller, eventId, memberIds, attended);
  }

  @ResolveField(() => Event)
  event(@Parent() registration: RegistrationRow) {
    return this.service.eventOf(registration);
  }

  @ResolveField(() => Member)
  member(@Parent() registration: RegistrationRow): Member {
    // Registrations detached from an erased member are never served (RegistrationsService).
    return memberReference(registration.memberId!);
  }
}
