// The comparison's subgraphs on plain node:http (no framework: they must stay cheap), each answering
// from a cache keyed by the request body: a body is executed once with graphql-js, then its JSON is
// served as is. Also a stand-in for the members service's event log, which our gateway follows.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphql, type GraphQLSchema } from 'graphql';
import { BENCH_SUBGRAPH_NAMES, type BenchSubgraphName, benchSubgraphSchema } from './bench-subgraphs.js';

/** Distinct bodies kept per subgraph: the benchmark sends a handful; a bound keeps a misbehaving client from growing memory. */
const MAX_CACHED_ANSWERS = 10_000;

export interface SubgraphCounters {
  /** GraphQL requests answered, per subgraph. */
  requests: Record<string, number>;
  /** Of which executed (not in the cache yet). */
  executed: Record<string, number>;
}

export interface RunningBenchSubgraphs {
  urls: Record<BenchSubgraphName, string>;
  /** A GraphQL URL whose `/events` beside it is an empty, live event log of members (our gateway's MEMBERS_URL). */
  membersUrl: string;
  /** Answers `GET <statsUrl>` with the counters, for the fetches-per-query figure. */
  statsUrl: string;
  counters: SubgraphCounters;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function execute(schema: GraphQLSchema, body: string): Promise<Buffer> {
  let request: { query?: string; variables?: Record<string, unknown>; operationName?: string };
  try {
    request = JSON.parse(body) as typeof request;
  } catch {
    return Buffer.from(JSON.stringify({ errors: [{ message: 'The body is not JSON.' }] }));
  }
  const result = await graphql({
    schema,
    source: request.query ?? '',
    variableValues: request.variables,
    operationName: request.operationName,
  });
  return Buffer.from(JSON.stringify(result));
}

/**
 * Idle keep-alive connections are kept a minute (node's default is 5 s): a gateway that reuses a
 * connection the server is closing at that instant gets "socket hang up", which would count against the
 * gateway for what is the subgraph's choice.
 */
const KEEP_ALIVE_MS = 60_000;

function listen(server: Server): Promise<number> {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function subgraphServer(name: BenchSubgraphName, counters: SubgraphCounters): Server {
  const schema = benchSubgraphSchema(name);
  const answers = new Map<string, Promise<Buffer>>();
  counters.requests[name] = 0;
  counters.executed[name] = 0;
  return createServer((req, res) => {
    if (req.method !== 'POST') {
      json(res, req.url === '/readyz' ? 200 : 404, { status: req.url === '/readyz' ? 'ok' : 'not found' });
      return;
    }
    void readBody(req).then(async (body) => {
      counters.requests[name] = (counters.requests[name] ?? 0) + 1;
      let answer = answers.get(body);
      if (!answer) {
        counters.executed[name] = (counters.executed[name] ?? 0) + 1;
        answer = execute(schema, body);
        if (answers.size < MAX_CACHED_ANSWERS) answers.set(body, answer);
      }
      const bytes = await answer;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
      res.end(bytes);
    });
  });
}

/**
 * Members' `GET /events` answering a live, empty log (held for the long poll's `wait` like the real
 * one), and the counters at `/stats`. Our gateway follows the log to refuse ended sessions.
 */
function membersStandIn(counters: SubgraphCounters): { server: Server; held: Set<NodeJS.Timeout> } {
  const held = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (url.pathname === '/events') {
      const waitSeconds = Math.min(30, Number(url.searchParams.get('wait') ?? 0) || 0);
      const timer = setTimeout(() => {
        held.delete(timer);
        json(res, 200, { producer: 'members', events: [] });
      }, waitSeconds * 1000);
      held.add(timer);
      res.on('close', () => {
        clearTimeout(timer);
        held.delete(timer);
      });
      return;
    }
    if (url.pathname === '/stats') return json(res, 200, counters);
    json(res, 404, { status: 'not found' });
  });
  return { server, held };
}

export async function startBenchSubgraphs(): Promise<RunningBenchSubgraphs> {
  const counters: SubgraphCounters = { requests: {}, executed: {} };
  const servers = BENCH_SUBGRAPH_NAMES.map((name) => ({ name, server: subgraphServer(name, counters) }));
  const members = membersStandIn(counters);
  const ports = await Promise.all([...servers.map(({ server }) => listen(server)), listen(members.server)]);
  const urls = Object.fromEntries(servers.map(({ name }, i) => [name, `http://127.0.0.1:${ports[i]}/graphql`])) as Record<BenchSubgraphName, string>;
  const membersPort = ports[ports.length - 1];
  return {
    urls,
    membersUrl: `http://127.0.0.1:${membersPort}/graphql`,
    statsUrl: `http://127.0.0.1:${membersPort}/stats`,
    counters,
    close: async () => {
      for (const timer of members.held) clearTimeout(timer);
      await Promise.all(
        [...servers.map(({ server }) => server), members.server].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
