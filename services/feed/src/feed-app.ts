import { fileURLToPath } from 'node:url';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { identitySigningKey } from '@pdn/config';
import { RolesGuard } from '@pdn/identity/nest';
import type { Logger } from '@pdn/logging';
import { CLOCK, globalProviders, JSONScalar, startService, subgraphGraphqlModule, systemClock, type Clock, type RunningSubgraph } from '@pdn/subgraph';
import type { PubSubEngine } from '@pdn/pubsub';
import { AlertsModule } from './alerts/alerts.module.js';
import { feedPubSubProviders } from './common/pubsub.provider.js';
import { FEED_DATABASE, FEED_SETTINGS, type FeedDatabase } from './common/tokens.js';
import { feedSchema } from './db/feed.tables.js';
import type { FeedSettings } from './feed.config.js';
import { Member } from './members/member.reference.js';
import { MemberReferenceResolver } from './members/member-reference.resolver.js';
import { PostsModule } from './posts/posts.module.js';
import { DepartmentStats } from './stats/department-stats.model.js';
import { DepartmentStatsModule } from './stats/department-stats.module.js';
import { FeedPersonalDataModule } from './personal-data/personal-data.module.js';
import { memberErasureModule } from './member-erasure/member-erasure.module.js';

/** Committed SQL migrations; the same path from src/ (tests) and dist/ (runtime). */
export const FEED_MIGRATIONS = fileURLToPath(new URL('../src/db/migrations', import.meta.url));

export interface FeedAppDeps {
  database: FeedDatabase;
  settings: FeedSettings;
  logger: Logger;
  clock?: Clock;
  /** A shared engine (tests simulating replicas); by default one is created from REDIS_URL and closed with the app. */
  pubsub?: PubSubEngine;
}

/** The feed subgraph's root module, given its outside dependencies (tests pass their own). */
export function createFeedModule(deps: FeedAppDeps): DynamicModule {
  @Module({})
  class FeedAppModule {}

  return {
    module: FeedAppModule,
    imports: [
      globalProviders([
        { provide: FEED_DATABASE, useValue: deps.database },
        { provide: FEED_SETTINGS, useValue: deps.settings },
        { provide: CLOCK, useValue: deps.clock ?? systemClock },
        ...feedPubSubProviders(deps.settings, deps.logger, deps.pubsub),
      ]),
      subgraphGraphqlModule({
        exposeInternals: deps.settings.NODE_ENV === 'development',
        logger: deps.logger,
        orphanedTypes: [Member, DepartmentStats],
        scalars: [JSONScalar],
        subscriptions: { identitySigningKey: identitySigningKey(deps.settings) },
      }),
      PostsModule,
      AlertsModule,
      DepartmentStatsModule,
      FeedPersonalDataModule,
      memberErasureModule(deps.logger),
    ],
    providers: [{ provide: APP_GUARD, useClass: RolesGuard }, MemberReferenceResolver],
  };
}

export interface StartFeedOptions {
  database?: FeedDatabase;
  clock?: Clock;
  logger?: Logger;
  pubsub?: PubSubEngine;
}

export function startFeed(settings: FeedSettings, options: StartFeedOptions = {}): Promise<RunningSubgraph> {
  return startService({
    name: 'feed',
    settings,
    host: settings.FEED_HOST,
    port: settings.FEED_PORT,
    migrationsFolder: FEED_MIGRATIONS,
    schema: feedSchema,
    database: options.database,
    logger: options.logger,
    createModule: (database, logger) => createFeedModule({ database, settings, logger, clock: options.clock, pubsub: options.pubsub }),
  });
}
