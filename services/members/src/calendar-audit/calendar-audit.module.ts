import { Module, type DynamicModule } from '@nestjs/common';
import { eventsUrlBeside, followLog, type DomainEvent } from '@pdn/domain-events';
import { eventConsumerProvider } from '@pdn/domain-events/nest';
import type { Logger } from '@pdn/logging';
import { AUDIT_PRIVATE_READ, AUDIT_PRIVATE_READ_VERSION, privateReadFromPayload } from '@pdn/subgraph';
import { MembersAuditSink } from '../audit/audit.sink.js';
import { MEMBERS_DATABASE, MEMBERS_SETTINGS, type MembersDatabase } from '../common/tokens.js';
import type { MembersSettings } from '../members.config.js';

/** The running consumer of the calendar subgraph's events (tests reach it through this token). */
export const CALENDAR_EVENTS_CONSUMER = Symbol('CALENDAR_EVENTS_CONSUMER');

/** Calendar's event log: CALENDAR_EVENTS_URL, or `/events` beside the CALENDAR_URL members already asks. */
export function calendarEventsUrl(settings: Pick<MembersSettings, 'CALENDAR_URL' | 'CALENDAR_EVENTS_URL'>): string {
  return settings.CALENDAR_EVENTS_URL ?? eventsUrlBeside(settings.CALENDAR_URL);
}

/**
 * Follows the calendar subgraph's event log and writes the private reads calendar served (a
 * coordinator reading `presence`) into the audit log, under the service 'calendar': each entry in the
 * transaction that records its event as processed, so a redelivered event adds nothing. Calendar down
 * or not started yet: the consumer retries with backoff (a warning each time), members serves on.
 * Needs MEMBERS_DATABASE, MEMBERS_SETTINGS and MembersAuditSink (global).
 */
export function calendarAuditModule(logger: Logger): DynamicModule {
  @Module({})
  class CalendarAuditModule {}

  return {
    module: CalendarAuditModule,
    providers: [
      eventConsumerProvider({
        token: CALENDAR_EVENTS_CONSUMER,
        inject: [MEMBERS_DATABASE, MEMBERS_SETTINGS, MembersAuditSink],
        useFactory: (database: MembersDatabase, settings: MembersSettings, sink: MembersAuditSink) => ({
          consumer: 'members',
          db: database.db,
          ...followLog('calendar', calendarEventsUrl(settings), settings),
          handlers: {
            [AUDIT_PRIVATE_READ]: (event, tx) => sink.recordFrom('calendar', [calendarPrivateRead(event)], tx as MembersDatabase['db']),
          },
          logger,
        }),
      }),
    ],
    exports: [CALENDAR_EVENTS_CONSUMER],
  };
}

/** The read an event carries; an unknown version or shape throws, and the event is retried, not lost. */
function calendarPrivateRead(event: DomainEvent) {
  if (event.version !== AUDIT_PRIVATE_READ_VERSION) {
    throw new Error(`Not a ${AUDIT_PRIVATE_READ} v${AUDIT_PRIVATE_READ_VERSION} event: v${event.version}`);
  }
  return privateReadFromPayload(event.payload);
}
