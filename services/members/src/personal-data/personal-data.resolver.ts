import { Context, Query, Resolver } from '@nestjs/graphql';
import type { Caller } from '@pdn/identity';
import { CurrentCaller, RequireMember, type SubgraphContext } from '@pdn/identity/nest';
import { JSONScalar } from '@pdn/subgraph';
import { PersonalDataService } from './personal-data.service.js';

@Resolver()
export class PersonalDataResolver {
  constructor(private readonly service: PersonalDataService) {}

  @Query(() => JSONScalar, {
    description:
      'Everything held about the caller, from every subgraph, as one JSON document (no secrets). SERVICE_UNAVAILABLE, naming the service, when a part cannot be had.',
  })
  @RequireMember()
  myPersonalData(@CurrentCaller() caller: Caller, @Context() context: SubgraphContext) {
    return this.service.export(caller, context.requestId);
  }
}
