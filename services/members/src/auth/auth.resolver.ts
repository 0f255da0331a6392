import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { viewedBySelf } from '@pdn/subgraph';
import { Member } from '../members/member.model.js';
import { AuthPayload } from './auth.model.js';
import { AuthService, type AuthResult } from './auth.service.js';

@Resolver(() => AuthPayload)
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayload, { description: 'Signs in with e-mail and password.' })
  login(@Args('email') email: string, @Args('password') password: string): Promise<AuthResult> {
    return this.auth.login(email, password);
  }

  @Mutation(() => AuthPayload, {
    description: 'Exchanges a refresh token for a new access token and a new refresh token (the old one stops working).',
  })
  refreshSession(@Args('refreshToken') refreshToken: string): Promise<AuthResult> {
    return this.auth.refresh(refreshToken);
  }

  @Mutation(() => Boolean, { description: "Ends the refresh token's session. Always true." })
  logout(@Args('refreshToken') refreshToken: string): Promise<boolean> {
    return this.auth.logout(refreshToken);
  }

  @ResolveField(() => Member, { description: 'The signed-in member, who sees their own record in full' })
  member(@Parent() payload: AuthResult) {
    return viewedBySelf(payload.member);
  }
}
