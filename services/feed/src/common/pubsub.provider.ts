import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Logger } from '@pdn/logging';
import { createPubSub, type PubSubEngine } from '@pdn/pubsub';
import type { FeedSettings } from '../feed.config.js';
import { FEED_PUBSUB } from './tokens.js';

const OWNS_PUBSUB = Symbol('OWNS_PUBSUB');

/** Closes the engine the app created (not one a test handed in) when the app shuts down. */
@Injectable()
export class FeedPubSubLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(FEED_PUBSUB) private readonly pubsub: PubSubEngine,
    @Inject(OWNS_PUBSUB) private readonly owned: boolean,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.owned) await this.pubsub.close();
  }
}

export function feedPubSubProviders(settings: FeedSettings, logger: Logger, given?: PubSubEngine): Provider[] {
  return [
    { provide: FEED_PUBSUB, useValue: given ?? createPubSub({ redisUrl: settings.REDIS_URL, logger, channelPrefix: settings.PUBSUB_REDIS_PREFIX }) },
    { provide: OWNS_PUBSUB, useValue: !given },
    FeedPubSubLifecycle,
  ];
}
