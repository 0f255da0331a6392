import { Field, InputType } from '@nestjs/graphql';
import { Theme } from '@pdn/domain';
import { DateTimeScalar } from '@pdn/subgraph';
import { AlertCategory, AlertSeverity } from './alert.enums.js';

@InputType()
export class AlertFilter {
  @Field(() => Boolean, { nullable: true, description: 'Only ACTIVE alerts (neither resolved nor expired)' })
  activeOnly?: boolean | null;

  @Field(() => AlertSeverity, { nullable: true, description: 'This severity or higher (INFO < WARNING < CRITICAL)' })
  minSeverity?: AlertSeverity | null;

  @Field(() => [AlertCategory], { nullable: true, description: 'Any of' })
  categories?: AlertCategory[] | null;

  @Field(() => String, { nullable: true, description: 'Alerts covering this département (INSEE code)' })
  department?: string | null;
}

@InputType()
export class RaiseAlertInput {
  @Field(() => AlertSeverity)
  severity!: AlertSeverity;

  @Field(() => AlertCategory)
  category!: AlertCategory;

  @Field({ description: '3 to 200 characters; no e-mail address or phone number' })
  title!: string;

  @Field({ description: 'At most 5,000 characters; no e-mail address or phone number (a young person\'s contact data must not circulate)' })
  body!: string;

  @Field(() => [String], { description: 'INSEE codes, at least one; the caller must coordinate each' })
  departments!: string[];

  @Field(() => [Theme], { nullable: true, description: 'At most 8' })
  themes?: Theme[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'In the future; after it the alert is EXPIRED' })
  expiresAt?: Date | null;
}
