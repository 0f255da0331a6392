import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock } from '@pdn/subgraph';
import { FEED_SETTINGS } from '../common/tokens.js';
import type { FeedSettings } from '../feed.config.js';
import { AlertsService } from './alerts.service.js';

/**
 * Runs the CRITICAL reminders on a timer in every replica; `runDueReminders` claims each due alert
 * atomically, so the replicas never send one twice and no leader election is needed.
 */
@Injectable()
export class AlertRemindersJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AlertReminders');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly alerts: AlertsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(FEED_SETTINGS) private readonly settings: Pick<FeedSettings, 'ALERT_REMINDERS_TICK_MS'>,
  ) {}

  onApplicationBootstrap(): void {
    // Due reminders are looked for every ALERT_REMINDERS_TICK_MS (a minute): one goes out at most this late.
    const every = Math.min(this.settings.ALERT_REMINDERS_TICK_MS, this.alerts.reminderIntervalMs);
    this.timer = setInterval(() => void this.tick(), every);
    // Never keeps the process (or a test) alive on its own.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run; a slow one is not overlapped by the next tick. Errors are logged, never thrown. */
  tick(): Promise<unknown> {
    this.running ??= this.alerts
      .runDueReminders(this.clock.now())
      .then((claimed) => {
        // Which replica sent which reminder: each is claimed by one of them only.
        if (claimed.length > 0) this.logger.log(`CRITICAL reminders sent: ${claimed.map((alert) => alert.id).join(', ')}`);
      })
      .catch((error: unknown) => this.logger.error(`CRITICAL reminders failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
