import { z } from 'zod';

/**
 * Settings are read once, at boot, from the environment and validated with a zod schema: a process
 * with a bad or missing variable stops before doing anything, with a message naming each variable.
 */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}\n` +
        'See .env.example for every setting.',
    );
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function loadSettings<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  // Empty (or blank) strings count as unset, as they do in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '?'), message: issue.message })),
  );
}

/** Runs `load`; on a ConfigError prints it and exits with status 1 (for `main.ts` files). */
export function settingsOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));
export const commaList = () =>
  z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
export const postgresUrl = () =>
  z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional();

export const NodeEnv = z.enum(['development', 'production', 'test']).default('development');
export type NodeEnv = z.infer<typeof NodeEnv>;

export const DEVELOPMENT_IDENTITY_KEY = 'pdn-development-identity-signing-key-not-for-production';

const otlpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL (OTLP over HTTP, e.g. http://collector:4318)' }).optional();
const otlpProtocol = z
  .enum(['http/json', 'http/protobuf'], { error: 'only OTLP over HTTP is supported (http/json; grpc is not): use the collector\'s port 4318' })
  .optional();

/**
 * OpenTelemetry tracing (@pdn/logging/tracing), off unless an OTLP endpoint is set. The standard
 * variables; spans are sent as OTLP/HTTP JSON, which every collector's HTTP receiver accepts.
 */
export const tracingSettings = {
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl,
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
  OTEL_SERVICE_NAME: z.string().max(200).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number({ error: 'must be a ratio from 0 to 1' }).min(0, 'must be a ratio from 0 to 1').max(1, 'must be a ratio from 0 to 1').optional(),
  /** Milliseconds a finished span may wait in the batch before it is sent (default 5000). */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).max(600_000).optional(),
  OTEL_SDK_DISABLED: booleanFlag(false),
};

/** Settings every process of the system shares. */
export const sharedSettings = {
  NODE_ENV: NodeEnv,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  IDENTITY_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  ...tracingSettings,
};

/**
 * The key that signs the identity header between gateway and subgraphs. Production must set it; in
 * development and tests every process falls back to the same well-known key so `npm start` needs no setup.
 */
export function identitySigningKey(settings: { NODE_ENV: NodeEnv; IDENTITY_SIGNING_KEY?: string }): string {
  if (settings.NODE_ENV === 'production' && settings.IDENTITY_SIGNING_KEY === DEVELOPMENT_IDENTITY_KEY) {
    throw new ConfigError([{ variable: 'IDENTITY_SIGNING_KEY', message: 'the development key cannot be used in production' }]);
  }
  if (settings.IDENTITY_SIGNING_KEY) return settings.IDENTITY_SIGNING_KEY;
  if (settings.NODE_ENV === 'production') {
    throw new ConfigError([{ variable: 'IDENTITY_SIGNING_KEY', message: 'is required in production' }]);
  }
  return DEVELOPMENT_IDENTITY_KEY;
}

export { z };
