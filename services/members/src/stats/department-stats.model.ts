import { Directive, Field, Int, ObjectType } from '@nestjs/graphql';

/**
 * A département's yearly bilan for the CAF: one entity, keyed by département and year, to which each
 * subgraph contributes the figures it owns. Members answers the root field and the directory's figures;
 * calendar adds events and presence, feed adds posts and alerts. Its figures are fields resolved per
 * key in batches, so a bilan over several years or départements costs the same statements as one.
 */
@ObjectType({ description: "A département's yearly bilan (coordinators of the département, admins): each subgraph contributes the figures it owns" })
@Directive('@key(fields: "department year")')
export class DepartmentStats {
  @Field({ description: 'INSEE code of the département, e.g. "32"' })
  department!: string;

  @Field(() => Int, { description: 'Calendar year, Europe/Paris' })
  year!: number;
}
