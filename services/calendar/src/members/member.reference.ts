import { Directive, Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { VisibilitySubject } from '@pdn/subgraph';

/**
 * The members subgraph's Member, as calendar sees it: its key, and the fields calendar needs from
 * members through `@requires` (never a copy). Calendar's own fields on Member are added by the
 * feature resolvers (registrations, permanences, presence).
 */
@ObjectType()
@Directive('@key(fields: "id")')
// Whose data calendar's fields on Member are: the département comes from members (`@requires`).
@VisibilitySubject((member: Member) => ({ memberId: member.id, department: member.department }))
export class Member {
  @Field(() => ID)
  id!: string;

  /** From members, for `presence` (`@requires`); absent on references calendar itself returns. */
  @Field(() => Float)
  @Directive('@external')
  weeklyHoursCommitment?: number;

  /** From members, for `presence` (`@requires`): who coordinates this member. */
  @Field(() => String)
  @Directive('@external')
  department?: string;
}

/** What a field that points to a member returns: federation resolves the rest in members. */
export function memberReference(id: string): Member {
  return { id };
}
