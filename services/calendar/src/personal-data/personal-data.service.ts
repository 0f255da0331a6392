import { Injectable } from '@nestjs/common';
import type { Caller } from '@pdn/identity';
import { withoutOmitted } from '@pdn/subgraph';
import { calendarPersonalDataCoverage as coverage } from './personal-data.coverage.js';
import { CalendarPersonalDataRepository } from './personal-data.repository.js';

/** Calendar's part of a member's personal-data export (`myPersonalData`, assembled by members). */
@Injectable()
export class CalendarPersonalDataService {
  constructor(private readonly repository: CalendarPersonalDataRepository) {}

  /** The member's own part; null for anyone else, coordinators and admins included. */
  async partFor(caller: Caller, memberId: string) {
    if (caller.kind !== 'member' || caller.memberId !== memberId) return null;
    const rows = await this.repository.rowsOf(memberId);
    return {
      registrations: rows.registrations.map((row) => withoutOmitted(coverage.registrations, row)),
      permanences: rows.permanences.map((row) => withoutOmitted(coverage.permanences, row)),
      presenceLogs: rows.presenceLogs.map((row) => withoutOmitted(coverage.presenceLogs, row)),
      organisedEvents: rows.organisedEvents.map((row) => withoutOmitted(coverage.events, row)),
      calendarFeed: rows.calendarFeedToken
        ? { exists: true, ...withoutOmitted(coverage.calendarFeedTokens, rows.calendarFeedToken) }
        : { exists: false },
    };
  }
}
