import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import { badInput, forbidden } from '@pdn/errors';
import { coordinates, isCoordinator, requireMember, type Caller } from '@pdn/identity';
import { CLOCK, type Clock } from '../common/tokens.js';
import type { PresenceLogRow } from '../db/calendar.tables.js';
import { parisDateAndTime } from '@pdn/subgraph';
import { calendarDate, oneYearBefore, rangeDays } from './date-range.js';
import type { PresenceLogInput } from './presence.input.js';
import type { PresenceReport, PresenceSummary } from './presence.model.js';
import { PresenceRepository } from './presence.repository.js';
import { REQUEST_CATEGORIES } from './request-category.js';

/** What `Member.presence` reads from its parent: the key, and the two fields members provides through `@requires`. */
export interface MemberWithCommitment {
  id: string;
  weeklyHoursCommitment?: number | null;
  department?: string | null;
}

@Injectable()
export class PresenceService {
  constructor(
    private readonly presence: PresenceRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Records time spent online. Counts only (see PresenceLogInput). The log keeps the member's home
   * département of the day, so a département's figures do not move when a member moves.
   */
  async log(caller: Caller, input: PresenceLogInput): Promise<PresenceLogRow> {
    const self = requireMember(caller);
    if (self.status === 'SUSPENDED' || self.status === 'LEFT') {
      throw forbidden(`A ${self.status.toLowerCase()} member does not log presence under the label.`);
    }
    const today = parisDateAndTime(this.clock.now()).date;
    calendarDate('input.date', input.date);
    if (input.date > today) throw badInput('input.date', `${input.date} is in the future (today is ${today} in Paris).`);
    const earliest = oneYearBefore(today);
    if (input.date < earliest) throw badInput('input.date', `Presence is logged within a year: ${earliest} at the earliest.`);
    if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > 1440) {
      throw badInput('input.minutes', 'Between 1 and 1440 minutes (a whole day).');
    }
    const contacts = input.contacts ?? 0;
    if (contacts < 0) throw badInput('input.contacts', 'The number of contacts cannot be negative.');
    const seen = new Set<string>();
    const requests = (input.requests ?? []).map(({ category, count }, i) => {
      if (seen.has(category)) throw badInput(`input.requests.${i}.category`, `${category} is counted twice; give each category once.`);
      seen.add(category);
      if (count < 0) throw badInput(`input.requests.${i}.count`, 'A count cannot be negative.');
      return { category, count };
    });
    const department = self.departments[0];
    if (!department) throw forbidden('Your account has no département.');
    return this.presence.insert({
      memberId: self.memberId,
      department,
      structureId: self.structureId ?? null,
      date: input.date,
      minutes: input.minutes,
      network: input.network,
      contacts,
      requests,
      themes: [...new Set(input.themes ?? [])],
    });
  }

  /**
   * A département's presence over a period, for its coordinators (admins: any département),
   * optionally one structure's: each log keeps the structure its member worked for that day.
   */
  async report(caller: Caller, from: string, to: string, department: string | null | undefined, structureId: string | null | undefined): Promise<PresenceReport> {
    const self = requireMember(caller);
    if (!isCoordinator(self)) throw forbidden('Presence reports are for coordinators.');
    const code = department ? validate.departmentCode('department', department) : self.departments[0];
    if (!code) throw badInput('department', 'Say which département to report on.');
    if (!coordinates(self, code)) throw forbidden(`Only the coordinators of département ${code} can see its presence report.`);
    if (structureId != null && !validate.isUuid(structureId)) throw badInput('structureId', 'This is not a structure id.');
    rangeDays(from, to);
    const { rows, requests } = await this.presence.department(code, from, to, structureId ?? null);
    return {
      from,
      to,
      department: code,
      rows,
      totalMinutes: rows.reduce((sum, row) => sum + row.minutesLogged, 0),
      totalContacts: rows.reduce((sum, row) => sum + row.contacts, 0),
      requests: REQUEST_CATEGORIES.map((category) => ({ category, count: requests.get(category) ?? 0 })),
    };
  }

  /**
   * Logged against committed minutes over [from, to], both days included: weeks are days / 7, so a
   * 3 h/week commitment over 14 days is 360 minutes. Who may read it (the member and the coordinators
   * of their département) is the schema's rule: `@Visibility('PRIVATE')` on Member.presence.
   */
  async summary(member: MemberWithCommitment, from: string, to: string): Promise<PresenceSummary> {
    if (typeof member.weeklyHoursCommitment !== 'number' || typeof member.department !== 'string') {
      // Only a request that bypasses the gateway's query plan can lack the @requires fields.
      throw new Error('Member.presence needs weeklyHoursCommitment and department from members (@requires).');
    }
    const days = rangeDays(from, to);
    const { minutesLogged, contacts } = await this.presence.memberTotals(member.id, from, to);
    const minutesCommitted = Math.round((member.weeklyHoursCommitment * 60 * days) / 7);
    return { minutesLogged, minutesCommitted, complianceRatio: minutesCommitted > 0 ? minutesLogged / minutesCommitted : 0, contacts };
  }
}

