import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServerDatabase, dropServerDatabase } from '@pdn/database';
import { createGateway, loadGatewayConfig, type RunningGateway } from '@pdn/gateway';
import pg from 'pg';
import { generateDataset, SERVICES, type ServiceName } from './generate.js';
import { BENCH_PASSWORD } from './password.js';

// The generated data as clients get it: the three built subgraphs started on the generated databases
// (as MEMBERS_DATABASE_URL… point them there) behind the gateway, a generated coordinator signed in
// with the documented password, and queries across the three subgraphs answered without errors and
// with the counts the databases hold. Needs `npm run build` (the subgraphs run from dist/).

const serverUrl = process.env['TEST_DATABASE_URL'];
if (!serverUrl) throw new Error('The dataset is written to PostgreSQL: set TEST_DATABASE_URL.');

const workspaceRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const REFERENCE_DATE = new Date('2026-11-01T00:00:00Z');

async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map((server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const urls = {} as Record<ServiceName, string>;
const ports = {} as Record<ServiceName, number>;
const processes: ChildProcess[] = [];
const output: string[] = [];
let gateway: RunningGateway;

async function startSubgraph(service: ServiceName, env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [path.join(workspaceRoot, 'services', service, 'dist', 'main.js')], {
    cwd: workspaceRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      [`${service.toUpperCase()}_PORT`]: String(ports[service]),
      [`${service.toUpperCase()}_DATABASE_URL`]: urls[service],
      DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000',
      ...env,
    },
  });
  processes.push(child);
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => output.push(`${service}: ${chunk.toString()}`));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}:\n${output.join('')}`);
    try {
      if ((await fetch(`http://127.0.0.1:${ports[service]}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${service} was not ready within 60 s:\n${output.join('')}`);
}

async function stopSubgraph(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('close', resolve));
  child.kill('SIGTERM');
  const killed = sleep(10_000, undefined, { ref: false }).then(() => child.kill('SIGKILL'));
  await Promise.race([exited, killed]);
}

async function sql<T extends Record<string, unknown>>(service: ServiceName, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: urls[service] });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

interface GraphqlAnswer<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function graphql<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as GraphqlAnswer<T>;
  expect(answer.errors).toBeUndefined();
  return answer.data!;
}

beforeAll(async () => {
  for (const service of SERVICES) urls[service] = await createServerDatabase(serverUrl, service);
  await generateDataset({
    databases: { members: { url: urls.members }, calendar: { url: urls.calendar }, feed: { url: urls.feed } },
    scale: 0.01,
    seed: 11,
    referenceDate: REFERENCE_DATE,
    progress: null,
  });
  const [members, calendar, feed] = (await freePorts(3)) as [number, number, number];
  Object.assign(ports, { members, calendar, feed });
  const graphqlUrl = (service: ServiceName) => `http://127.0.0.1:${ports[service]}/graphql`;
  await Promise.all([
    startSubgraph('members', { CALENDAR_URL: graphqlUrl('calendar'), FEED_URL: graphqlUrl('feed') }),
    startSubgraph('calendar', { MEMBERS_URL: graphqlUrl('members') }),
    startSubgraph('feed', { MEMBERS_URL: graphqlUrl('members') }),
  ]);
  gateway = await createGateway(
    loadGatewayConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      GATEWAY_PORT: '0',
      MEMBERS_URL: graphqlUrl('members'),
      CALENDAR_URL: graphqlUrl('calendar'),
      FEED_URL: graphqlUrl('feed'),
      SUBGRAPH_TIMEOUT_MS: '10000',
    }),
  );
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(processes.map(stopSubgraph));
  await Promise.all(Object.values(urls).map((url) => dropServerDatabase(serverUrl, url)));
});

describe('the generated dataset, served by the subgraphs through the gateway', () => {
  it('lists the active promeneurs of a département to anyone, with their structures', async () => {
    const data = await graphql<{ members: { totalCount: number; edges: { node: { displayName: string; structure: { name: string } | null } }[] } }>(
      `{ members(filter: { department: "32" }, first: 100) { totalCount edges { node { displayName structure { name } } } } }`,
    );
    const [expected] = await sql<{ n: number }>(
      'members',
      `select count(*)::int as n from members where department = '32' and role = 'PROMENEUR' and status = 'ACTIVE'`,
    );
    expect(data.members.totalCount).toBe(expected!.n);
    expect(data.members.edges.every(({ node }) => node.structure !== null)).toBe(true);
  });

  it('signs a generated coordinator in and answers a directory page across the three subgraphs', async () => {
    const { login } = await graphql<{ login: { accessToken: string; member: { role: string; department: string } } }>(
      `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken member { role department } } }`,
      { email: 'coordination-1.dep-32@bench.pdn.test', password: BENCH_PASSWORD },
    );
    expect(login.member).toEqual({ role: 'COORDINATOR', department: '32' });

    type Page = {
      members: {
        edges: {
          node: {
            id: string;
            registrations: { status: string; event: { title: string; organizer: { displayName: string } } }[];
            permanences: { weekday: number }[];
            presence: { minutesLogged: number };
            posts: { totalCount: number; edges: { node: { title: string } }[] };
          };
        }[];
      };
    };
    const page = await graphql<Page>(
      `{ members(filter: { department: "32" }, first: 50) { edges { node {
          id registrations { status event { title organizer { displayName } } } permanences { weekday }
          presence(from: "2025-11-01", to: "2026-10-31") { minutesLogged }
          posts(first: 3) { totalCount edges { node { title } } } } } } }`,
      {},
      login.accessToken,
    );
    const members = page.members.edges.map((edge) => edge.node);
    expect(members.length).toBeGreaterThan(10);
    const registrations = new Map(
      (await sql<{ member_id: string; n: number }>('calendar', 'select member_id, count(*)::int as n from registrations group by 1')).map((r) => [r.member_id, r.n]),
    );
    const permanences = new Map(
      (await sql<{ member_id: string; n: number }>('calendar', 'select member_id, count(*)::int as n from permanences group by 1')).map((r) => [r.member_id, r.n]),
    );
    const minutes = new Map(
      (await sql<{ member_id: string; n: number }>('calendar', 'select member_id, sum(minutes)::int as n from presence_logs group by 1')).map((r) => [r.member_id, r.n]),
    );
    const posts = new Map(
      (await sql<{ author_id: string; n: number }>('feed', 'select author_id, count(*)::int as n from posts group by 1')).map((r) => [r.author_id, r.n]),
    );
    for (const member of members) {
      expect(member.registrations.length).toBe(registrations.get(member.id) ?? 0);
      expect(member.permanences.length).toBe(permanences.get(member.id) ?? 0);
      expect(member.presence.minutesLogged).toBe(minutes.get(member.id) ?? 0);
      expect(member.posts.totalCount).toBe(posts.get(member.id) ?? 0);
    }
    expect(members.some((m) => m.registrations.length > 0 && m.permanences.length > 0 && m.presence.minutesLogged > 0 && m.posts.totalCount > 0)).toBe(true);
    expect(members.flatMap((m) => m.registrations).every((r) => r.event.organizer.displayName.length > 0)).toBe(true);
  });

  it('serves the largest event with all its registrants, the feed with authors and originals, and alerts with their authors', async () => {
    const { login } = await graphql<{ login: { accessToken: string } }>(
      `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`,
      { email: 'coordination-1.dep-32@bench.pdn.test', password: BENCH_PASSWORD },
    );
    const [largest] = await sql<{ event_id: string; n: number }>(
      'calendar',
      `select event_id, count(*)::int as n from registrations group by 1 order by 2 desc, 1 limit 1`,
    );
    const { event } = await graphql<{ event: { organizer: { displayName: string }; registrations: { member: { displayName: string } }[] } }>(
      `query($id: ID!) { event(id: $id) { organizer { displayName } registrations { member { displayName } } } }`,
      { id: largest!.event_id },
      login.accessToken,
    );
    expect(event.registrations).toHaveLength(largest!.n);

    const { feed } = await graphql<{
      feed: { totalCount: number; edges: { node: { author: { displayName: string }; comments: { totalCount: number } } }[] };
    }>(
      `{ feed(first: 20) { totalCount edges { node { author { displayName } structure { name }
          republishedFrom { title author { displayName } } comments(first: 2) { totalCount edges { node { body } } } reactions { reaction count } } } } }`,
      {},
      login.accessToken,
    );
    expect(feed.edges).toHaveLength(20);
    const [republication] = await sql<{ id: string; original_author: string }>(
      'feed',
      `select p.id, o.author_id as original_author from posts p join posts o on o.id = p.republished_from_id order by p.published_at desc limit 1`,
    );
    const { post } = await graphql<{ post: { republishedFrom: { author: { id: string } } } }>(
      `query($id: ID!) { post(id: $id) { author { displayName } republishedFrom { title author { id displayName } } } }`,
      { id: republication!.id },
      login.accessToken,
    );
    expect(post.republishedFrom.author.id).toBe(republication!.original_author);

    const { alerts } = await graphql<{ alerts: { edges: { node: { raisedBy: { displayName: string }; acknowledgementCount: number } }[] } }>(
      `{ alerts(first: 20) { edges { node { status raisedBy { displayName } acknowledgementCount } } } }`,
      {},
      login.accessToken,
    );
    expect(alerts.edges.length).toBeGreaterThan(0);
    expect(alerts.edges.some(({ node }) => node.acknowledgementCount > 0)).toBe(true);
  });
});
