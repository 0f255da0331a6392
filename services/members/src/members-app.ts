import { fileURLToPath } from 'node:url';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { databaseUrlFor, openDatabase } from '@pdn/database';
import { RolesGuard } from '@pdn/identity/nest';
import { identitySigningKey } from '@pdn/config';
import { createLogger, type Logger } from '@pdn/logging';
import { startSubgraph, subgraphGraphqlModule, type RunningSubgraph } from '@pdn/subgraph';
import { CLOCK, MEMBERS_DATABASE, MEMBERS_SETTINGS, systemClock, type Clock, type MembersDatabase } from './common/tokens.js';
import { membersSchema } from './db/members.tables.js';
import { DirectoryModule } from './directory.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AUTH_LOGGER } from './auth/auth.tokens.js';
import { ensureFirstAdmin } from './auth/first-admin.js';
import { InvitationsModule } from './invitations/invitations.module.js';
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
  @Global()
  @Module({})
  class MembersInfrastructureModule {}

  @Module({})
  class MembersAppModule {}

  const infrastructure: DynamicModule = {
    module: MembersInfrastructureModule,
    providers: [
      { provide: MEMBERS_DATABASE, useValue: deps.database },
      { provide: MEMBERS_SETTINGS, useValue: deps.settings },
      { provide: CLOCK, useValue: deps.clock ?? systemClock },
      { provide: AUTH_LOGGER, useValue: deps.logger },
    ],
    exports: [MEMBERS_DATABASE, MEMBERS_SETTINGS, CLOCK, AUTH_LOGGER],
  };
  return {
    module: MembersAppModule,
    imports: [
      infrastructure,
      subgraphGraphqlModule({ exposeInternals: deps.settings.NODE_ENV === 'development', logger: deps.logger }),
      DirectoryModule,
      AuthModule,
      InvitationsModule,
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

export async function startMembers(settings: MembersSettings, options: StartMembersOptions = {}): Promise<RunningSubgraph> {
  const logger = options.logger ?? createLogger('members', settings.LOG_LEVEL);
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase({
      service: 'members',
      url: databaseUrlFor('members'),
      dataDir: settings.PGDATA_DIR ? `${settings.PGDATA_DIR}/members` : undefined,
      migrationsFolder: MEMBERS_MIGRATIONS,
      schema: membersSchema,
      log: (msg, extra) => logger.info(extra ?? {}, msg),
    }));
  await ensureFirstAdmin(database.db, settings, logger);
  const running = await startSubgraph(createMembersModule({ database, settings, logger, clock: options.clock }), {
    name: 'members',
    host: settings.MEMBERS_HOST,
    port: settings.MEMBERS_PORT,
    identitySigningKey: identitySigningKey(settings),
    logger,
    readiness: () => database.ping(),
  });
  return {
    ...running,
    close: async () => {
      await running.close();
      if (ownsDatabase) await database.close();
    },
  };
}

