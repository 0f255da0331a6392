import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { SocialNetwork, Theme } from '@pdn/domain';
import { DateScalar } from '@pdn/subgraph';
import { RequestCategory } from './request-category.js';

@ObjectType()
export class RequestCount {
  @Field(() => RequestCategory)
  category!: RequestCategory;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Time a member spent online, with anonymous counts only' })
export class PresenceLog {
  @Field(() => ID)
  id!: string;

  @Field(() => DateScalar)
  date!: string;

  @Field(() => Int)
  minutes!: number;

  @Field(() => SocialNetwork)
  network!: SocialNetwork;

  @Field(() => Int)
  contacts!: number;

  @Field(() => [RequestCount])
  requests!: RequestCount[];

  @Field(() => [Theme])
  themes!: Theme[];
}

@ObjectType({ description: 'One member in a presence report: what they logged in the département over the period' })
export class PresenceRow {
  @Field(() => Int)
  minutesLogged!: number;

  @Field(() => Int)
  contacts!: number;

  /** Resolved as a reference to members. */
  memberId!: string;
}

@ObjectType()
export class PresenceReport {
  @Field(() => DateScalar)
  from!: string;

  @Field(() => DateScalar)
  to!: string;

  @Field({ description: 'The département reported on' })
  department!: string;

  @Field(() => [PresenceRow], { description: 'Members who logged presence in the département over the period, most minutes first' })
  rows!: PresenceRow[];

  @Field(() => Int)
  totalMinutes!: number;

  @Field(() => Int)
  totalContacts!: number;

  @Field(() => [RequestCount], { description: 'Every category, in the order of the enum, zero included' })
  requests!: RequestCount[];
}

@ObjectType({ description: "A member's presence over a period, against their weekly commitment" })
export class PresenceSummary {
  @Field(() => Int)
  minutesLogged!: number;

  @Field(() => Int, { description: 'weeklyHoursCommitment × 60 × days / 7, rounded' })
  minutesCommitted!: number;

  @Field(() => Float, { description: 'minutesLogged / minutesCommitted' })
  complianceRatio!: number;

  @Field(() => Int)
  contacts!: number;
}
