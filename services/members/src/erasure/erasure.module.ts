import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { ErasureRepository } from './erasure.repository.js';
import { ErasureResolver } from './erasure.resolver.js';
import { ErasureService } from './erasure.service.js';

/**
 * eraseMyAccount. Needs MEMBERS_DATABASE, MEMBERS_SETTINGS and CLOCK (global), and the outbox
 * (`outboxModule` in the app) for calendar and feed to hear of it.
 */
@Module({
  imports: [AuthModule],
  providers: [ErasureRepository, LoginThrottle, ErasureService, ErasureResolver],
})
export class ErasureModule {}
