import { Module, type DynamicModule } from '@nestjs/common';
import { followLog, MEMBER_ERASED, memberErasedPayload, membersEventsUrl } from '@pdn/domain-events';
import { eventConsumerProvider } from '@pdn/domain-events/nest';
import type { Logger } from '@pdn/logging';
import type { CalendarSettings } from '../calendar.config.js';
import { CALENDAR_DATABASE, CALENDAR_SETTINGS, type CalendarDatabase } from '../common/tokens.js';
import type { CalendarExecutor } from '../events/events.repository.js';
import { RegistrationsRepository } from '../registrations/registrations.repository.js';
import { MemberErasureRepository } from './member-erasure.repository.js';
import { MemberErasureService } from './member-erasure.service.js';

/** The running consumer of the members subgraph's events (tests reach it through this token). */
export const MEMBERS_EVENTS_CONSUMER = Symbol('MEMBERS_EVENTS_CONSUMER');

/**
 * Follows the members subgraph's event log (MEMBERS_EVENTS_URL, by default /events beside
 * MEMBERS_URL) and applies member.erased to calendar's data, once, whatever the redeliveries and
 * however many replicas run. Needs CALENDAR_DATABASE, CALENDAR_SETTINGS and CLOCK (global).
 */
export function memberErasureModule(logger: Logger): DynamicModule {
  @Module({})
  class MemberErasureModule {}

  return {
    module: MemberErasureModule,
    providers: [
      RegistrationsRepository,
      MemberErasureRepository,
      MemberErasureService,
      eventConsumerProvider({
        token: MEMBERS_EVENTS_CONSUMER,
        inject: [CALENDAR_DATABASE, CALENDAR_SETTINGS, MemberErasureService],
        useFactory: (database: CalendarDatabase, settings: CalendarSettings, erasure: MemberErasureService) => ({
          consumer: 'calendar',
          db: database.db,
          ...followLog('members', membersEventsUrl(settings), settings),
          handlers: {
            [MEMBER_ERASED]: async (event, tx) => {
              const summary = await erasure.apply(memberErasedPayload(event), tx as CalendarExecutor);
              logger.info({ event: 'member-erased', memberId: event.payload['memberId'], ...summary }, 'erased member removed from calendar');
            },
          },
          logger,
        }),
      }),
    ],
    exports: [MEMBERS_EVENTS_CONSUMER, MemberErasureService],
  };
}
