import { Args, ID, Int, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { type Caller } from '@pdn/identity';
import { CurrentCaller, RequireRole } from '@pdn/identity/nest';
import { RequireScope } from '@pdn/subgraph';
import type { StructureRow } from '../db/members.tables.js';
import { MemberConnection } from '../members/member.model.js';
import { MembersService } from '../members/members.service.js';
import { CreateStructureInput, StructureFilter, UpdateStructureInput } from './structure.input.js';
import { Structure, StructureConnection } from './structure.model.js';
import { StructuresService } from './structures.service.js';

@Resolver(() => Structure)
export class StructuresResolver {
  constructor(
    private readonly structuresService: StructuresService,
    private readonly membersService: MembersService,
  ) {}

  @Query(() => Structure, { nullable: true, description: "Null when it does not exist (or, for a partner application, lies outside its key's départements)" })
  @RequireScope('DIRECTORY_READ')
  structure(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string) {
    return this.structuresService.get(caller, id);
  }

  @Query(() => StructureConnection, { description: "Partner applications: the structures of their key's départements (another département is FORBIDDEN)" })
  @RequireScope('DIRECTORY_READ')
  structures(
    @CurrentCaller() caller: Caller,
    @Args('filter', { type: () => StructureFilter, nullable: true }) filter: StructureFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.structuresService.list(caller, filter, first, after);
  }

  @Mutation(() => Structure, { description: 'Coordinators of the département' })
  @RequireRole('COORDINATOR')
  createStructure(@CurrentCaller() caller: Caller, @Args('input') input: CreateStructureInput) {
    return this.structuresService.create(caller, input);
  }

  @Mutation(() => Structure, { description: 'Coordinators of the structure\'s département' })
  @RequireRole('COORDINATOR')
  updateStructure(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateStructureInput) {
    return this.structuresService.update(caller, id, input);
  }

  @ResolveField(() => MemberConnection, { description: 'The members of this structure the caller may see' })
  members(
    @CurrentCaller() caller: Caller,
    @Parent() structure: StructureRow,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.membersService.list(caller, { structureId: structure.id }, first, after);
  }

  /** A structure reached from another subgraph (a post's) keeps its public face, wherever it is. */
  @ResolveReference()
  resolveReference(reference: { id: string }) {
    return this.structuresService.reference(reference.id);
  }
}
