import { createPublicKey } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commaList, DEVELOPMENT_IDENTITY_KEY, type Env, identitySigningKey, loadSettings, type NodeEnv, port, sharedSettings, z } from '@pdn/config';

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

export interface GatewayConfig {
  port: number;
  host: string;
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  identitySigningKey: string;
  subgraphs: Record<KnownSubgraph, SubgraphSettings>;
  /** For subgraphs found in the supergraph but unknown to this configuration. */
  defaultSubgraphTimeoutMs: number;
  /** Exact origins allowed by CORS; empty means same-origin only. */
  corsOrigins: string[];
  jwt: JwtSettings;
  supergraphPath: string;
  /** Concurrent subscriptions one WebSocket connection may hold. */
  maxSubscriptionsPerConnection?: number;
}

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
    MEMBERS_URL: httpUrl('http://127.0.0.1:4001/graphql'),
    CALENDAR_URL: httpUrl('http://127.0.0.1:4002/graphql'),
    FEED_URL: httpUrl('http://127.0.0.1:4003/graphql'),
    SUBGRAPH_TIMEOUT_MS: timeoutMs.default(5000),
    MEMBERS_TIMEOUT_MS: timeoutMs.optional(),
    CALENDAR_TIMEOUT_MS: timeoutMs.optional(),
    FEED_TIMEOUT_MS: timeoutMs.optional(),
    CORS_ORIGINS: commaList().pipe(z.array(origin)),
    JWT_PUBLIC_KEY: publicKeyPem.optional(),
    JWT_ISSUER: z.string().default('pdn-members'),
    JWT_AUDIENCE: z.string().default('pdn-api'),
    SUPERGRAPH_PATH: z.string().optional(),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(1000).default(20),
  });
}

const DEFAULT_SUPERGRAPH_PATH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

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
  };
}
