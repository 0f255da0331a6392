import { fileURLToPath } from 'node:url';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { identitySigningKey } from '@pdn/config';
import { outboxModule } from '@pdn/domain-events/nest';
import { RolesGuard } from '@pdn/identity/nest';
import type { Logger } from '@pdn/logging';
import { globalProviders, JSONScalar, startService, subgraphGraphqlModule, type RunningSubgraph } from '@pdn/subgraph';
import { CLOCK, MEMBERS_DATABASE, MEMBERS_SETTINGS, systemClock, type Clock, type MembersDatabase } from './common/tokens.js';
import { membersSchema } from './db/members.tables.js';
import { DirectoryModule } from './directory.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AUTH_LOGGER } from './auth/auth.tokens.js';
import { ensureFirstAdmin } from './auth/first-admin.js';
import { InvitationsModule } from './invitations/invitations.module.js';
import { AuditModule } from './audit/audit.module.js';
import { PersonalDataModule } from './personal-data/personal-data.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { DepartmentStatsModule } from './stats/department-stats.module.js';
import { ErasureModule } from './erasure/erasure.module.js';
import { calendarAuditModule } from './calendar-audit/calendar-audit.module.js';
import type { MembersSettings } from './members.config.js';

/** Committed SQL migrations; the same path from src/ (tests) and dist/ (runtime). */
export const MEMBERS_MIGRATIONS = fileURLToPath(new URL('../src/db/migrations', import.meta.url));

export interface MembersAppDeps {
  database: MembersDatabase;
  settings: MembersSettings;
  logger: Logger;
  clock?: Clock;
}

/** The members subgraph's root module, given its outside dependencies (tests pass their own). */
export function createMembersModule(deps: MembersAppDeps): DynamicModule {
  @Module({})
  class MembersAppModule {}

  return {
    module: MembersAppModule,
    imports: [
      globalProviders([
        { provide: MEMBERS_DATABASE, useValue: deps.database },
        { provide: MEMBERS_SETTINGS, useValue: deps.settings },
        { provide: CLOCK, useValue: deps.clock ?? systemClock },
        { provide: AUTH_LOGGER, useValue: deps.logger },
      ]),
      subgraphGraphqlModule({ exposeInternals: deps.settings.NODE_ENV === 'development', logger: deps.logger, scalars: [JSONScalar] }),
      DirectoryModule,
      AuthModule,
      InvitationsModule,
      AuditModule,
      PersonalDataModule,
      ApiKeysModule,
      DepartmentStatsModule,
      ErasureModule,
      // Calendar's private reads (audit.private-read events) into the audit log.
      calendarAuditModule(deps.logger),
      // Domain events for calendar and feed (member.erased): GET /events, signed requests only.
      outboxModule({
        producer: 'members',
        database: deps.database,
        identitySigningKey: identitySigningKey(deps.settings),
        retentionDays: deps.settings.OUTBOX_RETENTION_DAYS,
        logger: deps.logger,
      }),
    ],
    providers: [{ provide: APP_GUARD, useClass: RolesGuard }],
  };
}

export interface StartMembersOptions {
  /** An already opened database (tests); otherwise opened from the settings. */
  database?: MembersDatabase;
  clock?: Clock;
  logger?: Logger;
}

export function startMembers(settings: MembersSettings, options: StartMembersOptions = {}): Promise<RunningSubgraph> {
  return startService({
    name: 'members',
    settings,
    host: settings.MEMBERS_HOST,
    port: settings.MEMBERS_PORT,
    migrationsFolder: MEMBERS_MIGRATIONS,
    schema: membersSchema,
    database: options.database,
    logger: options.logger,
    beforeListen: (database, logger) => ensureFirstAdmin(database.db, settings, logger),
    createModule: (database, logger) => createMembersModule({ database, settings, logger, clock: options.clock }),
  });
}
