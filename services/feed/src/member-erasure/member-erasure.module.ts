import { Module, type DynamicModule } from '@nestjs/common';
import { followLog, MEMBER_ERASED, memberErasedPayload, membersEventsUrl } from '@pdn/domain-events';
import { eventConsumerProvider } from '@pdn/domain-events/nest';
import type { Logger } from '@pdn/logging';
import { FEED_DATABASE, FEED_SETTINGS, type FeedDatabase } from '../common/tokens.js';
import type { FeedSettings } from '../feed.config.js';
import type { FeedExecutor } from '../posts/posts.repository.js';
import { MemberErasureRepository } from './member-erasure.repository.js';
import { MemberErasureService } from './member-erasure.service.js';

/** The running consumer of the members subgraph's events (tests reach it through this token). */
export const MEMBERS_EVENTS_CONSUMER = Symbol('MEMBERS_EVENTS_CONSUMER');

/**
 * Follows the members subgraph's event log (MEMBERS_EVENTS_URL, by default /events beside
 * MEMBERS_URL) and applies member.erased to feed's data, once, whatever the redeliveries and however
 * many replicas run. Needs FEED_DATABASE and FEED_SETTINGS (global).
 */
export function memberErasureModule(logger: Logger): DynamicModule {
  @Module({})
  class MemberErasureModule {}

  return {
    module: MemberErasureModule,
    providers: [
      MemberErasureRepository,
      MemberErasureService,
      eventConsumerProvider({
        token: MEMBERS_EVENTS_CONSUMER,
        inject: [FEED_DATABASE, FEED_SETTINGS, MemberErasureService],
        useFactory: (database: FeedDatabase, settings: FeedSettings, erasure: MemberErasureService) => ({
          consumer: 'feed',
          db: database.db,
          ...followLog('members', membersEventsUrl(settings), settings),
          handlers: {
            [MEMBER_ERASED]: async (event, tx) => {
              const summary = await erasure.apply(memberErasedPayload(event), tx as FeedExecutor);
              logger.info({ event: 'member-erased', memberId: event.payload['memberId'], ...summary }, 'erased member removed from feed');
            },
          },
          logger,
        }),
      }),
    ],
    exports: [MEMBERS_EVENTS_CONSUMER, MemberErasureService],
  };
}
