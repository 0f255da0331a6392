import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { type Caller } from '@pdn/identity';
import { CurrentCaller, RequireRole } from '@pdn/identity/nest';
import { AuthPayload } from '../auth/auth.model.js';
import type { AuthResult } from '../auth/auth.service.js';
import { Invitation } from './invitation.model.js';
import { InviteMemberInput } from './invitation.input.js';
import { InvitationsService, type CreatedInvitation } from './invitations.service.js';

@Resolver(() => Invitation)
export class InvitationsResolver {
  constructor(private readonly invitations: InvitationsService) {}

  @Mutation(() => Invitation, {
    description: 'Coordinator: invites someone into a département they coordinate. The token is returned this once.',
  })
  @RequireRole('COORDINATOR')
  inviteMember(
    @CurrentCaller() caller: Caller,
    @Args('input', { type: () => InviteMemberInput }) input: InviteMemberInput,
  ): Promise<CreatedInvitation> {
    return this.invitations.invite(caller, input);
  }

  @Mutation(() => AuthPayload, { description: 'Creates the invited member with their password and signs them in.' })
  acceptInvitation(@Args('token') token: string, @Args('password') password: string): Promise<AuthResult> {
    return this.invitations.accept(token, password);
  }
}
