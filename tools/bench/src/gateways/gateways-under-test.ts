// The gateways the comparison runs, each in its own process over the same supergraph and subgraphs.
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtFile } from '../load/pinned-process.js';

export const GATEWAY_IDS = ['apollo-gateway', 'pdn-gateway', 'hive-gateway', 'hive-router-runtime'] as const;
export type GatewayId = (typeof GATEWAY_IDS)[number];
/** Ratios in the report are against this one, measured in the same run. */
export const BASELINE_GATEWAY: GatewayId = 'apollo-gateway';

/** tools/bench/{src,dist}/gateways → the repository. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface LaunchContext {
  supergraphPath: string;
  port: number;
  /** Members' stand-in (event log), for our gateway. */
  membersUrl: string;
}

export interface Launch {
  script: string;
  args: string[];
  /** Flags for node itself, as the gateway is deployed. */
  execArgv?: string[];
  env: Record<string, string>;
}

/**
 * Node flags our gateway is deployed with (deploy/docker/Dockerfile's CMD, checked by
 * deployed-gateway.spec.ts): a 64 MB young generation, so that the short-lived objects of each
 * operation die in fewer scavenges (S7: about +15 % RPS for about 100 MB more RSS under load).
 */
export const PDN_GATEWAY_EXEC_ARGV = ['--max-semi-space-size=64'];

export interface GatewayUnderTest {
  id: GatewayId;
  label: string;
  /** How it runs and is configured, for the report. */
  setup: string;
  /** npm packages whose installed versions the report names. */
  packages: string[];
  launch(context: LaunchContext): Launch;
}

/** Every gateway process runs in production mode, and nothing phones home. */
const COMMON_ENV = { NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true' };

/**
 * Our gateway, as deployed: gateway/dist/main.js configured by its environment. It needs no change to
 * run over foreign subgraphs: subgraphs it does not know keep the supergraph's URLs. Its own parts stay
 * on: anonymous admission with the in-memory rate limiter (limit raised so that it counts but never
 * refuses), query limits (anonymous cost and depth ceilings raised: the benchmark's query is heavier
 * than any anonymous page of the API), APQ in memory, identity headers signed for every subgraph, one
 * log line per operation (production's `info`, written to a file), and the follower of members' event
 * log (a live, empty log served by the stand-in).
 */
const pdnGateway: GatewayUnderTest = {
  id: 'pdn-gateway',
  label: 'PDN gateway (ours)',
  setup:
    `gateway/dist/main.js with ${PDN_GATEWAY_EXEC_ARGV.join(' ')} (as deployed), NODE_ENV=production, LOG_LEVEL=info (one line per operation, to a file), anonymous callers, ` +
    'in-memory rate limiter (1,000,000/min), query limits on (anonymous maxCost/maxDepth raised for this query), APQ in memory, ' +
    'signed identity headers to subgraphs, session-revocation follower on a live empty log',
  packages: ['@apollo/gateway', '@apollo/server', 'express'],
  launch: ({ supergraphPath, port, membersUrl }) => ({
    script: resolve(REPO_ROOT, 'gateway/dist/main.js'),
    args: [],
    execArgv: PDN_GATEWAY_EXEC_ARGV,
    env: {
      ...COMMON_ENV,
      LOG_LEVEL: 'info',
      GATEWAY_PORT: String(port),
      GATEWAY_HOST: '127.0.0.1',
      SUPERGRAPH_PATH: supergraphPath,
      IDENTITY_SIGNING_KEY: randomBytes(24).toString('hex'),
      MEMBERS_URL: membersUrl,
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
      QUERY_LIMITS: JSON.stringify({ anonymous: { maxCost: 100_000_000, maxDepth: 20 } }),
    },
  }),
};

export const GATEWAYS_UNDER_TEST: Record<GatewayId, GatewayUnderTest> = {
  'apollo-gateway': {
    id: 'apollo-gateway',
    label: '@apollo/gateway (baseline)',
    setup: '@apollo/gateway + @apollo/server standalone, defaults, NODE_ENV=production',
    packages: ['@apollo/gateway', '@apollo/server'],
    launch: ({ supergraphPath, port }) => ({
      script: builtFile(new URL('./apollo-gateway-main.js', import.meta.url)),
      args: [],
      env: { ...COMMON_ENV, SUPERGRAPH_PATH: supergraphPath, PORT: String(port) },
    }),
  },
  'pdn-gateway': pdnGateway,
  'hive-gateway': {
    id: 'hive-gateway',
    label: 'Hive Gateway (Node)',
    setup: 'createGatewayRuntime({ supergraph }) on node:http, defaults, NODE_ENV=production',
    packages: ['@graphql-hive/gateway', '@graphql-hive/gateway-runtime'],
    launch: ({ supergraphPath, port }) => ({
      script: builtFile(new URL('./hive-gateway-main.js', import.meta.url)),
      args: [],
      env: { ...COMMON_ENV, SUPERGRAPH_PATH: supergraphPath, PORT: String(port) },
    }),
  },
  'hive-router-runtime': {
    id: 'hive-router-runtime',
    label: 'Hive Gateway + router runtime (Rust planner)',
    setup: 'createGatewayRuntime({ supergraph, unifiedGraphHandler }) from @graphql-hive/router-runtime, NODE_ENV=production',
    packages: ['@graphql-hive/gateway', '@graphql-hive/router-runtime', '@graphql-hive/router-query-planner'],
    launch: ({ supergraphPath, port }) => ({
      script: builtFile(new URL('./hive-gateway-main.js', import.meta.url)),
      args: ['--router-runtime'],
      env: { ...COMMON_ENV, SUPERGRAPH_PATH: supergraphPath, PORT: String(port) },
    }),
  },
};
