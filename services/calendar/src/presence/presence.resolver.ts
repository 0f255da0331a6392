import { Args, Directive, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Caller } from '@pdn/identity';
import { CurrentCaller, RequireMember } from '@pdn/identity/nest';
import { DateScalar, Visibility } from '@pdn/subgraph';
import type { PresenceLogRow } from '../db/calendar.tables.js';
import { Member, memberReference } from '../members/member.reference.js';
import { PresenceLogInput } from './presence.input.js';
import { PresenceLog, PresenceReport, PresenceRow, PresenceSummary } from './presence.model.js';
import { PresenceService } from './presence.service.js';

@Resolver(() => PresenceLog)
export class PresenceLogResolver {
  constructor(private readonly service: PresenceService) {}

  @Mutation(() => PresenceLog, { description: 'Records time spent online, with anonymous counts only' })
  @RequireMember()
  logPresence(@CurrentCaller() caller: Caller, @Args('input') input: PresenceLogInput) {
    return this.service.log(caller, input);
  }

  @Query(() => PresenceReport, {
    description: "Coordinators of the département (admins: any); department defaults to the caller's own. structureId narrows it to one structure's members.",
  })
  @RequireMember()
  presenceReport(
    @CurrentCaller() caller: Caller,
    @Args('from', { type: () => DateScalar }) from: string,
    @Args('to', { type: () => DateScalar }) to: string,
    @Args('department', { type: () => String, nullable: true }) department: string | null,
    @Args('structureId', { type: () => ID, nullable: true }) structureId: string | null,
  ) {
    return this.service.report(caller, from, to, department, structureId);
  }

  @ResolveField(() => Member)
  member(@Parent() log: PresenceLogRow) {
    return memberReference(log.memberId);
  }
}

@Resolver(() => PresenceRow)
export class PresenceRowResolver {
  @ResolveField(() => Member)
  member(@Parent() row: PresenceRow) {
    return memberReference(row.memberId);
  }
}

@Resolver(() => Member)
export class MemberPresenceResolver {
  constructor(private readonly service: PresenceService) {}

  /** The commitment and département come from members with the representation (`@requires`): calendar keeps no copy. */
  @ResolveField(() => PresenceSummary, {
    description: 'Minutes logged against committed over [from, to]: the member, the coordinators of their département and admins (FORBIDDEN for anyone else)',
  })
  @Directive('@requires(fields: "weeklyHoursCommitment department")')
  @Visibility('PRIVATE')
  presence(
    @Parent() member: Member,
    @Args('from', { type: () => DateScalar }) from: string,
    @Args('to', { type: () => DateScalar }) to: string,
  ) {
    return this.service.summary(member, from, to);
  }
}
