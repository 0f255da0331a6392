// The deployment files (deploy/) checked against the code, since no container engine runs here: the
// Dockerfile's stages, deploy/docker-compose.yml and the Kubernetes manifests of deploy/k8s must use
// the ports, routes, files and environment variables the processes really have. Changing a default
// port, renaming a setting or moving the migrations fails this file until deploy/ follows.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { identitySigningKey, sharedSettings, type Env } from '@pdn/config';
import { databaseConnectionFor, databaseUrlVariableFor } from '@pdn/database';
import { eventConsumerSettings } from '@pdn/domain-events/client';
import { metricsRegistry } from '@pdn/logging/metrics';
import { loadCalendarSettings, calendarSettingsSchema } from '@pdn/calendar/config';
import { loadFeedSettings, feedSettingsSchema } from '@pdn/feed/config';
import { loadGatewayConfig } from '@pdn/gateway';
import { loadMembersSettings, membersSettingsSchema } from '@pdn/members/config';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Subgraph = 'members' | 'calendar' | 'feed';
type Process = Subgraph | 'gateway';
const SUBGRAPHS: Subgraph[] = ['members', 'calendar', 'feed'];
const PROCESSES: Process[] = [...SUBGRAPHS, 'gateway'];

// ---------------------------------------------------------------------------------------- the code's side

/** Each process's default port, as its configuration reads it. */
const DEFAULT_PORT: Record<Process, number> = {
  members: loadMembersSettings({}).MEMBERS_PORT,
  calendar: loadCalendarSettings({}).CALENDAR_PORT,
  feed: loadFeedSettings({}).FEED_PORT,
  gateway: loadGatewayConfig({}).port,
};

/** The gateway's schema is private to gateway.config.ts: its variable names are read from the source. */
function gatewayVariables(): string[] {
  const source = read('gateway/src/gateway.config.ts');
  const body = source.slice(source.indexOf('function gatewaySettingsSchema'), source.indexOf('const DEFAULT_SUPERGRAPH_PATH'));
  const own = [...body.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
  expect(own).toEqual(expect.arrayContaining(['GATEWAY_PORT', 'MEMBERS_URL', 'REDIS_URL']));
  return [...own, ...Object.keys(sharedSettings), ...Object.keys(eventConsumerSettings)];
}

/** Every variable each process reads: its settings schema, plus the database URLs @pdn/database reads. */
const READS: Record<Process, Set<string>> = {
  members: new Set([...Object.keys(membersSettingsSchema.shape), 'DATABASE_URL', databaseUrlVariableFor('members')]),
  calendar: new Set([...Object.keys(calendarSettingsSchema.shape), 'DATABASE_URL', databaseUrlVariableFor('calendar')]),
  feed: new Set([...Object.keys(feedSettingsSchema.shape), 'DATABASE_URL', databaseUrlVariableFor('feed')]),
  gateway: new Set(gatewayVariables()),
};

const HOST_VARIABLE: Record<Process, string> = { members: 'MEMBERS_HOST', calendar: 'CALENDAR_HOST', feed: 'FEED_HOST', gateway: 'GATEWAY_HOST' };
const PORT_VARIABLE: Record<Process, string> = { members: 'MEMBERS_PORT', calendar: 'CALENDAR_PORT', feed: 'FEED_PORT', gateway: 'GATEWAY_PORT' };
/** Variables naming another process's GraphQL endpoint, and which process. */
const URL_VARIABLES: Record<string, Subgraph> = { MEMBERS_URL: 'members', CALENDAR_URL: 'calendar', FEED_URL: 'feed' };

/** Stand-ins for the secrets the files leave to the operator, valid for the configuration schemas. */
const JWT_PRIVATE_KEY = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim().replaceAll('\n', '\\n');
const SECRETS: Env = {
  POSTGRES_PASSWORD: 'a-database-password',
  IDENTITY_SIGNING_KEY: 'an-identity-signing-key-of-at-least-32-characters',
  JWT_PRIVATE_KEY,
};

/**
 * What a production process must be given; `settings` is what its own loader made of `env` (which
 * must not throw). Replicas (compose can scale, Kubernetes runs ≥ 2) need Redis where state is shared.
 */
function expectRunnableInProduction(process: Process, env: Env, where: string): void {
  const context = `${where} (${process})`;
  expect({ context, NODE_ENV: env.NODE_ENV }).toEqual({ context, NODE_ENV: 'production' });
  expect({ context, unread: Object.keys(env).filter((name) => !READS[process].has(name)) }).toEqual({ context, unread: [] });
  // Inside a container the process must listen on every interface, on the port the files publish.
  expect({ context, host: env[HOST_VARIABLE[process]] }).toEqual({ context, host: '0.0.0.0' });
  const settings =
    process === 'members' ? loadMembersSettings(env) : process === 'calendar' ? loadCalendarSettings(env) : process === 'feed' ? loadFeedSettings(env) : null;
  if (settings) {
    expect(identitySigningKey(settings)).toBe(env.IDENTITY_SIGNING_KEY);
    expect({ context, port: (settings as Record<string, unknown>)[PORT_VARIABLE[process]] }).toEqual({ context, port: DEFAULT_PORT[process] });
    // Its own database (one per subgraph: pg_dump each), never embedded PGlite.
    expect({ context, database: databaseConnectionFor(process, env) }).toEqual({ context, database: { url: env[databaseUrlVariableFor(process)] } });
    expect(env[databaseUrlVariableFor(process)]).toMatch(/^postgres(ql)?:\/\//);
  } else {
    const config = loadGatewayConfig(env);
    expect({ context, port: config.port }).toEqual({ context, port: DEFAULT_PORT.gateway });
    expect(config.identitySigningKey).toBe(env.IDENTITY_SIGNING_KEY);
  }
  if (process === 'members') expect({ context, JWT_PRIVATE_KEY: Boolean(env.JWT_PRIVATE_KEY) }).toEqual({ context, JWT_PRIVATE_KEY: true });
  if (process === 'feed' || process === 'gateway') expect({ context, REDIS_URL: env.REDIS_URL }).toEqual({ context, REDIS_URL: expect.stringMatching(/^rediss?:\/\//) });
  // Another process's endpoint: its service name, its port, /graphql.
  for (const [variable, target] of Object.entries(URL_VARIABLES)) {
    if (env[variable] === undefined) continue;
    const url = new URL(env[variable]!);
    expect({ context, variable, host: url.hostname.split('.')[0], port: Number(url.port), path: url.pathname }).toEqual({
      context,
      variable,
      host: target,
      port: DEFAULT_PORT[target],
      path: '/graphql',
    });
  }
  const needs: Record<Process, string[]> = { members: ['CALENDAR_URL', 'FEED_URL'], calendar: ['MEMBERS_URL'], feed: ['MEMBERS_URL'], gateway: ['MEMBERS_URL', 'CALENDAR_URL', 'FEED_URL'] };
  expect({ context, missing: needs[process].filter((v) => !env[v]) }).toEqual({ context, missing: [] });
}

// ---------------------------------------------------------------------------------------- Dockerfile

interface Stage {
  name: string;
  from: string;
  lines: string[];
}

function dockerfileStages(): Stage[] {
  const text = read('deploy/docker/Dockerfile').replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, name: from[2] ?? '', lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}
const instruction = (stage: Stage, keyword: string) => stage.lines.filter((l) => l.toUpperCase().startsWith(`${keyword} `));

describe('deploy/docker/Dockerfile', () => {
  const stages = dockerfileStages();
  const byName = new Map(stages.map((s) => [s.name, s]));
  /** A stage with the instructions it inherits from the stages it is built FROM. */
  const lineage = (name: string): string[] => {
    const stage = byName.get(name)!;
    return [...(byName.has(stage.from) ? lineage(stage.from) : []), ...stage.lines];
  };

  it('is multi-stage on node 20 slim: npm ci, build and prune in a build stage', () => {
    expect(read('deploy/docker/Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const build = byName.get('build')!;
    expect(build.from).toBe('${NODE_IMAGE}');
    expect(instruction(build, 'RUN').join('\n')).toMatch(/npm ci[\s\S]*npm run build[\s\S]*npm prune --omit=dev/);
    expect(byName.get('runtime')!.lines).toContain('COPY --from=build /out/ ./');
  });

  it.each([
    ['subgraph', 'services/${SERVICE}'],
    ['gateway', 'gateway'],
  ])('stage %s runs dist/main.js as the node user with a /healthz HEALTHCHECK', (name, folder) => {
    const lines = lineage(name);
    expect(lines).toContain(`WORKDIR /app/${folder}`);
    expect(lines.filter((l) => l.startsWith('USER '))).toEqual(['USER node']);
    // The gateway adds node flags (a larger young generation), which the benchmark runs it with too.
    expect(lines.at(-1)).toMatch(/^CMD \["node", (?:"--[a-z-]+=\d+", )*"dist\/main\.js"\]$/);
    expect(lines.some((l) => l.startsWith('HEALTHCHECK ') && l.endsWith('CMD ["node", "/app/deploy/healthcheck.mjs"]'))).toBe(true);
    expect(lines).toContain('COPY deploy/docker/healthcheck.mjs /app/deploy/healthcheck.mjs');
    expect(lines).toContain(`COPY --from=build /app/${folder}/dist ./${folder}/dist`);
    expect(lines.some((l) => l === 'ENV NODE_ENV=production')).toBe(true);
  });

  it('each process has the main.js its package builds, and the files it reads at run time are copied', () => {
    for (const process of PROCESSES) {
      const folder = process === 'gateway' ? 'gateway' : `services/${process}`;
      expect(existsSync(join(ROOT, folder, 'src/main.ts'))).toBe(true);
      expect(JSON.parse(read(`${folder}/tsconfig.json`)).compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    }
    const subgraph = lineage('subgraph');
    expect(subgraph).toContain('COPY --from=build /app/services/${SERVICE}/src/db/migrations ./services/${SERVICE}/src/db/migrations');
    for (const service of SUBGRAPHS) {
      expect(existsSync(join(ROOT, `services/${service}/src/db/migrations/meta/_journal.json`))).toBe(true);
      // The app finds them beside dist/ at ../src/db/migrations.
      expect(read(`services/${service}/src/${service}-app.ts`)).toContain("new URL('../src/db/migrations', import.meta.url)");
    }
    const gateway = lineage('gateway');
    expect(gateway).toContain('COPY --from=build /app/gateway/supergraph.graphql ./gateway/supergraph.graphql');
    // Read beside the supergraph (shared subscriptions): without it, members share no upstream subscription.
    expect(gateway).toContain('COPY --from=build /app/gateway/per-viewer-fields.json ./gateway/per-viewer-fields.json');
    expect(gateway).toContain('COPY --from=build /app/libs/client/persisted-operations.json ./libs/client/persisted-operations.json');
    expect(read('gateway/src/gateway.config.ts')).toContain("new URL('../supergraph.graphql', import.meta.url)");
    expect(read('gateway/src/gateway.config.ts')).toContain("new URL('../../libs/client/persisted-operations.json', import.meta.url)");
    // The console's bundle is built into gateway/dist/console-assets, which the dist copy carries.
    expect(read('gateway/console/build.mjs')).toContain("join(here, '..', 'dist', 'console-assets')");
    expect(existsSync(join(ROOT, 'gateway/supergraph.graphql'))).toBe(true);
    expect(existsSync(join(ROOT, 'gateway/per-viewer-fields.json'))).toBe(true);
    expect(existsSync(join(ROOT, 'libs/client/persisted-operations.json'))).toBe(true);
  });

  it('exposes the gateway port and lets each subgraph image expose its own (build arg PORT)', () => {
    expect(lineage('gateway')).toContain(`EXPOSE ${DEFAULT_PORT.gateway}`);
    expect(lineage('subgraph')).toEqual(expect.arrayContaining(['ARG SERVICE', 'ARG PORT', 'EXPOSE ${PORT}', 'ENV PDN_SERVICE=${SERVICE}']));
  });

  it("the healthcheck script knows every process's default port and asks /healthz", () => {
    const script = read('deploy/docker/healthcheck.mjs');
    const ports = /const DEFAULT_PORTS = (\{[^}]*\})/.exec(script)![1]!.replace(/(\w+):/g, '"$1":');
    expect(JSON.parse(ports)).toEqual(DEFAULT_PORT);
    expect(script).toContain('/healthz');
  });

  it('.dockerignore keeps the build context to sources (and keeps what the image needs)', () => {
    const ignored = read('.dockerignore').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '.env', '.data']));
    expect(ignored.filter((p) => /migrations|supergraph|persisted|package|src/.test(p))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------- routes

describe('probe routes', () => {
  it('/healthz and /readyz are served by every subgraph and by the gateway', () => {
    for (const file of ['libs/subgraph/src/start-subgraph.ts', 'gateway/src/health.ts']) {
      const source = read(file);
      expect(source).toMatch(/\.get\('\/healthz'/);
      expect(source).toMatch(/\.get\('\/readyz'/);
    }
  });
});

// ---------------------------------------------------------------------------------------- docker compose

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}, from the operator's deploy/.env. */
function interpolate(value: string, env: Env, required: Set<string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_all, name: string, op?: string, arg?: string) => {
    if (op === '?') required.add(name);
    const given = env[name];
    if (given !== undefined && given !== '') return given;
    if (op === '?') throw new Error(`compose would refuse to start: ${name} (${arg})`);
    return op === '-' ? (arg ?? '') : '';
  });
}

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: unknown;
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  profiles?: string[];
  volumes?: string[];
}

describe('deploy/docker-compose.yml', () => {
  const compose = parseYaml(read('deploy/docker-compose.yml')) as { services: Record<string, ComposeService> };
  const services = compose.services;
  const stageNames = new Set(dockerfileStages().map((s) => s.name));
  const required = new Set<string>();
  const environmentOf = (name: string): Env =>
    Object.fromEntries(
      Object.entries(services[name]!.environment ?? {})
        .map(([key, value]) => [key, interpolate(String(value), SECRETS, required)] as const)
        .filter(([, value]) => value !== ''),
    );

  it('runs PostgreSQL 16, Redis 7, the three subgraphs and the gateway (and Prometheus on demand)', () => {
    expect(Object.keys(services).sort()).toEqual(['calendar', 'feed', 'gateway', 'members', 'postgres', 'prometheus', 'redis']);
    expect(services.prometheus!.profiles).toEqual(['monitoring']);
    expect(services.postgres!.image).toMatch(/^postgres:16/);
    expect(services.redis!.image).toMatch(/^redis:7/);
    const init = read('deploy/docker/postgres-init.sql');
    for (const service of SUBGRAPHS) expect(init).toContain(`CREATE DATABASE ${service};`);
  });

  it.each(PROCESSES)('%s is built from a stage of deploy/docker/Dockerfile with its port', (process) => {
    const service = services[process]!;
    expect(service.image).toBe(`pdn/${process}:\${PDN_VERSION:-latest}`);
    expect(existsSync(resolve(DEPLOY, service.build!.context, service.build!.dockerfile))).toBe(true);
    expect(resolve(DEPLOY, service.build!.context)).toBe(ROOT);
    expect(stageNames.has(service.build!.target)).toBe(true);
    if (process === 'gateway') {
      expect(service.build!.target).toBe('gateway');
      expect(service.ports).toEqual([`${DEFAULT_PORT.gateway}:${DEFAULT_PORT.gateway}`]);
    } else {
      expect(service.build).toMatchObject({ target: 'subgraph', args: { SERVICE: process, PORT: String(DEFAULT_PORT[process]) } });
      expect(service.ports).toBeUndefined();
    }
    expect(service.read_only).toBe(true);
  });

  it.each(PROCESSES)('%s gets exactly variables its code reads, and all that production requires', (process) => {
    const env = environmentOf(process);
    expect(env[PORT_VARIABLE[process]]).toBe(String(DEFAULT_PORT[process]));
    expectRunnableInProduction(process, env, 'docker-compose.yml');
  });

  it('waits for healthy dependencies, each of which has a healthcheck (its own or its image\'s)', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_healthy' });
        const target = services[dependency]!;
        expect({ dependency, checked: Boolean(target.healthcheck) || (target.build !== undefined && stageNames.has(target.build.target)) }).toEqual({ dependency, checked: true });
      }
    }
    expect(Object.keys(services.gateway!.depends_on!)).toEqual(expect.arrayContaining(SUBGRAPHS));
    for (const service of SUBGRAPHS) expect(Object.keys(services[service]!.depends_on!)).toContain('postgres');
  });

  it('every secret compose asks for is listed in deploy/compose.env.example', () => {
    for (const process of PROCESSES) environmentOf(process);
    interpolate(JSON.stringify(services.postgres), SECRETS, required);
    const example = new Set([...read('deploy/compose.env.example').matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect([...required].filter((name) => !example.has(name))).toEqual([]);
    expect([...required].sort()).toEqual(['IDENTITY_SIGNING_KEY', 'JWT_PRIVATE_KEY', 'POSTGRES_PASSWORD']);
  });
});

// ---------------------------------------------------------------------------------------- Kubernetes

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

describe('deploy/k8s', () => {
  const objects: K8sObject[] = readdirSync(join(DEPLOY, 'k8s'))
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(read(`deploy/k8s/${file}`)).map((document) => {
        expect({ file, errors: document.errors.map(String) }).toEqual({ file, errors: [] });
        return document.toJS() as K8sObject;
      }),
    );
  const find = (kind: string, name: string) => objects.filter((o) => o.kind === kind && o.metadata.name === name);
  const configMap = find('ConfigMap', 'pdn-config')[0]!;
  const secret = find('Secret', 'pdn-secrets')[0]!;
  const deployments = objects.filter((o) => o.kind === 'Deployment');

  it('declares the namespace, and every object lives in it', () => {
    expect(find('Namespace', 'pdn')).toHaveLength(1);
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) expect({ name: object.metadata.name, namespace: object.metadata.namespace }).toEqual({ name: object.metadata.name, namespace: 'pdn' });
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...PROCESSES].sort());
  });

  it.each(PROCESSES)('%s: image, port, probes, security context and resources', (process) => {
    const [deployment] = find('Deployment', process);
    const pod = deployment!.spec.template.spec;
    expect(deployment!.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': process });
    expect(deployment!.spec.template.metadata.labels).toMatchObject(deployment!.spec.selector.matchLabels);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(pod.containers).toHaveLength(1);
    const container = pod.containers[0];
    // The image compose builds (pdn/<process>), tagged by release.
    expect(container.image.split(':')[0]).toBe(`pdn/${process}`);
    const port = DEFAULT_PORT[process];
    expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port });
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(deployment!.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  it.each(PROCESSES)('%s gets exactly variables its code reads, and all that production requires', (process) => {
    const container = find('Deployment', process)[0]!.spec.template.spec.containers[0];
    const env: Env = {};
    for (const entry of container.env as { name: string; value?: string; valueFrom?: any }[]) { // eslint-disable-line @typescript-eslint/no-explicit-any
      if (entry.value !== undefined) env[entry.name] = entry.value;
      else if (entry.valueFrom.configMapKeyRef) {
        expect(entry.valueFrom.configMapKeyRef.name).toBe('pdn-config');
        env[entry.name] = configMap.data![entry.valueFrom.configMapKeyRef.key];
      } else {
        expect(entry.valueFrom.secretKeyRef.name).toBe('pdn-secrets');
        const key = entry.valueFrom.secretKeyRef.key as string;
        expect(Object.keys(secret.stringData!)).toContain(key);
        // The template's placeholders are not keys: stand-ins with the same shape.
        env[entry.name] = SECRETS[key] ?? secret.stringData![key];
      }
      expect(env[entry.name]).toEqual(expect.any(String));
    }
    expect(env[PORT_VARIABLE[process]]).toBe(String(DEFAULT_PORT[process]));
    expectRunnableInProduction(process, env, 'deploy/k8s');
  });

  it.each(PROCESSES)('%s has a Service, an autoscaler and a disruption budget', (process) => {
    const [deployment] = find('Deployment', process);
    const labels = deployment!.spec.template.metadata.labels as Record<string, string>;
    const [service] = find('Service', process);
    expect(service!.spec.ports).toEqual([{ name: 'http', port: DEFAULT_PORT[process], targetPort: 'http', protocol: 'TCP' }]);
    expect(labels).toMatchObject(service!.spec.selector);
    const [hpa] = find('HorizontalPodAutoscaler', process);
    expect(hpa!.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: process });
    expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa!.spec.maxReplicas).toBeGreaterThan(hpa!.spec.minReplicas);
    expect(deployment!.spec.replicas).toBe(hpa!.spec.minReplicas);
    const [pdb] = find('PodDisruptionBudget', process);
    expect(pdb!.apiVersion).toBe('policy/v1');
    expect(labels).toMatchObject(pdb!.spec.selector.matchLabels);
    expect(pdb!.spec.minAvailable).toBeLessThan(hpa!.spec.minReplicas);
  });

  it('the Secret holds the keys and one database URL per subgraph; the ConfigMap holds no secret', () => {
    expect(Object.keys(secret.stringData!).sort()).toEqual(
      ['CALENDAR_DATABASE_URL', 'FEED_DATABASE_URL', 'IDENTITY_SIGNING_KEY', 'JWT_PRIVATE_KEY', 'MEMBERS_DATABASE_URL', 'REDIS_URL'].sort(),
    );
    expect(Object.keys(configMap.data!).filter((key) => /KEY|PASSWORD|DATABASE_URL|REDIS_URL/.test(key))).toEqual([]);
  });

  it('the optional Ingress routes only what clients use to the gateway Service (no /metrics, no probes)', () => {
    const [ingress] = find('Ingress', 'gateway');
    const paths = ingress!.spec.rules[0].http.paths as { path: string; backend: { service: unknown } }[];
    for (const path of paths) expect(path.backend.service).toEqual({ name: 'gateway', port: { name: 'http' } });
    expect(paths.map((p) => p.path).sort()).toEqual(['/console', '/graphql', '/ics']);
  });
});

describe('deploy/prometheus', () => {
  const parsed = (file: string) => parseYaml(read(`deploy/prometheus/${file}`)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  /** Every metric the processes declare: the code's own (by name in the sources) and Node's default ones. */
  const declaredMetrics = (() => {
    const names = new Set(metricsRegistry().getMetricsAsArray().map((metric) => metric.name));
    const sources = [join(ROOT, 'gateway/src'), ...['libs', 'services'].flatMap((top) => readdirSync(join(ROOT, top)).map((name) => join(ROOT, top, name, 'src')))];
    for (const file of sources.filter(existsSync).flatMap((folder) => sourceFiles(folder))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:name: |poolGauge\()'(pdn_[a-z0-9_]+)'/g)) names.add(match[1]!);
    }
    return names;
  })();

  it('every metric an alert rule reads is one the code declares (histograms by their _bucket, _count, _sum)', () => {
    const rules = (parsed('alerts.yml').groups as { rules: { alert: string; expr: string }[] }[]).flatMap((group) => group.rules);
    expect(rules.length).toBeGreaterThan(5);
    expect(declaredMetrics).toContain('pdn_gateway_operations_total');
    for (const rule of rules) {
      const metrics = [...rule.expr.matchAll(/\b(pdn_[a-z0-9_]+)/g)].map((m) => m[1]!);
      for (const metric of metrics) {
        const base = metric.replace(/_(bucket|count|sum)$/, '');
        expect({ alert: rule.alert, metric, declared: declaredMetrics.has(metric) || declaredMetrics.has(base) }).toEqual({ alert: rule.alert, metric, declared: true });
      }
    }
  });

  it('every alert says how bad it is and what happened', () => {
    for (const group of parsed('alerts.yml').groups as { rules: Record<string, any>[] }[]) { // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const rule of group.rules) {
        expect(rule).toMatchObject({ alert: expect.stringMatching(/^Pdn[A-Za-z]+$/), expr: expect.any(String), for: expect.stringMatching(/^\d+m$/) });
        expect(['page', 'warning', 'info']).toContain(rule['labels'].severity);
        expect(rule['annotations'].summary).toEqual(expect.any(String));
      }
    }
  });

  it("compose's Prometheus scrapes each process on its default port and loads the rules it mounts", () => {
    const config = parsed('prometheus.yml');
    const targets = (config['scrape_configs'][0].static_configs[0].targets as string[]).sort();
    expect(targets).toEqual(PROCESSES.map((process) => `${process}:${DEFAULT_PORT[process]}`).sort());
    expect(config['scrape_configs'][0].metrics_path).toBe('/metrics');
    const compose = parseYaml(read('deploy/docker-compose.yml')) as { services: Record<string, ComposeService> };
    const mounts = compose.services['prometheus']!.volumes!.map((volume) => volume.split(':'));
    for (const file of config['rule_files'] as string[]) expect(mounts.some(([, inside]) => inside === file)).toBe(true);
    for (const [outside] of mounts.filter(([outside]) => outside!.startsWith('./'))) expect(existsSync(join(DEPLOY, outside!))).toBe(true);
  });

  it("the Kubernetes scrape job keeps the pods the manifests label, on the port they name", () => {
    const job = parsed('kubernetes-scrape.yml')['scrape_configs'][0];
    expect(job.kubernetes_sd_configs[0]).toEqual({ role: 'pod', namespaces: { names: ['pdn'] } });
    const keep = (label: string) => job.relabel_configs.find((r: { source_labels: string[] }) => r.source_labels[0] === label);
    expect(keep('__meta_kubernetes_pod_label_app_kubernetes_io_part_of')).toMatchObject({ regex: 'pdn', action: 'keep' });
    expect(keep('__meta_kubernetes_pod_container_port_name')).toMatchObject({ regex: 'http', action: 'keep' });
    for (const file of readdirSync(join(DEPLOY, 'k8s')).filter((f) => /^[23]\d-/.test(f))) {
      const deployment = parseAllDocuments(read(`deploy/k8s/${file}`)).map((d) => d.toJS()).find((o) => o.kind === 'Deployment');
      expect(deployment.spec.template.metadata.labels['app.kubernetes.io/part-of']).toBe('pdn');
      expect(deployment.spec.template.spec.containers[0].ports[0].name).toBe('http');
    }
  });
});

/** The TypeScript sources under a folder, tests and generated output left out. */
function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}
