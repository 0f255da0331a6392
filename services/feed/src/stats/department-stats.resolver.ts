import { Directive, Float, Int, Parent, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { type SubgraphContext } from '@pdn/identity/nest';
import type { DepartmentYear } from '@pdn/subgraph';
import { DepartmentStats } from './department-stats.model.js';
import { DepartmentStatsService, type DepartmentYearWithPromeneurs } from './department-stats.service.js';

@Resolver(() => DepartmentStats)
export class DepartmentStatsResolver {
  constructor(private readonly service: DepartmentStatsService) {}

  /** Feed refuses as members' root field does: `_entities` is no way around it. */
  @ResolveReference()
  resolveReference(reference: DepartmentYearWithPromeneurs, context: SubgraphContext): DepartmentYearWithPromeneurs {
    return { ...this.service.key(context.caller, reference.department, reference.year), activePromeneurs: reference.activePromeneurs };
  }

  @ResolveField(() => Int, { description: 'Posts published from the département in the year, republications aside; posts hidden by moderation are not counted' })
  async postsPublished(@Parent() stats: DepartmentYear): Promise<number> {
    return (await this.service.posts(stats)).postsPublished;
  }

  @ResolveField(() => Int, { description: "Other structures' posts republished by the département's members in the year (hidden ones aside)" })
  async republications(@Parent() stats: DepartmentYear): Promise<number> {
    return (await this.service.posts(stats)).republications;
  }

  @ResolveField(() => Int, { description: 'Network alerts raised in the year that cover the département' })
  async alertsRaised(@Parent() stats: DepartmentYear): Promise<number> {
    return (await this.service.alerts(stats)).alertsRaised;
  }

  /** activePromeneurs comes from members with the representation (`@requires`): feed keeps no copy. */
  @ResolveField(() => Float, {
    description: "Acknowledgements of the year's alerts / (alertsRaised × activePromeneurs); 0 when either is 0",
  })
  @Directive('@requires(fields: "activePromeneurs")')
  alertAcknowledgementRate(@Parent() stats: DepartmentYearWithPromeneurs): Promise<number> {
    return this.service.alertAcknowledgementRate(stats);
  }
}
