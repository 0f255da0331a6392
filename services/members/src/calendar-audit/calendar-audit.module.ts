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
 * transaction that records its event as processed, so a redelivered event adds nothing. The events
 * of a page are applied together (one transaction, a constant number of statements); should that
 * fail, one by one, so a malformed event holds up only itself and what follows it. Calendar down
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
          handlers: {},
          // A page of reads (a coordinator's report over 25 members: 25 events) written in one
          // transaction: the entries in one insert, their ids in another, the cursor advanced once.
          batchHandlers: {
            [AUDIT_PRIVATE_READ]: (events, tx) => sink.recordFrom('calendar', events.map(calendarPrivateRead), tx as MembersDatabase['db']),
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
