import { Float, Int, Parent, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { type SubgraphContext } from '@pdn/identity/nest';
import type { DepartmentYear } from '@pdn/subgraph';
import { RequestCount } from '../presence/presence.model.js';
import { DepartmentStats } from './department-stats.model.js';
import { DepartmentStatsService } from './department-stats.service.js';

@Resolver(() => DepartmentStats)
export class DepartmentStatsResolver {
  constructor(private readonly service: DepartmentStatsService) {}

  /** Calendar refuses as members' root field does: `_entities` is no way around it. */
  @ResolveReference()
  resolveReference(reference: DepartmentYear, context: SubgraphContext): DepartmentYear {
    return this.service.key(context.caller, reference.department, reference.year);
  }

  @ResolveField(() => Int, { description: 'Events of the département closed as held (COMPLETED) whose start falls in the year' })
  async eventsHeld(@Parent() stats: DepartmentYear): Promise<number> {
    return (await this.service.events(stats)).eventsHeld;
  }

  @ResolveField(() => Int, {
    description:
      'Distinct members recorded as having attended (on a confirmed registration) a training of the département held in the year: initial trainings, trainings, workshops, webinars; cancelled events excluded',
  })
  async promeneursTrained(@Parent() stats: DepartmentYear): Promise<number> {
    return (await this.service.events(stats)).promeneursTrained;
  }

  @ResolveField(() => Float, {
    description: "Attended / confirmed registrations over the year's regroupements closed as held (COMPLETED); 0 when none was confirmed",
  })
  regroupementAttendanceRate(@Parent() stats: DepartmentYear): Promise<number> {
    return this.service.regroupementAttendanceRate(stats);
  }

  @ResolveField(() => Int, { description: "Minutes online logged in the département on the year's days, erased members' anonymous totals included" })
  minutesOnline(@Parent() stats: DepartmentYear): Promise<number> {
    return this.service.minutesOnline(stats);
  }

  @ResolveField(() => Int, { description: 'Young people reached (anonymous counts), same logs as minutesOnline' })
  contacts(@Parent() stats: DepartmentYear): Promise<number> {
    return this.service.contacts(stats);
  }

  @ResolveField(() => [RequestCount], { description: 'Requests by category, same logs as minutesOnline: every category, in the order of the enum, zero included' })
  requests(@Parent() stats: DepartmentYear): Promise<RequestCount[]> {
    return this.service.requests(stats);
  }
}
