import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Caller } from '@pdn/identity';
import { CurrentCaller, RequireMember } from '@pdn/identity/nest';
import { RequireScope } from '@pdn/subgraph';
import type { PermanenceRow } from '../db/calendar.tables.js';
import { Member, memberReference } from '../members/member.reference.js';
import { PermanenceInput } from './permanence.input.js';
import { Permanence } from './permanence.model.js';
import { PermanencesService } from './permanences.service.js';

@Resolver(() => Permanence)
export class PermanencesResolver {
  constructor(private readonly service: PermanencesService) {}

  @Query(() => [Permanence], {
    description: "Permanences covering the current time (Europe/Paris), optionally of one département; partner applications, the key's départements only",
  })
  @RequireScope('CALENDAR_READ')
  onlineNow(@CurrentCaller() caller: Caller, @Args('department', { type: () => String, nullable: true }) department: string | null) {
    return this.service.onlineNow(caller, department);
  }

  @Mutation(() => [Permanence], {
    description: "Replaces the caller's weekly slots (active members; an empty list clears them, whatever the status)",
  })
  @RequireMember()
  setMyPermanences(@CurrentCaller() caller: Caller, @Args('slots', { type: () => [PermanenceInput] }) slots: PermanenceInput[]) {
    return this.service.setMine(caller, slots);
  }

  @ResolveField(() => Member)
  member(@Parent() permanence: PermanenceRow) {
    return memberReference(permanence.memberId);
  }
}

/** Calendar's public fields on members' Member: announced online hours. */
@Resolver(() => Member)
export class MemberPermanencesResolver {
  constructor(private readonly service: PermanencesService) {}

  @ResolveField(() => [Permanence], { description: 'Weekly online slots, by day and time' })
  permanences(@Parent() member: Member) {
    return this.service.ofMember(member.id);
  }

  @ResolveField(() => Boolean, { description: 'Whether one of the permanences covers the current time (Europe/Paris)' })
  onlineNow(@Parent() member: Member) {
    return this.service.isOnline(member.id);
  }
}
