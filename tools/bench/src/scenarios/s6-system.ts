// The system the S6 fan-out scenario measures, started as production runs it: the three built
// subgraphs and the built gateway (gateway/dist/main.js), each a process of its own on a free port, on
// fresh databases of a real PostgreSQL server, optionally with Redis between feed replicas. The
// gateway's settings for the benchmark are explicit (S6_GATEWAY_SETTINGS) and printed with the result.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createServerDatabase, dropServerDatabase } from '@pdn/database';
import { PDN_GATEWAY_EXEC_ARGV, REPO_ROOT } from '../gateways/gateways-under-test.js';
import { baseEnv, freePorts, type PinnedProcess, spawnPinned, untilReady } from '../load/pinned-process.js';

const SUBGRAPHS = ['members', 'calendar', 'feed'] as const;
type SubgraphName = (typeof SUBGRAPHS)[number];

export const S6_ADMIN = { email: 'admin@s6-fanout.test', password: 'admin-password-s6-fanout' };

/**
 * What the benchmark changes in the gateway's defaults, and why. Thousands of sockets share a few
 * members' tokens and one address: every connection_init and subscribe message counts against the
 * member's limit (1,200/min by default) and sign-ins against the address's (300/min), so both are
 * turned off (0). One subscription per connection stays within MAX_SUBSCRIPTIONS_PER_CONNECTION.
 */
export const S6_GATEWAY_SETTINGS: Record<string, string> = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  RATE_LIMIT_MEMBER_PER_MINUTE: '0',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
  MAX_SUBSCRIPTIONS_PER_CONNECTION: '20',
};

export interface S6SystemOptions {
  /** PostgreSQL server on which a fresh database per subgraph is created, and dropped at the end. */
  databaseServerUrl: string;
  /** Pub/sub of the feed (and the gateway's rate-limit/APQ store) in Redis; in-process without it. */
  redisUrl?: string;
  /** Where the processes' logs (and the gateway's CPU profile) go. */
  workDir: string;
  /** Runs the gateway with node --cpu-prof, the profile written into workDir when it stops. */
  cpuProfile?: boolean;
  /** Node flags for the gateway besides --cpu-prof, e.g. `--heapsnapshot-signal=SIGUSR2` to look at its memory. */
  gatewayExecArgv?: string[];
  /** Gateway settings added to (or replacing) the benchmark's, e.g. a longer SUBGRAPH_TIMEOUT_MS in tests. */
  gatewayEnv?: Record<string, string>;
}

export interface S6System {
  gatewayUrl: string;
  gateway: PinnedProcess;
  subgraphs: Record<SubgraphName, PinnedProcess>;
  /** The gateway's environment as given (secrets left out), for the report. */
  gatewayEnv: Record<string, string>;
  /** The subgraphs' fresh databases (the setup gives the coordinator several départements in members'). */
  databases: Record<SubgraphName, string>;
  stop(): Promise<void>;
}

/** The stop() of every system still running in this process, for a command interrupted by a signal. */
const running = new Set<() => Promise<void>>();

/** Stops every system this process started and has not stopped yet (processes, then databases). */
export async function stopRunningS6Systems(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
}

export async function startS6System(options: S6SystemOptions): Promise<S6System> {
  mkdirSync(options.workDir, { recursive: true });
  const identityKey = randomBytes(24).toString('hex');
  const databases: Partial<Record<SubgraphName, string>> = {};
  const started: PinnedProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      running.delete(stop);
      await Promise.all(started.map((p) => p.stop(15_000)));
      await Promise.all(Object.values(databases).map((url) => dropServerDatabase(options.databaseServerUrl, url)));
    })());
  running.add(stop);
  try {
    for (const name of SUBGRAPHS) databases[name] = await createServerDatabase(options.databaseServerUrl, name);
    const [membersPort, calendarPort, feedPort, gatewayPort] = (await freePorts(4)) as [number, number, number, number];
    const ports: Record<SubgraphName, number> = { members: membersPort, calendar: calendarPort, feed: feedPort };
    const graphqlUrl = (name: SubgraphName) => `http://127.0.0.1:${ports[name]}/graphql`;
    const own: Record<SubgraphName, Record<string, string>> = {
      members: {
        PDN_ADMIN_EMAIL: S6_ADMIN.email,
        PDN_ADMIN_PASSWORD: S6_ADMIN.password,
        CALENDAR_URL: graphqlUrl('calendar'),
        FEED_URL: graphqlUrl('feed'),
      },
      calendar: { MEMBERS_URL: graphqlUrl('members') },
      feed: {
        MEMBERS_URL: graphqlUrl('members'),
        ...(options.redisUrl ? { REDIS_URL: options.redisUrl, PUBSUB_REDIS_PREFIX: `pdn-bench-s6-${randomBytes(4).toString('hex')}:feed:` } : {}),
      },
    };
    // Subgraphs as the end-to-end tests run them (NODE_ENV=test spares them production's key files);
    // what is measured is the gateway, which runs in production mode.
    const subgraphs = {} as Record<SubgraphName, PinnedProcess>;
    for (const name of SUBGRAPHS) {
      const prefix = name.toUpperCase();
      subgraphs[name] = spawnPinned({
        script: join(REPO_ROOT, 'services', name, 'dist', 'main.js'),
        cores: [],
        cwd: REPO_ROOT,
        logFile: join(options.workDir, `${name}.log`),
        env: baseEnv({
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          IDENTITY_SIGNING_KEY: identityKey,
          [`${prefix}_PORT`]: String(ports[name]),
          [`${prefix}_DATABASE_URL`]: databases[name]!,
          DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000',
          ...own[name],
        }),
      });
      started.push(subgraphs[name]);
    }
    await Promise.all(SUBGRAPHS.map((name) => untilReady(name, subgraphs[name], `http://127.0.0.1:${ports[name]}/readyz`)));

    const gatewayEnv: Record<string, string> = {
      ...S6_GATEWAY_SETTINGS,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
      MEMBERS_URL: graphqlUrl('members'),
      CALENDAR_URL: graphqlUrl('calendar'),
      FEED_URL: graphqlUrl('feed'),
      DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000',
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl, RATE_LIMIT_REDIS_PREFIX: `pdn-bench-s6-${randomBytes(4).toString('hex')}:rate:` } : {}),
      ...options.gatewayEnv,
    };
    const gateway = spawnPinned({
      script: join(REPO_ROOT, 'gateway', 'dist', 'main.js'),
      execArgv: [
        ...(options.cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', options.workDir, '--cpu-prof-name', 'gateway.cpuprofile'] : []),
        ...PDN_GATEWAY_EXEC_ARGV,
        ...(options.gatewayExecArgv ?? []),
      ],
      cores: [],
      cwd: REPO_ROOT,
      logFile: join(options.workDir, 'gateway.log'),
      env: baseEnv({ ...gatewayEnv, IDENTITY_SIGNING_KEY: identityKey }),
    });
    started.push(gateway);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
    await untilReady('gateway', gateway, `http://127.0.0.1:${gatewayPort}/readyz`);
    return { gatewayUrl, gateway, subgraphs, gatewayEnv, databases: databases as Record<SubgraphName, string>, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface GraphqlAnswer<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** One GraphQL request over HTTP; any error fails it (the setup and the raises must succeed). */
export async function graphqlRequest<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as GraphqlAnswer<T>;
  if (answer.errors?.length || !answer.data) throw new Error(`GraphQL request failed (HTTP ${response.status}): ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

const LOGIN = 'mutation S6Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }';
const CREATE_STRUCTURE = 'mutation S6CreateStructure($input: CreateStructureInput!) { createStructure(input: $input) { id name } }';
const INVITE = 'mutation S6Invite($input: InviteMemberInput!) { inviteMember(input: $input) { token } }';
const ACCEPT = 'mutation S6Accept($token: String!, $password: String!) { acceptInvitation(token: $token, password: $password) { accessToken member { id displayName } } }';

export interface S6People {
  coordinator: { token: string; displayName: string; structureName: string };
  /** Access tokens of the promeneurs whose sockets subscribe (several sockets share each). */
  subscriberTokens: string[];
  /** The départements the promeneurs are spread over (round-robin), all of which every alert names. */
  departments: string[];
}

/** Départements of Occitanie and around, the first being the coordinator's own (the Gers). */
export const S6_DEPARTMENTS = ['32', '31', '65', '82', '09', '40', '47', '64', '81', '11', '34', '46'];

/**
 * Through the gateway, as the network grows: the admin creates a structure in each département and
 * invites the promeneurs into them, and a coordinator in the Gers, who is then given the other
 * départements too (in the members database: no mutation does that), so that one alert concerns
 * every promeneur. Each accepts (and so signs in). Promeneurs see the alerts of their département from
 * their first sign-in, so none needs to be labelled. Spread over départements, the subscribers form as
 * many audiences, as production's would (the gateway shares one upstream subscription per audience).
 */
export async function createS6People(
  gatewayUrl: string,
  promeneurs: number,
  options: { departments: number; membersDatabaseUrl: string },
): Promise<S6People> {
  const departments = S6_DEPARTMENTS.slice(0, Math.max(1, Math.min(options.departments, S6_DEPARTMENTS.length)));
  const admin = (await graphqlRequest<{ login: { accessToken: string } }>(gatewayUrl, LOGIN, S6_ADMIN)).login.accessToken;
  const structures = new Map<string, { id: string; name: string }>();
  for (const department of departments) {
    const name = department === '32' ? "BIJ d'Auch (S6)" : `Point jeunes ${department} (S6)`;
    const commune = department === '32' ? 'Auch' : `Commune ${department}`;
    structures.set(
      department,
      (
        await graphqlRequest<{ createStructure: { id: string; name: string } }>(
          gatewayUrl,
          CREATE_STRUCTURE,
          { input: { name, kind: 'YOUTH_INFORMATION', commune, department, postalCode: `${department}000` } },
          admin,
        )
      ).createStructure,
    );
  }
  const structure = structures.get('32') ?? structures.get(departments[0]!)!;
  const join = async (by: string, index: number, role: 'COORDINATOR' | 'PROMENEUR', department = departments[0]!) => {
    const firstName = role === 'COORDINATOR' ? 'Claire' : `Promeneur${String.fromCharCode(97 + (index % 26))}${String.fromCharCode(97 + Math.floor(index / 26) % 26)}`;
    const invited = await graphqlRequest<{ inviteMember: { token: string } }>(
      gatewayUrl,
      INVITE,
      {
        input: {
          email: `${role.toLowerCase()}-${index}@s6-fanout.test`,
          firstName,
          lastName: 'Bench',
          role,
          structureId: structures.get(department)!.id,
          department,
        },
      },
      by,
    );
    const accepted = await graphqlRequest<{ acceptInvitation: { accessToken: string; member: { displayName: string } } }>(gatewayUrl, ACCEPT, {
      token: invited.inviteMember.token,
      password: `s6-fanout-password-${index}`,
    });
    return { token: accepted.acceptInvitation.accessToken, displayName: accepted.acceptInvitation.member.displayName };
  };
  let coordinator = await join(admin, 0, 'COORDINATOR');
  if (departments.length > 1) {
    const db = new pg.Client({ connectionString: options.membersDatabaseUrl });
    await db.connect();
    try {
      await db.query('UPDATE members SET coordinated_departments = $1 WHERE email = $2', [departments, 'coordinator-0@s6-fanout.test']);
    } finally {
      await db.end();
    }
    // A new sign-in: the access token carries the départements.
    const token = (
      await graphqlRequest<{ login: { accessToken: string } }>(gatewayUrl, LOGIN, { email: 'coordinator-0@s6-fanout.test', password: 's6-fanout-password-0' })
    ).login.accessToken;
    coordinator = { ...coordinator, token };
  }
  const subscriberTokens: string[] = [];
  // A few at a time: each acceptance hashes a password (argon2id), on a machine the others share.
  for (let i = 0; i < promeneurs; i += 4) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(4, promeneurs - i) }, (_, j) => join(admin, i + j + 1, 'PROMENEUR', departments[(i + j) % departments.length])),
    );
    subscriberTokens.push(...batch.map((person) => person.token));
  }
  return { coordinator: { ...coordinator, structureName: structure.name }, subscriberTokens, departments };
}
