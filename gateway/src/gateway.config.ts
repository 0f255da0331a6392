import { createPublicKey } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The subgraphs whose URL and timeout the environment can set; others keep the supergraph's URL. */
export const KNOWN_SUBGRAPHS = ['members', 'calendar', 'feed'] as const;
export type KnownSubgraph = (typeof KNOWN_SUBGRAPHS)[number];

const DEFAULT_PORTS: Record<KnownSubgraph, number> = { members: 4001, calendar: 4002, feed: 4003 };

/**
 * Lets `npm start` work without any .env. The subgraphs must fall back to the same value, and
 * production refuses it (a key published in the repository protects nothing).
 */
export const DEVELOPMENT_IDENTITY_SIGNING_KEY = 'pdn-development-identity-signing-key-not-for-production';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type NodeEnv = 'development' | 'production' | 'test';

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
}

/** Thrown by `loadGatewayConfig`; the message names every bad variable, one per line. */
export class GatewayConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid gateway configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'GatewayConfigError';
  }
}

const port = z.coerce
  .number()
  .int()
  .min(0)
  .max(65535, { error: 'must be a port number from 0 to 65535' });
const timeoutMs = z.coerce.number().int().min(1).max(600_000, { error: 'must be at most 600000 ms' });
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

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

function envSchema(production: boolean) {
  const signingKey = z
    .string()
    .min(32, { error: 'must be at least 32 characters' })
    .refine((key) => !production || key !== DEVELOPMENT_IDENTITY_SIGNING_KEY, {
      error: 'the development key cannot be used in production',
    });
  return z.object({
    GATEWAY_PORT: port.default(4000),
    GATEWAY_HOST: z.string().default('127.0.0.1'),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    IDENTITY_SIGNING_KEY: production
      ? z.string({ error: 'is required in production' }).pipe(signingKey)
      : signingKey.default(DEVELOPMENT_IDENTITY_SIGNING_KEY),
    MEMBERS_URL: httpUrl.default(`http://127.0.0.1:${DEFAULT_PORTS.members}/graphql`),
    CALENDAR_URL: httpUrl.default(`http://127.0.0.1:${DEFAULT_PORTS.calendar}/graphql`),
    FEED_URL: httpUrl.default(`http://127.0.0.1:${DEFAULT_PORTS.feed}/graphql`),
    SUBGRAPH_TIMEOUT_MS: timeoutMs.default(5000),
    MEMBERS_TIMEOUT_MS: timeoutMs.optional(),
    CALENDAR_TIMEOUT_MS: timeoutMs.optional(),
    FEED_TIMEOUT_MS: timeoutMs.optional(),
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(origin)),
    JWT_PUBLIC_KEY: publicKeyPem.optional(),
    JWT_ISSUER: z.string().default('pdn-members'),
    JWT_AUDIENCE: z.string().default('pdn-api'),
    SUPERGRAPH_PATH: z.string().optional(),
  });
}

type EnvVariable = keyof z.infer<ReturnType<typeof envSchema>>;

const DEFAULT_SUPERGRAPH_PATH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

/**
 * Reads the gateway's settings from an environment (normally `process.env`), once, at boot. Empty
 * values count as unset, so a blank line in a .env file falls back to the default.
 */
export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const schema = envSchema(env.NODE_ENV === 'production');
  const present: Record<string, string> = {};
  for (const name of Object.keys(schema.shape) as EnvVariable[]) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') present[name] = value.trim();
  }

  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      if (!problems.has(variable)) problems.set(variable, issue.message);
    }
    throw new GatewayConfigError([...problems].map(([variable, message]) => ({ variable, message })));
  }

  const e = parsed.data;
  const subgraph = (url: string, timeout: number | undefined): SubgraphSettings => ({
    url,
    timeoutMs: timeout ?? e.SUBGRAPH_TIMEOUT_MS,
  });
  return {
    port: e.GATEWAY_PORT,
    host: e.GATEWAY_HOST,
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    identitySigningKey: e.IDENTITY_SIGNING_KEY,
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
  };
}
