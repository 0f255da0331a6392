import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '@pdn/identity';
import { departmentStatsKey, type DepartmentYear } from '@pdn/subgraph';
import { CLOCK, type Clock } from '../common/tokens.js';
import { DepartmentStatsRepository, type AlertFigures, type PostFigures } from './department-stats.repository.js';

/** What the acknowledgement rate reads from its parent: the key, and the figure members provides through `@requires`. */
export interface DepartmentYearWithPromeneurs extends DepartmentYear {
  activePromeneurs?: number | null;
}

/** Feed's part of the yearly bilan: what the département published and the alerts it received, by Paris year. */
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

  posts(key: DepartmentYear): Promise<PostFigures> {
    return this.repository.postFigures(key);
  }

  alerts(key: DepartmentYear): Promise<AlertFigures> {
    return this.repository.alertFigures(key);
  }

  /**
   * Acknowledgements / (alerts × active promeneurs): the share of the acknowledgements the year's
   * alerts would have had if every active promeneur had acknowledged each; 0 when there is no alert or
   * no active promeneur. The promeneurs come from members with the representation.
   */
  async alertAcknowledgementRate(stats: DepartmentYearWithPromeneurs): Promise<number> {
    if (typeof stats.activePromeneurs !== 'number') {
      // Only a request that bypasses the gateway's query plan can lack the @requires field.
      throw new Error('DepartmentStats.alertAcknowledgementRate needs activePromeneurs from members (@requires).');
    }
    const { alertsRaised, acknowledgements } = await this.repository.alertFigures(stats);
    const expected = alertsRaised * stats.activePromeneurs;
    return expected > 0 ? acknowledgements / expected : 0;
  }
}
