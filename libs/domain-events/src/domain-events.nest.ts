import {
  Module,
  RequestMethod,
  type DynamicModule,
  type FactoryProvider,
  type InjectionToken,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { requireSignedIdentity } from '@pdn/identity/nest';
import { silentLogger, type DomainEventsLogger } from './domain-event.js';
import { EventConsumer, type EventConsumerOptions } from './event-consumer.js';
import { outboxRequestHandler } from './outbox-http.js';
import { OutboxLog, type AnyDatabase } from './outbox.js';

/** The producer's OutboxLog, for whoever needs to read it in the same app. */
export const OUTBOX_LOG = Symbol('OUTBOX_LOG');

export interface OutboxModuleOptions {
  /** The producing service: 'members'. */
  producer: string;
  database: AnyDatabase;
  /** The key shared by gateway and subgraphs; `GET /events` refuses any request not signed with it. */
  identitySigningKey: string;
  /** Events are purged after this many days; default 30. */
  retentionDays?: number;
  /** How often old events are purged; default hourly. */
  purgeEveryMs?: number;
  logger?: DomainEventsLogger;
}

const HOUR_MS = 3_600_000;

/**
 * Makes a subgraph a producer: serves its outbox at `GET /events` (signed requests only, long poll
 * through LISTEN/NOTIFY) and purges events past their retention. Its changes write the events with
 * `recordEvent(tx, …)`; the service lists the `outbox` table in its schema.
 */
export function outboxModule(options: OutboxModuleOptions): DynamicModule {
  const logger = options.logger ?? silentLogger;
  const log = new OutboxLog({ producer: options.producer, database: options.database, retentionDays: options.retentionDays, logger });

  class OutboxLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
    private timer: NodeJS.Timeout | undefined;

    async onApplicationBootstrap(): Promise<void> {
      // Without LISTEN, waiting consumers still see new events within a second (OutboxLog's recheck).
      await log.start().catch((error: unknown) => logger.warn({ err: error }, 'outbox notifications unavailable; consumers poll'));
      const purge = () =>
        log
          .purge()
          .then((purged) => purged > 0 && logger.info({ purged, producer: options.producer }, 'old domain events purged'))
          .catch((error: unknown) => logger.warn({ err: error }, 'purging old domain events failed'));
      void purge();
      this.timer = setInterval(() => void purge(), options.purgeEveryMs ?? HOUR_MS);
      this.timer.unref();
    }

    // Before the HTTP server closes: the long polls in progress answer at once instead of holding it.
    async onModuleDestroy(): Promise<void> {
      clearInterval(this.timer);
      await log.close();
    }
  }

  @Module({})
  class DomainEventsOutboxModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer
        .apply(requireSignedIdentity(options.identitySigningKey), outboxRequestHandler(log, logger))
        .forRoutes({ path: 'events', method: RequestMethod.GET });
    }
  }

  return {
    module: DomainEventsOutboxModule,
    providers: [{ provide: OUTBOX_LOG, useValue: log }, OutboxLifecycle],
    exports: [OUTBOX_LOG],
  };
}

/** An EventConsumer run by Nest: started once the app has bootstrapped, stopped when it closes. */
export class ConsumerLifecycle<TSchema extends Record<string, unknown>> implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(readonly consumer: EventConsumer<TSchema>) {}

  // The cursor is read while the app starts, not while it serves (a database unreachable now is
  // retried by the loop).
  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.prepare().catch(() => {});
    this.consumer.start();
  }

  // Before the database is closed (startService closes it after the app).
  onModuleDestroy(): Promise<void> {
    return this.consumer.stop();
  }
}

/**
 * A provider that follows a producer's log for the lifetime of the app; `useFactory` receives the
 * injected dependencies and returns the consumer's options (database, source, handlers…). Inject
 * `token` to reach the running consumer (tests).
 */
export function eventConsumerProvider<TSchema extends Record<string, unknown>>(options: {
  token: InjectionToken;
  inject: InjectionToken[];
  // Nest hands the injected values over untyped, as for any factory provider.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...deps: any[]) => EventConsumerOptions<TSchema>;
}): FactoryProvider<ConsumerLifecycle<TSchema>> {
  return {
    provide: options.token,
    inject: options.inject,
    useFactory: (...deps: unknown[]) => new ConsumerLifecycle(new EventConsumer(options.useFactory(...deps))),
  };
}
