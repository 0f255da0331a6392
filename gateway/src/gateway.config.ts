import { createPublicKey } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { booleanFlag, commaList, DEVELOPMENT_IDENTITY_KEY, type Env, identitySigningKey, loadSettings, type NodeEnv, port, sharedSettings, z } from '@pdn/config';
import { eventConsumerSettings, eventsUrlBeside } from '@pdn/domain-events/client';
import type { TracingSettings } from '@pdn/logging/tracing';
import type { SubgraphResilienceSettings } from './circuit-breaker.js';
import { type QueryLimitSettings, queryLimitSettings, queryLimitsOverrides } from './query-limits/query-limits.js';

/** The subgraphs whose URL and timeout the environment can set; others keep the supergraph's URL. */
export const KNOWN_SUBGRAPHS = ['members', 'calendar', 'feed'] as const;
export type KnownSubgraph = (typeof KNOWN_SUBGRAPHS)[number];

/** The key every process falls back to outside production (see @pdn/config); production refuses it. */
export const DEVELOPMENT_IDENTITY_SIGNING_KEY = DEVELOPMENT_IDENTITY_KEY;

export type LogLevel = z.infer<typeof sharedSettings.LOG_LEVEL>;
export type { NodeEnv };

export interface SubgraphSettings {
  url: string;
  timeoutMs: number;
}

export interface JwtSettings {
  /** PEM (SPKI) of the key that signs access tokens; when absent, `jwksUrl` is used. */
  publicKeyPem?: string;
  jwksUrl: string;
  issuer: string;
  audience: string;
}

/** Partner API keys are checked with the members service on every request (api-keys.ts). */
export interface ApiKeySettings {
  /** The members service's verification endpoint, beside its GraphQL URL. */
  verifyUrl: string;
  timeoutMs: number;
  /** How often the key of an open graphql-ws connection is checked again (a revoked key's connections are closed). */
  recheckOpenConnectionsMs: number;
}

/**
 * The gateway follows members' event log to refuse, at once, the access tokens of sessions that ended
 * and of members suspended or erased (session-revocations.ts).
 */
export interface SessionRevocationSettings {
  /** Members' `GET /events` (MEMBERS_EVENTS_URL, by default /events beside MEMBERS_URL). */
  eventsUrl: string;
  /** Long poll asked of members (DOMAIN_EVENTS_WAIT_SECONDS). */
  waitSeconds: number;
  /** Retry delays while members cannot be read (DOMAIN_EVENTS_MIN_BACKOFF_MS, DOMAIN_EVENTS_MAX_BACKOFF_MS). */
  minBackoffMs: number;
  maxBackoffMs: number;
  /**
   * At start, the events of this many seconds back are read (SESSION_REVOCATIONS_LOOKBACK_SECONDS): at
   * least members' ACCESS_TOKEN_TTL_SECONDS, the longest an ended session's token could still be valid.
   */
  lookbackSeconds: number;
}

/** Requests per minute and per caller (rate-limits/); 0 turns a limit off. */
export interface RateLimitSettings {
  /** Per client address, for anonymous requests and failed authentications (RATE_LIMIT_ANONYMOUS_PER_MINUTE). */
  anonymousPerMinute: number;
  /** Per signed-in member (RATE_LIMIT_MEMBER_PER_MINUTE). */
  memberPerMinute: number;
  /** Per API key without a limit of its own (RATE_LIMIT_KEY_PER_MINUTE). */
  keyPerMinute: number;
  /** Counters live in Redis when set (REDIS_URL), shared by every gateway replica; in memory otherwise. */
  redisUrl?: string;
  /** Prepended to the counters' Redis keys (RATE_LIMIT_REDIS_PREFIX). */
  redisPrefix: string;
  /** Proxies in front of the gateway whose X-Forwarded-For entries are believed (TRUST_PROXY_HOPS). */
  trustProxyHops: number;
}

export interface GatewayConfig {
  port: number;
  /** Processes serving the port (GATEWAY_WORKERS: a number, or `auto` for one per core); 1 when absent. */
  workers?: number;
  host: string;
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  identitySigningKey: string;
  subgraphs: Record<KnownSubgraph, SubgraphSettings>;
  /** For subgraphs found in the supergraph but unknown to this configuration. */
  defaultSubgraphTimeoutMs: number;
  /** Retries of queries and per-subgraph circuit breaker (SUBGRAPH_RETRIES, SUBGRAPH_BREAKER_FAILURES, SUBGRAPH_BREAKER_OPEN_MS). */
  subgraphResilience: SubgraphResilienceSettings;
  /**
   * Identical subgraph queries in flight at once (same subgraph, operation, variables and caller) go out
   * as one request (SUBGRAPH_DEDUPLICATION, on by default); never mutations.
   */
  subgraphDeduplication?: boolean;
  /** Exact origins allowed by CORS; empty means same-origin only. */
  corsOrigins: string[];
  jwt: JwtSettings;
  supergraphPath: string;
  /** Concurrent subscriptions one WebSocket connection may hold. */
  maxSubscriptionsPerConnection?: number;
  /** Client subscriptions of one audience share one upstream subscription (SHARED_SUBSCRIPTIONS, on when absent). */
  sharedSubscriptions?: boolean;
  apiKeys: ApiKeySettings;
  rateLimits: RateLimitSettings;
  /** Protection against hostile queries (query-limits/, persisted-queries/). */
  queryProtection: QueryProtectionSettings;
  sessionRevocations: SessionRevocationSettings;
  /** OpenTelemetry tracing (OTEL_* variables, @pdn/logging/tracing): off unless an OTLP endpoint is set. */
  tracing?: TracingSettings;
}

export interface QueryProtectionSettings {
  /** Per kind of caller (QUERY_LIMITS) and the size assumed for lists without first/last (QUERY_DEFAULT_LIST_SIZE). */
  limits: QueryLimitSettings;
  /** libs/client's persisted operations manifest, the safelist (PERSISTED_OPERATIONS_PATH). */
  persistedOperationsPath: string;
  /**
   * Everyone but coordinators and admins (the console's ad-hoc queries) may run only the safelist's
   * operations (SAFELIST_ONLY); the console signs in with safelisted operations.
   */
  safelistOnly: boolean;
  /** How long a query registered through APQ is kept (APQ_TTL_SECONDS). */
  apqTtlSeconds: number;
  /** Registered APQ queries live in Redis when set (REDIS_URL), shared by every replica; in memory otherwise. */
  redisUrl?: string;
}

const PER_MINUTE = { error: 'must be a whole number of requests per minute from 0 (no limit) to 1000000' };
const perMinute = (fallback: number) => z.coerce.number(PER_MINUTE).int(PER_MINUTE).min(0, PER_MINUTE).max(1_000_000, PER_MINUTE).default(fallback);
const TIMEOUT = { error: 'must be a whole number of milliseconds from 1 to 600000' };
const timeoutMs = z.coerce.number(TIMEOUT).int(TIMEOUT).min(1, TIMEOUT).max(600_000, TIMEOUT);
const httpUrl = (fallback: string) => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(fallback);

const origin = z.string().refine(
  (value) => {
    try {
      return new URL(value).origin === value;
    } catch {
      return false;
    }
  },
  { error: 'must be a comma-separated list of origins such as https://app.example.org (no path, no trailing slash)' },
);

// Access tokens are EdDSA, ES256 or RS256: anything else is refused at boot rather than at the first request.
const publicKeyPem = z
  .string()
  .transform((value) => value.replace(/\\n/g, '\n').trim())
  .refine(
    (pem) => {
      try {
        const key = createPublicKey(pem);
        const type = key.asymmetricKeyType;
        if (type === 'ec') return key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
        return type === 'ed25519' || type === 'rsa';
      } catch {
        return false;
      }
    },
    { error: 'must be a PEM public key (Ed25519, P-256 or RSA)' },
  );

function gatewaySettingsSchema(production: boolean) {
  return z.object({
    ...sharedSettings,
    // In production the shared fallback key would let anyone who read the repository forge identities.
    IDENTITY_SIGNING_KEY: production
      ? z
          .string({ error: 'is required in production' })
          .min(32, 'must be at least 32 characters')
          .refine((key) => key !== DEVELOPMENT_IDENTITY_SIGNING_KEY, 'the development key cannot be used in production')
      : sharedSettings.IDENTITY_SIGNING_KEY,
    GATEWAY_PORT: port(4000),
    GATEWAY_HOST: z.string().default('127.0.0.1'),
    GATEWAY_WORKERS: z
      .union([z.literal('auto'), z.coerce.number().int().min(1).max(64)], { error: 'must be a number of processes from 1 to 64, or auto (one per core)' })
      .default(1),
    MEMBERS_URL: httpUrl('http://127.0.0.1:4001/graphql'),
    CALENDAR_URL: httpUrl('http://127.0.0.1:4002/graphql'),
    FEED_URL: httpUrl('http://127.0.0.1:4003/graphql'),
    SUBGRAPH_TIMEOUT_MS: timeoutMs.default(5000),
    MEMBERS_TIMEOUT_MS: timeoutMs.optional(),
    CALENDAR_TIMEOUT_MS: timeoutMs.optional(),
    FEED_TIMEOUT_MS: timeoutMs.optional(),
    SUBGRAPH_RETRIES: z.coerce.number().int().min(0).max(3).default(1),
    SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
    SUBGRAPH_BREAKER_OPEN_MS: timeoutMs.default(5000),
    SUBGRAPH_DEDUPLICATION: booleanFlag(true),
    CORS_ORIGINS: commaList().pipe(z.array(origin)),
    JWT_PUBLIC_KEY: publicKeyPem.optional(),
    JWT_ISSUER: z.string().default('pdn-members'),
    JWT_AUDIENCE: z.string().default('pdn-api'),
    SUPERGRAPH_PATH: z.string().optional(),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(1000).default(20),
    SHARED_SUBSCRIPTIONS: booleanFlag(true),
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: perMinute(300),
    RATE_LIMIT_MEMBER_PER_MINUTE: perMinute(1200),
    RATE_LIMIT_KEY_PER_MINUTE: perMinute(600),
    RATE_LIMIT_REDIS_PREFIX: z.string().default('pdn:rate:'),
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    QUERY_LIMITS: queryLimitsOverrides.optional(),
    QUERY_DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
    PERSISTED_OPERATIONS_PATH: z.string().optional(),
    SAFELIST_ONLY: booleanFlag(false),
    APQ_TTL_SECONDS: z.coerce.number().int().min(1).max(30 * 24 * 3600).default(24 * 3600),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
    MEMBERS_EVENTS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    ...eventConsumerSettings,
    SESSION_REVOCATIONS_LOOKBACK_SECONDS: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(3600),
  });
}

const DEFAULT_SUPERGRAPH_PATH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));
/** From gateway/src or gateway/dist alike: the manifest `npm run codegen` writes. */
export const DEFAULT_PERSISTED_OPERATIONS_PATH = fileURLToPath(new URL('../../libs/client/persisted-operations.json', import.meta.url));
const absolute = (path: string) => (isAbsolute(path) ? path : resolve(path));

/**
 * Reads the gateway's settings from an environment (normally `process.env`), once, at boot. Throws
 * @pdn/config's ConfigError naming every bad variable.
 */
export function loadGatewayConfig(env: Env): GatewayConfig {
  const e = loadSettings(gatewaySettingsSchema(env.NODE_ENV === 'production'), env);
  const subgraph = (url: string, timeout: number | undefined): SubgraphSettings => ({
    url,
    timeoutMs: timeout ?? e.SUBGRAPH_TIMEOUT_MS,
  });
  return {
    port: e.GATEWAY_PORT,
    workers: e.GATEWAY_WORKERS === 'auto' ? availableParallelism() : e.GATEWAY_WORKERS,
    host: e.GATEWAY_HOST,
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    identitySigningKey: identitySigningKey(e),
    subgraphs: {
      members: subgraph(e.MEMBERS_URL, e.MEMBERS_TIMEOUT_MS),
      calendar: subgraph(e.CALENDAR_URL, e.CALENDAR_TIMEOUT_MS),
      feed: subgraph(e.FEED_URL, e.FEED_TIMEOUT_MS),
    },
    defaultSubgraphTimeoutMs: e.SUBGRAPH_TIMEOUT_MS,
    subgraphResilience: {
      retries: e.SUBGRAPH_RETRIES,
      breakerFailures: e.SUBGRAPH_BREAKER_FAILURES,
      breakerOpenMs: e.SUBGRAPH_BREAKER_OPEN_MS,
    },
    subgraphDeduplication: e.SUBGRAPH_DEDUPLICATION,
    corsOrigins: e.CORS_ORIGINS,
    jwt: {
      publicKeyPem: e.JWT_PUBLIC_KEY,
      jwksUrl: new URL('/.well-known/jwks.json', e.MEMBERS_URL).href,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
    },
    supergraphPath: e.SUPERGRAPH_PATH
      ? isAbsolute(e.SUPERGRAPH_PATH)
        ? e.SUPERGRAPH_PATH
        : resolve(e.SUPERGRAPH_PATH)
      : DEFAULT_SUPERGRAPH_PATH,
    maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    sharedSubscriptions: e.SHARED_SUBSCRIPTIONS,
    apiKeys: {
      verifyUrl: new URL('/internal/api-keys/verify', e.MEMBERS_URL).href,
      timeoutMs: e.MEMBERS_TIMEOUT_MS ?? e.SUBGRAPH_TIMEOUT_MS,
      recheckOpenConnectionsMs: 60_000,
    },
    rateLimits: {
      anonymousPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      memberPerMinute: e.RATE_LIMIT_MEMBER_PER_MINUTE,
      keyPerMinute: e.RATE_LIMIT_KEY_PER_MINUTE,
      redisUrl: e.REDIS_URL,
      redisPrefix: e.RATE_LIMIT_REDIS_PREFIX,
      trustProxyHops: e.TRUST_PROXY_HOPS,
    },
    queryProtection: {
      limits: queryLimitSettings(e.QUERY_LIMITS, e.QUERY_DEFAULT_LIST_SIZE),
      persistedOperationsPath: e.PERSISTED_OPERATIONS_PATH ? absolute(e.PERSISTED_OPERATIONS_PATH) : DEFAULT_PERSISTED_OPERATIONS_PATH,
      safelistOnly: e.SAFELIST_ONLY,
      apqTtlSeconds: e.APQ_TTL_SECONDS,
      redisUrl: e.REDIS_URL,
    },
    sessionRevocations: {
      eventsUrl: e.MEMBERS_EVENTS_URL ?? eventsUrlBeside(e.MEMBERS_URL),
      waitSeconds: e.DOMAIN_EVENTS_WAIT_SECONDS,
      minBackoffMs: e.DOMAIN_EVENTS_MIN_BACKOFF_MS,
      maxBackoffMs: e.DOMAIN_EVENTS_MAX_BACKOFF_MS,
      lookbackSeconds: e.SESSION_REVOCATIONS_LOOKBACK_SECONDS,
    },
    tracing: {
      OTEL_EXPORTER_OTLP_ENDPOINT: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
      OTEL_SERVICE_NAME: e.OTEL_SERVICE_NAME,
      OTEL_TRACES_SAMPLER: e.OTEL_TRACES_SAMPLER,
      OTEL_TRACES_SAMPLER_ARG: e.OTEL_TRACES_SAMPLER_ARG,
      OTEL_BSP_SCHEDULE_DELAY: e.OTEL_BSP_SCHEDULE_DELAY,
      OTEL_SDK_DISABLED: e.OTEL_SDK_DISABLED,
    },
  };
}
