import type { Server } from 'node:http';
import type { DynamicModule, INestApplication, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { NextFunction, Request, Response } from 'express';
import { graphql } from 'graphql';
import { countStatementsAsRequest } from '@pdn/database';
import { REQUEST_ID_HEADER } from '@pdn/identity';
import { requireSignedIdentity } from '@pdn/identity/nest';
import { requestIdFrom, type Logger } from '@pdn/logging';
import { histogram, LATENCY_BUCKETS, metricsHandler, secondsSince } from '@pdn/logging/metrics';
import { parseTraceparent, TRACEPARENT_HEADER } from '@pdn/logging/trace-context';
import { type Tracing, TRACING_OFF } from '@pdn/logging/tracing';

export interface SubgraphStartOptions {
  name: string;
  host: string;
  port: number;
  identitySigningKey: string;
  logger: Logger;
  /** Throws when the subgraph cannot serve (its database unreachable): drives GET /readyz. */
  readiness: () => Promise<void>;
  /** A SERVER span per request (but probes and scrapes), continuing the caller's `traceparent`; off when absent. */
  tracing?: Tracing;
}

export interface RunningSubgraph {
  app: INestApplication;
  /** http://host:port/graphql */
  url: string;
  close(): Promise<void>;
}

/** Nest's own log lines go to the process's pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

function requestLogging(logger: Logger, tracing: Tracing) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    // The caller's span (the gateway's fetch), when it sent a valid traceparent; none is invented.
    const trace = parseTraceparent(req.headers[TRACEPARENT_HEADER]);
    // The route label is read on arrival (it is one of a few fixed names); the logged path is read when
    // the answer is done, because handlers may scrub it on purpose (the private iCalendar feed replaces
    // its secret with {token}), and a router mounted at /graphql leaves its mount point in baseUrl.
    const route = routeLabel(req.path);
    // Traced, the request is a span of the caller's trace (or of a new one): its trace id is the one logged.
    const span = tracing.enabled && !UNTRACED_ROUTES.has(req.path) ? tracing.startSpan(spanName(req.method, req.path), { kind: 'server', parent: trace }) : undefined;
    const traceId = span?.trace.traceId ?? trace?.traceId;
    res.on('finish', () => {
      requestDuration.observe({ route, status: String(res.statusCode) }, secondsSince(started));
      const path = `${req.baseUrl}${req.path}`.replace(/(.)\/$/, '$1');
      logger.info(
        { requestId, traceId, spanId: trace?.spanId, method: req.method, path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    });
    if (span) {
      res.on('close', () => {
        const path = `${req.baseUrl}${req.path}`.replace(/(.)\/$/, '$1');
        span.setAttributes({ 'pdn.request_id': requestId, 'http.request.method': req.method, 'url.path': path, 'http.response.status_code': res.statusCode });
        span.end(res.statusCode >= 500 ? { error: `HTTP ${res.statusCode}` } : res.writableFinished ? {} : { error: 'aborted' });
      });
    }
    next();
  };
}

/** Probes and scrapes: many, and nothing to follow. */
const UNTRACED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/** A span name from a fixed set: paths may hold secrets (the private iCalendar feed's token) or ids. */
function spanName(method: string, path: string): string {
  if (path === '/graphql' || path === '/events') return `${method} ${path}`;
  if (path.startsWith('/ics/')) return `${method} /ics`;
  return `${method} ${path.startsWith('/internal/') ? '/internal' : 'other'}`;
}

const requestDuration = histogram({
  name: 'pdn_subgraph_http_request_duration_seconds',
  help: 'Duration of HTTP requests to the subgraph, by route and status',
  labelNames: ['route', 'status'] as const,
  buckets: LATENCY_BUCKETS,
});

const KNOWN_ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);
/** Paths are the client's choice: any other than the subgraph's own routes is `other`. */
function routeLabel(path: string): string {
  if (KNOWN_ROUTES.has(path)) return path;
  return path.startsWith('/internal/') ? '/internal' : 'other';
}

/**
 * Starts a NestJS federation subgraph the same way for every service: signed identity required on
 * /graphql, liveness at /healthz, readiness (database reachable) at /readyz, Prometheus metrics at
 * /metrics, one log line per request
 * with the gateway's request id and W3C trace id, and a close() that drains in-flight requests.
 */
export async function startSubgraph(appModule: Type<unknown> | DynamicModule, options: SubgraphStartOptions): Promise<RunningSubgraph> {
  const app = await NestFactory.create(appModule, { logger: new PinoNestLogger(options.logger), abortOnError: false });
  const http = app.getHttpAdapter().getInstance() as import('express').Express;
  http.disable('x-powered-by');
  app.use(requestLogging(options.logger, options.tracing ?? TRACING_OFF));
  http.get('/healthz', (_req: Request, res: Response) => {
    res.json({ status: 'ok', service: options.name });
  });
  http.get('/readyz', (_req: Request, res: Response) => {
    options
      .readiness()
      .then(() => res.json({ status: 'ready', service: options.name }))
      .catch((error: unknown) => {
        options.logger.warn({ err: error }, 'not ready');
        res.status(503).json({ status: 'unavailable', service: options.name });
      });
  });
  // Unsigned like /healthz: the scraper is the operator's, on the internal network.
  http.get('/metrics', metricsHandler());
  const inFlight = inFlightRequests();
  app.use('/graphql', inFlight.track);
  // Statements sent while answering count as `request` in pdn_db_statements_total, apart from the
  // background work (event consumers, event log) running at the same time.
  app.use('/graphql', (_req: Request, _res: Response, next: NextFunction) => countStatementsAsRequest(next));
  app.use('/graphql', requireSignedIdentity(options.identitySigningKey));
  await app.listen(options.port, options.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${options.host}:${address.port}/graphql`;
  options.logger.info({ url }, `${options.name} subgraph listening`);
  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    close: () => (closing ??= inFlight.drain(app.getHttpServer() as Server).then(() => app.close())),
  };
}

/** How long in-flight requests may take to finish once the subgraph is stopping. */
const DRAIN_GRACE_MS = 10_000;

/**
 * The GraphQL requests not answered yet. A stopping subgraph stops accepting connections, then waits
 * for them (at most DRAIN_GRACE_MS) before Nest's close(), which stops Apollo first and would fail a
 * request still being read. Long polls (`GET /events`) are not waited for: Nest's close ends them.
 */
function inFlightRequests() {
  const answers = new Set<Response>();
  let draining = false;
  let drained: (() => void) | undefined;
  return {
    track: (_req: Request, res: Response, next: NextFunction) => {
      // While draining, each answer closes its connection: no new request arrives on it afterwards.
      if (draining) res.setHeader('Connection', 'close');
      answers.add(res);
      res.on('close', () => {
        answers.delete(res);
        if (answers.size === 0) drained?.();
      });
      next();
    },
    drain: (server: Server): Promise<void> => {
      draining = true;
      server.close();
      for (const res of answers) if (!res.headersSent) res.setHeader('Connection', 'close');
      if (answers.size === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const deadline = setTimeout(resolve, DRAIN_GRACE_MS);
        drained = () => {
          clearTimeout(deadline);
          resolve();
        };
      });
    },
  };
}

/** The subgraph's federation SDL, from code: the app is initialised but never listens. */
export async function printSubgraphSdl(appModule: Type<unknown> | DynamicModule): Promise<string> {
  const app = await NestFactory.create(appModule, { logger: false, abortOnError: false });
  try {
    await app.init();
    const { schema } = app.get(GraphQLSchemaHost);
    const result = await graphql({ schema, source: '{ _service { sdl } }' });
    if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('\n'));
    return (result.data as { _service: { sdl: string } })._service.sdl;
  } finally {
    await app.close();
  }
}

/** Closes on SIGINT/SIGTERM once, then exits. */
export function closeOnSignals(close: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      close()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    });
  }
}
