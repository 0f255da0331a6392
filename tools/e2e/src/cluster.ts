import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { PdnClient } from '@pdn/client';
import { createGateway, loadGatewayConfig, type RunningGateway } from '@pdn/gateway';
import { RoundRobinBalancer } from './round-robin-balancer.js';
import { freePorts, SubgraphProcess } from './subgraph-process.js';
import { ADMIN } from './system.js';

export type SubgraphName = 'members' | 'calendar' | 'feed';
const SUBGRAPHS: readonly SubgraphName[] = ['members', 'calendar', 'feed'];

/** One gateway replica of the cluster, in the test's process. */
export interface ClusterGateway {
  /** Its own GraphQL endpoint (bypassing the front balancer). */
  url: string;
  anonymous: PdnClient;
  gateway: RunningGateway;
}

export interface Cluster {
  /** The two gateway replicas; each reaches every subgraph through that subgraph's balancer. */
  a: ClusterGateway;
  b: ClusterGateway;
  /** Round-robin in front of the two gateways, as clients would meet the cluster. */
  front: RoundRobinBalancer;
  /** Two replicas of each subgraph, on one database per subgraph. */
  replicas: Record<SubgraphName, readonly [SubgraphProcess, SubgraphProcess]>;
  /** Round-robin in front of each subgraph's replicas (backend 0 is `replicas[name][0]`). */
  balancers: Record<SubgraphName, RoundRobinBalancer>;
  /** The Redis both gateways keep their rate-limit counters in and the feed replicas publish on, under `redisPrefix`. */
  redisUrl: string;
  redisPrefix: string;
  close(): Promise<void>;
}

type Settings = Partial<Record<SubgraphName | 'gateway', Record<string, string>>>;

export interface ClusterOptions {
  /** Settings added to both replicas of a subgraph, and to both gateways. */
  env?: Settings;
  /** Settings added to the second replica only (e.g. another job period, so the two timers drift apart). */
  secondReplicaEnv?: Settings;
}

/**
 * Two gateways and two replicas of each subgraph, every process on a free port, on the real PostgreSQL
 * (TEST_DATABASE_URL, required: replicas share their subgraph's database) and Redis (REDIS_URL). The
 * test owns the load balancers: each subgraph's replicas are behind a round-robin balancer that both
 * gateways and the other subgraphs (personal data, event logs) use, so consecutive fetches land on
 * different replicas; another one is in front of the gateways. Needs `npm run build` first.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const databaseServerUrl = process.env['TEST_DATABASE_URL'];
  if (!databaseServerUrl) throw new Error('A cluster shares each subgraph database between replicas: set TEST_DATABASE_URL.');
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  // Keys and channels of this cluster's own: other specs share the Redis (with events of other databases).
  const redisPrefix = `pdn-e2e-cluster-${randomUUID()}:`;

  // Ports are chosen first, all together, so the balancers know their backends before anything starts.
  const ports = await freePorts(SUBGRAPHS.length * 2);
  const portsOf = (name: SubgraphName) => {
    const i = SUBGRAPHS.indexOf(name) * 2;
    return [ports[i]!, ports[i + 1]!] as const;
  };
  const balancerEntries = await Promise.all(
    SUBGRAPHS.map(async (name) => [name, await RoundRobinBalancer.start(name, portsOf(name).map((port) => `http://127.0.0.1:${port}`))] as const),
  );
  const balancers = Object.fromEntries(balancerEntries) as Record<SubgraphName, RoundRobinBalancer>;
  // Each subgraph's replicas once they are up (the first drops the database they share): what close() stops.
  const up: (readonly SubgraphProcess[])[] = [];
  const gateways: RunningGateway[] = [];
  let front: RoundRobinBalancer | undefined;

  const close = async () => {
    await front?.close();
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    // Second replicas first: the first ones drop the databases they created.
    await Promise.all(up.flatMap((replicas) => replicas.slice(1)).map((subgraph) => subgraph.dispose()));
    await Promise.all(up.map((replicas) => replicas[0]!.dispose()));
    await Promise.all(Object.values(balancers).map((balancer) => balancer.close()));
  };

  // Retries of the event-log consumers kept short (a replica they poll may start after them).
  const events = { DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000' };
  const settings: Record<SubgraphName, Record<string, string>> = {
    members: {
      PDN_ADMIN_EMAIL: ADMIN.email,
      PDN_ADMIN_PASSWORD: ADMIN.password,
      LOGIN_MAX_FAILURES: '3',
      // One signing key for both replicas, as in production: a token either signs is good on every gateway.
      JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      // myPersonalData and calendar's event log, through the balancers as any cross-subgraph call.
      CALENDAR_URL: balancers.calendar.graphqlUrl,
      FEED_URL: balancers.feed.graphqlUrl,
      ...events,
      ...options.env?.members,
    },
    calendar: { MEMBERS_URL: balancers.members.graphqlUrl, ...events, ...options.env?.calendar },
    feed: { MEMBERS_URL: balancers.members.graphqlUrl, REDIS_URL: redisUrl, PUBSUB_REDIS_PREFIX: `${redisPrefix}feed:`, ...events, ...options.env?.feed },
  };

  try {
    // All six processes at once: the replicas of a subgraph migrate their shared database under a lock.
    const started = await Promise.allSettled(
      SUBGRAPHS.map(async (name) => {
        const replicas = await SubgraphProcess.startReplicas(name, settings[name], portsOf(name), {
          databaseServerUrl,
          envs: [{}, options.secondReplicaEnv?.[name] ?? {}],
        });
        up.push(replicas);
        return [name, [replicas[0]!, replicas[1]!] as const] as const;
      }),
    );
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const replicas = Object.fromEntries(
      started.map((result) => (result as PromiseFulfilledResult<readonly [SubgraphName, readonly [SubgraphProcess, SubgraphProcess]]>).value),
    ) as Cluster['replicas'];

    const startGateway = async (): Promise<ClusterGateway> => {
      const gateway = await createGateway(
        loadGatewayConfig({
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          GATEWAY_PORT: '0',
          MEMBERS_URL: balancers.members.graphqlUrl,
          CALENDAR_URL: balancers.calendar.graphqlUrl,
          FEED_URL: balancers.feed.graphqlUrl,
          SUBGRAPH_TIMEOUT_MS: '10000',
          MEMBERS_TIMEOUT_MS: '3000',
          DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000',
          REDIS_URL: redisUrl,
          RATE_LIMIT_REDIS_PREFIX: `${redisPrefix}rate:`,
          // Behind the front balancer (one proxy); tests calling a gateway directly choose the client address.
          TRUST_PROXY_HOPS: '1',
          ...options.env?.gateway,
        }),
      );
      gateways.push(gateway);
      return { url: gateway.url, anonymous: new PdnClient(gateway.url), gateway };
    };
    const [a, b] = await Promise.all([startGateway(), startGateway()]);
    front = await RoundRobinBalancer.start('gateways', [new URL(a.url).origin, new URL(b.url).origin]);
    return { a, b, front, replicas, balancers, redisUrl, redisPrefix, close };
  } catch (error) {
    await close();
    throw error;
  }
}

