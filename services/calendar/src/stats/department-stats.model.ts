import { Directive, Field, Int, ObjectType } from '@nestjs/graphql';

/**
 * The yearly bilan of a département (owned by no one subgraph: members answers the root field), as
 * calendar sees it: its key. Calendar's figures (events, trainings, regroupements, presence) are added
 * by DepartmentStatsResolver.
 */
@ObjectType()
@Directive('@key(fields: "department year")')
export class DepartmentStats {
  @Field()
  department!: string;

  @Field(() => Int)
  year!: number;
}
