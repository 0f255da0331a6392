import { fileURLToPath } from 'node:url';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { identitySigningKey } from '@pdn/config';
import { outboxModule } from '@pdn/domain-events/nest';
import { RolesGuard } from '@pdn/identity/nest';
import type { Logger } from '@pdn/logging';
import { AUDIT_SINK, CLOCK, DateScalar, globalProviders, JSONScalar, startService, subgraphGraphqlModule, systemClock, type Clock, type RunningSubgraph } from '@pdn/subgraph';
import { CALENDAR_DATABASE, CALENDAR_SETTINGS, type CalendarDatabase } from './common/tokens.js';
import { calendarSchema } from './db/calendar.tables.js';
import type { CalendarSettings } from './calendar.config.js';
import { Member } from './members/member.reference.js';
import { MemberReferenceResolver } from './members/member-reference.resolver.js';
import { EventsModule } from './events/events.module.js';
import { PermanencesModule } from './permanences/permanences.module.js';
import { PresenceModule } from './presence/presence.module.js';
import { IcsModule } from './ics/ics.module.js';
import { DepartmentStats } from './stats/department-stats.model.js';
import { DepartmentStatsModule } from './stats/department-stats.module.js';
import { CalendarPersonalDataModule } from './personal-data/personal-data.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { memberErasureModule } from './member-erasure/member-erasure.module.js';
import { calendarAuditSink } from './audit/calendar-audit.sink.js';

/** Committed SQL migrations; the same path from src/ (tests) and dist/ (runtime). */
export const CALENDAR_MIGRATIONS = fileURLToPath(new URL('../src/db/migrations', import.meta.url));

export interface CalendarAppDeps {
  database: CalendarDatabase;
  settings: CalendarSettings;
  logger: Logger;
  clock?: Clock;
}

/** The calendar subgraph's root module, given its outside dependencies (tests pass their own). */
export function createCalendarModule(deps: CalendarAppDeps): DynamicModule {
  @Module({})
  class CalendarAppModule {}

  return {
    module: CalendarAppModule,
    imports: [
      globalProviders([
        { provide: CALENDAR_DATABASE, useValue: deps.database },
        { provide: CALENDAR_SETTINGS, useValue: deps.settings },
        { provide: CLOCK, useValue: deps.clock ?? systemClock },
        // Reads of members' private fields (presence) become audit.private-read events for members' audit log.
        { provide: AUDIT_SINK, useValue: calendarAuditSink(deps.database) },
      ]),
      subgraphGraphqlModule({
        exposeInternals: deps.settings.NODE_ENV === 'development',
        logger: deps.logger,
        orphanedTypes: [Member, DepartmentStats],
        scalars: [DateScalar, JSONScalar],
      }),
      EventsModule,
      PermanencesModule,
      PresenceModule,
      IcsModule,
      DepartmentStatsModule,
      CalendarPersonalDataModule,
      RetentionModule,
      memberErasureModule(deps.logger),
      // Domain events for members (audit.private-read): GET /events, signed requests only.
      outboxModule({
        producer: 'calendar',
        database: deps.database,
        identitySigningKey: identitySigningKey(deps.settings),
        retentionDays: deps.settings.OUTBOX_RETENTION_DAYS,
        logger: deps.logger,
      }),
    ],
    providers: [{ provide: APP_GUARD, useClass: RolesGuard }, MemberReferenceResolver],
  };
}

export interface StartCalendarOptions {
  database?: CalendarDatabase;
  clock?: Clock;
  logger?: Logger;
}

export function startCalendar(settings: CalendarSettings, options: StartCalendarOptions = {}): Promise<RunningSubgraph> {
  return startService({
    name: 'calendar',
    settings,
    host: settings.CALENDAR_HOST,
    port: settings.CALENDAR_PORT,
    migrationsFolder: CALENDAR_MIGRATIONS,
    schema: calendarSchema,
    database: options.database,
    logger: options.logger,
    createModule: (database, logger) => createCalendarModule({ database, settings, logger, clock: options.clock }),
  });
}
