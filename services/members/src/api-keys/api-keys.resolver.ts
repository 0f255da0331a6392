import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Caller } from '@pdn/identity';
import { CurrentCaller, RequireRole } from '@pdn/identity/nest';
import { Member } from '../members/member.model.js';
import { MembersService } from '../members/members.service.js';
import { ApiKey, CreatedApiKey } from './api-key.model.js';
import { CreateApiKeyInput } from './api-key.input.js';
import type { ApiKeyRow } from './api-keys.repository.js';
import { ApiKeysService, type CreatedApiKey as Created } from './api-keys.service.js';

@Resolver(() => ApiKey)
export class ApiKeysResolver {
  constructor(
    private readonly service: ApiKeysService,
    private readonly members: MembersService,
  ) {}

  @Query(() => [ApiKey], { description: 'Coordinators: the keys that reach their départements; admins: all. Newest first.' })
  @RequireRole('COORDINATOR')
  apiKeys(@CurrentCaller() caller: Caller): Promise<ApiKeyRow[]> {
    return this.service.list(caller);
  }

  @Mutation(() => CreatedApiKey, {
    description: 'Coordinators for the départements they coordinate, admins for any. The secret is returned this once.',
  })
  @RequireRole('COORDINATOR')
  createApiKey(@CurrentCaller() caller: Caller, @Args('input', { type: () => CreateApiKeyInput }) input: CreateApiKeyInput): Promise<Created> {
    return this.service.create(caller, input);
  }

  @Mutation(() => ApiKey, { description: 'Refused at once by every gateway. Revoking a revoked key returns it unchanged.' })
  @RequireRole('COORDINATOR')
  revokeApiKey(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyRow> {
    return this.service.revoke(caller, id);
  }

  @ResolveField(() => Member, { nullable: true, description: 'Who created the key (an erased member shows as "Ancien membre")' })
  createdBy(@Parent() key: ApiKeyRow) {
    return this.members.loadMember(key.createdBy);
  }
}
