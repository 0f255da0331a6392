import { Inject, Injectable } from '@nestjs/common';
import { parisDateAndTime } from '@pdn/subgraph';
import { CALENDAR_SETTINGS } from '../common/tokens.js';
import type { CalendarSettings } from '../calendar.config.js';
import { PresenceRetentionRepository } from './presence-retention.repository.js';

/** Rows deleted per statement: keeps each transaction (and its locks) short on a large backlog. */
const BATCH = 5_000;

/** The first day still kept: presence logs dated before it are older than the retention period. */
export function retentionCutoff(now: Date, retentionDays: number): string {
  const [y, m, d] = parisDateAndTime(now).date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - retentionDays)).toISOString().slice(0, 10);
}

/**
 * Presence logs are kept `PRESENCE_RETENTION_DAYS` (3 years by default), counted in Paris calendar
 * days, then deleted; their figures live on only in the anonymous monthly totals per département
 * (no member, no structure, no day), which the yearly bilan reads. Idempotent and safe to run in
 * every replica at once.
 */
@Injectable()
export class PresenceRetentionService {
  constructor(
    private readonly repository: PresenceRetentionRepository,
    @Inject(CALENDAR_SETTINGS) private readonly settings: CalendarSettings,
  ) {}

  /** Purges every presence log older than the retention period at `now`; returns how many this run deleted. */
  async purge(now: Date): Promise<{ cutoff: string; deleted: number }> {
    const cutoff = retentionCutoff(now, this.settings.PRESENCE_RETENTION_DAYS);
    let deleted = 0;
    for (;;) {
      const batch = await this.repository.purgeBatchBefore(cutoff, BATCH);
      deleted += batch;
      if (batch < BATCH) return { cutoff, deleted };
    }
  }
}
