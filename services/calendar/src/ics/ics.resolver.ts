import { Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Caller } from '@pdn/identity';
import { CurrentCaller, RequireMember } from '@pdn/identity/nest';
import { CalendarFeed } from './calendar-feed.model.js';
import { IcsService } from './ics.service.js';

@Resolver()
export class IcsResolver {
  constructor(private readonly service: IcsService) {}

  @Query(() => Boolean, { nullable: true, description: 'Whether the signed-in member has a private calendar feed (its URL is shown only when created)' })
  @RequireMember()
  myCalendarFeed(@CurrentCaller() caller: Caller): Promise<boolean> {
    return this.service.hasFeed(caller);
  }

  @Mutation(() => CalendarFeed, { description: "A new secret URL for the caller's calendar feed of confirmed registrations; the previous URL stops working" })
  @RequireMember()
  rotateCalendarFeedToken(@CurrentCaller() caller: Caller): Promise<CalendarFeed> {
    return this.service.rotateFeedToken(caller);
  }

  @Mutation(() => Boolean, { description: "Turns the caller's calendar feed off: its URL stops working. False when there was none" })
  @RequireMember()
  revokeCalendarFeed(@CurrentCaller() caller: Caller): Promise<boolean> {
    return this.service.revokeFeed(caller);
  }
}
