import { ResolveReference, Resolver } from '@nestjs/graphql';
import { Member } from './member.reference.js';

@Resolver(() => Member)
export class MemberReferenceResolver {
  /** Calendar holds nothing about a member but what the representation carries. */
  @ResolveReference()
  resolveReference(reference: Member): Member {
    return reference;
  }
}
