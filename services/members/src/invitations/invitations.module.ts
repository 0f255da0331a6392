import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsResolver } from './invitations.resolver.js';
import { InvitationsService } from './invitations.service.js';

/** inviteMember and acceptInvitation. Needs MEMBERS_DATABASE, MEMBERS_SETTINGS and CLOCK (global). */
@Module({
  imports: [AuthModule],
  providers: [InvitationsRepository, InvitationsService, InvitationsResolver],
})
export class InvitationsModule {}
