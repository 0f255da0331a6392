import { Directive, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Caller } from '@pdn/identity';
import { CurrentCaller } from '@pdn/identity/nest';
import { JSONScalar, PerViewer } from '@pdn/subgraph';
import { Member } from '../members/member.reference.js';
import { CalendarPersonalDataService } from './personal-data.service.js';

/**
 * Calendar's part of the member's export. Members fetches it through `_entities` with the caller's
 * signed identity and assembles `myPersonalData`; `@inaccessible` keeps it out of the gateway's API.
 */
@Resolver(() => Member)
export class CalendarPersonalDataResolver {
  constructor(private readonly service: CalendarPersonalDataService) {}

  @ResolveField(() => JSONScalar, { nullable: true, description: "What calendar holds about the member: the member only, null for anyone else" })
  @Directive('@inaccessible')
  @PerViewer()
  calendarPersonalData(@CurrentCaller() caller: Caller, @Parent() member: Member) {
    return this.service.partFor(caller, member.id);
  }
}
