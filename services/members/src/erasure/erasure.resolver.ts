import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { Caller } from '@pdn/identity';
import { CurrentCaller, RequireMember } from '@pdn/identity/nest';
import { ErasureService } from './erasure.service.js';

@Resolver()
export class ErasureResolver {
  constructor(private readonly erasure: ErasureService) {}

  @Mutation(() => Boolean, {
    description:
      'Erases the caller\'s account and personal data in every subgraph: profile anonymised ("Ancien membre"), ' +
      'sessions revoked, permanences, presence logs (kept only as anonymous totals), calendar feed, reactions removed, ' +
      'registrations and acknowledgements detached. Posts and comments stay without an author unless deletePosts. ' +
      'A wrong password is refused as BAD_USER_INPUT on `password`. Cannot be undone.',
  })
  @RequireMember()
  eraseMyAccount(
    @CurrentCaller() caller: Caller,
    @Args('password') password: string,
    @Args('deletePosts', { type: () => Boolean, nullable: true, defaultValue: false, description: 'Delete my posts and comments too, rather than keep them without an author' })
    deletePosts: boolean | null,
  ): Promise<boolean> {
    return this.erasure.eraseMyAccount(caller, password, deletePosts === true);
  }
}
