import { Module, type Provider } from '@nestjs/common';
import { createLogger } from '@pdn/logging';
import { MEMBERS_SETTINGS } from '../common/tokens.js';
import type { MembersSettings } from '../members.config.js';
import { AuthRepository } from './auth.repository.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { AUTH_LOG, AUTH_LOGGER, KEY_SOURCE_IN_USE, SIGNING_KEY_SOURCE, type AuthLogger } from './auth.tokens.js';
import { JwksController } from './jwks.controller.js';
import { LoginThrottle } from './login-throttle.js';
import { signingKeySourceFromSettings, type SigningKeySource } from './signing-key.js';
import { TokenSigner } from './token-signer.js';

const keySource: Provider = {
  provide: KEY_SOURCE_IN_USE,
  inject: [MEMBERS_SETTINGS, { token: SIGNING_KEY_SOURCE, optional: true }],
  // A bad JWT_PRIVATE_KEY (or none in production) stops the service at start; a development key file
  // is only read or created when the first token is signed.
  useFactory: (settings: MembersSettings, source?: SigningKeySource): SigningKeySource =>
    source ?? signingKeySourceFromSettings(settings),
};

const authLog: Provider = {
  provide: AUTH_LOG,
  inject: [MEMBERS_SETTINGS, { token: AUTH_LOGGER, optional: true }],
  useFactory: (settings: MembersSettings, logger?: AuthLogger): AuthLogger =>
    logger ?? createLogger('members', settings.LOG_LEVEL),
};

/**
 * login, refreshSession, logout, and GET /.well-known/jwks.json. Needs MEMBERS_DATABASE,
 * MEMBERS_SETTINGS and CLOCK from the app module (global providers).
 */
@Module({
  controllers: [JwksController],
  providers: [keySource, authLog, AuthRepository, LoginThrottle, TokenSigner, AuthService, AuthResolver],
  exports: [AuthService, TokenSigner, AUTH_LOG],
})
export class AuthModule {}
