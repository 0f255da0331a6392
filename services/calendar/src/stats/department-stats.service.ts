import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '@pdn/identity';
import { departmentStatsKey, type DepartmentYear } from '@pdn/subgraph';
import { CLOCK, type Clock } from '../common/tokens.js';
import type { RequestCount } from '../presence/presence.model.js';
import { REQUEST_CATEGORIES } from '../presence/request-category.js';
import { DepartmentStatsRepository, type EventFigures } from './department-stats.repository.js';

/**
 * Calendar's part of the yearly bilan: the département's events whose start falls in the year (Paris),
 * and the presence its members logged on the days of the year, erased members' anonymous totals included.
 */
@Injectable()
export class DepartmentStatsService {
  constructor(
    private readonly repository: DepartmentStatsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The checked key of a representation, or the refusal: the same rule as members' root field. */
  key(caller: Caller, department: unknown, year: unknown): DepartmentYear {
    return departmentStatsKey(caller, department, year, this.clock.now());
  }

  events(key: DepartmentYear): Promise<EventFigures> {
    return this.repository.eventFigures(key);
  }

  /** Attended / confirmed registrations of the year's closed regroupements; 0 when none was confirmed. */
  async regroupementAttendanceRate(key: DepartmentYear): Promise<number> {
    const { regroupementsAttended, regroupementsConfirmed } = await this.repository.eventFigures(key);
    return regroupementsConfirmed > 0 ? regroupementsAttended / regroupementsConfirmed : 0;
  }

  async minutesOnline(key: DepartmentYear): Promise<number> {
    return (await this.repository.presenceFigures(key)).minutes;
  }

  async contacts(key: DepartmentYear): Promise<number> {
    return (await this.repository.presenceFigures(key)).contacts;
  }

  /** Every category, in the order of the enum, zero included (as in presenceReport). */
  async requests(key: DepartmentYear): Promise<RequestCount[]> {
    const { requests } = await this.repository.presenceFigures(key);
    return REQUEST_CATEGORIES.map((category) => ({ category, count: requests.get(category) ?? 0 }));
  }
}
