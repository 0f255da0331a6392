import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';

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
