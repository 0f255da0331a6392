import { Inject, Injectable } from '@nestjs/common';
import { lt } from 'drizzle-orm';
import { CALENDAR_DATABASE, type CalendarDatabase } from '../common/tokens.js';
import { presenceLogs } from '../db/calendar.tables.js';
import { foldIntoAnonymousPresence } from '../presence/anonymous-presence.js';

@Injectable()
export class PresenceRetentionRepository {
  constructor(@Inject(CALENDAR_DATABASE) private readonly database: CalendarDatabase) {}

  /**
   * Deletes up to `limit` presence logs dated before `cutoff` (YYYY-MM-DD), folding their figures into
   * the anonymous monthly totals per département first (as an erasure does), so the yearly bilan
   * keeps its counts; returns how many logs went. Rows another replica is purging right now are
   * skipped (SKIP LOCKED), never waited for nor counted twice.
   */
  purgeBatchBefore(cutoff: string, limit: number): Promise<number> {
    return foldIntoAnonymousPresence(this.database.db, lt(presenceLogs.date, cutoff), { limit, skipLocked: true });
  }
}
