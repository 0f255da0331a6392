import { Inject, Injectable } from '@nestjs/common';
import { badInput } from '@pdn/errors';
import type { Caller } from '@pdn/identity';
import { departmentStatsDepartment, departmentStatsKey, departmentStatsYear, type DepartmentYear } from '@pdn/subgraph';
import { CLOCK, type Clock } from '../common/tokens.js';
import { DepartmentStatsRepository, type DirectoryCounts } from './department-stats.repository.js';

/** A trend table spans a few years: a decade at most keeps one request's cost bounded. */
export const MAX_YEARS = 10;

/**
 * The directory's part of the yearly bilan. Members are counted by their role and département as they
 * stand today (neither is historised) and by their status at the end of the year, from the status
 * history; for the current year, by their status today. An erased member stays in past years' counts
 * (their anonymised row and status history remain) and has left from the erasure on.
 */
@Injectable()
export class DepartmentStatsService {
  constructor(
    private readonly repository: DepartmentStatsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The checked key, or the refusal: coordinators of the département and admins only. */
  key(caller: Caller, department: unknown, year: unknown): DepartmentYear {
    return departmentStatsKey(caller, department, year, this.clock.now());
  }

  /**
   * The keys of the same bilan over several years, in the order asked (repeats kept): checked like
   * `key`, each year named by its index. At most MAX_YEARS, at least one.
   */
  keys(caller: Caller, department: unknown, years: unknown[]): DepartmentYear[] {
    const code = departmentStatsDepartment(caller, department);
    if (years.length === 0 || years.length > MAX_YEARS) throw badInput('years', `Ask for 1 to ${MAX_YEARS} years.`);
    const now = this.clock.now();
    return years.map((year, i) => ({ department: code, year: departmentStatsYear(year, now, `years.${i}`) }));
  }

  directory(key: DepartmentYear): Promise<DirectoryCounts> {
    return this.repository.directoryCounts(key);
  }

  structures(key: DepartmentYear): Promise<number> {
    return this.repository.structureCounts(key);
  }
}
