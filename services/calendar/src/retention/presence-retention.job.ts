import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock } from '@pdn/subgraph';
import type { CalendarSettings } from '../calendar.config.js';
import { CALENDAR_SETTINGS } from '../common/tokens.js';
import { PresenceRetentionService } from './presence-retention.service.js';

/**
 * The first run, a little after start (not during it), or sooner when runs are more frequent; then one
 * every PRESENCE_RETENTION_EVERY_MS (a day: retention is counted in days).
 */
const FIRST_RUN_MS = 60_000;
const EVERY_MS = 24 * 60 * 60_000;

/**
 * Runs the presence-log retention on a timer in every replica: the delete is idempotent and replicas
 * skip the rows another is deleting, so no leader election is needed.
 */
@Injectable()
export class PresenceRetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PresenceRetention');
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly retention: PresenceRetentionService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CALENDAR_SETTINGS) private readonly settings?: Pick<CalendarSettings, 'PRESENCE_RETENTION_EVERY_MS'>,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.settings?.PRESENCE_RETENTION_EVERY_MS ?? EVERY_MS;
    const first = setTimeout(() => {
      void this.tick();
      const periodic = setInterval(() => void this.tick(), every);
      periodic.unref();
      this.timers.push(periodic);
    }, Math.min(FIRST_RUN_MS, every));
    // Never keeps the process (or a test) alive on its own.
    first.unref();
    this.timers.push(first);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.running;
  }

  /** One run; a slow one is not overlapped by the next tick. Errors are logged, never thrown. */
  tick(): Promise<unknown> {
    this.running ??= this.retention
      .purge(this.clock.now())
      .then(({ cutoff, deleted }) => {
        if (deleted > 0) this.logger.log(`deleted ${deleted} presence logs dated before ${cutoff}`);
      })
      .catch((error: unknown) => this.logger.error(`presence-log retention failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
