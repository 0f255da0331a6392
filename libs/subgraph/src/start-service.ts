import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { identitySigningKey, type NodeEnv } from '@pdn/config';
import { databaseUrlFor, openDatabase, type Database } from '@pdn/database';
import { createLogger, type Logger } from '@pdn/logging';
import { startTracing, type TracingSettings } from '@pdn/logging/tracing';
import { startSubgraph, type RunningSubgraph } from './start-subgraph.js';

/** What a subgraph's outside world provides to its features, available everywhere in its module tree. */
export function globalProviders(providers: Provider[]): DynamicModule {
  @Global()
  @Module({})
  class SubgraphInfrastructureModule {}
  return {
    module: SubgraphInfrastructureModule,
    providers,
    exports: providers.map((p) => (typeof p === 'function' ? p : p.provide)),
  };
}

export interface ServiceSettings extends TracingSettings {
  NODE_ENV: NodeEnv;
  LOG_LEVEL: string;
  IDENTITY_SIGNING_KEY?: string;
  PGDATA_DIR?: string;
}

export interface StartServiceOptions<TSchema extends Record<string, unknown>> {
  name: string;
  settings: ServiceSettings;
  host: string;
  port: number;
  migrationsFolder: string;
  schema: TSchema;
  /** An already opened database (tests); otherwise opened from `<NAME>_DATABASE_URL`, `DATABASE_URL` or PGlite. */
  database?: Database<TSchema>;
  logger?: Logger;
  createModule(database: Database<TSchema>, logger: Logger): DynamicModule;
  /** Runs once the database is migrated, before the server listens (e.g. the first admin). */
  beforeListen?(database: Database<TSchema>, logger: Logger): Promise<unknown>;
}

/**
 * Opens the service's database (migrated), then starts its subgraph; close() stops the server, then
 * the database it opened. The same start for every subgraph, in `main.ts` and in tests.
 */
export async function startService<TSchema extends Record<string, unknown>>(options: StartServiceOptions<TSchema>): Promise<RunningSubgraph> {
  const { name, settings } = options;
  const logger = options.logger ?? createLogger(name, settings.LOG_LEVEL);
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase({
      service: name,
      url: databaseUrlFor(name),
      dataDir: settings.PGDATA_DIR ? `${settings.PGDATA_DIR}/${name}` : undefined,
      migrationsFolder: options.migrationsFolder,
      schema: options.schema,
      log: (msg, extra) => logger.info(extra ?? {}, msg),
      // Every statement with its parameters at LOG_LEVEL=trace, outside production only: the values
      // hold personal data. The query-plan test EXPLAINs the statements it reads there.
      onQuery: settings.NODE_ENV !== 'production' && logger.isLevelEnabled('trace') ? (sql, params) => logger.trace({ sql, params }, 'sql statement') : undefined,
    }));
  // Spans are exported only when an OTLP endpoint is set; the last ones are sent by close().
  const tracing = await startTracing(`pdn-${name}`, settings, { logger });
  try {
    await options.beforeListen?.(database, logger);
    const running = await startSubgraph(options.createModule(database, logger), {
      name,
      host: options.host,
      port: options.port,
      identitySigningKey: identitySigningKey(settings),
      logger,
      readiness: () => database.ping(),
      tracing,
    });
    return {
      ...running,
      close: async () => {
        await running.close();
        if (ownsDatabase) await database.close();
        await tracing.shutdown();
      },
    };
  } catch (error) {
    if (ownsDatabase) await database.close();
    await tracing.shutdown();
    throw error;
  }
}
