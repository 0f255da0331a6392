import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';
import { Theme } from '@pdn/domain';
import { ConnectionType } from '@pdn/pagination';
import { DateTimeScalar } from '@pdn/subgraph';
import { AlertCategory, AlertSeverity } from './alert.enums.js';

/**
 * A prevention alert raised by a coordinator for some départements. The fields computed from the
 * clock, the acknowledgements and the caller (status, raisedBy, acknowledgementCount,
 * acknowledgedByMe) are resolved in alerts.resolver.ts, in batches.
 */
@ObjectType({ description: 'A network alert: a coordinator warns the promeneurs of some départements. Times in Europe/Paris time.' })
@Directive('@key(fields: "id")')
export class Alert {
  @Field(() => ID)
  id!: string;

  @Field(() => AlertSeverity)
  severity!: AlertSeverity;

  @Field(() => AlertCategory)
  category!: AlertCategory;

  @Field()
  title!: string;

  @Field()
  body!: string;

  @Field(() => [String], { description: 'INSEE codes of the départements warned' })
  departments!: string[];

  @Field(() => [Theme])
  themes!: Theme[];

  @Field(() => DateTimeScalar)
  raisedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'After this instant the alert is EXPIRED' })
  expiresAt!: Date | null;

  /** Not exposed as such: `raisedBy` resolves it through members (NULL once that member erased their account). */
  raisedBy!: string | null;
}

export const AlertConnection = ConnectionType(Alert);
