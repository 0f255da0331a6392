import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';
import { FORMER_MEMBER_ID } from '@pdn/domain';

/**
 * The members subgraph's Member, as feed sees it: its key only. Feed's own fields on Member
 * (`posts`, `hasAcknowledged`) are added by the feature resolvers; what feed shows of a member
 * (display name, structure) is resolved by members through federation.
 */
@ObjectType()
@Directive('@key(fields: "id")')
export class Member {
  @Field(() => ID)
  id!: string;
}

/** What a field that points to a member returns: federation resolves the rest in members. */
export function memberReference(id: string): Member {
  return { id };
}

/**
 * The member a post, comment or alert is by: its stored id, or, once that member erased their account
 * (the column is NULL, nothing links the row to the person), the well-known former member that members
 * resolves to "Ancien membre". Never null, as the contract fixes.
 */
export function authorReference(id: string | null): Member {
  return memberReference(id ?? FORMER_MEMBER_ID);
}
