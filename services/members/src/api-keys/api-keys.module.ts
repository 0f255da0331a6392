import { Inject, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { identitySigningKey } from '@pdn/config';
import { requireSignedIdentity } from '@pdn/identity/nest';
import { AuthModule } from '../auth/auth.module.js';
import { MEMBERS_SETTINGS } from '../common/tokens.js';
import { DirectoryModule } from '../directory.module.js';
import type { MembersSettings } from '../members.config.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysResolver } from './api-keys.resolver.js';
import { ApiKeysService } from './api-keys.service.js';

/**
 * createApiKey, apiKeys, revokeApiKey, and POST /internal/api-keys/verify for the gateway. Needs
 * MEMBERS_DATABASE, MEMBERS_SETTINGS and CLOCK (global).
 */
@Module({
  imports: [AuthModule, DirectoryModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysRepository, ApiKeysService, ApiKeysResolver],
})
export class ApiKeysModule implements NestModule {
  constructor(@Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requireSignedIdentity(identitySigningKey(this.settings))).forRoutes(ApiKeysController);
  }
}
