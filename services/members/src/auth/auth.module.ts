import { Module, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createLogger } from '@pdn/logging';
import { MEMBERS_SETTINGS } from '../common/tokens.js';
import type { MembersSettings } from '../members.config.js';
import { AuthRepository } from './auth.repository.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { AUTH_LOGGER, SIGNING_KEY, SIGNING_KEY_SOURCE, type AuthLogger } from './auth.tokens.js';
import { JwksController } from './jwks.controller.js';
import { LoginThrottle } from './login-throttle.js';
import { signingKeySourceFromSettings, type SigningKeySource } from './signing-key.js';
import { TokenSigner } from './token-signer.js';

/** A provider the app module may give globally, or nothing: then `fallback` decides. */
function overridable<T>(token: symbol, fallback: (settings: MembersSettings) => T): Provider {
  return {
    provide: token,
    inject: [ModuleRef, MEMBERS_SETTINGS],
    useFactory: (moduleRef: ModuleRef, settings: MembersSettings): T => {
      try {
        return moduleRef.get<T>(`${String(token.description)}:override` as never, { strict: false });
      } catch {
        return fallback(settings);
      }
    },
  };
}
void overridable;

const providers: Provider[] = [
  {
    provide: SIGNING_KEY,
    inject: [SIGNING_KEY_SOURCE],
    useFactory: (source: SigningKeySource) => source.load(),
  },
  AuthRepository,
  LoginThrottle,
  TokenSigner,
  AuthService,
  AuthResolver,
];

export { providers as authProviders };
export { createLogger, signingKeySourceFromSettings, type AuthLogger };

@Module({
  controllers: [JwksController],
  providers,
  exports: [AuthService, TokenSigner],
})
export class AuthModule {}
