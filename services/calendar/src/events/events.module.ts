import { Module } from '@nestjs/common';
import { MemberRegistrationsResolver } from '../registrations/member-registrations.resolver.js';
import { RegistrationsRepository } from '../registrations/registrations.repository.js';
import { RegistrationsResolver } from '../registrations/registrations.resolver.js';
import { RegistrationsService } from '../registrations/registrations.service.js';
import { EventsRepository } from './events.repository.js';
import { EventsResolver } from './events.resolver.js';
import { EventsService } from './events.service.js';

/**
 * Events and their registrations, one module: seats are counted under the event's row lock by both
 * (registering, and changing the capacity), so they share their repositories. Needs
 * CALENDAR_DATABASE and CLOCK (global).
 */
@Module({
  providers: [EventsRepository, EventsService, EventsResolver, RegistrationsRepository, RegistrationsService, RegistrationsResolver, MemberRegistrationsResolver],
  exports: [EventsRepository, RegistrationsRepository],
})
export class EventsModule {}
