import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock, MEMBERS_SETTINGS } from '../common/tokens.js';
import type { MembersSettings } from '../members.config.js';
import { AuditService } from './audit.service.js';

/** How often the purge runs by default (AUDIT_RETENTION_EVERY_MS): entries leave at most this late after their retention ends. */
export const AUDIT_PURGE_EVERY_MS = 6 * 3_600_000;

/**
 * Purges the audit entries older than AUDIT_RETENTION_DAYS on a timer in every replica; each run claims
 * an advisory lock, so one replica purges at a time and the others skip that round.
 */
@Injectable()
export class AuditRetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MEMBERS_SETTINGS) private readonly settings?: Pick<MembersSettings, 'AUDIT_RETENTION_EVERY_MS'>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.settings?.AUDIT_RETENTION_EVERY_MS ?? AUDIT_PURGE_EVERY_MS);
    // Never keeps the process (or a test) alive on its own.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run; a slow one is not overlapped by the next tick. Errors are logged, never thrown. */
  tick(): Promise<unknown> {
    this.running ??= this.audit
      .purgeExpired(this.clock.now())
      .then((purged) => {
        if (purged) this.logger.log(`${purged} expired audit entries purged`);
      })
      .catch((error: unknown) => this.logger.error(`The audit purge failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
