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

/** Settings every process of the system shares. */
export const sharedSettings = {
  NODE_ENV: NodeEnv,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  IDENTITY_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
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
