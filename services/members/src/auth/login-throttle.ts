import { Inject, Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { rateLimited } from '@pdn/errors';
import { CLOCK, MEMBERS_DATABASE, MEMBERS_SETTINGS, type Clock, type MembersDatabase } from '../common/tokens.js';
import { loginThrottle } from '../db/members.tables.js';
import type { MembersSettings } from '../members.config.js';

/**
 * Failed sign-ins per lower-cased e-mail address, unknown addresses included (otherwise the lock
 * would tell which addresses have an account). LOGIN_MAX_FAILURES failures within a window of
 * LOGIN_LOCK_MINUTES lock the address for LOGIN_LOCK_MINUTES; a success clears the count. The count
 * lives in the database, so every replica sees the same one.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Throws RATE_LIMITED, with the seconds left, while the address is locked. */
  async assertAllowed(email: string): Promise<void> {
    const now = this.clock.now();
    const [row] = await this.database.db
      .select({ lockedUntil: loginThrottle.lockedUntil })
      .from(loginThrottle)
      .where(eq(loginThrottle.email, email));
    if (row?.lockedUntil && row.lockedUntil > now) {
      const retryAfterSeconds = Math.max(1, Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000));
      const minutes = Math.ceil(retryAfterSeconds / 60);
      throw rateLimited(
        `Too many failed sign-ins with this e-mail address. Try again in ${minutes} minute${minutes > 1 ? 's' : ''}.`,
        retryAfterSeconds,
      );
    }
  }

  /** Counts one failure atomically (concurrent attempts each count) and locks at the threshold. */
  async recordFailure(email: string): Promise<void> {
    const now = this.clock.now();
    const lockMs = this.settings.LOGIN_LOCK_MINUTES * 60_000;
    const max = this.settings.LOGIN_MAX_FAILURES;
    const nowSql = sql`${now.toISOString()}::timestamptz`;
    const lockEnd = new Date(now.getTime() + lockMs);
    const lockEndSql = sql`${lockEnd.toISOString()}::timestamptz`;
    const windowStartSql = sql`${new Date(now.getTime() - lockMs).toISOString()}::timestamptz`;
    // A new window starts when the previous one is over or a lock has just ended.
    const restart = sql`(${loginThrottle.windowStartedAt} <= ${windowStartSql} or ${loginThrottle.lockedUntil} <= ${nowSql})`;
    const failures = sql`(case when ${restart} then 1 else ${loginThrottle.failures} + 1 end)`;
    await this.database.db
      .insert(loginThrottle)
      .values({ email, failures: 1, windowStartedAt: now, lockedUntil: max <= 1 ? lockEnd : null })
      .onConflictDoUpdate({
        target: loginThrottle.email,
        set: {
          failures,
          windowStartedAt: sql`(case when ${restart} then ${nowSql} else ${loginThrottle.windowStartedAt} end)`,
          lockedUntil: sql`(case when ${failures} >= ${max} then ${lockEndSql} else null end)`,
        },
      });
  }

  async reset(email: string): Promise<void> {
    await this.database.db.delete(loginThrottle).where(eq(loginThrottle.email, email));
  }
}
