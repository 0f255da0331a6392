import type { Database } from '@pdn/database';
import type { FeedSchema } from '../db/feed.tables.js';

export { CLOCK, systemClock, type Clock } from '@pdn/subgraph';

/** Injection tokens of what the app module is given from outside (see feed-app.ts). */
export const FEED_DATABASE = Symbol('FEED_DATABASE');
export const FEED_SETTINGS = Symbol('FEED_SETTINGS');

export type FeedDatabase = Database<FeedSchema>;

/**
 * The feed's pub/sub engine (`PubSubEngine` from @pdn/pubsub): Redis when REDIS_URL is set, so that
 * every replica's subscribers see every replica's events; in-process otherwise.
 */
export const FEED_PUBSUB = Symbol('FEED_PUBSUB');
