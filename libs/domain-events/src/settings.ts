import { identitySigningKey, positiveInt, z } from '@pdn/config';
import { HttpEventSource } from './event-source.js';

/** How any consumer follows a producer's log, spread into its zod settings schema. */
export const eventConsumerSettings = {
  /** Long poll: how long the producer may hold an empty answer (0–30 s). */
  DOMAIN_EVENTS_WAIT_SECONDS: z.coerce.number().int().min(0).max(30).default(20),
  /** First retry delay when the producer is unreachable or applying an event fails; doubled each time. */
  DOMAIN_EVENTS_MIN_BACKOFF_MS: positiveInt(500),
  /** Longest retry delay. */
  DOMAIN_EVENTS_MAX_BACKOFF_MS: positiveInt(30_000),
};

export interface EventConsumerSettings {
  DOMAIN_EVENTS_WAIT_SECONDS: number;
  DOMAIN_EVENTS_MIN_BACKOFF_MS: number;
  DOMAIN_EVENTS_MAX_BACKOFF_MS: number;
}

/**
 * The settings of a service that consumes the members subgraph's events (calendar, feed), spread into
 * its zod settings schema. The log is read at MEMBERS_EVENTS_URL, by default `/events` beside the
 * MEMBERS_URL the gateway also uses.
 */
export const membersEventsSettings = {
  /** The members subgraph's GraphQL URL, as the gateway reaches it. */
  MEMBERS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://127.0.0.1:4001/graphql'),
  /** The members event log, when it is not at `/events` beside MEMBERS_URL. */
  MEMBERS_EVENTS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ...eventConsumerSettings,
};

export interface MembersEventsSettings extends EventConsumerSettings {
  MEMBERS_URL: string;
  MEMBERS_EVENTS_URL?: string;
}

/** The event log of a subgraph: `/events` in place of its GraphQL path (…/graphql → …/events). */
export function eventsUrlBeside(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = /\/graphql\/?$/.test(url.pathname) ? url.pathname.replace(/\/graphql\/?$/, '/events') : `${url.pathname.replace(/\/$/, '')}/events`;
  url.search = '';
  return url.href;
}

export function membersEventsUrl(settings: Pick<MembersEventsSettings, 'MEMBERS_URL' | 'MEMBERS_EVENTS_URL'>): string {
  return settings.MEMBERS_EVENTS_URL ?? eventsUrlBeside(settings.MEMBERS_URL);
}

/**
 * What following a producer's log takes from a consumer's settings: the log read over signed HTTP, the
 * long poll and the backoff. Spread into `eventConsumerProvider`'s options beside the handlers.
 */
export function followLog(
  producer: string,
  url: string,
  settings: EventConsumerSettings & Parameters<typeof identitySigningKey>[0],
): { source: HttpEventSource; waitSeconds: number; minBackoffMs: number; maxBackoffMs: number } {
  return {
    source: new HttpEventSource({ producer, url, identitySigningKey: identitySigningKey(settings) }),
    waitSeconds: settings.DOMAIN_EVENTS_WAIT_SECONDS,
    minBackoffMs: settings.DOMAIN_EVENTS_MIN_BACKOFF_MS,
    maxBackoffMs: settings.DOMAIN_EVENTS_MAX_BACKOFF_MS,
  };
}
