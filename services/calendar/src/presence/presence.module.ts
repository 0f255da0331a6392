import { Module } from '@nestjs/common';
import { MemberPresenceResolver, PresenceLogResolver, PresenceRowResolver } from './presence.resolver.js';
import { PresenceRepository } from './presence.repository.js';
import { PresenceService } from './presence.service.js';

@Module({ providers: [PresenceRepository, PresenceService, PresenceLogResolver, PresenceRowResolver, MemberPresenceResolver] })
export class PresenceModule {}
