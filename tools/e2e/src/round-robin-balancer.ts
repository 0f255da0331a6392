import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** One request the balancer handed to a backend, for tests to see where their traffic went. */
export interface ForwardedRequest {
  /** Index of the backend in the balancer's list. */
  backend: number;
  /** A plain HTTP request, or a WebSocket upgrade (a graphql-ws connection). */
  kind: 'http' | 'websocket';
  method: string;
  path: string;
  /** The first BODY_KEPT characters of its body (a GraphQL request names its fields there). */
  body: string;
  /** The backend's HTTP status, once it answered. */
  status?: number;
  /** Why the backend could not be reached or cut the exchange (then the caller got 502, or a cut connection). */
  failure?: string;
}

/** Enough of a body to find a GraphQL operation's fields and variables in it. */
const BODY_KEPT = 16_384;

/** Hop-by-hop headers: they describe one connection, and are not passed on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/** X-Forwarded-For with the address this hop saw appended, as load balancers do (TRUST_PROXY_HOPS counts them). */
function forwardedFor(request: IncomingMessage): string {
  const seen = request.socket.remoteAddress ?? 'unknown';
  const previous = request.headers['x-forwarded-for'];
  return previous ? `${Array.isArray(previous) ? previous.join(', ') : previous}, ${seen}` : seen;
}

/**
 * A load balancer of the test's own in front of replicas: every HTTP request goes to the next backend
 * in turn, whatever connection it came on (gateways and subgraphs keep connections alive, so
 * balancing per TCP connection would pin each caller to one replica). WebSocket upgrades are
 * balanced the same way and then piped both ways. It records where each request went.
 */
export class RoundRobinBalancer {
  private readonly log: ForwardedRequest[] = [];
  private turn = 0;
  private readonly agent = new Agent({ keepAlive: true });
  /** Both ends of every upgraded connection, cut on close. */
  private readonly tunnels = new Set<Duplex>();

  private constructor(
    readonly name: string,
    private readonly server: Server,
    readonly origin: string,
    private readonly backends: readonly URL[],
  ) {}

  /** Listens on a free port of 127.0.0.1 in front of `backends` (their origins, e.g. `http://127.0.0.1:4001`). */
  static async start(name: string, backends: readonly string[]): Promise<RoundRobinBalancer> {
    if (backends.length === 0) throw new Error(`${name}: a balancer needs at least one backend`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as { port: number };
    const balancer = new RoundRobinBalancer(name, server, `http://127.0.0.1:${port}`, backends.map((backend) => new URL(backend)));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => balancer.forward(request, response));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => balancer.tunnel(request, socket, head));
    return balancer;
  }

  /** The balanced GraphQL endpoint (what a gateway or another subgraph is given as the subgraph's URL). */
  get graphqlUrl(): string {
    return `${this.origin}/graphql`;
  }

  /** Everything forwarded so far, in arrival order. */
  get forwarded(): readonly ForwardedRequest[] {
    return this.log;
  }

  /** A position in the log: `forwardedSince(mark())` is what came after it. */
  mark(): number {
    return this.log.length;
  }

  forwardedSince(mark: number): readonly ForwardedRequest[] {
    return this.log.slice(mark);
  }

  /** Requests forwarded to each backend, by index. */
  get servedPerBackend(): number[] {
    const counts = this.backends.map(() => 0);
    for (const entry of this.log) counts[entry.backend]! += 1;
    return counts;
  }

  private next(kind: ForwardedRequest['kind'], request: IncomingMessage): { target: URL; entry: ForwardedRequest } {
    const backend = this.turn % this.backends.length;
    this.turn += 1;
    const entry: ForwardedRequest = { backend, kind, method: request.method ?? 'GET', path: request.url ?? '/', body: '' };
    this.log.push(entry);
    return { target: this.backends[backend]!, entry };
  }

  private forward(request: IncomingMessage, response: ServerResponse): void {
    const { target, entry } = this.next('http', request);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...endToEnd(request.headers), 'x-forwarded-for': forwardedFor(request) },
        agent: this.agent,
      },
      (answer) => {
        entry.status = answer.statusCode;
        response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
        answer.pipe(response);
        answer.once('error', () => response.destroy());
      },
    );
    // A backend that is down or cuts the connection: 502, as a real balancer answers.
    upstream.once('error', (error: Error) => {
      entry.failure = error.message;
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end(`${this.name}: backend ${entry.backend} unavailable\n`);
      else response.destroy();
    });
    // The caller left: the backend need not finish for nobody.
    response.once('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.on('data', (chunk: Buffer) => {
      if (entry.body.length < BODY_KEPT) entry.body += chunk.toString('utf8').slice(0, BODY_KEPT - entry.body.length);
    });
    request.pipe(upstream);
  }

  /** A WebSocket upgrade: the request line and headers replayed to the next backend, then bytes piped both ways. */
  private tunnel(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { target, entry } = this.next('websocket', request);
    const upstream: Socket = connect(Number(target.port), target.hostname);
    upstream.once('error', (error: Error) => (entry.failure ??= error.message));
    this.tunnels.add(socket).add(upstream);
    const cut = () => {
      socket.destroy();
      upstream.destroy();
      this.tunnels.delete(socket);
      this.tunnels.delete(upstream);
    };
    socket.once('error', cut).once('close', cut);
    upstream.once('error', cut).once('close', cut);
    upstream.once('connect', () => {
      const lines = [`${request.method} ${request.url} HTTP/1.1`];
      for (let i = 0; i < request.rawHeaders.length; i += 2) lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
  }

  /** Stops listening and cuts every connection, tunnels included. */
  async close(): Promise<void> {
    for (const end of this.tunnels) end.destroy();
    this.tunnels.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    this.agent.destroy();
    await closed;
  }
}
