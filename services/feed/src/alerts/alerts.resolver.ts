import { Args, ID, Int, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver, Subscription } from '@nestjs/graphql';
import { type Caller } from '@pdn/identity';
import { CurrentCaller, RequireMember, RequireRole, type SubgraphContext } from '@pdn/identity/nest';
import { DateTimeScalar, PerViewer, RequireScope } from '@pdn/subgraph';
import type { AlertRow } from '../db/feed.tables.js';
import { authorReference, Member } from '../members/member.reference.js';
import { AlertStatus } from './alert.enums.js';
import { AlertFilter, RaiseAlertInput } from './alert.input.js';
import { Alert, AlertConnection } from './alert.model.js';
import { AlertsService } from './alerts.service.js';

/** Subscription events are the alert rows themselves. */
const asAlert = (payload: AlertRow) => payload;

@Resolver(() => Alert)
export class AlertsResolver {
  constructor(private readonly service: AlertsService) {}

  @Query(() => AlertConnection, {
    description:
      "Newest first. Members see the alerts of their départements, coordinators all of theirs, partner applications (ALERTS_READ) their key's; UNAUTHENTICATED when anonymous.",
  })
  @RequireScope('ALERTS_READ')
  alerts(
    @CurrentCaller() caller: Caller,
    @Args('filter', { type: () => AlertFilter, nullable: true }) filter: AlertFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.service.list(caller, filter, first, after);
  }

  @Query(() => Alert, { nullable: true, description: 'Null when it does not exist or does not cover the caller\'s départements' })
  @RequireScope('ALERTS_READ')
  alert(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(caller, id);
  }

  @Mutation(() => Alert, { description: 'Coordinators, for départements they coordinate (admins: any)' })
  @RequireRole('COORDINATOR')
  raiseAlert(@CurrentCaller() caller: Caller, @Args('input') input: RaiseAlertInput) {
    return this.service.raise(caller, input);
  }

  @Mutation(() => Alert, { description: 'Members of a département the alert covers, while it is ACTIVE; idempotent' })
  @RequireMember()
  acknowledgeAlert(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string) {
    return this.service.acknowledge(caller, id);
  }

  @Mutation(() => Alert, { description: 'Coordinators of a département the alert covers' })
  @RequireRole('COORDINATOR')
  resolveAlert(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string, @Args('note') note: string) {
    return this.service.resolve(caller, id, note);
  }

  @Subscription(() => Alert, {
    resolve: asAlert,
    description: 'Alerts as they are raised, with the visibility of `alerts`; with `since`, first the matching alerts raised after it, in order, without duplicates',
  })
  @RequireScope('ALERTS_READ')
  alertRaised(
    @CurrentCaller() caller: Caller,
    @Args('filter', { type: () => AlertFilter, nullable: true }) filter: AlertFilter | null,
    @Args('since', { type: () => DateTimeScalar, nullable: true }) since: Date | null,
  ) {
    return this.service.raisedStream(caller, filter, since);
  }

  @Subscription(() => Alert, {
    resolve: asAlert,
    description: 'Acknowledgements and resolutions of the alerts the caller sees (one when `id` is given), and CRITICAL reminders to those who have not acknowledged',
  })
  @RequireScope('ALERTS_READ')
  @PerViewer() // CRITICAL reminders go to the members who have not acknowledged
  alertUpdated(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID, nullable: true }) id: string | null) {
    return this.service.updatedStream(caller, id);
  }

  @ResolveField(() => Member, { description: 'Once the coordinator who raised it erased their account, the former member "Ancien membre"' })
  raisedBy(@Parent() alert: AlertRow): Member {
    return authorReference(alert.raisedBy);
  }

  @ResolveField(() => AlertStatus, { description: 'From the clock: EXPIRED once expiresAt has passed, unless resolved' })
  status(@Parent() alert: AlertRow) {
    return this.service.status(alert);
  }

  @ResolveField(() => Int)
  acknowledgementCount(@Parent() alert: AlertRow) {
    return this.service.acknowledgementCount(alert);
  }

  @ResolveField(() => Boolean)
  @PerViewer()
  acknowledgedByMe(@CurrentCaller() caller: Caller, @Parent() alert: AlertRow) {
    return this.service.acknowledgedByMe(caller, alert);
  }

  // Reference resolvers get (representation, context): Nest's parameter decorators do not apply here.
  @ResolveReference()
  resolveReference(reference: { id: string }, context: SubgraphContext) {
    return this.service.reference(context.caller, reference.id);
  }
}

@Resolver(() => Member)
export class MemberAlertsResolver {
  constructor(private readonly service: AlertsService) {}

  @ResolveField(() => Boolean, {
    description: 'Whether this member acknowledged the alert; for members who can see the alert (NOT_FOUND otherwise)',
  })
  hasAcknowledged(@CurrentCaller() caller: Caller, @Parent() member: Member, @Args('alertId', { type: () => ID }) alertId: string) {
    return this.service.hasAcknowledged(caller, member.id, alertId);
  }
}
