import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { RequireRole } from '@pdn/identity/nest';
import type { AuditEntryRow } from '../db/audit.tables.js';
import { Member } from '../members/member.model.js';
import { MembersService } from '../members/members.service.js';
import { AuditEntry, AuditEntryConnection, AuditFilter } from './audit.model.js';
import { AuditService } from './audit.service.js';

@Resolver(() => AuditEntry)
export class AuditResolver {
  constructor(
    private readonly audit: AuditService,
    private readonly members: MembersService,
  ) {}

  @Query(() => AuditEntryConnection, { description: "Admins: who read which members' private fields, newest first" })
  @RequireRole('ADMIN')
  auditLog(
    @Args('filter', { type: () => AuditFilter, nullable: true }) filter: AuditFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.audit.list(filter, first, after);
  }

  @ResolveField(() => Member, { nullable: true })
  actor(@Parent() entry: AuditEntryRow) {
    return entry.actorKind === 'member' ? this.members.loadMember(entry.actorId) : null;
  }

  @ResolveField(() => ID, { nullable: true })
  actorApiKeyId(@Parent() entry: AuditEntryRow) {
    return entry.actorKind === 'partner' ? entry.actorId : null;
  }

  @ResolveField(() => Member, { nullable: true })
  subject(@Parent() entry: AuditEntryRow) {
    return this.members.loadMember(entry.subjectId);
  }
}
