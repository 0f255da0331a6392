import { Agent as HttpAgent, type IncomingMessage, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** What the gateway needs of a subgraph's answer: read once, whole, as text. */
export interface SubgraphExchange {
  status: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
  body: string;
}

/** The exchange did not complete: `timeout` (the deadline passed) or `unreachable` (refused, reset, DNS…). */
export class SubgraphExchangeError extends Error {
  constructor(
    readonly reason: 'timeout' | 'unreachable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = reason === 'timeout' ? 'TimeoutError' : 'SubgraphExchangeError';
  }
}

export interface SubgraphHttpClientOptions {
  url: string;
  /** Covers the whole exchange, body included: a subgraph that sends its headers then stalls is as unavailable. */
  timeoutMs: number;
  /**
   * An idle pooled connection is closed after this long, before the subgraph's own keep-alive timeout
   * (Node's default is 5 s) can close it under a request.
   */
  idleSocketMs?: number;
}

const DEFAULT_IDLE_SOCKET_MS = 4000;

/**
 * POSTs to one subgraph over a pool of keep-alive connections (node:http's Agent), with one timer per
 * exchange. Node's fetch (undici) costs far more per request: WHATWG streams, an AbortSignal, a Response
 * whose body Apollo would read again.
 */
export class SubgraphHttpClient {
  private readonly target: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly timeoutMs: number;

  constructor({ url, timeoutMs, idleSocketMs = DEFAULT_IDLE_SOCKET_MS }: SubgraphHttpClientOptions) {
    this.target = new URL(url);
    this.timeoutMs = timeoutMs;
    const https = this.target.protocol === 'https:';
    // `timeout` is the idle time after which a pooled socket is dropped; `lifo` keeps the warm ones busy.
    const agentOptions = { keepAlive: true, timeout: idleSocketMs, scheduling: 'lifo' as const };
    this.agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.send = https ? httpsRequest : httpRequest;
  }

  post(body: string, headers: Record<string, string>): Promise<SubgraphExchange> {
    const { target } = this;
    const options: RequestOptions = {
      agent: this.agent,
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname,
      port: target.port || undefined,
      path: target.pathname + target.search,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    };
    return new Promise<SubgraphExchange>((resolve, reject) => {
      let settled = false;
      const fail = (error: SubgraphExchangeError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const request = this.send(options, (response: IncomingMessage) => {
        response.setEncoding('utf8');
        let text = '';
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.once('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const cacheControl = response.headers['cache-control'];
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'],
            cacheControl: Array.isArray(cacheControl) ? cacheControl.join(', ') : cacheControl,
            body: text,
          });
        });
        response.on('error', (error) => fail(new SubgraphExchangeError('unreachable', error.message, { cause: error })));
        response.once('aborted', () => fail(new SubgraphExchangeError('unreachable', 'the subgraph closed the connection mid-answer')));
      });
      const timer = setTimeout(() => {
        const error = new SubgraphExchangeError('timeout', `no complete answer within ${this.timeoutMs} ms`);
        fail(error);
        request.destroy(error);
      }, this.timeoutMs);
      request.on('error', (error) => fail(new SubgraphExchangeError('unreachable', error.message, { cause: error })));
      request.end(body);
    });
  }

  /** Closes the pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}
