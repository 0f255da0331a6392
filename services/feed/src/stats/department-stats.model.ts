import { Directive, Field, Int, ObjectType } from '@nestjs/graphql';

/**
 * The yearly bilan of a département as feed sees it: its key, and the figure feed needs from members
 * through `@requires` (never a copy). Feed's figures (posts, republications, alerts) are added by
 * DepartmentStatsResolver.
 */
@ObjectType()
@Directive('@key(fields: "department year")')
export class DepartmentStats {
  @Field()
  department!: string;

  @Field(() => Int)
  year!: number;

  /** From members, for `alertAcknowledgementRate` (`@requires`); absent when that field is not asked for. */
  @Field(() => Int)
  @Directive('@external')
  activePromeneurs?: number;
}
