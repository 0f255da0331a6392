import { randomUUID } from 'node:crypto';
import { PdnClient } from '@pdn/client';
import { createGateway, loadGatewayConfig, type RunningGateway } from '@pdn/gateway';
import { freePorts, SubgraphProcess } from './subgraph-process.js';

export const ADMIN = { email: 'admin@e2e.test', password: 'admin-password-e2e' };

export interface RunningSystem {
  gatewayUrl: string;
  anonymous: PdnClient;
  members: SubgraphProcess;
  calendar: SubgraphProcess;
  feed: SubgraphProcess;
  /** Another gateway, on its own port, over the same subgraphs or others (e.g. a second feed replica). */
  startGateway(subgraphs?: { feed?: SubgraphProcess }): Promise<RunningGateway>;
  close(): Promise<void>;
}

/** Where a test may put the system: its own PostgreSQL or Redis server, settings added per process. */
export interface SystemOptions {
  /** The PostgreSQL server the subgraphs' databases are created on (TEST_DATABASE_URL by default). */
  databaseServerUrl?: string;
  /** The Redis the feed and the gateway use (REDIS_URL by default; the gateway uses none by default). */
  redisUrl?: string;
  /** Settings added to each process's own. */
  env?: { members?: Record<string, string>; calendar?: Record<string, string>; feed?: Record<string, string>; gateway?: Record<string, string> };
}

/** The feed's settings in end-to-end runs: Redis between replicas when REDIS_URL is set. */
function feedEnv(options: SystemOptions): Record<string, string> {
  const redisUrl = options.redisUrl ?? process.env['REDIS_URL'];
  // Channels of this system's own: specs running at once on one Redis must not see each other's events.
  return redisUrl ? { REDIS_URL: redisUrl, PUBSUB_REDIS_PREFIX: `pdn-e2e-${randomUUID()}:feed:` } : {};
}

/**
 * Calendar and feed follow the members subgraph's event log (member.erased): where it is, and retries
 * kept short (members may start after them).
 */
function membersEvents(membersPort: number): Record<string, string> {
  return { MEMBERS_URL: `http://127.0.0.1:${membersPort}/graphql`, DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000' };
}

/**
 * The system as clients meet it: every subgraph built and running in its own process on a fresh
 * database (PostgreSQL when TEST_DATABASE_URL is set), and the gateway from the committed supergraph,
 * all real HTTP servers on free ports. Needs `npm run build` first (`npm test` does it).
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const database = { databaseServerUrl: options.databaseServerUrl };
  // Members asks calendar and feed for their parts of `myPersonalData` and follows calendar's event
  // log: it needs their URLs at start.
  // The three ports are chosen together, so that none can be handed out twice.
  const [membersPort, calendarPort, feedPort] = (await freePorts(3)) as [number, number, number];
  const [members, calendar, feed] = await Promise.all([
    SubgraphProcess.start(
      'members',
      {
        PDN_ADMIN_EMAIL: ADMIN.email,
        PDN_ADMIN_PASSWORD: ADMIN.password,
        LOGIN_MAX_FAILURES: '3',
        CALENDAR_URL: `http://127.0.0.1:${calendarPort}/graphql`,
        FEED_URL: `http://127.0.0.1:${feedPort}/graphql`,
        // Members follows calendar's event log (audit.private-read): retries kept short, calendar may start after it.
        DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000',
        ...options.env?.members,
      },
      membersPort,
      database,
    ),
    SubgraphProcess.start('calendar', { ...membersEvents(membersPort), ...options.env?.calendar }, calendarPort, database),
    SubgraphProcess.start(
      'feed',
      { ...feedEnv(options), ...membersEvents(membersPort), ...options.env?.feed },
      feedPort,
      database,
    ),
  ]);
  const gateways: RunningGateway[] = [];
  const startGateway = async (subgraphs: { feed?: SubgraphProcess } = {}) => {
    const gateway = await createGateway(
      loadGatewayConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        GATEWAY_PORT: '0',
        MEMBERS_URL: members.url,
        CALENDAR_URL: calendar.url,
        FEED_URL: (subgraphs.feed ?? feed).url,
        SUBGRAPH_TIMEOUT_MS: '10000',
        MEMBERS_TIMEOUT_MS: '3000',
        // The gateway follows members' log of ended sessions: retries kept short, as the subgraphs'.
        DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000',
        ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
        ...options.env?.gateway,
      }),
    );
    gateways.push(gateway);
    return gateway;
  };
  const gateway = await startGateway();
  return {
    gatewayUrl: gateway.url,
    anonymous: new PdnClient(gateway.url),
    members,
    calendar,
    feed,
    startGateway,
    close: async () => {
      await Promise.all(gateways.map((g) => g.stop()));
      await Promise.all([members.dispose(), calendar.dispose(), feed.dispose()]);
    },
  };
}
