import { fileURLToPath } from 'node:url';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RolesGuard } from '@pdn/identity/nest';
import type { Logger } from '@pdn/logging';
import { CLOCK, DateScalar, globalProviders, startService, subgraphGraphqlModule, systemClock, type Clock, type RunningSubgraph } from '@pdn/subgraph';
import { CALENDAR_DATABASE, CALENDAR_SETTINGS, type CalendarDatabase } from './common/tokens.js';
import { calendarSchema } from './db/calendar.tables.js';
import type { CalendarSettings } from './calendar.config.js';
import { Member } from './members/member.reference.js';
import { MemberReferenceResolver } from './members/member-reference.resolver.js';
import { EventsModule } from './events/events.module.js';
import { PermanencesModule } from './permanences/permanences.module.js';
import { PresenceModule } from './presence/presence.module.js';
import { IcsModule } from './ics/ics.module.js';

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
      ]),
      subgraphGraphqlModule({
        exposeInternals: deps.settings.NODE_ENV === 'development',
        logger: deps.logger,
        orphanedTypes: [Member],
        scalars: [DateScalar],
      }),
      EventsModule,
      PermanencesModule,
      PresenceModule,
      IcsModule,
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
