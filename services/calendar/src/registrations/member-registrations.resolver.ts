import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { type Caller } from '@pdn/identity';
import { CurrentCaller } from '@pdn/identity/nest';
import { PerViewer } from '@pdn/subgraph';
import { Member } from '../members/member.reference.js';
import { Registration, RegistrationStatus } from './registration.model.js';
import { RegistrationsService } from './registrations.service.js';

/** Calendar's contribution to the members subgraph's Member. */
@Resolver(() => Member)
export class MemberRegistrationsResolver {
  constructor(private readonly service: RegistrationsService) {}

  @ResolveField(() => [Registration], {
    description:
      'Ordered by event start. The member sees all of theirs; a coordinator, those to the events of their départements; anyone else an empty list.',
  })
  @PerViewer() // the member sees all of theirs
  registrations(
    @CurrentCaller() caller: Caller,
    @Parent() member: Member,
    @Args('statuses', { type: () => [RegistrationStatus], nullable: true }) statuses: RegistrationStatus[] | null,
  ) {
    return this.service.ofMember(caller, member.id, statuses);
  }
}
