import { Args, Int, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import type { Caller } from '@pdn/identity';
import { CurrentCaller, type SubgraphContext } from '@pdn/identity/nest';
import type { DepartmentYear } from '@pdn/subgraph';
import { DepartmentStats } from './department-stats.model.js';
import { DepartmentStatsService } from './department-stats.service.js';

@Resolver(() => DepartmentStats)
export class DepartmentStatsResolver {
  constructor(private readonly service: DepartmentStatsService) {}

  @Query(() => DepartmentStats, {
    description: "A département's yearly bilan for the CAF, every subgraph's figures in one query: the coordinators of the département and admins",
  })
  departmentStats(
    @CurrentCaller() caller: Caller,
    @Args('department') department: string,
    @Args('year', { type: () => Int }) year: number,
  ): DepartmentYear {
    return this.service.key(caller, department, year);
  }

  @Query(() => [DepartmentStats], {
    description:
      'The same bilan over several years (1 to 10), in the order asked, e.g. for a trend table: each subgraph answers all the years in one batch. The coordinators of the département and admins',
  })
  departmentStatsOverYears(
    @CurrentCaller() caller: Caller,
    @Args('department') department: string,
    @Args('years', { type: () => [Int] }) years: number[],
  ): DepartmentYear[] {
    return this.service.keys(caller, department, years);
  }

  @ResolveField(() => Int, {
    description: 'Promeneurs of the département ACTIVE at the end of the year (today for the current year)',
  })
  async activePromeneurs(@Parent() stats: DepartmentYear): Promise<number> {
    return (await this.service.directory(stats)).activePromeneurs;
  }

  @ResolveField(() => Int, {
    description: 'Promeneurs of the département still CANDIDATE (labelling not validated yet) at the end of the year (today for the current year)',
  })
  async candidates(@Parent() stats: DepartmentYear): Promise<number> {
    return (await this.service.directory(stats)).candidates;
  }

  @ResolveField(() => Int, { description: 'Structures of the département that existed at the end of the year (today for the current year)' })
  structures(@Parent() stats: DepartmentYear): Promise<number> {
    return this.service.structures(stats);
  }

  /** The same rule as the root field: `_entities` is no way around it. */
  @ResolveReference()
  resolveReference(reference: DepartmentYear, context: SubgraphContext): DepartmentYear {
    return this.service.key(context.caller, reference.department, reference.year);
  }
}
