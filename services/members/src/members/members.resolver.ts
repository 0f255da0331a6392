import { Args, ID, Int, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { MemberStatus } from '@pdn/domain';
import { type Caller } from '@pdn/identity';
import { CurrentCaller, RequireMember, RequireRole } from '@pdn/identity/nest';
import { RequireScope, Visibility } from '@pdn/subgraph';
import type { MemberRow } from '../db/members.tables.js';
import { Structure } from '../structures/structure.model.js';
import { CorrectMemberInput, MemberFilter, UpdateProfileInput } from './member.input.js';
import { Member, MemberConnection, StatusChange } from './member.model.js';
import { MembersService } from './members.service.js';
import type { StatusChangeRow } from './members.repository.js';

@Resolver(() => Member)
export class MembersResolver {
  constructor(private readonly service: MembersService) {}

  @Query(() => Member, { nullable: true, description: 'The signed-in member; null when anonymous' })
  me(@CurrentCaller() caller: Caller) {
    return this.service.me(caller);
  }

  @Query(() => Member, { nullable: true, description: 'Null when the member does not exist or is not visible to the caller' })
  @RequireScope('DIRECTORY_READ')
  member(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(caller, id);
  }

  @Query(() => MemberConnection, {
    description: "Partner applications: active promeneurs of their key's départements (another département is FORBIDDEN)",
  })
  @RequireScope('DIRECTORY_READ')
  members(
    @CurrentCaller() caller: Caller,
    @Args('filter', { type: () => MemberFilter, nullable: true }) filter: MemberFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.service.list(caller, filter, first, after);
  }

  @Mutation(() => Member)
  @RequireMember()
  updateMyProfile(@CurrentCaller() caller: Caller, @Args('input') input: UpdateProfileInput) {
    return this.service.updateMyProfile(caller, input);
  }

  @Mutation(() => Member, { description: 'Coordinators: rectify what a member cannot change themselves' })
  @RequireRole('COORDINATOR')
  correctMember(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string, @Args('input') input: CorrectMemberInput) {
    return this.service.correctMember(caller, id, input);
  }

  @Mutation(() => Member)
  @RequireMember()
  acceptCharter(@CurrentCaller() caller: Caller, @Args('version') version: string) {
    return this.service.acceptCharter(caller, version);
  }

  @Mutation(() => Member, { description: 'Coordinators of the member\'s département' })
  @RequireRole('COORDINATOR')
  setMemberStatus(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
    @Args('status', { type: () => MemberStatus }) status: MemberStatus,
    @Args('reason') reason: string,
  ) {
    return this.service.setStatus(caller, id, status, reason);
  }

  @ResolveField(() => Structure, { nullable: true })
  structure(@Parent() member: MemberRow) {
    return this.service.loadStructure(member.structureId);
  }

  @ResolveField(() => [StatusChange], { description: 'The member and their coordinators; empty for others' })
  @Visibility('PRIVATE')
  statusHistory(@Parent() member: MemberRow) {
    return this.service.statusHistory(member);
  }

  @ResolveReference()
  resolveReference(reference: { id: string }) {
    return this.service.reference(reference.id);
  }
}

@Resolver(() => StatusChange)
export class StatusChangeResolver {
  constructor(private readonly members: MembersService) {}

  @ResolveField(() => MemberStatus, { nullable: true })
  from(@Parent() change: StatusChangeRow) {
    return change.fromStatus;
  }

  @ResolveField(() => MemberStatus)
  to(@Parent() change: StatusChangeRow) {
    return change.toStatus;
  }

  @ResolveField(() => Member, { nullable: true })
  by(@Parent() change: StatusChangeRow) {
    return this.members.loadMember(change.byMemberId);
  }
}
