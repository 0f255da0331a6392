import { Directive, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Caller } from '@pdn/identity';
import { CurrentCaller } from '@pdn/identity/nest';
import { JSONScalar, PerViewer } from '@pdn/subgraph';
import { Member } from '../members/member.reference.js';
import { FeedPersonalDataService } from './personal-data.service.js';

/**
 * Feed's part of the member's export. Members fetches it through `_entities` with the caller's
 * signed identity and assembles `myPersonalData`; `@inaccessible` keeps it out of the gateway's API.
 */
@Resolver(() => Member)
export class FeedPersonalDataResolver {
  constructor(private readonly service: FeedPersonalDataService) {}

  @ResolveField(() => JSONScalar, { nullable: true, description: 'What feed holds about the member: the member only, null for anyone else' })
  @Directive('@inaccessible')
  @PerViewer()
  feedPersonalData(@CurrentCaller() caller: Caller, @Parent() member: Member) {
    return this.service.partFor(caller, member.id);
  }
}
