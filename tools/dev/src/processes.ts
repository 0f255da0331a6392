import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tools/dev/src/processes.ts or tools/dev/dist/processes.js). */
export const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));

type Env = Record<string, string | undefined>;

/** One Node process the runner starts. */
export interface ProcessSpec {
  /** `members`, `calendar`, `feed`, …, or `gateway`. */
  name: string;
  kind: 'subgraph' | 'gateway';
  /** Built entry point, absolute. */
  entry: string;
  host: string;
  port: number;
  /** The variable the port comes from, for error messages (`MEMBERS_PORT`). */
  portVariable: string;
}

export const GATEWAY_DEFAULT_PORT = 4000;
/** Used when tools/compose/subgraphs.json cannot be read. */
const FALLBACK_PORTS: Record<string, number> = { members: 4001, calendar: 4002, feed: 4003 };

/** Names and default ports of the subgraphs, in composition order, from tools/compose/subgraphs.json. */
export function knownSubgraphs(root = workspaceRoot): { name: string; port: number }[] {
  const path = join(root, 'tools/compose/subgraphs.json');
  try {
    const { subgraphs } = JSON.parse(readFileSync(path, 'utf8')) as { subgraphs: { name: string; port?: number; url?: string }[] };
    return subgraphs.map((s) => ({ name: s.name, port: s.port ?? (Number(new URL(s.url ?? 'http://localhost').port) || 0) }));
  } catch {
    return Object.entries(FALLBACK_PORTS).map(([name, port]) => ({ name, port }));
  }
}

function portFrom(env: Env, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${variable}=${JSON.stringify(raw)} is not a port number (1–65535)`);
  }
  return port;
}

const variablePrefix = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/**
 * The subgraphs to start: every `services/<name>` whose build produced `dist/main.js`, known ones
 * first in composition order, then any other in alphabetical order (on the next free default port).
 */
export function discoverSubgraphs(env: Env = process.env, root = workspaceRoot): ProcessSpec[] {
  const servicesDir = join(root, 'services');
  const built = existsSync(servicesDir)
    ? readdirSync(servicesDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(servicesDir, entry.name, 'dist/main.js')))
        .map((entry) => entry.name)
    : [];
  const known = knownSubgraphs(root);
  const ordered = [
    ...known.filter((k) => built.includes(k.name)),
    ...built
      .filter((name) => !known.some((k) => k.name === name))
      .sort()
      .map((name, i) => ({ name, port: Math.max(GATEWAY_DEFAULT_PORT, ...known.map((k) => k.port)) + 1 + i })),
  ];
  return ordered.map(({ name, port }) => {
    const prefix = variablePrefix(name);
    return {
      name,
      kind: 'subgraph' as const,
      entry: join(servicesDir, name, 'dist/main.js'),
      host: env[`${prefix}_HOST`]?.trim() || '127.0.0.1',
      port: portFrom(env, `${prefix}_PORT`, port),
      portVariable: `${prefix}_PORT`,
    };
  });
}

export function gatewaySpec(env: Env = process.env, root = workspaceRoot): ProcessSpec {
  return {
    name: 'gateway',
    kind: 'gateway',
    entry: join(root, 'gateway/dist/main.js'),
    host: env.GATEWAY_HOST?.trim() || '127.0.0.1',
    port: portFrom(env, 'GATEWAY_PORT', GATEWAY_DEFAULT_PORT),
    portVariable: 'GATEWAY_PORT',
  };
}

/** Where to reach a process from this machine (a wildcard bind is reached on the loopback). */
export function baseUrl(spec: ProcessSpec): string {
  const host = spec.host === '0.0.0.0' || spec.host === '::' ? '127.0.0.1' : spec.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${spec.port}`;
}

/** Two processes configured on the same port: the second would fail to start. */
export function duplicatePorts(specs: ProcessSpec[]): string | undefined {
  for (const [i, a] of specs.entries()) {
    const b = specs.slice(i + 1).find((other) => other.port === a.port);
    if (b) return `${a.name} (${a.portVariable}) and ${b.name} (${b.portVariable}) are both set to port ${a.port}`;
  }
  return undefined;
}

/**
 * The environment every child gets: the runner's own (DATABASE_URL, <SERVICE>_DATABASE_URL, JWT and
 * identity keys… pass through), development mode, the demo admin unless PDN_ADMIN_* are set, each
 * process's port, and each subgraph's URL unless <NAME>_URL is set (read by the gateway; by members to
 * fetch the other subgraphs' parts of `myPersonalData` and to follow calendar's event log; by calendar
 * and feed to follow members' event log).
 */
export function childEnvironment(
  env: Env,
  specs: ProcessSpec[],
  options: { logLevel: string; adminDefaults: { PDN_ADMIN_EMAIL: string; PDN_ADMIN_PASSWORD: string } },
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  result.NODE_ENV = 'development';
  result.LOG_LEVEL = options.logLevel;
  if (!env.PDN_ADMIN_EMAIL?.trim()) result.PDN_ADMIN_EMAIL = options.adminDefaults.PDN_ADMIN_EMAIL;
  if (!env.PDN_ADMIN_PASSWORD) result.PDN_ADMIN_PASSWORD = options.adminDefaults.PDN_ADMIN_PASSWORD;
  for (const spec of specs) {
    result[spec.portVariable] = String(spec.port);
    if (spec.kind === 'subgraph') {
      const urlVariable = `${variablePrefix(spec.name)}_URL`;
      if (!env[urlVariable]?.trim()) result[urlVariable] = `${baseUrl(spec)}/graphql`;
    }
  }
  return result;
}

/** "embedded PGlite under .data/" or the servers' addresses, without credentials. */
export function describeDatabases(env: Env, subgraphs: ProcessSpec[]): string {
  const safe = (url: string) => {
    try {
      const parsed = new URL(url);
      return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
    } catch {
      return '(unparseable URL)';
    }
  };
  const parts = subgraphs.map((s) => {
    const own = env[`${variablePrefix(s.name)}_DATABASE_URL`]?.trim();
    if (own) return `${s.name}: PostgreSQL ${safe(own)}`;
    const shared = env.DATABASE_URL?.trim();
    if (shared) return `${s.name}: PostgreSQL ${safe(shared)} (schema ${s.name})`;
    return `${s.name}: embedded PGlite (${env.PGDATA_DIR?.trim() || '.data'}/${s.name})`;
  });
  return parts.join(', ');
}
